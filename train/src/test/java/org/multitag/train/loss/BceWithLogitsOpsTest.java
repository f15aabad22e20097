package org.multitag.train.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.multitag.model.kernels.KernelChoice;
import org.multitag.model.kernels.NativeArrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The ND4J-op loss (the {@code nd4j} kernels' path) against the host loss ({@link BceWithLogitsLossTest} holds both
 * to PyTorch). It computes in float32 where the host version computes in double; tolerances on random data: 2e-6
 * relative on the loss and 1e-6 of the largest gradient element per element.
 */
class BceWithLogitsOpsTest {

    static INDArray arr(float[] v, long... shape) {
        return NativeArrays.of(v, shape);
    }

    static BceWithLogitsLoss ops(boolean sumOverLabels) {
        return new BceWithLogitsLoss(sumOverLabels, KernelChoice.ND4J);
    }

    static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    @Test
    void matchesTheHostLossOnRandomBatches() {
        SplittableRandom r = new SplittableRandom(24);
        for (int round = 0; round < 8; round++) {
            int n = 1 + r.nextInt(200);
            int labels = 1 + r.nextInt(40);
            boolean sum = round % 2 == 1;
            float[] z = new float[n * labels];
            float[] y = new float[n * labels];
            float[] m = new float[n];
            for (int t = 0; t < n; t++) {
                m[t] = r.nextDouble() < 0.2 ? 0f : 1f;
                for (int l = 0; l < labels; l++) {
                    int i = t * labels + l;
                    // mostly moderate logits, a few far out; garbage in unlabelled rows
                    z[i] = (float) (r.nextDouble() < 0.05 ? (r.nextDouble() - 0.5) * 200 : r.nextGaussian() * 4);
                    y[i] = r.nextDouble() < 0.3 ? 1f : 0f;
                    if (m[t] == 0 && r.nextDouble() < 0.3) {
                        z[i] = r.nextBoolean() ? Float.NaN : Float.POSITIVE_INFINITY;
                    }
                }
            }
            float[] pwv = new float[labels];
            for (int l = 0; l < labels; l++) {
                pwv[l] = (float) (0.5 + r.nextDouble() * 20);
            }
            INDArray pw = round % 4 < 2 ? null : arr(pwv, labels);
            INDArray zs = arr(z, n, labels);
            INDArray ys = arr(y, n, labels);
            INDArray ms = arr(m, n);

            BceWithLogitsLoss host = new BceWithLogitsLoss(sum);
            BceWithLogitsLoss device = ops(sum);
            double want = host.forward(zs, ys, ms, pw);
            double got = device.forward(zs, ys, ms, pw);
            INDArray gWant = arr(new float[n * labels], n, labels);
            INDArray gGot = arr(new float[n * labels], n, labels);
            host.backward(gWant, 0.25);
            device.backward(gGot, 0.25);
            float[] a = NativeArrays.toFloats(gWant);
            float[] b = NativeArrays.toFloats(gGot);
            double scale = maxAbs(a);
            double worst = 0;
            for (int i = 0; i < a.length; i++) {
                assertTrue(Float.isFinite(b[i]), "gradient element " + i + " is " + b[i]);
                worst = Math.max(worst, Math.abs(a[i] - b[i]));
            }
            double rel = want == 0 ? Math.abs(got) : Math.abs(got - want) / Math.abs(want);
            System.out.printf("BCE ND4J ops vs host, N=%d L=%d%s%s: loss rel diff %.3g, grad max abs diff %.3g of %.3g%n",
                    n, labels, sum ? " sum" : "", pw == null ? "" : " pos_weight", rel, worst, scale);
            assertTrue(rel <= 2e-6, "loss relative diff " + rel);
            assertTrue(worst <= 1e-6 * scale, "gradient max abs diff " + worst + " of " + scale);
        }
    }

    @Test
    void unlabelledRowsAreNeverRead() {
        // the middle token is unlabelled and holds NaN and 1e30: loss and gradient stay finite, its gradient is 0
        INDArray z = arr(new float[] {0.5f, -1f, Float.NaN, 1e30f, 2f, 0f}, 3, 2);
        INDArray y = arr(new float[] {1, 0, 1, 1, 0, 1}, 3, 2);
        INDArray mask = arr(new float[] {1, 0, 1}, 3);
        BceWithLogitsLoss bce = ops(false);
        double expected = new BceWithLogitsLoss().forward(z, y, mask, null);
        assertEquals(expected, bce.forward(z, y, mask, null), 1e-7 * expected);
        INDArray grad = arr(new float[] {9, 9, 9, 9, 9, 9}, 3, 2);
        bce.backward(grad);
        float[] g = NativeArrays.toFloats(grad);
        assertEquals(0f, g[2], 0f); // 0 or -0 (a finite value times a zero mask)
        assertEquals(0f, g[3], 0f);
        assertEquals((float) ((1 / (1 + Math.exp(-0.5)) - 1) / 4), g[0], 1e-8f);

        assertEquals(0.0, bce.forward(z, y, arr(new float[3], 3), null));
        bce.backward(grad);
        assertEquals(0.0, maxAbs(NativeArrays.toFloats(grad)));
    }

    @Test
    void touchesNoHostMemory() {
        INDArray z = arr(new float[] {0.5f, -1f, 3f, 1f, 2f, 0f}, 3, 2);
        INDArray y = arr(new float[] {1, 0, 1, 1, 0, 1}, 3, 2);
        INDArray mask = arr(new float[] {1, 0, 1}, 3);
        INDArray pw = arr(new float[] {2, 3}, 2);
        INDArray grad = z.ulike();
        BceWithLogitsLoss device = ops(false);
        BceWithLogitsLoss host = new BceWithLogitsLoss();
        try (var guard = NativeArrays.forbidHostAccess()) {
            assertTrue(device.forward(z, y, mask, pw) > 0);
            device.backward(grad);
            // the guard is real: the host loss reads the logits from Java and fails
            assertThrows(IllegalStateException.class, () -> host.forward(z, y, mask, pw));
        }
        assertTrue(host.forward(z, y, mask, pw) > 0);
    }
}
