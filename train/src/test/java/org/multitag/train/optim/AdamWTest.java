package org.multitag.train.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.multitag.model.kernels.KernelChoice;
import org.multitag.model.kernels.NativeArrays;
import org.multitag.model.kernels.Parallel;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * AdamW, LinearWarmupDecay and GradientClipping together against torch 1.13 ({@link OptimFixture}), on the
 * host ({@code java} kernels) and as ND4J ops ({@code nd4j}): the parameters after every step within 1e-5 absolute
 * (the bar), the norms before clipping within 1e-6
 * relative, the learning rates exactly. The parameters are laid out as {@code BertWeights.parameters()} lays
 * them out (a column block of a fused matrix, transposed; a transposed matrix; a slice of a longer vector),
 * each inside a storage whose other elements must stay untouched.
 */
class AdamWTest {

    static final float SENTINEL = 1234.5f;
    static final String QUERY = "encoder.layer.0.attention.self.query.weight";
    static final String DENSE = "encoder.layer.0.output.dense.weight";
    static final String BIAS = "encoder.layer.0.output.dense.bias";
    static final String LN = "encoder.layer.0.output.LayerNorm.weight";
    static final String CLASSIFIER = "classifier.weight";

    /** The fixture's parameters as views into storages filled with {@link #SENTINEL}. */
    static final class Params {
        final Map<String, INDArray> views = new LinkedHashMap<>();
        final INDArray qkv = Nd4j.valueArrayOf(new long[] {4, 12}, SENTINEL); // [in, 3·out], query = columns 4..8
        final INDArray biases = Nd4j.valueArrayOf(new long[] {15}, SENTINEL);  // ours = elements 5..10

        Params(Map<String, float[]> values) {
            views.put(QUERY, qkv.get(NDArrayIndex.all(), NDArrayIndex.interval(4, 8)).transpose());
            views.put(DENSE, NativeArrays.of(new float[20], 4, 5).transpose());
            views.put(BIAS, biases.get(NDArrayIndex.interval(5, 10)));
            views.put(LN, NativeArrays.of(new float[5], 5));
            views.put(CLASSIFIER, NativeArrays.of(new float[15], 3, 5));
            set(values);
        }

        void set(Map<String, float[]> values) {
            for (Map.Entry<String, INDArray> e : views.entrySet()) {
                e.getValue().assign(NativeArrays.of(values.get(e.getKey()), e.getValue().shape()));
            }
        }

        Map<String, float[]> values() {
            Map<String, float[]> out = new LinkedHashMap<>();
            views.forEach((k, v) -> out.put(k, NativeArrays.toFloats(v)));
            return out;
        }

        void assertStorageUntouched() {
            float[] q = NativeArrays.toFloats(qkv);
            for (int r = 0; r < 4; r++) {
                for (int c = 0; c < 12; c++) {
                    if (c < 4 || c >= 8) {
                        assertEquals(SENTINEL, q[r * 12 + c], "qkv[" + r + "][" + c + "]");
                    }
                }
            }
            float[] b = NativeArrays.toFloats(biases);
            for (int i = 0; i < 15; i++) {
                if (i < 5 || i >= 10) {
                    assertEquals(SENTINEL, b[i], "biases[" + i + "]");
                }
            }
        }
    }

