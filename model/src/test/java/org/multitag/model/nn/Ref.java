package org.multitag.model.nn;

import java.util.Map;
import org.multitag.model.kernels.Activation;
import org.multitag.model.kernels.NativeArrays;
import org.multitag.weights.BertConfig;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The same forward as the trainable blocks, in double precision and written as directly as possible (HF
 * layouts: Linear weights {@code [out, in]}), for finite differences. Dropout masks are given (keep = 1),
 * so a reference pass reproduces a training forward exactly.
 */
final class Ref {

    private Ref() {}

    static double[] d(INDArray a) {
        float[] f = NativeArrays.toFloats(a);
        double[] r = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            r[i] = f[i];
        }
        return r;
    }

    /** {@code [out, in]} from a weight stored {@code [in, out]}. */
    static double[] transpose(double[] w, int in, int out) {
        double[] r = new double[w.length];
        for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) {
                r[o * in + i] = w[i * out + o];
            }
        }
        return r;
    }

    /** y [n, out] = x [n, in] · wᵀ + b, w [out, in]. */
    static double[] linear(double[] x, int n, int in, double[] w, double[] b, int out) {
        double[] y = new double[n * out];
        for (int r = 0; r < n; r++) {
            for (int o = 0; o < out; o++) {
                double s = b[o];
                for (int i = 0; i < in; i++) {
                    s += x[r * in + i] * w[o * in + i];
                }
                y[r * out + o] = s;
            }
        }
        return y;
    }

    static double[] layerNorm(double[] x, int n, int h, double[] g, double[] b, double eps) {
        double[] y = new double[n * h];
        for (int r = 0; r < n; r++) {
            double mean = 0;
            for (int c = 0; c < h; c++) {
                mean += x[r * h + c];
            }
            mean /= h;
            double var = 0;
            for (int c = 0; c < h; c++) {
                var += (x[r * h + c] - mean) * (x[r * h + c] - mean);
            }
            var /= h;
            for (int c = 0; c < h; c++) {
                y[r * h + c] = (x[r * h + c] - mean) / Math.sqrt(var + eps) * g[c] + b[c];
            }
        }
        return y;
    }

    static void dropout(double[] x, byte[] keep, double rate) {
        if (keep == null) {
            return;
        }
        for (int i = 0; i < x.length; i++) {
            x[i] = keep[i] != 0 ? x[i] / (1 - rate) : 0;
        }
    }


    static double[] add(double[] a, double[] b) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] + b[i];
        }
        return r;
    }

    /** The keys each row attends to (mask 1), or every key when there is none (transformers: uniform). */
    static int[][] keys(int[][] mask) {
        int[][] k = new int[mask.length][];
        for (int b = 0; b < mask.length; b++) {
            int[] m = mask[b];
            k[b] = java.util.stream.IntStream.range(0, m.length).filter(j -> m[j] != 0).toArray();
            if (k[b].length == 0) {
                k[b] = java.util.stream.IntStream.range(0, m.length).toArray();
            }
        }
        return k;
    }

    /**
     * dropout(merge(dropout(softmax(q kᵀ/√d + mask)) v) · Woᵀ + bo); q, k, v from [out, in] weights. Masked keys
     * are left out (a row with no key attends to all with equal weight); the probabilities' dropout mask is indexed
     * by key order, as the kernels keep it.
     */
    static double[] attention(double[] x, int batch, int t, int[][] mask, int heads, int h, double[] wq,
            double[] bq, double[] wk, double[] bk, double[] wv, double[] bv, double[] wo, double[] bo,
            byte[] probsKeep, double probsRate, byte[] outKeep, double outRate) {
        int n = batch * t;
        int d = h / heads;
        double[] q = linear(x, n, h, wq, bq, h);
        double[] k = linear(x, n, h, wk, bk, h);
        double[] v = linear(x, n, h, wv, bv, h);
        double[] ctx = new double[n * h];
        int[][] keys = keys(mask);
        for (int b = 0; b < batch; b++) {
            int[] ks = keys[b];
            boolean uniform = java.util.Arrays.stream(mask[b]).sum() == 0;
            double[] p = new double[ks.length];
            for (int hh = 0; hh < heads; hh++) {
                for (int i = 0; i < t; i++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int jj = 0; jj < ks.length; jj++) {
                        double s = 0;
                        for (int c = 0; c < d; c++) {
                            s += q[(b * t + i) * h + hh * d + c] * k[(b * t + ks[jj]) * h + hh * d + c];
                        }
                        p[jj] = uniform ? 0 : s / Math.sqrt(d);
                        max = Math.max(max, p[jj]);
                    }
                    double sum = 0;
                    for (int jj = 0; jj < ks.length; jj++) {
                        p[jj] = Math.exp(p[jj] - max);
                        sum += p[jj];
                    }
                    for (int jj = 0; jj < ks.length; jj++) {
                        p[jj] /= sum;
                        if (probsKeep != null) {
                            int idx = ((b * heads + hh) * t + i) * t + jj;
                            p[jj] = probsKeep[idx] != 0 ? p[jj] / (1 - probsRate) : 0;
                        }
                    }
                    for (int c = 0; c < d; c++) {
                        double s = 0;
                        for (int jj = 0; jj < ks.length; jj++) {
                            s += p[jj] * v[(b * t + ks[jj]) * h + hh * d + c];
                        }
                        ctx[(b * t + i) * h + hh * d + c] = s;
                    }
                }
            }
        }
        double[] a = linear(ctx, n, h, wo, bo, h);
        dropout(a, outKeep, outRate);
        return a;
    }

    /** dropout(act(x · wiᵀ + bi) · woᵀ + bo). */
    static double[] feedForward(double[] x, int n, int h, int inter, double[] wi, double[] bi, double[] wo,
            double[] bo, byte[] keep, double rate, Activation act) {
        double[] u = linear(x, n, h, wi, bi, inter);
        for (int i = 0; i < u.length; i++) {
            u[i] = act.apply(u[i]);
        }
        double[] y = linear(u, n, inter, wo, bo, h);
        dropout(y, keep, rate);
        return y;
    }

    /** dropout(LayerNorm((word[id] + type[tt]) + pos[position id])). */
    static double[] embeddings(Batch batch, int h, double[] word, double[] pos, double[] type, double[] g,
            double[] b, double eps, byte[] keep, double rate) {
        int t = batch.maxLength();
        int n = batch.size() * t;
        double[] e = new double[n * h];
        for (int r = 0; r < n; r++) {
            int id = batch.inputIds()[r / t][r % t];
            int ty = batch.tokenTypeIds()[r / t][r % t];
            for (int c = 0; c < h; c++) {
                e[r * h + c] = word[id * h + c] + type[ty * h + c] + pos[batch.positionIds()[r / t][r % t] * h + c];
            }
        }
        double[] y = layerNorm(e, n, h, g, b, eps);
        dropout(y, keep, rate);
        return y;
    }

    /** dropout(x) · wᵀ + b with w [L, H]. */
    static double[] head(double[] x, int n, int h, double[] w, double[] b, int labels, byte[] keep, double rate) {
        double[] xd = x.clone();
        dropout(xd, keep, rate);
        return linear(xd, n, h, w, b, labels);
    }

    /** The whole model's logits [B·T, L] from parameters under HF names in HF layout. */
    static double[] logits(Map<String, double[]> p, BertConfig cfg, Batch batch, Map<String, byte[]> masks,
            double hiddenRate, double attnRate, double headRate, int labels) {
        int h = cfg.hiddenSize();
        int inter = cfg.intermediateSize();
        int t = batch.maxLength();
        int n = batch.size() * t;
        double eps = cfg.layerNormEps();
        double[] x = embeddings(batch, h, p.get("embeddings.word_embeddings.weight"),
                p.get("embeddings.position_embeddings.weight"), p.get("embeddings.token_type_embeddings.weight"),
                p.get("embeddings.LayerNorm.weight"), p.get("embeddings.LayerNorm.bias"), eps,
                masks.get("embeddings"), hiddenRate);
        double[] mixScalars = p.get(org.multitag.weights.HfBertNames.LAYER_MIX_SCALARS);
        int mixFirst = mixScalars == null ? Integer.MAX_VALUE : cfg.numHiddenLayers() - mixScalars.length;
        double[] mixed = new double[n * h];
        for (int l = 0; l < cfg.numHiddenLayers(); l++) {
            String pre = "encoder.layer." + l + ".";
            double[] a = attention(x, batch.size(), t, batch.attentionMask(), cfg.numAttentionHeads(), h,
                    p.get(pre + "attention.self.query.weight"), p.get(pre + "attention.self.query.bias"),
                    p.get(pre + "attention.self.key.weight"), p.get(pre + "attention.self.key.bias"),
                    p.get(pre + "attention.self.value.weight"), p.get(pre + "attention.self.value.bias"),
                    p.get(pre + "attention.output.dense.weight"), p.get(pre + "attention.output.dense.bias"),
                    masks.get("layer." + l + ".probs"), attnRate, masks.get("layer." + l + ".attention"), hiddenRate);
            double[] h1 = layerNorm(add(a, x), n, h, p.get(pre + "attention.output.LayerNorm.weight"),
                    p.get(pre + "attention.output.LayerNorm.bias"), eps);
            double[] f = feedForward(h1, n, h, inter, p.get(pre + "intermediate.dense.weight"),
                    p.get(pre + "intermediate.dense.bias"), p.get(pre + "output.dense.weight"),
                    p.get(pre + "output.dense.bias"), masks.get("layer." + l + ".ffn"), hiddenRate,
                    Activation.fromConfig(cfg.hiddenAct()));
            x = layerNorm(add(f, h1), n, h, p.get(pre + "output.LayerNorm.weight"),
                    p.get(pre + "output.LayerNorm.bias"), eps);
            if (l >= mixFirst) {
                // γ · softmax(s)_j · h_j, summed over the mixed layers
                double max = java.util.Arrays.stream(mixScalars).max().orElseThrow();
                double sum = java.util.Arrays.stream(mixScalars).map(v -> Math.exp(v - max)).sum();
                double wj = Math.exp(mixScalars[l - mixFirst] - max) / sum;
                double g = p.get(org.multitag.weights.HfBertNames.LAYER_MIX_GAMMA)[0];
                for (int i = 0; i < mixed.length; i++) {
                    mixed[i] += g * wj * x[i];
                }
            }
        }
        if (mixScalars != null) {
            x = mixed;
        }
        return head(x, n, h, p.get("classifier.weight"), p.get("classifier.bias"), labels, masks.get("head"), headRate);
    }
}
