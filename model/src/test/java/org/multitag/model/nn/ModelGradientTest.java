package org.multitag.model.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.multitag.model.kernels.ComputeSetting;
import org.multitag.model.kernels.KernelChoice;
import org.multitag.model.kernels.NativeArrays;
import org.multitag.weights.BertConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The whole model + BCE loss on a tiny config (vocab 30, H 8, 2 heads, 2 layers, I 16, 3 labels; a batch of
 * two rows of lengths 7 and 4, so with padding, and repeated token ids), in training mode with dropout:
 * every gradient, exported under its HF name in HF layout, against central differences of the double
 * reference {@link Ref} with the same dropout masks. Tolerance: relative error per tensor ≤ 1e-5
 * (measured ≈ 1e-6). Also: eval logits = the inference path, freezing, seeds, accumulation. With each kernel set.
 */
@ParameterizedClass(name = "kernels {0}")
@EnumSource(value = KernelChoice.class, names = {"JAVA", "ND4J"})
class ModelGradientTest {

    static final double TOL = 1e-5;

    /** The kernels of this run of the class. */
    @org.junit.jupiter.params.Parameter
    KernelChoice kernels;

    ComputeSetting setting() {
        return ComputeSetting.defaults().withThreads(2).withKernels(kernels);
    }

    static INDArray[] head(BertConfig cfg, long seed) {
        INDArray[] h = TokenClassifier.newClassifier(cfg, Tiny.LABELS, seed);
        h[0].muli(20); // N(0, 0.4²): logits of a useful size on this tiny model
        h[1].assign(NativeArrays.of(Tiny.gaussian(new SplittableRandom(seed), Tiny.LABELS, 0, 0.3), Tiny.LABELS));
        return h;
    }

    static Map<String, double[]> doubles(Map<String, INDArray> named) {
        Map<String, double[]> m = new LinkedHashMap<>();
        named.forEach((k, v) -> m.put(k, Ref.d(v)));
        return m;
    }

    @Test
    void everyGradientMatchesFiniteDifferences() {
        everyGradient(Tiny.config(0.2, 0.15), Tiny.batch(), "tiny model");
    }

    /**
     * tanh GELU and ReLU; left padding, a masked position inside a row, explicit position ids (masked positions hold
     * the pad id 0, whose word row gets no gradient: no real token uses it).
     */
    @Test
    void everyActivationAndAnyMaskMatchFiniteDifferences() {
        Batch masked = Batch.of(new int[][] {{0, 0, 2, 5, 7, 5, 3}, {2, 7, 11, 4, 9, 3, 0}},
                new int[][] {{0, 0, 0, 0, 1, 1, 1}, new int[7]}, new int[][] {{0, 0, 1, 1, 1, 1, 1}, {1, 1, 0, 1, 1, 1, 0}},
                new int[][] {{1, 1, 0, 1, 2, 3, 4}, {0, 1, 2, 3, 4, 5, 6}});
        for (String act : new String[] {"gelu_new", "relu"}) {
            everyGradient(Tiny.config(0.2, 0.15, act), Tiny.batch(), "tiny model, " + act);
        }
        everyGradient(Tiny.config(0.2, 0.15), masked, "tiny model, any mask");
    }

    /** The head reading a learned mix of both layers: every gradient, the mix's scalars and scale included. */
    @Test
    void layerMixMatchesFiniteDifferences() {
        INDArray[] mix = TokenClassifier.layerMix(2);
        mix[0].assign(NativeArrays.of(new float[] {0.4f, -0.3f}, 2));
        mix[1].assign(1.3f);
        everyGradient(Tiny.config(0.2, 0.15), Tiny.batch(), "tiny model, layer mix", mix);
    }

    void everyGradient(BertConfig cfg, Batch batch, String what) {
        everyGradient(cfg, batch, what, null);
    }

