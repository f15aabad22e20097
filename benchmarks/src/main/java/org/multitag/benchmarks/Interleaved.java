package org.multitag.benchmarks;

import java.util.Arrays;

/**
 * Timing of a few variants of one workload on a shared machine: rounds in which each variant runs once in turn, so
 * load from other processes falls on all of them alike, and the median per variant (ratios of these are what a
 * busy machine can still measure).
 */
final class Interleaved {

    private Interleaved() {}

    /**
     * The median milliseconds of each task over {@code rounds} rounds (after 2 untimed warm-up rounds), a task's
     * time in a round divided by {@code calls}, the calls it makes per round.
     */
    static double[] medians(int rounds, int calls, Runnable... tasks) {
        double[][] ms = new double[tasks.length][rounds];
        for (int r = -2; r < rounds; r++) {
            for (int i = 0; i < tasks.length; i++) {
                long t0 = System.nanoTime();
                tasks[i].run();
                if (r >= 0) {
                    ms[i][r] = (System.nanoTime() - t0) / 1e6 / calls;
                }
            }
        }
        double[] out = new double[tasks.length];
        for (int i = 0; i < tasks.length; i++) {
            Arrays.sort(ms[i]);
            out[i] = ms[i][rounds / 2];
        }
        return out;
    }
}
