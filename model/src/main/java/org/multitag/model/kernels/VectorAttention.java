package org.multitag.model.kernels;

import static org.multitag.model.kernels.VectorKernels.L;
import static org.multitag.model.kernels.VectorKernels.S;
import static org.multitag.model.kernels.VectorKernels.padded;

import java.nio.FloatBuffer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * {@link Kernels#attention} and its backward with the Java Vector API, for head sizes that are a multiple of the
 * vector length; the arithmetic of {@link ScalarAttention} in float. Each (row, head) pair copies its keys, values
 * and queries from the native projection into heap arrays (bulk copies, the bias added there), keys zero-padded to
 * whole vectors ({@code kp} of them), and computes there; queries go two at a time, so each key and value vector
 * loaded serves both.
 *
 * <p>As in {@link VectorKernels}: no method takes or returns a vector (exp aside), and sums run lane-wise and then
 * over the lanes in a fixed order, so the results are the same in every JIT tier and for every thread count.
 */
final class VectorAttention {

    private VectorAttention() {}

    static void forward(FloatBuffer qkv, float[] bias, AttentionShape s, boolean[] keep, float dropScale,
            FloatBuffer probs, FloatBuffer merged, int from, int to) {
        int t = s.t();
        int d = s.d();
        int hd = s.hidden();
        int cols = 3 * hd;
        int tp = padded(t);
        float[] kT = new float[d * tp]; // [d, kp]: this head's keys, transposed
        float[] tmp = new float[tp * d];
        float[] v = new float[tp * d];  // [kp, d]: its values
        float[] q = new float[2 * d];
        float[] rows = new float[2 * tp]; // a pair of queries' scores, then probabilities, at 0 and tp
        float[] ctx = new float[2 * d];
        float[] lanes = new float[L];
        RowBlock row = new RowBlock(s, cols);
        for (int task = from; task < to; task++) {
            int b = task / s.heads();
            int head = task % s.heads();
            int[] keys = s.keys(b);
            int nk = keys.length;
            int kp = padded(nk);
            int nq = s.queries(b);
            int r0 = s.rowStart(b);
            boolean uniform = s.uniform(b);
            int qb = head * d;
            float[] blk = row.of(qkv, bias, b);
            loadTransposed(blk, hd + qb, cols, keys, kp, d, tmp, kT);
            java.util.Arrays.fill(v, 0f);
            for (int jj = 0; jj < nk; jj++) {
                System.arraycopy(blk, keys[jj] * cols + 2 * hd + qb, v, jj * d, d);
            }
            int i = 0;
            for (; i + 1 < nq; i += 2) {
                if (uniform) {
                    uniformRow(rows, 0, nk, tp);
                    uniformRow(rows, tp, nk, tp);
                } else {
                    System.arraycopy(blk, i * cols + qb, q, 0, d);
                    System.arraycopy(blk, (i + 1) * cols + qb, q, d, d);
                    VectorProducts.scoresPair(q, 0, d, kT, rows, 0, rows, tp, d, kp, s.scale());
                    softmax(rows, 0, nk, kp, tp, lanes);
                    softmax(rows, tp, nk, kp, tp, lanes);
                }
                for (int k = 0; k < 2; k++) {
                    save(rows, k * tp, nk, t, s.probsRow(b, head, i + k), probs, keep, dropScale);
                }
                VectorProducts.contextPair(rows, 0, tp, v, nk, d, 1f, ctx, 0, d);
                merged.put((r0 + i) * hd + head * d, ctx, 0, d);
                merged.put((r0 + i + 1) * hd + head * d, ctx, d, d);
            }
            if (i < nq) {
                if (uniform) {
                    uniformRow(rows, 0, nk, tp);
                } else {
                    System.arraycopy(blk, i * cols + qb, q, 0, d);
                    VectorProducts.scores(q, 0, kT, rows, d, kp, s.scale());
                    softmax(rows, 0, nk, kp, tp, lanes);
                }
                save(rows, 0, nk, t, s.probsRow(b, head, i), probs, keep, dropScale);
                VectorProducts.context(rows, v, nk, d, 1f, ctx, 0);
                merged.put((r0 + i) * hd + head * d, ctx, 0, d);
            }
        }
    }

    /** {@code x[o, o + n) += y[yo, yo + n)}. */
    private static void addInPlace(float[] x, int o, float[] y, int yo, int n) {
        int c = 0;
        for (; c <= n - L; c += L) {
            FloatVector.fromArray(S, x, o + c).add(FloatVector.fromArray(S, y, yo + c)).intoArray(x, o + c);
        }
        for (; c < n; c++) {
            x[o + c] += y[yo + c];
        }
    }

    /** {@code row[ro, ro + nk) = 1/nk}, 0 up to {@code ro + tp}: a fully masked row's probabilities. */
    private static void uniformRow(float[] row, int ro, int nk, int tp) {
        java.util.Arrays.fill(row, ro, ro + nk, 1f / nk);
        java.util.Arrays.fill(row, ro + nk, ro + tp, 0f);
    }

    /**
     * Softmax of {@code row[ro, ro + nk)} in place, {@code row[ro + nk, ro + tp)} set to 0 ({@code kp} = nk rounded
     * up to whole vectors, ≤ tp). The max is exact in any order; the sum runs lane-wise, then lanes in order.
     */
    private static void softmax(float[] row, int ro, int nk, int kp, int tp, float[] lanes) {
        java.util.Arrays.fill(row, ro + nk, ro + kp, Float.NEGATIVE_INFINITY);
        FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < kp; i += L) {
            m = m.max(FloatVector.fromArray(S, row, ro + i));
        }
        float max = m.reduceLanes(VectorOperators.MAX);
        for (int i = 0; i < kp; i += L) {
            FloatVector.fromArray(S, row, ro + i).sub(max).intoArray(row, ro + i);
        }
        VectorKernels.expInPlace(row, ro, ro + kp);
        float inv = 1f / VectorKernels.sum(row, ro, ro + kp, lanes);
        for (int i = 0; i < kp; i += L) {
            FloatVector.fromArray(S, row, ro + i).mul(inv).intoArray(row, ro + i);
        }
        java.util.Arrays.fill(row, ro + kp, ro + tp, 0f);
    }

    /** Saves a query's probabilities as the T entries of {@code probs} row {@code pr}, then drops them in place. */
    private static void save(float[] row, int ro, int nk, int t, int pr, FloatBuffer probs, boolean[] keep,
            float dropScale) {
        if (probs != null) {
            probs.put(pr, row, ro, t);
        }
        if (keep != null) {
            dropout(row, ro, row, ro, keep, pr, nk, dropScale);
        }
    }

    static void backward(FloatBuffer qkv, float[] bias, FloatBuffer probs, AttentionShape s, boolean[] keep,
            float dropScale, FloatBuffer dMerged, FloatBuffer dqkv, int from, int to) {
        // padded rows only (the caller checks): packed shapes are for inference
        int t = s.t();
        int d = s.d();
        int hd = s.hidden();
        int cols = 3 * hd;
        float scale = s.scale();
        int tp = padded(t);
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
        float[] zeros = new float[d];
        float[] lanes = new float[L];
        RowBlock row = new RowBlock(s, cols);
        RowBlock gradRow = new RowBlock(s, hd); // row b's dmerged [T, H]
        for (int task = from; task < to; task++) {
            int b = task / s.heads();
            int head = task % s.heads();
            int[] keys = s.keys(b);
            int nk = keys.length;
            int kp = padded(nk);
            int q0 = b * t * cols + head * d;
            int qb = head * d;
            float[] blk = row.of(qkv, bias, b);
            float[] gblk = gradRow.of(dMerged, null, b);
            java.util.Arrays.fill(k, 0f);
            for (int jj = 0; jj < nk; jj++) {
                System.arraycopy(blk, keys[jj] * cols + hd + qb, k, jj * d, d);
            }
            loadTransposed(blk, 2 * hd + qb, cols, keys, kp, d, tmp, vT);
            for (int i = 0; i < t; i++) {
                System.arraycopy(blk, i * cols + qb, q, i * d, d);
                System.arraycopy(gblk, i * hd + qb, g, i * d, d);
            }
            int i = 0;
            for (; i + 1 < t; i += 2) { // d(pd) = dctx · vᵀ, two queries at a time, into ds for now
                VectorProducts.scoresPair(g, i * d, (i + 1) * d, vT, ds, i * kp, ds, (i + 1) * kp, d, kp, 1f);
            }
            if (i < t) {
                VectorProducts.scores(g, i * d, vT, ds, i * kp, d, kp, 1f);
            }
            for (i = 0; i < t; i++) {
                int pr = s.probsRow(b, head, i);
                int o = i * kp;
                probs.get(pr, p, 0, nk);
                java.util.Arrays.fill(p, nk, kp, 0f);
                if (keep == null) {
                    System.arraycopy(p, 0, pd, o, kp);
                } else {
                    dropout(ds, o, ds, o, keep, pr, nk, dropScale);   // dp = d(pd) ⊙ keep / (1 − rate)
                    dropout(p, 0, pd, o, keep, pr, nk, dropScale);    // pd, for dv
                    java.util.Arrays.fill(pd, o + nk, o + kp, 0f);
                }
                softmaxBackward(p, ds, o, kp, lanes);
            }
            for (i = 0; i + 1 < t; i += 2) { // dq = ds · k / √d
                VectorProducts.contextPair(ds, i * kp, (i + 1) * kp, k, nk, d, scale, dq, 0, d);
                dqkv.put(q0 + i * cols, dq, 0, d);
                dqkv.put(q0 + (i + 1) * cols, dq, d, d);
            }
            if (i < t) {
                VectorProducts.context(ds, i * kp, k, nk, d, scale, dq, 0);
                dqkv.put(q0 + i * cols, dq, 0, d);
            }
            VectorProducts.transposedProduct(ds, q, t, kp, d, scale, dk);
            VectorProducts.transposedProduct(pd, g, t, kp, d, 1f, dv);
            // keys that were left out get no gradient
            for (int j = 0, jj = 0; j < t; j++) {
                boolean attended = jj < nk && keys[jj] == j;
                dqkv.put(q0 + hd + j * cols, attended ? dk : zeros, attended ? jj * d : 0, d);
                dqkv.put(q0 + 2 * hd + j * cols, attended ? dv : zeros, attended ? jj * d : 0, d);
                if (attended) {
                    jj++;
                }
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
     * {@code out[c·kp + jj] = blk[keys[jj]·cols + col + c]} for jj < |keys|, 0 up to kp: a head's keys or values,
     * transposed (through {@code tmp [|keys|, d]}).
     */
    private static void loadTransposed(float[] blk, int col, int cols, int[] keys, int kp, int d, float[] tmp,
            float[] out) {
        int nk = keys.length;
        for (int jj = 0; jj < nk; jj++) {
            System.arraycopy(blk, keys[jj] * cols + col, tmp, jj * d, d);
        }
        for (int c = 0; c < d; c++) {
            int o = c * kp;
            for (int jj = 0; jj < nk; jj++) {
                out[o + jj] = tmp[jj * d + c];
            }
            java.util.Arrays.fill(out, o + nk, o + kp, 0f);
        }
    }

    /**
     * Row b's slice {@code [queries, cols]} of a batch array on the heap (the projections {@code [T, 3H]} with their
     * bias added, or the gradient {@code [T, H]} as it is), loaded by one bulk copy when the row changes: every head
     * of the row reads its slices from here.
     */
    private static final class RowBlock {
        private final float[] data;
        private final AttentionShape s;
        private final int cols;
        private int loaded = -1;

        RowBlock(AttentionShape s, int cols) {
            this.data = new float[s.t() * cols];
            this.s = s;
            this.cols = cols;
        }

        /** Row b of {@code src}, plus {@code bias} on every position when it is not null. */
        float[] of(FloatBuffer src, float[] bias, int b) {
            if (b != loaded) {
                int n = s.queries(b);
                src.get(s.rowStart(b) * cols, data, 0, n * cols);
                if (bias != null) {
                    for (int j = 0; j < n; j++) {
                        addInPlace(data, j * cols, bias, 0, cols);
                    }
                }
                loaded = b;
            }
            return data;
        }
    }

    /**
     * {@code ds[o + j] = p[j] · (ds[o + j] − Σ_j ds[o + j] · p[j])} over j < kp (in place; p is 0 past the keys,
     * so they get 0). The sum runs lane-wise, then over the lanes in order.
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
