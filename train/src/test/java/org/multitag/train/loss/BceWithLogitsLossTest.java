package org.multitag.train.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.multitag.model.kernels.KernelChoice;
import org.multitag.model.kernels.NativeArrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * BceWithLogitsLoss against hand-computed values and against PyTorch: {@code loss/bce_fixture.json}, written by
 * {@code src/test/python/make_loss_fixture.py} (torch 1.13, {@code binary_cross_entropy_with_logits} with
 * {@code reduction='none'} × mask / (Σmask · L), gradient by autograd; logits up to ±200), on the host ({@code java}
 * kernels) and as ND4J ops ({@code nd4j}). Tolerances: 1e-6 relative on the loss, 1e-6 absolute on the gradient.
 */
class BceWithLogitsLossTest {

    static INDArray arr(float[] v, long... shape) {
        return NativeArrays.of(v, shape);
    }

    static float[] floats(JsonNode node) {
        float[] out = new float[node.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) node.get(i).doubleValue();
        }
        return out;
    }

    /** ℓ by the textbook formula, in double. */
    static double naive(double z, double y, double pw) {
        double s = 1 / (1 + Math.exp(-z));
        return -(pw * y * Math.log(s) + (1 - y) * Math.log(1 - s));
    }

    @Test
    void smallCaseByHand() {
        // 3 tokens, 2 labels; the middle token is unlabelled and holds garbage
        INDArray z = arr(new float[] {0.5f, -1f, Float.NaN, 1e30f, 2f, 0f}, 3, 2);
        INDArray y = arr(new float[] {1, 0, 1, 1, 0, 1}, 3, 2);
        INDArray mask = arr(new float[] {1, 0, 1}, 3);
        INDArray pw = arr(new float[] {3f, 0.5f}, 2);
        BceWithLogitsLoss bce = new BceWithLogitsLoss();

        double expected = (naive(0.5, 1, 3) + naive(-1, 0, 0.5) + naive(2, 0, 3) + naive(0, 1, 0.5)) / 4;
        assertEquals(expected, bce.forward(z, y, mask, pw), 1e-12);

        INDArray grad = arr(new float[6], 3, 2);
        bce.backward(grad);
        double s05 = 1 / (1 + Math.exp(-0.5));
        double sm1 = 1 / (1 + Math.exp(1));
        double s2 = 1 / (1 + Math.exp(-2));
        // ((1 + (pw − 1)y)σ(z) − pw·y) / 4
        float[] want = {(float) ((3 * s05 - 3) / 4), (float) (sm1 / 4), 0f, 0f, (float) (s2 / 4),
                (float) ((0.5 * 0.5 - 0.5) / 4)};
        assertArrayEquals(want, NativeArrays.toFloats(grad), 1e-7f);

        // without pos_weight: (σ(z) − y) / 4, and a scale
        bce.forward(z, y, mask, null);
        bce.backward(grad, 0.5);
        float[] want2 = {(float) ((s05 - 1) / 8), (float) (sm1 / 8), 0f, 0f, (float) (s2 / 8), (float) (-0.5 / 8)};
        assertArrayEquals(want2, NativeArrays.toFloats(grad), 1e-7f);
    }

    @Test
    void extremeLogitsStayFinite() {
        INDArray z = arr(new float[] {200f, -200f, 50f, -50f}, 1, 4);
        INDArray y = arr(new float[] {0, 1, 1, 0}, 1, 4);
        BceWithLogitsLoss bce = new BceWithLogitsLoss();
        double loss = bce.forward(z, y, arr(new float[] {1}, 1), arr(new float[] {2, 2, 2, 2}, 4));
        // 200 + 2·200 + 2·log(1+e^−50) + log(1+e^−50), over 4
        assertEquals((200 + 400 + 3 * Math.log1p(Math.exp(-50))) / 4, loss, 1e-12);
        INDArray grad = arr(new float[4], 1, 4);
        bce.backward(grad);
        assertArrayEquals(new float[] {0.25f, -0.5f, (float) (-2 * Math.exp(-50) / 4), (float) (Math.exp(-50) / 4)},
                NativeArrays.toFloats(grad), 1e-9f);
    }

    @Test
    void noLabelledTokensGivesZeroLossAndGradient() {
        INDArray z = arr(new float[] {1, 2, 3, 4}, 2, 2);
        INDArray y = arr(new float[] {1, 0, 1, 0}, 2, 2);
        BceWithLogitsLoss bce = new BceWithLogitsLoss();
        assertEquals(0.0, bce.forward(z, y, arr(new float[] {0, 0}, 2), null));
        INDArray grad = arr(new float[] {9, 9, 9, 9}, 2, 2);
        bce.backward(grad);
        assertArrayEquals(new float[4], NativeArrays.toFloats(grad));
    }

    @Test
    void rejectsMismatchedShapes() {
        BceWithLogitsLoss bce = new BceWithLogitsLoss();
        INDArray z = arr(new float[6], 3, 2);
        assertThrows(IllegalArgumentException.class,
                () -> bce.forward(z, arr(new float[6], 2, 3), arr(new float[3], 3), null));
        assertThrows(IllegalArgumentException.class,
                () -> bce.forward(z, arr(new float[6], 3, 2), arr(new float[2], 2), null));
        assertThrows(IllegalArgumentException.class,
                () -> bce.forward(z, arr(new float[6], 3, 2), arr(new float[3], 3), arr(new float[3], 3)));
        assertThrows(IllegalStateException.class, () -> new BceWithLogitsLoss().backward(z));
    }

    @Test
    void autoPosWeight() {
        // 4 tokens, the last unlabelled; label 0: 1 positive, 2 negatives; label 1: never positive;
        // label 2: always positive; label 3: 1 positive in 3 → 2; the unlabelled token would change all of them
        INDArray y = arr(new float[] {
                1, 0, 1, 0,
                0, 0, 1, 1,
                0, 0, 1, 0,
                1, 1, 0, 1}, 4, 4);
        INDArray mask = arr(new float[] {1, 1, 1, 0}, 4);
        assertArrayEquals(new float[] {2f, 1f, 1f, 2f}, BceWithLogitsLoss.autoPosWeight(y, mask, 100));
        assertArrayEquals(new float[] {1.5f, 1f, 1f, 1.5f}, BceWithLogitsLoss.autoPosWeight(y, mask, 1.5));
        assertArrayEquals(new float[] {100f, 1f, 0.25f},
                BceWithLogitsLoss.autoPosWeight(new long[] {1, 0, 4}, new long[] {1000, 5, 1}, 100));
        assertThrows(IllegalArgumentException.class,
                () -> BceWithLogitsLoss.autoPosWeight(new long[] {1}, new long[] {1}, 0.5));
    }

    @ParameterizedTest
    @EnumSource(value = KernelChoice.class, names = {"JAVA", "ND4J"})
    void matchesPyTorch(KernelChoice kernels) throws Exception {
        JsonNode root;
        try (InputStream in = getClass().getResourceAsStream("/loss/bce_fixture.json")) {
            root = new ObjectMapper().readTree(in);
        }
        assertTrue(root.get("cases").size() >= 3);
        for (JsonNode c : root.get("cases")) {
            String name = c.get("name").asText();
            int n = c.get("n").asInt();
            int labels = c.get("labels").asInt();
            INDArray z = arr(floats(c.get("logits")), n, labels);
            INDArray y = arr(floats(c.get("targets")), n, labels);
            INDArray mask = arr(floats(c.get("mask")), n);
            INDArray pw = c.get("pos_weight").isNull() ? null : arr(floats(c.get("pos_weight")), labels);
            BceWithLogitsLoss bce = new BceWithLogitsLoss(false, kernels);
            double loss = bce.forward(z, y, mask, pw);
            double want = c.get("loss").doubleValue();
            double rel = Math.abs(loss - want) / Math.abs(want);
            INDArray grad = arr(new float[n * labels], n, labels);
            bce.backward(grad);
            float[] got = NativeArrays.toFloats(grad);
            float[] wantGrad = floats(c.get("grad"));
            double maxAbs = 0;
            for (int i = 0; i < got.length; i++) {
                maxAbs = Math.max(maxAbs, Math.abs(got[i] - wantGrad[i]));
            }
            System.out.printf("BCE (%s) vs torch, case %s: loss %.9g (torch %.9g), rel diff %.3g; grad max abs diff "
                    + "%.3g%n", kernels.label(), name, loss, want, rel, maxAbs);
            assertTrue(rel <= 1e-6, name + ": loss relative diff " + rel);
            assertTrue(maxAbs <= 1e-6, name + ": gradient max abs diff " + maxAbs);
        }
    }
}
