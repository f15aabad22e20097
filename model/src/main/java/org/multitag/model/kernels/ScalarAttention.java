package org.multitag.model.kernels;

import java.nio.FloatBuffer;

/**
 * The attention core of {@link Kernels#attention} and its backward in plain Java, one (row, head) pair at a time:
 * the path without the Vector API and the reference for {@link VectorAttention}. Dot products accumulate in double.
 * Per pair, over the row's keys {@code j ∈ keys} (probabilities stored at key index {@code jj}):
 * <pre>
 *   forward:  p  = softmax(q · kᵀ · scale)   (uniform rows: 1/|keys|)      saved into probs
 *             pd = p ⊙ keep / (1 − rate)
 *             ctx = pd · v
 *   backward: dpd = dctx · vᵀ;  dp = dpd ⊙ keep / (1 − rate);  ds = p ⊙ (dp − Σ dp ⊙ p)
 *             dq = ds · k · scale;  dk = dsᵀ · q · scale;  dv = pdᵀ · dctx
 * </pre>
 */
final class ScalarAttention {

    private ScalarAttention() {}

    /** q, k or v element c of head {@code head} at position {@code pos} of row b (part 0, 1, 2), bias added. */
    private static float at(FloatBuffer qkv, float[] bias, AttentionShape s, int b, int pos, int part, int head, int c) {
        int hd = s.hidden();
        int col = part * hd + head * s.d() + c;
        return qkv.get((s.rowStart(b) + pos) * 3 * hd + col) + bias[col];
    }

    static void forward(FloatBuffer qkv, float[] bias, AttentionShape s, boolean[] keep, float dropScale,
            FloatBuffer probs, FloatBuffer merged, int from, int to) {
        int t = s.t();
        int d = s.d();
        int hd = s.hidden();
        float scale = s.scale();
        double[] p = new double[t];
        for (int task = from; task < to; task++) {
            int b = task / s.heads();
            int head = task % s.heads();
            int[] keys = s.keys(b);
            int nk = keys.length;
            for (int i = 0; i < s.queries(b); i++) {
                if (s.uniform(b)) {
                    java.util.Arrays.fill(p, 0, nk, 1.0 / nk);
                } else {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int jj = 0; jj < nk; jj++) {
                        double dot = 0;
                        for (int c = 0; c < d; c++) {
                            dot += (double) at(qkv, bias, s, b, i, 0, head, c) * at(qkv, bias, s, b, keys[jj], 1, head, c);
                        }
                        p[jj] = (float) dot * scale; // rounded like a float32 score
                        max = Math.max(max, p[jj]);
                    }
                    double sum = 0;
                    for (int jj = 0; jj < nk; jj++) {
                        p[jj] = StrictMath.exp(p[jj] - max);
                        sum += p[jj];
                    }
                    for (int jj = 0; jj < nk; jj++) {
                        p[jj] /= sum;
                    }
                }
                int pr = s.probsRow(b, head, i);
                for (int jj = 0; jj < t; jj++) {
                    float v = jj < nk ? (float) p[jj] : 0f;
                    if (probs != null) {
                        probs.put(pr + jj, v);
                    }
                    if (keep != null && jj < nk) {
                        p[jj] = keep[pr + jj] ? v * dropScale : 0f;
                    }
                }
                for (int c = 0; c < d; c++) {
                    double acc = 0;
                    for (int jj = 0; jj < nk; jj++) {
                        acc += p[jj] * at(qkv, bias, s, b, keys[jj], 2, head, c);
                    }
                    merged.put((s.rowStart(b) + i) * hd + head * d + c, (float) acc);
                }
            }
        }
    }

    static void backward(FloatBuffer qkv, float[] bias, FloatBuffer probs, AttentionShape s, boolean[] keep,
            float dropScale, FloatBuffer dMerged, FloatBuffer dqkv, int from, int to) {
        int t = s.t();
        int d = s.d();
        int hd = s.hidden();
        int cols = 3 * hd;
        float scale = s.scale();
        float[] ds = new float[t * t];
        float[] pd = new float[t * t];
        float[] dk = new float[t * d];
        float[] dv = new float[t * d];
        for (int task = from; task < to; task++) {
            int b = task / s.heads();
            int head = task % s.heads();
            int[] keys = s.keys(b);
            int nk = keys.length;
            int g0 = b * t * hd + head * d; // dctx of query 0
            for (int i = 0; i < t; i++) {
                int pr = s.probsRow(b, head, i);
                double dot = 0;
                for (int jj = 0; jj < nk; jj++) {
                    double dpd = 0;
                    for (int c = 0; c < d; c++) {
                        dpd += (double) dMerged.get(g0 + i * hd + c) * at(qkv, bias, s, b, keys[jj], 2, head, c);
                    }
                    float p = probs.get(pr + jj);
                    boolean kept = keep == null || keep[pr + jj];
                    float dp = keep == null ? (float) dpd : kept ? (float) dpd * dropScale : 0f;
                    pd[i * t + jj] = keep == null ? p : kept ? p * dropScale : 0f;
                    ds[i * t + jj] = dp;
                    dot += (double) dp * p;
                }
                for (int jj = 0; jj < nk; jj++) {
                    ds[i * t + jj] = (float) (probs.get(pr + jj) * (ds[i * t + jj] - dot));
                }
                for (int c = 0; c < d; c++) {
                    double acc = 0;
                    for (int jj = 0; jj < nk; jj++) {
                        acc += (double) ds[i * t + jj] * at(qkv, bias, s, b, keys[jj], 1, head, c);
                    }
                    dqkv.put((b * t + i) * cols + head * d + c, (float) acc * scale);
                }
            }
            java.util.Arrays.fill(dk, 0f);
            java.util.Arrays.fill(dv, 0f);
            for (int jj = 0; jj < nk; jj++) {
                int j = keys[jj];
                for (int c = 0; c < d; c++) {
                    double ak = 0;
                    double av = 0;
                    for (int i = 0; i < t; i++) {
                        ak += (double) ds[i * t + jj] * at(qkv, bias, s, b, i, 0, head, c);
                        av += (double) pd[i * t + jj] * dMerged.get(g0 + i * hd + c);
                    }
                    dk[j * d + c] = (float) ak * scale;
                    dv[j * d + c] = (float) av;
                }
            }
            for (int j = 0; j < t; j++) {
                dqkv.put((b * t + j) * cols + hd + head * d, dk, j * d, d);
                dqkv.put((b * t + j) * cols + 2 * hd + head * d, dv, j * d, d);
            }
        }
    }
}
