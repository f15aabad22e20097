package org.multitag.train.model;

import java.util.random.RandomGenerator;

/**
 * What one forward pass needs besides its input: the batch shape, the real length of each row (keys past it
 * are masked), and the mode. In training mode dropout draws its masks from {@code rng}, in the order the
 * blocks run, so a given seed gives the same masks every time.
 *
 * @param batch B
 * @param seqLen T, the padded length; rows are laid out {@code b·T + i}
 * @param lengths real length of each row (≥ 1)
 * @param training dropout on (true) or off (eval)
 * @param rng dropout's random source; may be null when not training
 */
public record Pass(int batch, int seqLen, int[] lengths, boolean training, RandomGenerator rng) {

    public Pass {
        if (lengths.length != batch) {
            throw new IllegalArgumentException(lengths.length + " lengths for a batch of " + batch);
        }
        if (training && rng == null) {
            throw new IllegalArgumentException("training mode needs a random generator for dropout");
        }
    }

    /** B·T, the number of token rows. */
    public int rows() {
        return batch * seqLen;
    }
}
