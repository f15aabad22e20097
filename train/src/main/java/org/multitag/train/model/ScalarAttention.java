package org.multitag.train.model;

import java.nio.FloatBuffer;

/**
 * {@link AttentionKernels} in plain Java, one (row, head) pair at a time: the path without the Vector API
 * (or for head sizes that are not a multiple of its vector length) and the reference for
 * {@link VectorAttention} in the tests. Dot products accumulate in double.
 */
final class ScalarAttention {

    private ScalarAttention() {}

    static void forward(FloatBuffer qkv, AttentionKernels.Shape s, float scale, boolean[] keep, float dropScale,
            FloatBuffer probs, FloatBuffer merged, int from, int to) {
        int t = s.t();
        int d = s.d();
        int hd = s.hidden();
        int cols = 3 * hd;
        float[] p = new float[t];
        for (int task = from; task < to; task++) {
            int b = task / s.heads();
            int head = task % s.heads();
            int len = s.lengths()[b];
            int q0 = b * t * cols + head * d;
            int k0 = q0 + hd;
            int v0 = q0 + 2 * hd;
            for (int i = 0; i < t; i++) {
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < len; j++) {
                    double dot = 0;
                    for (int c = 0; c < d; c++) {
                        dot += (double) qkv.get(q0 + i * cols + c) * qkv.get(k0 + j * cols + c);
                    }
                    p[j] = (float) dot * scale;
                    max = Math.max(max, p[j]);
                }
                double sum = 0;
                for (int j = 0; j < len; j++) {
                    p[j] = (float) Math.exp(p[j] - max);
                    sum += p[j];
                }
                int pr = s.probsRow(b, head, i);
                for (int j = 0; j < t; j++) {
                    p[j] = j < len ? (float) (p[j] / sum) : 0f;
                    probs.put(pr + j, p[j]);
                    if (keep != null) {
                        p[j] = keep[pr + j] ? p[j] * dropScale : 0f;
                    }
                }
                for (int c = 0; c < d; c++) {
                    double acc = 0;
                    for (int j = 0; j < len; j++) {
                        acc += (double) p[j] * qkv.get(v0 + j * cols + c);
                    }
                    merged.put((b * t + i) * hd + head * d + c, (float) acc);
                }
            }
        }
    }

    static void backward(FloatBuffer qkv, FloatBuffer probs, AttentionKernels.Shape s, float scale, boolean[] keep,
            float dropScale, FloatBuffer dMerged, FloatBuffer dqkv, int from, int to) {
        int t = s.t();
        int d = s.d();
        int hd = s.hidden();
        int cols = 3 * hd;
        float[] ds = new float[t * t];
        float[] pd = new float[t * t];
        float[] dk = new float[t * d];
        float[] dv = new float[t * d];
        for (int task = from; task < to; task++) {
            int b = task / s.heads();
            int head = task % s.heads();
            int len = s.lengths()[b];
            int q0 = b * t * cols + head * d;
            int k0 = q0 + hd;
            int v0 = q0 + 2 * hd;
            int g0 = b * t * hd + head * d; // dctx of query 0
            for (int i = 0; i < t; i++) {
                int pr = s.probsRow(b, head, i);
                double dot = 0;
                for (int j = 0; j < len; j++) {
                    double dpd = 0;
                    for (int c = 0; c < d; c++) {
                        dpd += (double) dMerged.get(g0 + i * hd + c) * qkv.get(v0 + j * cols + c);
                    }
                    float p = probs.get(pr + j);
                    boolean kept = keep == null || keep[pr + j];
                    float dp = keep == null ? (float) dpd : kept ? (float) dpd * dropScale : 0f;
                    pd[i * t + j] = keep == null ? p : kept ? p * dropScale : 0f;
                    ds[i * t + j] = dp;
                    dot += (double) dp * p;
                }
                for (int j = 0; j < len; j++) {
                    ds[i * t + j] = (float) (probs.get(pr + j) * (ds[i * t + j] - dot));
                }
                for (int c = 0; c < d; c++) {
                    double acc = 0;
                    for (int j = 0; j < len; j++) {
                        acc += (double) ds[i * t + j] * qkv.get(k0 + j * cols + c);
                    }
                    dqkv.put(q0 + i * cols + c, (float) acc * scale);
                }
            }
            java.util.Arrays.fill(dk, 0f);
            java.util.Arrays.fill(dv, 0f);
            for (int j = 0; j < len; j++) {
                for (int c = 0; c < d; c++) {
                    double ak = 0;
                    double av = 0;
                    for (int i = 0; i < t; i++) {
                        ak += (double) ds[i * t + j] * qkv.get(q0 + i * cols + c);
                        av += (double) pd[i * t + j] * dMerged.get(g0 + i * hd + c);
                    }
                    dk[j * d + c] = (float) ak * scale;
                    dv[j * d + c] = (float) av;
                }
            }
            for (int j = 0; j < t; j++) {
                dqkv.put(k0 + j * cols, dk, j * d, d);
                dqkv.put(v0 + j * cols, dv, j * d, d);
            }
        }
    }
}
