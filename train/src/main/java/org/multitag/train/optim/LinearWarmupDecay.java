package org.multitag.train.optim;

/**
 * The learning rate of Hugging Face's {@code get_linear_schedule_with_warmup}: the multiplier rises linearly
 * from 0 to 1 over the warmup steps, then falls linearly to 0 at the last step.
 * <pre>
 *   multiplier(s) = s / max(1, warmup)                                  for s &lt; warmup
 *                 = max(0, (total − s) / max(1, total − warmup))        otherwise
 *   lr(s)         = baseLr · multiplier(s)
 * </pre>
 * {@code s} is the number of optimizer steps already taken, as torch's {@code LambdaLR} counts it: the Trainer
 * calls {@code optimizer.step()} and then {@code scheduler.step()}, so the first update uses {@code lr(0)},
 * which is 0 when there is a warmup (its moments still take that step's gradient). Pass
 * {@link AdamW#steps()} before calling {@link AdamW#step}.
 */
public final class LinearWarmupDecay {

    private final double baseLr;
    private final long warmupSteps;
    private final long totalSteps;

    /**
     * @param baseLr the peak learning rate
     * @param warmupSteps steps of linear warmup, {@code >= 0}
     * @param totalSteps optimizer steps of the whole run, {@code >= 0}
     */
    public LinearWarmupDecay(double baseLr, long warmupSteps, long totalSteps) {
        if (!(baseLr >= 0) || warmupSteps < 0 || totalSteps < 0) {
            throw new IllegalArgumentException("need baseLr >= 0, warmupSteps >= 0, totalSteps >= 0; got "
                    + baseLr + ", " + warmupSteps + ", " + totalSteps);
        }
        this.baseLr = baseLr;
        this.warmupSteps = warmupSteps;
        this.totalSteps = totalSteps;
    }

    /** A schedule whose warmup is {@link #warmupSteps(double, long) warmupSteps(warmupRatio, totalSteps)}. */
    public static LinearWarmupDecay withRatio(double baseLr, double warmupRatio, long totalSteps) {
        return new LinearWarmupDecay(baseLr, warmupSteps(warmupRatio, totalSteps), totalSteps);
    }

    /**
     * Warmup steps from a ratio as {@code TrainingArguments.get_warmup_steps} computes them:
     * {@code ceil(totalSteps · ratio)} in double. The product is not rounded first, so e.g. 0.07 of 100 steps
     * is {@code ceil(7.000000000000001)} = 8 steps, as in Hugging Face.
     */
    public static long warmupSteps(double warmupRatio, long totalSteps) {
        if (!(warmupRatio >= 0 && warmupRatio <= 1)) {
            throw new IllegalArgumentException("warmup ratio must lie in [0, 1], not " + warmupRatio);
        }
        return (long) Math.ceil(totalSteps * warmupRatio);
    }

    /** The multiplier of the base learning rate after {@code step} optimizer steps. */
    public double multiplier(long step) {
        if (step < warmupSteps) {
            return (double) step / Math.max(1, warmupSteps);
        }
        return Math.max(0.0, (double) (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
    }

    /** The learning rate for the update that follows {@code step} completed steps. */
    public double lr(long step) {
        return baseLr * multiplier(step);
    }

    public double baseLr() {
        return baseLr;
    }

    public long warmupSteps() {
        return warmupSteps;
    }

    public long totalSteps() {
        return totalSteps;
    }
}
