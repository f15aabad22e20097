package org.multitag.train.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.multitag.model.kernels.KernelChoice;
import org.multitag.model.kernels.NativeArrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * AdamW and clipping as ND4J ops (the {@code nd4j} kernels' path) next to the host version; {@link AdamWTest} holds
 * both to torch's fixture and to a bit-exact resume. Here: after every scenario of the fixture, parameters and
 * moments within 1e-6 absolute of the host version's (the ND4J ops round the two multiply-adds the host version
 * fuses), and a step that touches no host memory.
 */
class AdamWOpsTest {

    @Test
    void matchesTheHostVersion() {
        for (OptimFixture.Scenario sc : OptimFixture.load().scenarios()) {
            AdamWTest.Params device = new AdamWTest.Params(sc.initial());
            AdamWTest.Params host = new AdamWTest.Params(sc.initial());
            AdamW ops = AdamWTest.adam(device, sc, KernelChoice.ND4J);
            AdamW java = AdamWTest.adam(host, sc, KernelChoice.JAVA);
            AdamWTest.run(sc, ops, 0, sc.steps().size(), KernelChoice.ND4J);
            AdamWTest.run(sc, java, 0, sc.steps().size(), KernelChoice.JAVA);
            double params = AdamWTest.maxAbsDiff(host.values(), device.views);
            double state = 0;
            for (Map.Entry<String, INDArray> e : java.state().entrySet()) {
                state = Math.max(state, AdamWTest.maxAbsDiff(NativeArrays.toFloats(e.getValue()),
                        NativeArrays.toFloats(ops.state().get(e.getKey()))));
            }
            System.out.printf("AdamW, ND4J ops vs host, %s (%d steps): params max abs diff %.3g, state %.3g%n",
                    sc.name(), sc.steps().size(), params, state);
            assertTrue(params <= 1e-6, "params " + params);
            assertTrue(state <= 1e-6, "state " + state);
            assertEquals(java.steps(), ops.steps());
        }
    }

    @Test
    void touchesNoHostMemory() {
        OptimFixture.Scenario sc = OptimFixture.load().scenarios().get(0);
        AdamWTest.Params device = new AdamWTest.Params(sc.initial());
        AdamWTest.Params host = new AdamWTest.Params(sc.initial());
        AdamW ops = AdamWTest.adam(device, sc, KernelChoice.ND4J);
        AdamW java = AdamWTest.adam(host, sc, KernelChoice.JAVA);
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
