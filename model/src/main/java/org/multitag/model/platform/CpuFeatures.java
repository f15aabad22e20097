package org.multitag.model.platform;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The CPU extensions that decide how the matrix products can run: AVX2, AVX-512, AVX512-BF16 (bfloat16 dot products
 * on AVX-512 registers) and Intel AMX (tile registers with bfloat16 products), as Linux reports them in {@code
 * /proc/cpuinfo}. Elsewhere (another OS or architecture, or an unreadable file) every flag is false and {@link
 * #known()} says so.
 *
 * @param known whether the flags were read (Linux on x86-64)
 * @param model the CPU's model name ("unknown" when not read)
 */
public record CpuFeatures(boolean known, String model, boolean avx2, boolean avx512f, boolean avx512Bf16,
        boolean amxTile, boolean amxBf16) {

    /** The {@code /proc/cpuinfo} flag names, in the order {@link #flags()} lists them. */
    public static final List<String> FLAG_NAMES = List.of("avx2", "avx512f", "avx512_bf16", "amx_tile", "amx_bf16");

    private static volatile CpuFeatures detected;

    /** This machine's features, read once per process. */
    public static CpuFeatures detect() {
        CpuFeatures d = detected;
        if (d == null) {
            d = read();
            detected = d;
        }
        return d;
    }

    private static CpuFeatures read() {
        if (!linuxX86()) {
            return unknown();
        }
        try {
            return parse(Files.readString(Path.of("/proc/cpuinfo"), StandardCharsets.ISO_8859_1));
        } catch (IOException | SecurityException e) {
            return unknown();
        }
    }

    /** Whether this JVM runs on Linux on x86-64, the one platform whose flags and AMX steps are known here. */
    public static boolean linuxX86() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return os.startsWith("linux") && (arch.equals("amd64") || arch.equals("x86_64"));
    }

    /** Nothing known: another platform. */
    public static CpuFeatures unknown() {
        return new CpuFeatures(false, "unknown", false, false, false, false, false);
    }

    /**
     * The features in the text of a {@code /proc/cpuinfo}: the first processor's {@code model name} and {@code
     * flags} lines (every core of one machine reports the same). A text without a flags line gives {@link #unknown()}.
     */
    public static CpuFeatures parse(String cpuinfo) {
        String model = null;
        Set<String> flags = null;
        for (String line : cpuinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (model == null && key.equals("model name")) {
                model = value;
            } else if (flags == null && key.equals("flags")) {
                flags = Set.of(value.split("\\s+"));
            }
        }
        if (flags == null) {
            return unknown();
        }
        return new CpuFeatures(true, model == null || model.isEmpty() ? "unknown" : model, flags.contains("avx2"),
                flags.contains("avx512f"), flags.contains("avx512_bf16"), flags.contains("amx_tile"),
                flags.contains("amx_bf16"));
    }

    /** Whether the CPU has AMX tiles with bfloat16 products, what oneDNN's fast bf16 path needs. */
    public boolean hasAmx() {
        return amxTile && amxBf16;
    }

    /** The flags of {@link #FLAG_NAMES} this CPU has, in that order. */
    public List<String> flags() {
        boolean[] has = {avx2, avx512f, avx512Bf16, amxTile, amxBf16};
        List<String> out = new ArrayList<>();
        for (int i = 0; i < has.length; i++) {
            if (has[i]) {
                out.add(FLAG_NAMES.get(i));
            }
        }
        return out;
    }

    /** Every flag of {@link #FLAG_NAMES} with yes/no, or "unknown" when nothing was read: one line for a report. */
    public String describeFlags() {
        if (!known) {
            return "unknown (not Linux on x86-64, or /proc/cpuinfo unreadable)";
        }
        List<String> has = flags();
        List<String> parts = new ArrayList<>();
        for (String f : FLAG_NAMES) {
            parts.add(f + (has.contains(f) ? " yes" : " no"));
        }
        return String.join(", ", parts);
    }
}
