package org.multitag.model.platform;

import com.sun.jna.Function;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The OpenMP thread count of the calling thread, set in the OpenMP runtime that ND4J loaded (JavaCPP's copy of
 * {@code libgomp}, not the system's). ND4J's {@code Environment.setMaxThreads} bounds libnd4j's own loops but not
 * oneDNN's gemm, which takes {@code omp_get_max_threads()} of the thread that calls it; {@code omp_set_num_threads}
 * changes that value for the calling thread only. So two model threads of one OpenMP thread each run side by side,
 * instead of each spreading its gemms over every core and the two competing for them.
 *
 * <p>Linux only (the runtime is found in {@code /proc/self/maps}); elsewhere, or before ND4J has loaded, nothing is
 * changed and {@link #setForThisThread} says so.
 */
public final class OpenMpThreads {

    /** omp_set_num_threads and omp_get_max_threads, once found (looked for again while ND4J has not loaded). */
    private static volatile Function[] calls;

    private OpenMpThreads() {}

    /**
     * Sets the calling thread's OpenMP threads (what its next gemm uses).
     *
     * @return false when no OpenMP runtime is loaded in the process (nothing changed)
     */
    public static boolean setForThisThread(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, not " + threads);
        }
        Function[] f = calls();
        if (f == null) {
            return false;
        }
        f[0].invoke(new Object[] {threads});
        return true;
    }

    /** The calling thread's OpenMP threads ({@code omp_get_max_threads}); -1 when no runtime is loaded. */
    public static int forThisThread() {
        Function[] f = calls();
        return f == null ? -1 : f[1].invokeInt(new Object[0]);
    }

    private static Function[] calls() {
        Function[] f = calls;
        if (f == null) {
            Path gomp = mappedLibgomp();
            if (gomp == null) {
                return null;
            }
            try {
                f = new Function[] {Function.getFunction(gomp.toString(), "omp_set_num_threads"),
                    Function.getFunction(gomp.toString(), "omp_get_max_threads")};
            } catch (LinkageError e) {
                return null;
            }
            calls = f;
        }
        return f;
    }

    static Path mappedLibgomp() {
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/proc/self/maps"));
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return pickLibgomp(lines);
    }

    /** From the lines of a maps file: the libgomp in libnd4jcpu's folder, else the first libgomp; null if none. */
    static Path pickLibgomp(List<String> mapsLines) {
        List<Path> paths = mapsLines.stream().filter(l -> l.indexOf('/') >= 0)
                .map(l -> Path.of(l.substring(l.indexOf('/')).strip())).toList();
        Path nd4jDir = paths.stream().filter(p -> p.getFileName().toString().startsWith("libnd4jcpu"))
                .map(Path::getParent).findFirst().orElse(null);
        List<Path> gomps = paths.stream().filter(p -> p.getFileName().toString().startsWith("libgomp.so")).toList();
        return gomps.stream().filter(p -> p.getParent().equals(nd4jDir)).findFirst()
                .orElse(gomps.isEmpty() ? null : gomps.get(0));
    }
}
