package org.multitag.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.multitag.model.kernels.ComputeSetting;
import org.multitag.model.kernels.KernelChoice;
import org.multitag.model.kernels.Kernels;
import org.multitag.model.kernels.Nd4jBackend;
import org.multitag.model.platform.Amx;
import org.multitag.model.platform.CpuFeatures;

/**
 * What this process computes on, as aligned "name  value" lines: the CPU and its flags, AMX, the ND4J backend and
 * device, the kernels and precision asked for and what they resolve to. The compute block of {@code multitag
 * --version} and the head of {@code multitag doctor}.
 */
final class ComputeReport {

    /** The environment variable the launcher reads to run the CUDA build. */
    static final String BACKEND_VARIABLE = "MULTITAG_BACKEND";

    private ComputeReport() {}

    /**
     * The lines for {@code setting}; resolving its precision enables AMX when bf16 may run (what building a model
     * would do). A kernel choice that cannot be built here is reported, not thrown.
     */
    static List<String> lines(ComputeSetting setting) {
        CpuFeatures cpu = CpuFeatures.detect();
        Nd4jBackend backend = Nd4jBackend.current();
        String precision = setting.precision().label() + " -> " + setting.resolvedPrecision().label();
        List<String> out = new ArrayList<>();
        out.add(line("CPU", cpu.model() + " (" + Runtime.getRuntime().availableProcessors() + " cores)"));
        out.add(line("CPU flags", cpu.describeFlags()));
        out.add(line("AMX", amx()));
        out.add(line("ND4J", backend.className() + " " + backend.version()));
        out.add(line("device", backend.device()));
        out.add(line("kernels", kernels(setting)));
        out.add(line("precision", precision));
        String asked = System.getenv(BACKEND_VARIABLE);
        out.add(line("backend asked", asked == null || asked.isBlank() ? "default (" + BACKEND_VARIABLE + " unset)"
                : BACKEND_VARIABLE + "=" + asked));
        return out;
    }

    /** One report line: the name padded to a column. */
    static String line(String name, String value) {
        return String.format(Locale.ROOT, "%-14s %s", name, value);
    }

    private static String amx() {
        Amx.Status s = Amx.current();
        String state = s == null ? "not requested (precision needs no bf16)"
                : (s.enabled() ? "enabled: " : "not enabled: ") + s.detail();
        return state + "; tile permission " + Amx.permission();
    }

    private static String kernels(ComputeSetting setting) {
        KernelChoice k = setting.resolvedKernels();
        String impl = k == KernelChoice.JAVA ? (Kernels.vectorized() ? " (Vector API)" : " (scalar)") : "";
        return setting.kernels().label() + " -> " + k.label() + impl;
    }
}
