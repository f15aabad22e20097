package org.multitag.train.model;

import java.nio.FloatBuffer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link AttentionKernels} with the Java Vector API, for head sizes that are a multiple of the vector length.
 * Each (row, head) pair copies its keys, values and queries from the native projection into heap arrays
 * (bulk copies), keys zero-padded to whole vectors ({@code kp} of them), and computes there.
 *
 * <p>As in {@code VectorKernels}: no method takes or returns a vector (C2 only keeps vectors in registers when
 * everything is inlined), and sums run lane-wise and then over the lanes in a fixed order, so the results are
 * the same in every JIT tier and for every thread count.
 */
final class VectorAttention {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorAttention() {}

    static void forward(FloatBuffer qkv, AttentionKernels.Shape s, float scale, boolean[] keep, float dropScale,
            FloatBuffer probs, FloatBuffer merged, int from, int to) {
        int t = s.t();
        int d = s.d();
        int hd = s.hidden();
        int cols = 3 * hd;
        int tp = VectorMath.padded(t);
        float[] kT = new float[d * tp]; // [d, kp]: this head's keys, transposed
        float[] tmp = new float[tp * d];
        float[] v = new float[tp * d];  // [kp, d]: its values
        float[] q = new float[2 * d];
        float[] rows = new float[2 * tp]; // a pair of queries' scores, then probabilities, at 0 and tp
        float[] ctx = new float[2 * d];
        float[] lanes = new float[L];
        for (int task = from; task < to; task++) {
            int b = task / s.heads();
            int head = task % s.heads();
            int len = s.lengths()[b];
            int kp = VectorMath.padded(len);
            int q0 = b * t * cols + head * d;
            loadTransposed(qkv, q0 + hd, cols, len, kp, d, tmp, kT);
            java.util.Arrays.fill(v, 0f);
            for (int j = 0; j < len; j++) {
                qkv.get(q0 + 2 * hd + j * cols, v, j * d, d);
            }
            int i = 0;
            // two queries at a time: each key and value vector loaded serves both
            for (; i + 1 < t; i += 2) {
                qkv.get(q0 + i * cols, q, 0, d);
                qkv.get(q0 + (i + 1) * cols, q, d, d);
                VectorProducts.scoresPair(q, 0, kT, rows, 0, rows, tp, d, kp, scale);
                for (int k = 0; k < 2; k++) {
                    probabilities(rows, k * tp, len, kp, t, s.probsRow(b, head, i + k), probs, keep, dropScale, lanes);
                }
                VectorProducts.contextPair(rows, 0, tp, v, len, d, 1f, ctx);
                merged.put((b * t + i) * hd + head * d, ctx, 0, d);
                merged.put((b * t + i + 1) * hd + head * d, ctx, d, d);
            }
            if (i < t) {
                qkv.get(q0 + i * cols, q, 0, d);
                VectorProducts.scores(q, 0, kT, rows, d, kp, scale);
                probabilities(rows, 0, len, kp, t, s.probsRow(b, head, i), probs, keep, dropScale, lanes);
                VectorProducts.context(rows, v, len, d, 1f, ctx, 0);
                merged.put((b * t + i) * hd + head * d, ctx, 0, d);
            }
        }
    }

    /**
     * Scores {@code row[ro, ro + kp)} → probabilities: softmax over the {@code len} real keys, saved as the
     * T entries of {@code probs} row {@code pr} (0 past len), then dropped in place for the context.
     */
    private static void probabilities(float[] row, int ro, int len, int kp, int t, int pr, FloatBuffer probs,
            boolean[] keep, float dropScale, float[] lanes) {
        VectorMath.softmax(row, ro, len, kp, lanes);
        java.util.Arrays.fill(row, ro + kp, ro + VectorMath.padded(t), 0f);
        probs.put(pr, row, ro, t);
        if (keep != null) {
            dropout(row, ro, row, ro, keep, pr, len, dropScale);
        }
    }