    void everyGradient(BertConfig cfg, Batch batch, String what, INDArray[] mix) {
        int rows = batch.size() * batch.maxLength();
        boolean[] mask = Tiny.tokenMask(batch);
        float[] y = Tiny.targets(rows, Tiny.LABELS, 3);
        try (BertWeights w = Tiny.weights(cfg, 1)) {
            INDArray[] h = head(cfg, 2);
            try (TokenClassifier model = TokenClassifier.trainable(w, h[0], h[1], Freeze.none(), setting(), mix)) {
                model.zeroGradients();
                double[] z = Ref.d(model.forward(batch, Pass.training(new SplittableRandom(17))));
                double loss = Bce.loss(z, y, mask, Tiny.LABELS);
                model.backward(NativeArrays.of(Bce.grad(z, y, mask, Tiny.LABELS), rows, Tiny.LABELS));

                Map<String, byte[]> masks = new LinkedHashMap<>();
                model.dropouts().forEach((k, d) -> masks.put(k, BlockGradientTest.bytes(d.mask())));
                masks.values().forEach(m -> assertTrue(m != null, "dropout active at every site"));
                Map<String, double[]> p = doubles(model.namedParameters());
                java.util.function.DoubleSupplier refLoss = () -> Bce.loss(
                        Ref.logits(p, cfg, batch, masks, 0.2, 0.15, 0.2, Tiny.LABELS), y, mask, Tiny.LABELS);
                double[] zRef = Ref.logits(p, cfg, batch, masks, 0.2, 0.15, 0.2, Tiny.LABELS);
                double maxZ = 0;
                for (int i = 0; i < z.length; i++) {
                    maxZ = Math.max(maxZ, Math.abs(z[i] - zRef[i]));
                }
                System.out.printf("%s: loss %.6f, float32 vs double logits max |diff| %.2e%n", what, loss, maxZ);
                assertTrue(maxZ < 1e-5, "logits vs reference " + maxZ);
                assertEquals(refLoss.getAsDouble(), loss, 1e-6);

                Map<String, INDArray> grads = model.gradients().named();
                assertEquals(p.keySet().stream().filter(k -> !k.startsWith("pooler")).toList(),
                        grads.keySet().stream().toList(), "one gradient per parameter, same names and order");
                double worst = 0;
                String worstName = null;
                for (Map.Entry<String, INDArray> e : grads.entrySet()) {
                    double[] param = p.get(e.getKey());
                    assertArrayEquals(model.namedParameters().get(e.getKey()).shape(), e.getValue().shape(), e.getKey());
                    double[] norms = Tiny.fdNorms(param, refLoss, NativeArrays.toFloats(e.getValue()), 1e-5);
                    if (norms[1] < 1e-9) {
                        // a gradient that is exactly 0 in exact arithmetic: the key bias (softmax ignores a constant
                        // added to every score of a row). Both sides must be rounding noise.
                        System.out.printf("  %-45s zero gradient: |fd| %.1e, |analytic| %.1e%n", e.getKey(), norms[1], norms[2]);
                        assertTrue(norms[2] < 1e-7, e.getKey() + ": expected ~0, got norm " + norms[2]);
                        continue;
                    }
                    double err = norms[0] / norms[1];
                    if (err > worst) {
                        worst = err;
                        worstName = e.getKey();
                    }
                    assertTrue(err <= TOL, e.getKey() + ": relative error " + err);
                }
                System.out.printf("%s: %d gradient tensors vs finite differences, worst relative error %.2e (%s)%n",
                        what, grads.size(), worst, worstName);
            }
        }
    }

