package org.multitag.model.nn;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.multitag.model.kernels.NativeArrays;
import org.multitag.weights.BertConfig;
import org.multitag.weights.HfBertNames;
import org.multitag.weights.StateDict;
import org.multitag.weights.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A tiny random BERT, a padded batch with repeated ids, and the finite-difference check the tests share. */
final class Tiny {

    static final int VOCAB = 30;
    static final int H = 8;
    static final int HEADS = 2;
    static final int LAYERS = 2;
    static final int INTER = 16;
    static final int MAX_POS = 16;
    static final int LABELS = 3;

    private Tiny() {}

    static BertConfig config(double hiddenDropout, double attnDropout) {
        return config(hiddenDropout, attnDropout, "gelu");
    }

    static BertConfig config(double hiddenDropout, double attnDropout, String hiddenAct) {
        BertConfig c = BertConfig.encoder(VOCAB, H, LAYERS, HEADS, INTER, MAX_POS, 2);
        ObjectNode extra = c.extra().deepCopy();
        extra.put("hidden_dropout_prob", hiddenDropout);
        extra.put("attention_probs_dropout_prob", attnDropout);
        return new BertConfig(c.vocabSize(), c.hiddenSize(), c.numHiddenLayers(), c.numAttentionHeads(),
                c.intermediateSize(), hiddenAct, c.maxPositionEmbeddings(), c.typeVocabSize(), c.layerNormEps(),
                c.padTokenId(), Map.of(), null, List.of("BertModel"), extra);
    }

    static float[] gaussian(SplittableRandom r, int n, double mean, double std) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (mean + std * r.nextGaussian());
        }
        return v;
    }

    static INDArray array(float[] v, long... shape) {
        return NativeArrays.of(v, shape);
    }

    /** Random encoder weights: matrices N(0, 0.35²), biases N(0, 0.1²), LayerNorm γ ≈ 1, β ≈ 0, tables N(0, 1). */
    static BertWeights weights(BertConfig cfg, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        StateDict sd = new StateDict();
        for (Map.Entry<String, int[]> e : HfBertNames.expected(cfg, false).entrySet()) {
            String name = e.getKey();
            int[] shape = e.getValue();
            int n = (int) Tensor.numel(shape);
            float[] v;
            if (name.contains("LayerNorm.weight")) {
                v = gaussian(r, n, 1, 0.2);
            } else if (name.contains("embeddings")) {
                v = gaussian(r, n, 0, 1);
            } else if (name.endsWith(".bias")) {
                v = gaussian(r, n, 0, 0.1);
            } else {
                v = gaussian(r, n, 0, 0.35);
            }
            sd.put(Tensor.ofFloats(name, shape, v));
        }
        return BertWeights.of(cfg, sd);
    }

    /** Two rows of lengths 7 and 4 (padded with id 0), id 5 three times in row 0 and id 7 in both rows. */
    static Batch batch() {
        return Batch.of(List.of(new int[] {2, 5, 7, 5, 9, 5, 3}, new int[] {2, 7, 11, 3}),
                List.of(new int[] {0, 0, 0, 0, 1, 1, 1}, new int[] {0, 0, 0, 0}));
    }

    /** Labelled rows: the attended positions, but the first of each row. */
    static boolean[] tokenMask(Batch b) {
        int t = b.maxLength();
        boolean[] m = new boolean[b.size() * t];
        for (int r = 0; r < b.size(); r++) {
            boolean first = true;
            for (int i = 0; i < t; i++) {
                if (b.attentionMask()[r][i] == 1) {
                    m[r * t + i] = !first;
                    first = false;
                }
            }
        }
        return m;
    }

    static float[] targets(int rows, int labels, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] y = new float[rows * labels];
        for (int i = 0; i < y.length; i++) {
            y[i] = r.nextBoolean() ? 1f : 0f;
        }
        return y;
    }

    /**
     * Relative error ‖analytic − fd‖ / ‖fd‖ of one tensor, where fd is the central difference of
     * {@code loss} with respect to each element of {@code param} (perturbed in place and restored).
     */
    static double fdError(double[] param, DoubleSupplier loss, float[] analytic, double step) {
        double[] r = fdNorms(param, loss, analytic, step);
        if (r[1] == 0) {
            return r[0] == 0 ? 0 : Double.POSITIVE_INFINITY;
        }
        return r[0] / r[1];
    }

    /** {‖analytic − fd‖, ‖fd‖, ‖analytic‖}. */
    static double[] fdNorms(double[] param, DoubleSupplier loss, float[] analytic, double step) {
        if (param.length != analytic.length) {
            throw new IllegalArgumentException(param.length + " parameters, " + analytic.length + " gradients");
        }
        double diff = 0;
        double norm = 0;
        double normA = 0;
        for (int i = 0; i < param.length; i++) {
            double keep = param[i];
            param[i] = keep + step;
            double up = loss.getAsDouble();
            param[i] = keep - step;
            double down = loss.getAsDouble();
            param[i] = keep;
            double fd = (up - down) / (2 * step);
            diff += (analytic[i] - fd) * (analytic[i] - fd);
            norm += fd * fd;
            normA += (double) analytic[i] * analytic[i];
        }
        return new double[] {Math.sqrt(diff), Math.sqrt(norm), Math.sqrt(normA)};
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    static List<String> labels(int n) {
        List<String> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add("L" + i);
        }
        return l;
    }
}
