package org.multitag.train.loop;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line progress bar on a terminal stream: {@code [#####.....] step 120/800 loss 0.2134 1,850 tok/s ETA
 * 4m12s}, redrawn in place with a carriage return at most every {@code minIntervalMillis}; when the stream is
 * not a terminal (a log file), it prints a plain line every {@code plainEvery} steps instead.
 */
final class ProgressBar {

    private final PrintStream out;
    private final long total;
    private final boolean terminal;
    private final long minIntervalNanos;
    private final long plainEvery;
    private final long startNanos = System.nanoTime();
    private final long startStep;
    private long lastDraw;
    private long tokens;
    private boolean open;

    /**
     * @param startStep the step this process starts from (after a resume), so speed and ETA count only the
     *     steps run here
     */
    public ProgressBar(PrintStream out, long totalSteps, boolean terminal, long minIntervalMillis, long plainEvery,
            long startStep) {
        this.startStep = startStep;
        this.out = out;
        this.total = Math.max(1, totalSteps);
        this.terminal = terminal;
        this.minIntervalNanos = minIntervalMillis * 1_000_000L;
        this.plainEvery = Math.max(1, plainEvery);
    }

    /** Records a finished step ({@code stepTokens} real tokens) and redraws when due. */
    public void step(long step, double loss, long stepTokens) {
        tokens += stepTokens;
        long now = System.nanoTime();
        boolean last = step >= total;
        if (terminal) {
            if (now - lastDraw < minIntervalNanos && !last) {
                return;
            }
            lastDraw = now;
            out.print("\r" + line(step, loss, now) + (last ? "\n" : ""));
            open = !last;
        } else if (step % plainEvery == 0 || last) {
            out.println(line(step, loss, now));
        }
        out.flush();
    }

    /** Ends a bar drawn in place, so the next message starts on its own line. */
    public void endLine() {
        if (open) {
            out.println();
            open = false;
        }
    }

    String line(long step, double loss, long now) {
        double secs = Math.max(1e-9, (now - startNanos) / 1e9);
        int width = 24;
        int filled = (int) Math.min(width, width * step / total);
        double eta = secs / Math.max(1, step - startStep) * (total - step);
        return String.format(Locale.ROOT, "[%s%s] step %d/%d loss %.4f %,.0f tok/s ETA %s", "#".repeat(filled),
                ".".repeat(width - filled), step, total, loss, tokens / secs, duration(eta));
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60);
        }
        return s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
