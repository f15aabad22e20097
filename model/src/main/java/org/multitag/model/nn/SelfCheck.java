package org.multitag.model.nn;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.multitag.model.kernels.ComputeSetting;
import org.multitag.model.kernels.Kernels;
import org.multitag.model.kernels.NativeArrays;
import org.multitag.model.kernels.Precision;
import org.multitag.weights.BertConfig;
import org.multitag.weights.HfBertNames;
import org.multitag.weights.StateDict;
import org.multitag.weights.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Whether a compute setting gets the model right on this machine: a forward and backward of a tiny random BERT run
 * on the setting's kernels and precision, and again on the reference (the scalar Java kernels in float32, computed in
 * double and rounded once), compared logits and every gradient. What {@code multitag doctor} runs first on a new
 * backend or CPU.
 */
public final class SelfCheck {

    /**
     * Worst relative difference a float32 setting may show: the Java kernels against the scalar reference differ in
     * summation order only (2.6e-6 measured on this tiny model, JDK 17, AMD EPYC); a backend whose ops are wrong
     * differs by far more.
     */
    public static final double FP32_TOLERANCE = 1e-4;
    /**
     * Worst relative difference a bf16 setting may show: one bf16 product is 2.9e-3 off float64 (issue 23's probe),
     * and the tiny model chains about ten of them forward and backward.
     */
    public static final double BF16_TOLERANCE = 5e-2;
    /** Labels of the tiny model's head. */
    public static final int LABELS = 3;

    /**
     * The comparison's outcome. Differences are per tensor {@code max|x − ref| / max|ref|} (the denominator at least
     * 1e-2 of the largest tensor's, as a gradient that is 0 in exact arithmetic is rounding noise on both sides), the
     * worst tensor reported.
     *
     * @param precision the precision the setting resolved to
     * @param tensors how many tensors were compared (logits and each gradient)
     * @param maxAbs the largest element difference over all tensors
     * @param maxRel the worst tensor's relative difference
     * @param worst the name of that tensor
     * @param tolerance the bound {@code maxRel} must stay under for the precision
     */
    public record Result(Precision precision, int tensors, double maxAbs, double maxRel, String worst,
            double tolerance) {
        /** Whether the setting matches the reference within the tolerance (NaN never passes). */
        public boolean passed() {
            return maxRel <= tolerance;
        }
    }

    private SelfCheck() {}

    /** The tiny model: vocabulary 100, hidden 32, 2 layers of 4 heads, intermediate 64, 128 positions. */
    public static BertConfig tinyConfig() {
        return BertConfig.encoder(100, 32, 2, 4, 64, 128, 2);
    }

    /**
     * Random weights for {@code config}, the same for a seed: matrices N(0, 0.3²), biases N(0, 0.1²), LayerNorm scales
     * near 1, embeddings N(0, 1), so every block contributes to the output.
     */
    public static BertWeights randomWeights(BertConfig config, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        StateDict sd = new StateDict();
        for (Map.Entry<String, int[]> e : HfBertNames.expected(config, false).entrySet()) {
            String name = e.getKey();
            float[] v = new float[(int) Tensor.numel(e.getValue())];
            boolean norm = name.contains("LayerNorm.weight");
            double std = norm || name.endsWith(".bias") ? 0.1 : name.contains("embeddings") ? 1 : 0.3;
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) ((norm ? 1 : 0) + std * r.nextGaussian());
            }
            sd.put(Tensor.ofFloats(name, e.getValue(), v));
        }
        return BertWeights.of(config, sd);
    }

    /** Compares {@code setting} with the reference on the tiny model (two padded rows, repeated token ids). */
    public static Result run(ComputeSetting setting) {
        return compare(setting, null);
    }

    /** As {@link #run} with the kernels under test given ({@code null}: the setting's). */
    static Result compare(ComputeSetting setting, Kernels underTest) {
        // first, before the reference's gemms: a bf16 setting may need AMX enabled before oneDNN's first primitive
        Precision precision = setting.resolvedPrecision();
        BertConfig config = tinyConfig();
        Batch batch = Batch.of(List.of(new int[] {2, 15, 27, 15, 9, 44, 3}, new int[] {2, 27, 61, 3}),
                List.of(new int[] {0, 0, 0, 0, 1, 1, 1}, new int[] {0, 0, 0, 0}));
        Map<String, float[]> ref = forwardBackward(config, batch, setting, Kernels.scalar(1));
        Map<String, float[]> got = forwardBackward(config, batch, setting, underTest);
        // the key bias's exact gradient is 0 (softmax ignores a constant added to a row's scores): both sides are
        // rounding noise, so a tensor's scale is at least 1e-2 of the largest one's
        double floor = 0;
        for (float[] r : ref.values()) {
            floor = Math.max(floor, 1e-2 * maxAbs(r));
        }
        double maxAbs = 0;
        double maxRel = 0;
        String worst = null;
        for (Map.Entry<String, float[]> e : ref.entrySet()) {
            float[] r = e.getValue();
            float[] x = got.get(e.getKey());
            double diff = 0;
            for (int i = 0; i < r.length; i++) {
                double d = Math.abs((double) x[i] - r[i]);
                // NaN must fail: Math.max keeps it, a plain comparison would drop it
                diff = Math.max(diff, d);
            }
            double rel = diff / Math.max(maxAbs(r), floor);
            maxAbs = Math.max(maxAbs, diff);
            if (worst == null || Double.isNaN(rel) || rel > maxRel) {
                maxRel = rel;
                worst = e.getKey();
            }
            if (Double.isNaN(rel)) {
                break;
            }
        }
        return new Result(precision, ref.size(), maxAbs, maxRel, worst,
                precision == Precision.BF16 ? BF16_TOLERANCE : FP32_TOLERANCE);
    }

    private static double maxAbs(float[] v) {
        double m = 0;
        for (float f : v) {
            m = Math.max(m, Math.abs(f));
        }
        return m;
    }

    /** Logits and every gradient, by name, of one forward and backward on {@code kernels} (null: the setting's). */
    private static Map<String, float[]> forwardBackward(BertConfig config, Batch batch, ComputeSetting setting,
            Kernels kernels) {
        int rows = batch.size() * batch.maxLength();
        SplittableRandom r = new SplittableRandom(3);
        float[] upstream = new float[rows * LABELS];
        for (int i = 0; i < upstream.length; i++) {
            upstream[i] = (float) r.nextGaussian();
        }
        INDArray[] head = TokenClassifier.newClassifier(config, LABELS, 2);
        head[0].muli(20); // logits of a useful size: the head's N(0, 0.02²) would hide the encoder's differences
        Map<String, float[]> out = new LinkedHashMap<>();
        try (BertWeights weights = randomWeights(config, 1);
                TokenClassifier model = TokenClassifier.trainable(
                        new BertEncoder(weights, setting, kernels, false), head[0], head[1]);
                INDArray dLogits = NativeArrays.of(upstream, rows, LABELS)) {
            model.zeroGradients();
            out.put("logits", NativeArrays.toFloats(model.forward(batch, Pass.forBackward())));
            model.backward(dLogits);
            model.gradients().named().forEach((name, g) -> out.put(name, NativeArrays.toFloats(g)));
        } finally {
            head[0].close();
            head[1].close();
        }
        return out;
    }
}
