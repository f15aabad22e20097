package org.multitag.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;

/** What the benchmark reports say about the machine they ran on. */
final class Machine {

    private Machine() {}

    /** The output of {@code nproc}, or the JVM's processor count when it can't run. */
    static String nproc() {
        try {
            Process p = new ProcessBuilder("nproc").redirectErrorStream(true).start();
            String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor() == 0 && !s.isEmpty()) {
                return s;
            }
        } catch (IOException e) {
            // fall through
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Runtime.getRuntime().availableProcessors() + " (availableProcessors)";
    }

    /**
     * The CPU's model name from /proc/cpuinfo, with "(AVX-512)" or "(no AVX-512)" appended when {@code withAvx512}
     * (the encoder's gemm and kernels depend on it); "unknown" when unreadable.
     */
    static String cpuModel(boolean withAvx512) {
        try {
            String model = null;
            Boolean avx512 = null;
            for (String line : Files.readAllLines(Paths.get("/proc/cpuinfo"))) {
                if (model == null && line.startsWith("model name")) {
                    model = line.substring(line.indexOf(':') + 1).trim();
                }
                if (avx512 == null && line.startsWith("flags")) {
                    avx512 = (" " + line.substring(line.indexOf(':') + 1) + " ").contains(" avx512f ");
                }
            }
            if (model != null) {
                return !withAvx512 || avx512 == null ? model : model + (avx512 ? " (AVX-512)" : " (no AVX-512)");
            }
        } catch (IOException e) {
            // fall through
        }
        return "unknown";
    }

    /**
     * Which of the flags bf16 speed depends on /proc/cpuinfo lists: {@code avx512_bf16} (oneDNN's bf16 jit gemm),
     * {@code amx_bf16} and {@code amx_tile} (the AMX tiles), e.g. "avx512_bf16 yes, amx_bf16 no, amx_tile no".
     */
    static String bf16Flags() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/cpuinfo"))) {
                if (line.startsWith("flags")) {
                    String flags = " " + line.substring(line.indexOf(':') + 1) + " ";
                    StringBuilder sb = new StringBuilder();
                    for (String f : new String[] {"avx512_bf16", "amx_bf16", "amx_tile"}) {
                        sb.append(sb.length() == 0 ? "" : ", ").append(f)
                                .append(flags.contains(" " + f + " ") ? " yes" : " no");
                    }
                    return sb.toString();
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return "unknown";
    }
}
