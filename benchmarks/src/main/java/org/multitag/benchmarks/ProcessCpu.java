package org.multitag.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A process's CPU time (user + system, all its threads) from {@code /proc/PID/stat}. On a machine shared with other
 * jobs a server's throughput depends on the share of the cores it gets; the CPU time it spends per request does not,
 * so the serve benchmark reports both.
 */
final class ProcessCpu {

    /** Clock ticks per second of /proc's times ({@code getconf CLK_TCK}; 100 on Linux when that can't run). */
    private static final long TICKS = ticks();

    private ProcessCpu() {}

    /** CPU seconds used so far by process {@code pid} (0: this one), or null when unreadable. */
    static Double seconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + (pid == 0 ? "self" : Long.toString(pid)) + "/stat"),
                    StandardCharsets.US_ASCII);
            // The command name (field 2) may hold spaces and parentheses: count fields from the last ')'.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" +");
            long utime = Long.parseLong(f[11]);
            long stime = Long.parseLong(f[12]);
            return (double) (utime + stime) / TICKS;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static long ticks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (p.waitFor() == 0) {
                return Long.parseLong(s);
            }
        } catch (IOException | NumberFormatException e) {
            // fall through
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 100;
    }
}
