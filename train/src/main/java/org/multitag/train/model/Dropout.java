package org.multitag.train.model;

import java.nio.FloatBuffer;
import org.multitag.model.Parallel;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Inverted dropout, in place: in training each element is kept with probability {@code 1 − rate} and scaled
 * by {@code 1/(1 − rate)}, as torch's {@code nn.Dropout}; in eval it does nothing. The keep mask is saved
 * for backward (one byte per element, grown once to the largest size seen).
 */
final class Dropout {

    final float rate;
    private final float scale;
    private byte[] keep = new byte[0];
    private int n;
    private boolean active;

    Dropout(double rate) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("dropout rate must be in [0, 1), not " + rate);
        }
        this.rate = (float) rate;
        this.scale = (float) (1 / (1 - rate));
    }

    /** {@code x = x ⊙ keep / (1 − rate)} in training; draws the mask from {@code pass.rng()}. */
    void forward(INDArray x, Pass pass, Parallel par) {
        active = pass.training() && rate > 0;
        if (!active) {
            return;
        }
        n = (int) x.length();
        if (keep.length < n) {
            keep = new byte[n];
        }
        var rng = pass.rng();
        for (int i = 0; i < n; i++) {
            keep[i] = rng.nextDouble() >= rate ? (byte) 1 : 0;
        }
        apply(F32.buf(x), par);
    }

    /** {@code dx = dx ⊙ keep / (1 − rate)}, in place, with the mask of the last forward. */
    void backward(INDArray dx, Parallel par) {
        if (active) {
            if (dx.length() != n) {
                throw new IllegalStateException("dropout backward over " + dx.length() + " elements, forward had " + n);
            }
            apply(F32.buf(dx), par);
        }
    }

    private void apply(FloatBuffer v, Parallel par) {
        byte[] k = keep;
        float s = scale;
        par.range(n, 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                v.put(i, k[i] != 0 ? v.get(i) * s : 0f);
            }
        });
    }

    /** Whether the last forward dropped anything (training with a positive rate). */
    boolean active() {
        return active;
    }

    /** The keep mask of the last forward (1 = kept), for tests; null when inactive. */
    byte[] mask() {
        return active ? java.util.Arrays.copyOf(keep, n) : null;
    }
}
