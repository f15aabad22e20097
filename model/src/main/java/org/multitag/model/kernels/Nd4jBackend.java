package org.multitag.model.kernels;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.nd4j.linalg.api.environment.Nd4jEnvironment;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The ND4J backend this process loaded and the devices it computes on: for a report ({@code multitag doctor},
 * {@code --version}) and for checking that a CUDA run really has a GPU.
 *
 * @param className the backend's class ({@code org.nd4j.linalg.cpu.nativecpu.CpuBackend} for {@code nd4j-native})
 * @param version nd4j-api's version from its Maven metadata ("unknown" when absent)
 * @param cpu whether it is the CPU backend (arrays in host memory)
 * @param devices the GPUs ND4J sees (empty on the CPU backend), as "name, N MiB"
 */
public record Nd4jBackend(String className, String version, boolean cpu, List<String> devices) {

    /** The backend of this process (loads ND4J). */
    public static Nd4jBackend current() {
        boolean cpu = ComputeSetting.cpuBackend();
        return new Nd4jBackend(Nd4j.getBackend().getClass().getName(), apiVersion(), cpu,
                cpu ? List.of() : gpus(Nd4j.getExecutioner().getEnvironmentInformation()));
    }

    /** Whether the backend is ND4J's CUDA one ({@code nd4j-cuda-*}). */
    public boolean cuda() {
        return className.toLowerCase(java.util.Locale.ROOT).contains("cuda")
                || className.contains(".jcublas.");
    }

    /** "host" on the CPU backend, else the devices (or "no device visible"). */
    public String device() {
        if (cpu) {
            return "host";
        }
        return devices.isEmpty() ? "no device visible" : String.join("; ", devices);
    }

    /** ND4J's own description of its devices (CUDA: a list of maps per device). */
    static List<String> gpus(Properties env) {
        List<String> out = new ArrayList<>();
        if (env.get(Nd4jEnvironment.CUDA_DEVICE_INFORMATION_KEY) instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> m) {
                    Object name = m.get(Nd4jEnvironment.CUDA_DEVICE_NAME_KEY);
                    Object total = m.get(Nd4jEnvironment.CUDA_TOTAL_MEMORY_KEY);
                    out.add(name + (total instanceof Number n ? ", " + n.longValue() / (1024 * 1024) + " MiB" : ""));
                }
            }
        }
        return out;
    }

    private static String apiVersion() {
        Properties p = new Properties();
        try (InputStream in = Nd4j.class.getResourceAsStream("/META-INF/maven/org.nd4j/nd4j-api/pom.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        return p.getProperty("version", "unknown");
    }
}
