package org.multitag.model.nn;

import org.multitag.model.kernels.DropoutMask;
import org.multitag.model.kernels.Kernels;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Inverted dropout, as torch's {@code nn.Dropout}: in training each element is kept with probability {@code 1 −
 * rate} and scaled by {@code 1/(1 − rate)}; in eval it does nothing. Each active forward takes one {@code long} from
 * the pass's generator as this site's seed and keeps the mask for backward (see {@link Kernels#dropoutMask}).
 */
final class Dropout {

    final float rate;
    private DropoutMask mask;
    private boolean active;

    Dropout(double rate) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("dropout rate must be in [0, 1), not " + rate);
        }
        this.rate = (float) rate;
    }

    /**
     * Draws this pass's mask over {@code count} elements without applying it (for a caller that applies it itself,
     * like the attention kernel): the mask, or null when inactive (eval, or rate 0).
     */
    DropoutMask sample(int count, Pass pass, Kernels k) {
        active = pass.training() && rate > 0;
        if (!active) {
            return null;
        }
        mask = k.dropoutMask(mask, pass.rng().nextLong(), rate, count);
        return mask;
    }

    /** {@code x = x ⊙ keep / (1 − rate)} in place, in training. */
    void forward(INDArray x, Pass pass, Kernels k) {
        if (sample((int) x.length(), pass, k) != null) {
            k.dropout(x, mask, x);
        }
    }

    /** {@code dx = dy ⊙ keep / (1 − rate)} with the last forward's mask (a copy when inactive); dx may be dy. */
    void backward(INDArray dy, INDArray dx, Kernels k) {
        if (!active) {
            if (dx != dy) {
                dx.assign(dy);
            }
            return;
        }
        if (dy.length() != mask.size() || dx.length() != mask.size()) {
            throw new IllegalStateException("dropout backward over " + dy.length() + " elements, forward had "
                    + mask.size());
        }
        k.dropout(dy, mask, dx);
    }

    /** Whether the last forward dropped anything (training with a positive rate). */
    boolean active() {
        return active;
    }

    /** The last forward's mask, or null when inactive. */
    DropoutMask mask() {
        return active ? mask : null;
    }
}
