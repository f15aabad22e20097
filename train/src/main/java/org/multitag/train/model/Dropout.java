package org.multitag.train.model;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import org.multitag.model.NativeArrays;
import org.multitag.model.Parallel;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Inverted dropout, in place: in training each element is kept with probability {@code 1 − rate} and scaled
 * by {@code 1/(1 − rate)}, as torch's {@code nn.Dropout}; in eval it does nothing. The keep mask is saved
 * for backward (one boolean per element, grown once to the largest size seen).
 *
 * <p>Each forward takes one {@code long} from the pass's generator as this site's seed; element {@code i} is
 * kept when the {@code i}-th {@code nextDouble()} of {@code new SplittableRandom(seed)} is at least the rate.
 * That draw is a function of {@code (seed, i)} alone (SplitMix64: the {@code i}-th output is a mix of
 * {@code seed + (i + 1)·γ}), so the mask is computed in parallel and still the same for a given seed
 * whatever the thread count.
 */
final class Dropout {

    /** SplittableRandom's increment for a generator made from a seed (the golden ratio, odd). */
    private static final long GAMMA = 0x9e3779b97f4a7c15L;

    final float rate;
    private final float scale;
    private final long threshold; // keep when the draw's top 53 bits are at least this: nextDouble() >= rate
    private boolean[] keep = new boolean[0];
    private int n;
    private boolean active;

    Dropout(double rate) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalArgumentException("dropout rate must be in [0, 1), not " + rate);
        }
        this.rate = (float) rate;
        this.scale = (float) (1 / (1 - rate));
        this.threshold = (long) Math.ceil(rate * 0x1p53);
    }

    /** {@code x = x ⊙ keep / (1 − rate)} in training; draws the mask from {@code pass.rng()}. */
    void forward(INDArray x, Pass pass, Parallel par) {
        if (sample((int) x.length(), pass, par) != null) {
            apply(x, x, par);
        }
    }

    /**
     * Draws the mask of {@code count} elements for this pass without applying it (for a caller that applies it
     * itself, like the attention kernels): the keep flags, or null when inactive (eval or rate 0).
     */
    boolean[] sample(int count, Pass pass, Parallel par) {
        active = pass.training() && rate > 0;
        if (!active) {
            return null;
        }
        n = count;
        if (keep.length < n) {
            keep = new boolean[n];
        }
        long seed = pass.rng().nextLong();
        boolean[] k = keep;
        long th = threshold;
        if (Elementwise.VECTOR) {
            par.range(n, 2, (from, to) -> VectorRows.keepFlags(k, seed, GAMMA, th, from, to));
            return keep;
        }
        par.range(n, 4, (from, to) -> {
            long z = seed + (from + 1L) * GAMMA;
            for (int i = from; i < to; i++, z += GAMMA) {
                k[i] = (mix64(z) >>> 11) >= th;
            }
        });
        return keep;
    }

    /** SplitMix64's output function (Stafford's variant 13), as SplittableRandom.nextLong applies it. */
    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /**
     * {@code dx = dy ⊙ keep / (1 − rate)} with the mask of the last forward (a copy when inactive); dx may be dy,
     * which makes it in place.
     */
    void backward(INDArray dy, INDArray dx, Parallel par) {
        if (!active) {
            if (dx != dy) {
                dx.assign(dy);
            }
            return;
        }
        if (dy.length() != n || dx.length() != n) {
            throw new IllegalStateException("dropout backward over " + dy.length() + " elements, forward had " + n);
        }
        apply(dy, dx, par);
    }

    private void apply(INDArray in, INDArray out, Parallel par) {
        boolean[] k = keep;
        float s = scale;
        if (Elementwise.VECTOR) {
            ByteBuffer src = NativeArrays.bytes(in);
            ByteBuffer dst = NativeArrays.bytes(out);
            par.range(n, 2, (from, to) -> VectorRows.dropout(src, dst, k, s, from, to));
            return;
        }
        FloatBuffer src = F32.buf(in);
        FloatBuffer dst = F32.buf(out);
        par.range(n, 2, (from, to) -> {
            for (int i = from; i < to; i++) {
                dst.put(i, k[i] ? src.get(i) * s : 0f);
            }
        });
    }

    /** 1/(1 − rate), the factor of kept elements. */
    float scale() {
        return scale;
    }

    /** Whether the last forward dropped anything (training with a positive rate). */
    boolean active() {
        return active;
    }

    /** The keep mask of the last forward (1 = kept), for tests; null when inactive. */
    byte[] mask() {
        if (!active) {
            return null;
        }
        byte[] m = new byte[n];
        for (int i = 0; i < n; i++) {
            m[i] = keep[i] ? (byte) 1 : 0;
        }
        return m;
    }
}