    static void backward(FloatBuffer qkv, FloatBuffer probs, AttentionKernels.Shape s, float scale, boolean[] keep,
            float dropScale, FloatBuffer dMerged, FloatBuffer dqkv, int from, int to) {
        int t = s.t();
        int d = s.d();
        int hd = s.hidden();
        int cols = 3 * hd;
        int tp = VectorMath.padded(t);
        float[] k = new float[tp * d];   // [kp, d]
        float[] vT = new float[d * tp];  // [d, kp]
        float[] tmp = new float[tp * d];
        float[] q = new float[t * d];    // [T, d]
        float[] g = new float[t * d];    // [T, d]: dctx
        float[] ds = new float[t * tp];  // [T, kp]
        float[] pd = new float[t * tp];  // [T, kp]: the dropped probabilities
        float[] p = new float[tp];
        float[] dq = new float[2 * d];
        float[] dk = new float[tp * d];
        float[] dv = new float[tp * d];
        float[] lanes = new float[L];
        for (int task = from; task < to; task++) {
            int b = task / s.heads();
            int head = task % s.heads();
            int len = s.lengths()[b];
            int kp = VectorMath.padded(len);
            int q0 = b * t * cols + head * d;
            int g0 = b * t * hd + head * d;
            java.util.Arrays.fill(k, 0f);
            for (int j = 0; j < len; j++) {
                qkv.get(q0 + hd + j * cols, k, j * d, d);
            }
            loadTransposed(qkv, q0 + 2 * hd, cols, len, kp, d, tmp, vT);
            for (int i = 0; i < t; i++) {
                qkv.get(q0 + i * cols, q, i * d, d);
                dMerged.get(g0 + i * hd, g, i * d, d);
            }
            int i = 0;
            for (; i + 1 < t; i += 2) { // d(pd) = dctx · vᵀ, two queries at a time, into ds for now
                VectorProducts.scoresPair(g, i * d, vT, ds, i * kp, ds, (i + 1) * kp, d, kp, 1f);
            }
            if (i < t) {
                VectorProducts.scores(g, i * d, vT, ds, i * kp, d, kp, 1f);
            }
            for (i = 0; i < t; i++) {
                int pr = s.probsRow(b, head, i);
                int o = i * kp;
                probs.get(pr, p, 0, len);
                java.util.Arrays.fill(p, len, kp, 0f);
                if (keep == null) {
                    System.arraycopy(p, 0, pd, o, kp);
                } else {
                    dropout(ds, o, ds, o, keep, pr, len, dropScale);   // dp = d(pd) ⊙ keep / (1 − rate)
                    dropout(p, 0, pd, o, keep, pr, len, dropScale);    // pd, for dv
                    java.util.Arrays.fill(pd, o + len, o + kp, 0f);
                }
                softmaxBackward(p, ds, o, kp, lanes);                 // ds
            }
            for (i = 0; i + 1 < t; i += 2) { // dq = ds · k / √d
                VectorProducts.contextPair(ds, i * kp, (i + 1) * kp, k, len, d, scale, dq);
                dqkv.put(q0 + i * cols, dq, 0, d);
                dqkv.put(q0 + (i + 1) * cols, dq, d, d);
            }
            if (i < t) {
                VectorProducts.context(ds, i * kp, k, len, d, scale, dq, 0);
                dqkv.put(q0 + i * cols, dq, 0, d);
            }
            VectorProducts.transposedProduct(ds, q, t, kp, d, scale, dk);
            VectorProducts.transposedProduct(pd, g, t, kp, d, 1f, dv);
            java.util.Arrays.fill(dk, len * d, t * d, 0f);
            java.util.Arrays.fill(dv, len * d, t * d, 0f);
            for (int j = 0; j < t; j++) {
                dqkv.put(q0 + hd + j * cols, dk, j * d, d);
                dqkv.put(q0 + 2 * hd + j * cols, dv, j * d, d);
            }
        }
    }

    /** {@code out[oo + j] = keep[ko + j] ? in[io + j] · scale : 0} for j < len. */
    private static void dropout(float[] in, int io, float[] out, int oo, boolean[] keep, int ko, int len, float scale) {
        int j = 0;
        for (; j <= len - L; j += L) {
            VectorMask<Float> k = VectorMask.fromArray(S, keep, ko + j);
            FloatVector.fromArray(S, in, io + j).mul(scale).blend(0f, k.not()).intoArray(out, oo + j);
        }
        for (; j < len; j++) {
            out[oo + j] = keep[ko + j] ? in[io + j] * scale : 0f;
        }
    }

    /**
     * {@code out[c·kp + j] = src[base + j·cols + c]} for j < len, 0 for len ≤ j < kp: a head's keys or values,
     * transposed. Rows come over in bulk copies into {@code tmp [len, d]}, then are transposed on the heap.
     */
    private static void loadTransposed(FloatBuffer src, int base, int cols, int len, int kp, int d, float[] tmp,
            float[] out) {
        for (int j = 0; j < len; j++) {
            src.get(base + j * cols, tmp, j * d, d);
        }
        for (int c = 0; c < d; c++) {
            int o = c * kp;
            for (int j = 0; j < len; j++) {
                out[o + j] = tmp[j * d + c];
            }
            java.util.Arrays.fill(out, o + len, o + kp, 0f);
        }
    }

    /**
     * {@code ds[o + j] = p[j] · (ds[o + j] − Σ_j ds[o + j] · p[j])} over j < kp (in place; p is 0 past the
     * real keys, so they get 0). The sum runs lane-wise, then over the lanes in order.
     */
    private static void softmaxBackward(float[] p, float[] ds, int o, int kp, float[] lanes) {
        FloatVector acc = FloatVector.zero(S);
        for (int j = 0; j < kp; j += L) {
            acc = FloatVector.fromArray(S, ds, o + j).fma(FloatVector.fromArray(S, p, j), acc);
        }
        acc.intoArray(lanes, 0);
        float dot = 0;
        for (int k = 0; k < L; k++) {
            dot += lanes[k];
        }
        for (int j = 0; j < kp; j += L) {
            FloatVector.fromArray(S, ds, o + j).sub(dot).mul(FloatVector.fromArray(S, p, j)).intoArray(ds, o + j);
        }
    }
}
