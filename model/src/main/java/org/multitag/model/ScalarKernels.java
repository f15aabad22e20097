package org.multitag.model;

import java.nio.ByteBuffer;

/**
 * Plain Java kernels, computed in double and rounded once to float: the reference for {@link
 * VectorKernels} and the fallback when the Vector API module is absent.
 */
public final class ScalarKernels implements Kernels {

    @Override
    public void biasActivation(ByteBuffer x, int rows, int cols, ByteBuffer bias, Activation act, Parallel par) {
        par.range(rows, cols * 8L, (from, to) -> {
            for (int r = from; r < to; r++) {
                int base = r * cols;
                for (int c = 0; c < cols; c++) {
                    int i = (base + c) * 4;
                    double v = (double) x.getFloat(i) + (bias == null ? 0 : bias.getFloat(c * 4));
                    x.putFloat(i, (float) act.apply(v));
                }
            }
        });
    }

    @Override
    public void biasResidualLayerNorm(ByteBuffer x, ByteBuffer bias, ByteBuffer residual, ByteBuffer gamma,
            ByteBuffer beta, float eps, ByteBuffer out, int rows, int cols, Parallel par) {
        par.range(rows, cols * 4L, (from, to) -> {
            double[] v = new double[cols];
            for (int r = from; r < to; r++) {
                int base = r * cols;
                double sum = 0;
                for (int c = 0; c < cols; c++) {
                    int i = (base + c) * 4;
                    // float adds in torch's order: (x + bias) + residual, each rounded to float
                    float s = x.getFloat(i);
                    if (bias != null) {
                        s += bias.getFloat(c * 4);
                    }
                    if (residual != null) {
                        s += residual.getFloat(i);
                    }
                    v[c] = s;
                    sum += s;
                }
                double mean = sum / cols;
                double var = 0;
                for (int c = 0; c < cols; c++) {
                    double d = v[c] - mean;
                    var += d * d;
                }
                var /= cols;
                double inv = 1 / Math.sqrt(var + eps);
                for (int c = 0; c < cols; c++) {
                    double y = (v[c] - mean) * inv * gamma.getFloat(c * 4) + beta.getFloat(c * 4);
                    out.putFloat((base + c) * 4, (float) y);
                }
            }
        });
    }

    @Override
    public void embeddingSum(int[][] ids, int[][] types, ByteBuffer word, ByteBuffer type, ByteBuffer pos,
            ByteBuffer out, int h, Parallel par) {
        int t = ids[0].length;
        par.range(ids.length * t, h * 3L, (from, to) -> {
            for (int n = from; n < to; n++) {
                int b = n / t;
                int i = n % t;
                int w = ids[b][i] * h;
                int y = types[b][i] * h;
                int p = i * h;
                for (int c = 0; c < h; c++) {
                    float s = word.getFloat((w + c) * 4) + type.getFloat((y + c) * 4);
                    out.putFloat((n * h + c) * 4, s + pos.getFloat((p + c) * 4));
                }
            }
        });
    }

    @Override
    public void attention(ByteBuffer qkv, ByteBuffer bias, int batch, int t, int heads, int d, float scale,
            float[] mask, ByteBuffer probs, ByteBuffer out, Parallel par) {
        int hd = heads * d;
        par.range(batch * heads, (long) t * t * d, (from, to) -> {
            double[] p = new double[t];
            for (int task = from; task < to; task++) {
                int b = task / heads;
                int head = task % heads;
                for (int i = 0; i < t; i++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < t; j++) {
                        double dot = 0;
                        for (int c = 0; c < d; c++) {
                            dot += (double) project(qkv, bias, b * t + i, 0, head, c, hd, d)
                                    * project(qkv, bias, b * t + j, 1, head, c, hd, d);
                        }
                        // rounded like a float32 score before the additive mask
                        p[j] = (float) ((float) dot * scale) + mask[b * t + j];
                        max = Math.max(max, p[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < t; j++) {
                        p[j] = StrictMath.exp(p[j] - max);
                        sum += p[j];
                    }
                    for (int j = 0; j < t; j++) {
                        p[j] /= sum;
                        if (probs != null) {
                            probs.putFloat((((b * heads + head) * t + i) * t + j) * 4, (float) p[j]);
                        }
                    }
                    for (int c = 0; c < d; c++) {
                        double acc = 0;
                        for (int j = 0; j < t; j++) {
                            acc += p[j] * project(qkv, bias, b * t + j, 2, head, c, hd, d);
                        }
                        out.putFloat(((b * t + i) * hd + head * d + c) * 4, (float) acc);
                    }
                }
            }
        });
    }

    private static float project(ByteBuffer qkv, ByteBuffer bias, int token, int part, int head, int c, int hd, int d) {
        int col = part * hd + head * d + c;
        return qkv.getFloat((token * 3 * hd + col) * 4) + bias.getFloat(col * 4);
    }
}