    @Test
    void inferenceAndSavingPassesGiveTheSameBitsAndTrainingFollowsTheSeed() {
        BertConfig cfg = Tiny.config(0.1, 0.1);
        Batch batch = Tiny.batch();
        BertWeights w = Tiny.weights(cfg, 4);
        INDArray[] h = head(cfg, 5);
        try (BertEncoder encoder = new BertEncoder(w, setting(), true);
                TokenClassifier inference = new TokenClassifier(encoder, h[0], h[1]);
                TokenClassifier model = TokenClassifier.trainable(w, h[0], h[1], Freeze.none(), setting())) {
            float[] expected = NativeArrays.toFloats(inference.forward(batch, Pass.inference()));
            float[] eval = NativeArrays.toFloats(model.forward(batch, Pass.forBackward()));
            float[] eval2 = NativeArrays.toFloats(model.forward(batch, Pass.inference()));
            assertArrayEquals(expected, eval, "a saving pass computes the inference bits");
            assertArrayEquals(expected, eval2, "one code path, whichever model object runs it");

            float[] t1 = NativeArrays.toFloats(model.forward(batch, Pass.training(new SplittableRandom(9))));
            float[] t2 = NativeArrays.toFloats(model.forward(batch, Pass.training(new SplittableRandom(9))));
            float[] t3 = NativeArrays.toFloats(model.forward(batch, Pass.training(new SplittableRandom(10))));
            assertArrayEquals(t1, t2, "same seed, same dropout");
            assertFalse(java.util.Arrays.equals(t1, t3), "another seed, other dropout");
            assertFalse(java.util.Arrays.equals(t1, eval), "training mode drops");
            assertThrows(IllegalStateException.class, () -> inference.backward(Nd4j.zeros(DataType.FLOAT,
                    batch.size() * batch.maxLength(), Tiny.LABELS)), "an inference classifier has no gradients");
            model.forward(batch, Pass.inference());
            assertThrows(IllegalStateException.class, () -> model.backward(Nd4j.zeros(DataType.FLOAT,
                    batch.size() * batch.maxLength(), Tiny.LABELS)), "backward after a pass that saved nothing");
        }
    }

    /** Gradients of one step, by HF name, for a freeze setting (same weights, seed and batch each time). */
    Map<String, float[]> step(Freeze freeze, int backwards) {
        BertConfig cfg = Tiny.config(0.2, 0.15);
        Batch batch = Tiny.batch();
        int rows = batch.size() * batch.maxLength();
        boolean[] mask = Tiny.tokenMask(batch);
        float[] y = Tiny.targets(rows, Tiny.LABELS, 3);
        try (BertWeights w = Tiny.weights(cfg, 1)) {
            INDArray[] h = head(cfg, 2);
            try (TokenClassifier model = TokenClassifier.trainable(w, h[0], h[1], freeze, setting())) {
                model.zeroGradients();
                for (int k = 0; k < backwards; k++) {
                    double[] z = Ref.d(model.forward(batch, Pass.training(new SplittableRandom(17))));
                    model.backward(NativeArrays.of(Bce.grad(z, y, mask, Tiny.LABELS), rows, Tiny.LABELS));
                }
                Map<String, float[]> m = new LinkedHashMap<>();
                model.gradients().named().forEach((k, v) -> m.put(k, NativeArrays.toFloats(v)));
                assertEquals(model.parameters().size(), model.parameters().stream().map(Parameter::name).distinct().count());
                for (Parameter prm : model.parameters()) {
                    assertArrayEquals(prm.value().shape(), prm.grad().shape(), prm.name());
                }
                return m;
            }
        }
    }

    @Test
    void freezingDropsGradientsButNotValues() {
        Map<String, float[]> all = step(Freeze.none(), 1);
        Map<String, float[]> top1 = step(Freeze.topLayers(1), 1);
        Map<String, float[]> headOnly = step(Freeze.headOnly(), 1);
        assertEquals(all.keySet().stream().filter(k -> k.startsWith("encoder.layer.1.") || k.startsWith("classifier."))
                .toList(), top1.keySet().stream().toList());
        assertEquals(java.util.List.of("classifier.weight", "classifier.bias"), headOnly.keySet().stream().toList());
        for (Map.Entry<String, float[]> e : top1.entrySet()) {
            assertArrayEquals(all.get(e.getKey()), e.getValue(), 1e-7f, e.getKey());
        }
        for (Map.Entry<String, float[]> e : headOnly.entrySet()) {
            assertArrayEquals(all.get(e.getKey()), e.getValue(), 1e-7f, e.getKey());
        }
    }

    @Test
    void backwardAccumulatesUntilZeroed() {
        Map<String, float[]> once = step(Freeze.none(), 1);
        Map<String, float[]> twice = step(Freeze.none(), 2);
        for (Map.Entry<String, float[]> e : once.entrySet()) {
            float[] a = e.getValue();
            float[] b = twice.get(e.getKey());
            for (int i = 0; i < a.length; i++) {
                assertEquals(2 * a[i], b[i], 1e-6 + 1e-5 * Math.abs(a[i]), e.getKey());
            }
        }
    }
}
