package org.multitag.train.model;

import java.nio.FloatBuffer;
import org.multitag.model.Parallel;

/**
 * The attention core between the two projections, fused per (row b, head) and run in parallel over the
 * B·h pairs. It reads query, key and value straight from the projection {@code qkv [N, 3H]} (columns
 * query | key | value, bias included, head {@code h} at columns {@code h·d … h·d + d} of each part) and writes
 * the context straight into {@code merged [N, H]}, so heads are never split into or merged from
 * {@code [B, h, T, d]} copies. Per pair, with the keys limited to the row's real length {@code len}:
 * <pre>
 *   forward:  p  = softmax(q · kᵀ / √d)        [T, len]  saved into probs [B, h, T, T] (0 past len)
 *             pd = p ⊙ keep / (1 − rate)       [T, len]  (p itself without dropout)
 *             ctx = pd · v                     [T, d]
 *   backward: dpd = dctx · vᵀ                   [T, len]
 *             dp  = dpd ⊙ keep / (1 − rate)
 *             ds  = p ⊙ (dp − Σ_j dp ⊙ p)      per query row
 *             dq  = ds · k / √d;  dk = dsᵀ · q / √d;  dv = pdᵀ · dctx     written into dqkv [N, 3H]
 * </pre>
 * Keys past {@code len} get no gradient (their rows of dk and dv are 0). Padded query rows are computed like
 * real ones, as torch does. Each pair is independent, so the result doesn't depend on the thread count.
 * {@link VectorAttention} runs when the Vector API is on and the head size is a multiple of its vector
 * length, {@link ScalarAttention} (the reference in the tests) otherwise.
 */
final class AttentionKernels {

    private AttentionKernels() {}

    /** The shapes of one call: B, T, h, d, the real length of each row and the keep mask of the probabilities. */
    record Shape(int batch, int t, int heads, int d, int[] lengths) {

        int hidden() {
            return heads * d;
        }

        /** Offset of (b, head, query i) in a [B, h, T, T] array. */
        int probsRow(int b, int head, int i) {
            return ((b * heads + head) * t + i) * t;
        }
    }

    static boolean vectorFits(int d) {
        return Elementwise.VECTOR && d % VectorMath.L == 0;
    }

    /**
     * @param keep the dropout mask of the probabilities over [B, h, T, T] (1 = kept), or null without dropout
     * @param dropScale 1/(1 − rate)
     */
    static void forward(FloatBuffer qkv, Shape s, float scale, boolean[] keep, float dropScale, FloatBuffer probs,
            FloatBuffer merged, Parallel par, boolean vector) {
        long cost = (long) s.t() * s.t() * s.d();
        par.range(s.batch() * s.heads(), cost / 4, (from, to) -> {
            if (vector) {
                VectorAttention.forward(qkv, s, scale, keep, dropScale, probs, merged, from, to);
            } else {
                ScalarAttention.forward(qkv, s, scale, keep, dropScale, probs, merged, from, to);
            }
        });
    }

    /** Writes dq, dk, dv into {@code dqkv [N, 3H]} (every element of it) from {@code dMerged [N, H]}. */
    static void backward(FloatBuffer qkv, FloatBuffer probs, Shape s, float scale, boolean[] keep, float dropScale,
            FloatBuffer dMerged, FloatBuffer dqkv, Parallel par, boolean vector) {
        long cost = (long) s.t() * s.t() * s.d();
        par.range(s.batch() * s.heads(), cost, (from, to) -> {
            if (vector) {
                VectorAttention.backward(qkv, probs, s, scale, keep, dropScale, dMerged, dqkv, from, to);
            } else {
                ScalarAttention.backward(qkv, probs, s, scale, keep, dropScale, dMerged, dqkv, from, to);
            }
        });
    }
}