    /** Gradients in mixed layouts: row-major, a transposed view, a column-major copy. */
    static Map<String, INDArray> gradients(Map<String, float[]> values, Map<String, long[]> shapes) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            INDArray g = NativeArrays.of(values.get(e.getKey()), e.getValue());
            if (e.getKey().equals(DENSE)) {
                g = g.transpose().dup('c').transpose(); // same layout as the parameter view
            } else if (e.getKey().equals(CLASSIFIER)) {
                g = g.dup('f');
            }
            out.put(e.getKey(), g);
        }
        return out;
    }

    static double maxAbsDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs((double) a[i] - b[i]));
        }
        return m;
    }

    static double maxAbsDiff(Map<String, float[]> want, Map<String, INDArray> got) {
        double m = 0;
        for (Map.Entry<String, float[]> e : want.entrySet()) {
            m = Math.max(m, maxAbsDiff(e.getValue(), NativeArrays.toFloats(got.get(e.getKey()))));
        }
        return m;
    }

    @ParameterizedTest
    @EnumSource(value = KernelChoice.class, names = {"JAVA", "ND4J"})
    void matchesTorch(KernelChoice kernels) {
        OptimFixture fixture = OptimFixture.load();
        assertEquals(2, fixture.scenarios().size());
        for (OptimFixture.Scenario sc : fixture.scenarios()) {
            LinearWarmupDecay schedule = LinearWarmupDecay.withRatio(sc.lr(), sc.warmupRatio(), sc.totalSteps());
            assertEquals(sc.warmupSteps(), schedule.warmupSteps(), sc.name());
            Params params = new Params(sc.initial());
            AdamW adam = adam(params, sc, kernels);
            double worstParams = 0;
            double worstGrads = 0;
            double worstNormRel = 0;
            for (int k = 0; k < sc.steps().size(); k++) {
                OptimFixture.Step want = sc.steps().get(k);
                double lr = schedule.lr(adam.steps());
                assertEquals(want.lr(), lr, 0.0, sc.name() + " step " + (k + 1) + ": lr");
                Map<String, INDArray> grads = gradients(sc.grads().get(k), sc.shapes());
                if (sc.maxNorm() != null) {
                    double norm = GradientClipping.clip(grads.values(), sc.maxNorm(), kernels);
                    worstNormRel = Math.max(worstNormRel, Math.abs(norm - want.norm()) / want.norm());
                }
                worstGrads = Math.max(worstGrads, maxAbsDiff(want.clippedGrads(), grads));
                adam.step(grads, lr);
                assertEquals(k + 1, adam.steps());
                double d = maxAbsDiff(want.params(), params.views);
                worstParams = Math.max(worstParams, d);
                assertTrue(d <= 1e-5, sc.name() + " step " + (k + 1) + ": params max abs diff " + d);
            }
            double worstState = 0;
            for (Map.Entry<String, float[]> e : sc.state().entrySet()) {
                worstState = Math.max(worstState,
                        maxAbsDiff(e.getValue(), NativeArrays.toFloats(adam.state().get(e.getKey()))));
            }
            System.out.printf("AdamW (%s) vs torch, %s (%d steps): params max abs diff %.3g, state %.3g, "
                    + "clipped grads %.3g, norm rel diff %.3g%n", kernels.label(), sc.name(), sc.steps().size(), worstParams,
                    worstState, worstGrads, worstNormRel);
            assertTrue(worstNormRel <= 1e-6, "norm relative diff " + worstNormRel);
            assertTrue(worstGrads <= 1e-6, "clipped gradients max abs diff " + worstGrads);
            assertTrue(worstState <= 1e-5, "state max abs diff " + worstState);
            assertEquals(sc.state().size(), adam.state().size());
            params.assertStorageUntouched();
        }
    }

    /** An optimizer over {@code params} with the scenario's settings, updating as {@code kernels} say. */
    static AdamW adam(Params params, OptimFixture.Scenario sc, KernelChoice kernels) {
        return new AdamW(params.views, 0.9, 0.999, sc.eps(), sc.weightDecay(), AdamW::decays, null, kernels);
    }

    /** Runs a scenario's steps [from, to) with its clipping and schedule, as {@code kernels} compute them. */
    static void run(OptimFixture.Scenario sc, AdamW adam, int from, int to, KernelChoice kernels) {
        LinearWarmupDecay schedule = LinearWarmupDecay.withRatio(sc.lr(), sc.warmupRatio(), sc.totalSteps());
        for (int k = from; k < to; k++) {
            Map<String, INDArray> grads = gradients(sc.grads().get(k), sc.shapes());
            if (sc.maxNorm() != null) {
                GradientClipping.clip(grads.values(), sc.maxNorm(), kernels);
            }
            adam.step(grads, schedule.lr(adam.steps()));
        }
    }

    @ParameterizedTest
    @EnumSource(value = KernelChoice.class, names = {"JAVA", "ND4J"})
    void stateRoundTripResumesBitIdentically(KernelChoice kernels) {
        OptimFixture.Scenario sc = OptimFixture.load().scenarios().get(0);
        int steps = sc.steps().size();

        Params straight = new Params(sc.initial());
        AdamW uninterrupted = adam(straight, sc, kernels);
        run(sc, uninterrupted, 0, steps, kernels);

        Params first = new Params(sc.initial());
        AdamW before = adam(first, sc, kernels);
        run(sc, before, 0, steps - 1, kernels);
        // a checkpoint: parameters and optimizer state as row-major float arrays, and the step counter
        Map<String, float[]> savedParams = first.values();
        Map<String, float[]> savedState = new LinkedHashMap<>();
        Map<String, long[]> savedShapes = new LinkedHashMap<>();
        before.state().forEach((k, v) -> {
            savedState.put(k, NativeArrays.toFloats(v));
            savedShapes.put(k, v.shape());
        });
        long savedSteps = before.steps();

        Params resumed = new Params(savedParams);
        AdamW after = adam(resumed, sc, kernels);
        Map<String, INDArray> restored = new LinkedHashMap<>();
        savedState.forEach((k, v) -> restored.put(k, NativeArrays.of(v, savedShapes.get(k))));
        after.restore(restored, savedSteps);
        assertEquals(steps - 1, after.steps());
        run(sc, after, steps - 1, steps, kernels);

        Map<String, float[]> want = straight.values();
        Map<String, float[]> got = resumed.values();
        for (String name : want.keySet()) {
            assertArrayEquals(want.get(name), got.get(name), name); // exact, bit for bit
        }
        for (String name : uninterrupted.state().keySet()) {
            assertArrayEquals(NativeArrays.toFloats(uninterrupted.state().get(name)),
                    NativeArrays.toFloats(after.state().get(name)), name);
        }
    }

    @Test
    void threadsDoNotChangeTheResult() {
        // large enough to be split over threads (> 32k elements) and to span several kernel blocks
        INDArray init = Nd4j.rand(DataType.FLOAT, 300, 400).subi(0.5);
        INDArray one = init.dup('c').transpose();   // a dense 'f' view, like BertWeights' Linear weights
        INDArray two = init.dup('c').transpose();
        try (Parallel parallel = new Parallel(2)) {
            AdamW serial = new AdamW(Map.of("w", one), 0.9, 0.999, 1e-8, 0.01, AdamW::decays, null);
            AdamW threaded = new AdamW(Map.of("w", two), 0.9, 0.999, 1e-8, 0.01, AdamW::decays, parallel);
            for (int k = 0; k < 3; k++) {
                INDArray g = Nd4j.rand(DataType.FLOAT, 400, 300).subi(0.5);
                serial.step(Map.of("w", g), 1e-3);
                threaded.step(Map.of("w", g.dup('f')), 1e-3);
            }
        }
        assertArrayEquals(NativeArrays.toFloats(one), NativeArrays.toFloats(two));
        assertFalse(java.util.Arrays.equals(NativeArrays.toFloats(one), NativeArrays.toFloats(init.transpose())));
    }

    @Test
    void restoreRejectsForeignState() {
        Map<String, INDArray> p = Map.of("w", NativeArrays.of(new float[4], 2, 2));
        AdamW adam = new AdamW(p);
        Map<String, INDArray> state = new LinkedHashMap<>(adam.state());
        assertEquals(List.of("exp_avg.w", "exp_avg_sq.w"), new ArrayList<>(state.keySet()));
        state.put("exp_avg.w", NativeArrays.of(new float[4], 4));
        assertThrows(IllegalArgumentException.class, () -> adam.restore(state, 1));
        state.put("exp_avg.w", NativeArrays.of(new float[4], 2, 2));
        state.put("exp_avg.other", NativeArrays.of(new float[4], 2, 2));
        assertThrows(IllegalArgumentException.class, () -> adam.restore(state, 1));
        state.remove("exp_avg.other");
        state.remove("exp_avg_sq.w");
        assertThrows(IllegalArgumentException.class, () -> adam.restore(state, 1));
    }

    @Test
    void weightDecayGroups() {
        assertTrue(AdamW.decays("encoder.layer.3.intermediate.dense.weight"));
        assertTrue(AdamW.decays("embeddings.word_embeddings.weight"));
        assertTrue(AdamW.decays("classifier.weight"));
        assertFalse(AdamW.decays("encoder.layer.3.intermediate.dense.bias"));
        assertFalse(AdamW.decays("embeddings.LayerNorm.weight"));
        assertFalse(AdamW.decays("encoder.layer.0.attention.output.LayerNorm.weight"));
        assertFalse(AdamW.decays("classifier.bias"));

        // zero gradients: the Adam part is 0, only the decay acts, p ← p·(1 − lr·wd)
        Map<String, INDArray> p = new LinkedHashMap<>();
        p.put("a.weight", NativeArrays.of(new float[] {2f, -4f}, 2));
        p.put("a.bias", NativeArrays.of(new float[] {2f, -4f}, 2));
        p.put("a.LayerNorm.weight", NativeArrays.of(new float[] {2f, -4f}, 2));
        AdamW adam = new AdamW(p, 0.9, 0.999, 1e-8, 0.5, AdamW::decays, null);
        Map<String, INDArray> g = new LinkedHashMap<>();
        p.keySet().forEach(k -> g.put(k, NativeArrays.of(new float[2], 2)));
        adam.step(g, 0.1);
        assertArrayEquals(new float[] {1.9f, -3.8f}, NativeArrays.toFloats(p.get("a.weight")));
        assertArrayEquals(new float[] {2f, -4f}, NativeArrays.toFloats(p.get("a.bias")));
        assertArrayEquals(new float[] {2f, -4f}, NativeArrays.toFloats(p.get("a.LayerNorm.weight")));
    }

    @Test
    void firstStepByHand() {
        // step 1: m̂ = g, v̂ = g², so p ← p − lr·g/(|g| + eps). With eps = 0.1 (placement matters):
        // 0.1 · 0.5 / 0.6 = 0.083333 (ND4J's Adam gives 0.01365)
        Map<String, INDArray> p = Map.of("x.bias", NativeArrays.of(new float[] {0f, 1f}, 2));
        AdamW adam = new AdamW(p, 0.9, 0.999, 0.1, 0.01, AdamW::decays, null);
        adam.step(Map.of("x.bias", NativeArrays.of(new float[] {0.5f, -2f}, 2)), 0.1);
        float[] got = NativeArrays.toFloats(p.get("x.bias"));
        assertEquals(-0.1 * 0.5 / 0.6, got[0], 1e-7);
        assertEquals(1 + 0.1 * 2 / 2.1, got[1], 1e-7);
        assertThrows(IllegalArgumentException.class, () -> adam.step(Map.of(), 0.1));
        assertThrows(IllegalArgumentException.class,
                () -> adam.step(Map.of("x.bias", NativeArrays.of(new float[3], 3)), 0.1));
    }
}
