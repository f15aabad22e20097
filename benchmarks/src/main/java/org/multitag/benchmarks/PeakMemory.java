package org.multitag.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Paths;

/**
 * The process's memory high-water marks, for a benchmark to print at the end of a trial: the resident set's peak
 * ({@code VmHWM} from /proc/self/status: Java heap, ND4J's native buffers and the JVM itself) and the Java heap
 * (used after a GC, committed, and the pools' peak usage).
 */
final class PeakMemory {

    private PeakMemory() {}

    /** One line, sizes in MB. */
    static String report() {
        System.gc();
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        long heapPeak = 0;
        for (var pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == java.lang.management.MemoryType.HEAP && pool.getPeakUsage() != null) {
                heapPeak += pool.getPeakUsage().getUsed();
            }
        }
        return String.format("peak RSS (VmHWM) %s, RSS now %s; Java heap used after GC %d MB, committed %d MB,"
                + " sum of heap pools' peaks %d MB", status("VmHWM"), status("VmRSS"), heap.getUsed() >> 20,
                heap.getCommitted() >> 20, heapPeak >> 20);
    }

    /** Another process's resident set ({@code VmRSS}) in kB, or null when unreadable (gone, or not Linux). */
    static Long rssKb(long pid) {
        return statusKb("/proc/" + pid + "/status", "VmRSS");
    }

    /** A field of /proc/self/status in MB, or "n/a" off Linux. */
    private static String status(String field) {
        Long kb = statusKb("/proc/self/status", field);
        return kb == null ? "n/a" : (kb >> 10) + " MB";
    }

    private static Long statusKb(String file, String field) {
        try {
            for (String line : Files.readAllLines(Paths.get(file))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall through
        }
        return null;
    }
}
