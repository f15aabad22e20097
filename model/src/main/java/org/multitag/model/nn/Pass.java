package org.multitag.model.nn;

import java.util.random.RandomGenerator;

/**
 * How a forward pass runs. Inference is the forward with nothing saved (scratch reused, memory flat); a pass for
 * backward saves what each block's backward needs; training also drops out, with masks drawn from the pass's
 * generator in the order the blocks run, so a given seed gives the same masks every time.
 */
public final class Pass {

    private static final Pass INFERENCE = new Pass(false, false, null);
    private static final Pass FOR_BACKWARD = new Pass(false, true, null);

    private final boolean training;
    private final boolean saves;
    private final RandomGenerator rng;

    private Pass(boolean training, boolean saves, RandomGenerator rng) {
        this.training = training;
        this.saves = saves;
        this.rng = rng;
    }

    /** Eval mode, nothing saved: the inference forward. */
    public static Pass inference() {
        return INFERENCE;
    }

    /** Eval mode (no dropout), saving what backward needs: gradients of the model as it predicts. */
    public static Pass forBackward() {
        return FOR_BACKWARD;
    }

    /**
     * Training mode: dropout on, masks drawn from {@code rng} (give each step its own seed, e.g. {@code new
     * SplittableRandom(seed + step)}, for reproducible runs), saving what backward needs.
     */
    public static Pass training(RandomGenerator rng) {
        if (rng == null) {
            throw new IllegalArgumentException("training mode needs a random generator for dropout");
        }
        return new Pass(true, true, rng);
    }

    /** Whether dropout is on. */
    public boolean training() {
        return training;
    }

    /** Whether the blocks keep what their backward needs. */
    public boolean saves() {
        return saves;
    }

    /** Dropout's random source (null outside training). */
    public RandomGenerator rng() {
        return rng;
    }
}
