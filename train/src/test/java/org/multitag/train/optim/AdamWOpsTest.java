package org.multitag.train.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.multitag.model.kernels.KernelChoice;
import org.multitag.model.kernels.NativeArrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * AdamW and clipping as ND4J ops (the {@code nd4j} kernels' path) on torch 1.13's fixture ({@link OptimFixture},
 * the parameters laid out as {@link AdamWTest} lays them out): the same bars as the host version (parameters and
 * state within 1e-5 absolute of torch, norms within 1e-6 relative) and within 1e-6 absolute of the host version;
 * a resume bit-exact within the ND4J-op path; no host memory touched.
 */
class AdamWOpsTest {

    static AdamW adam(AdamWTest.Params params, OptimFixture.Scenario sc, KernelChoice kernels) {
        return new AdamW(params.views, 0.9, 0.999, sc.eps(), sc.weightDecay(), AdamW::decays, null, kernels);
    }

    /** Steps [from, to) of a scenario with its schedule and clipping, the norm taken as {@code kernels} say. */
    static void run(OptimFixture.Scenario sc, AdamW adam, int from, int to, KernelChoice kernels) {
        LinearWarmupDecay schedule = LinearWarmupDecay.withRatio(sc.lr(), sc.warmupRatio(), sc.totalSteps());
        for (int k = from; k < to; k++) {
            Map<String, INDArray> grads = AdamWTest.gradients(sc.grads().get(k), sc.shapes());
            if (sc.maxNorm() != null) {
                GradientClipping.clip(grads.values(), sc.maxNorm(), kernels);
            }
            adam.step(grads, schedule.lr(adam.steps()));
        }
    }

    @Test
    void matchesTorchAndTheHostVersion() {
        for (OptimFixture.Scenario sc : OptimFixture.load().scenarios()) {
            LinearWarmupDecay schedule = LinearWarmupDecay.withRatio(sc.lr(), sc.warmupRatio(), sc.totalSteps());
            AdamWTest.Params device = new AdamWTest.Params(sc.initial());
            AdamWTest.Params host = new AdamWTest.Params(sc.initial());
            AdamW ops = adam(device, sc, KernelChoice.ND4J);
            AdamW java = adam(host, sc, KernelChoice.JAVA);
            double worstTorch = 0;
            double worstHost = 0;
            double worstNorm = 0;
            for (int k = 0; k < sc.steps().size(); k++) {
                OptimFixture.Step want = sc.steps().get(k);
                double lr = schedule.lr(ops.steps());
                Map<String, INDArray> g1 = AdamWTest.gradients(sc.grads().get(k), sc.shapes());
                Map<String, INDArray> g2 = AdamWTest.gradients(sc.grads().get(k), sc.shapes());
                if (sc.maxNorm() != null) {
                    double norm = GradientClipping.clip(g1.values(), sc.maxNorm(), KernelChoice.ND4J);
                    GradientClipping.clip(g2.values(), sc.maxNorm(), KernelChoice.JAVA);
                    worstNorm = Math.max(worstNorm, Math.abs(norm - want.norm()) / want.norm());
                }
                ops.step(g1, lr);
                java.step(g2, lr);
                worstTorch = Math.max(worstTorch, AdamWTest.maxAbsDiff(want.params(), device.views));
                worstHost = Math.max(worstHost, AdamWTest.maxAbsDiff(host.values(), device.views));
            }
            double worstState = 0;
            for (Map.Entry<String, float[]> e : sc.state().entrySet()) {
                worstState = Math.max(worstState,
                        AdamWTest.maxAbsDiff(e.getValue(), NativeArrays.toFloats(ops.state().get(e.getKey()))));
            }
            System.out.printf("AdamW (ND4J ops), %s (%d steps): params max abs diff %.3g vs torch, %.3g vs host; "
                    + "state %.3g; norm rel diff %.3g%n", sc.name(), sc.steps().size(), worstTorch, worstHost,
                    worstState, worstNorm);
            assertTrue(worstTorch <= 1e-5, "params vs torch " + worstTorch);
            assertTrue(worstHost <= 1e-6, "params vs host " + worstHost);
            assertTrue(worstState <= 1e-5, "state vs torch " + worstState);
            assertTrue(worstNorm <= 1e-6, "norm relative diff " + worstNorm);
            device.assertStorageUntouched();
        }
    }

    @Test
    void resumesBitIdentically() {
        OptimFixture.Scenario sc = OptimFixture.load().scenarios().get(0);
        int steps = sc.steps().size();
        KernelChoice k = KernelChoice.ND4J;

        AdamWTest.Params straight = new AdamWTest.Params(sc.initial());
        AdamW uninterrupted = adam(straight, sc, k);
        run(sc, uninterrupted, 0, steps, k);

        AdamWTest.Params first = new AdamWTest.Params(sc.initial());
        AdamW before = adam(first, sc, k);
        run(sc, before, 0, steps - 2, k);
        Map<String, float[]> savedParams = first.values();
        Map<String, INDArray> saved = new LinkedHashMap<>();
        before.state().forEach((name, v) -> saved.put(name, NativeArrays.of(NativeArrays.toFloats(v), v.shape())));

        AdamWTest.Params resumed = new AdamWTest.Params(savedParams);
        AdamW after = adam(resumed, sc, k);
        after.restore(saved, before.steps());
        run(sc, after, steps - 2, steps, k);

        Map<String, float[]> want = straight.values();
        Map<String, float[]> got = resumed.values();
        for (String name : want.keySet()) {
            assertArrayEquals(want.get(name), got.get(name), name); // bit for bit
        }
        for (String name : uninterrupted.state().keySet()) {
            assertArrayEquals(NativeArrays.toFloats(uninterrupted.state().get(name)),
                    NativeArrays.toFloats(after.state().get(name)), name);
        }
        assertEquals(uninterrupted.steps(), after.steps());
    }

    @Test
    void touchesNoHostMemory() {
        OptimFixture.Scenario sc = OptimFixture.load().scenarios().get(0);
        AdamWTest.Params device = new AdamWTest.Params(sc.initial());
        AdamWTest.Params host = new AdamWTest.Params(sc.initial());
        AdamW ops = adam(device, sc, KernelChoice.ND4J);
        AdamW java = adam(host, sc, KernelChoice.JAVA);
        Map<String, INDArray> g1 = AdamWTest.gradients(sc.grads().get(0), sc.shapes());
        Map<String, INDArray> g2 = AdamWTest.gradients(sc.grads().get(0), sc.shapes());
        try (var guard = NativeArrays.forbidHostAccess()) {
            assertTrue(GradientClipping.clip(g1.values(), 0.01, KernelChoice.ND4J) > 0);
            ops.step(g1, 1e-3);
            // the guard is real: the host versions read the arrays from Java and fail
            assertThrows(IllegalStateException.class, () -> GradientClipping.globalNorm(g2.values()));
            assertThrows(IllegalStateException.class, () -> java.step(g2, 1e-3));
        }
        assertEquals(1, ops.steps());
    }
}
