package org.multitag.train.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.multitag.model.NativeArrays;
import org.multitag.model.Parallel;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The Vector API attention kernels against the scalar ones (themselves checked against finite differences in
 * {@link BlockGradientTest}), on head sizes the vector path takes, with dropout, padded rows and lengths that are
 * not a multiple of the vector length. Tolerance: relative error per output tensor ≤ 1e-5 (float32 rounding in a
 * different order).
 */
class AttentionKernelsTest {

    @Test
    void vectorKernelsMatchTheScalarOnes() {
        Assumptions.assumeTrue(Elementwise.VECTOR, "Vector API not enabled");
        for (int d : new int[] {VectorMath.L, 2 * VectorMath.L, 64}) {
            check(3, 37, 2, d, new int[] {37, 1, 20}, true);
            check(2, 16, 3, d, new int[] {16, 9}, false);
        }
    }

    private static void check(int batch, int t, int heads, int d, int[] lengths, boolean dropout) {
        SplittableRandom r = new SplittableRandom(7L * t + d);
        int hd = heads * d;
        int n = batch * t;
        AttentionKernels.Shape s = new AttentionKernels.Shape(batch, t, heads, d, lengths);
        INDArray qkv = gaussian(r, 1.0, n, 3L * hd);
        INDArray g = gaussian(r, 1.0, n, hd);
        boolean[] keep = null;
        if (dropout) {
            keep = new boolean[batch * heads * t * t];
            for (int i = 0; i < keep.length; i++) {
                keep[i] = r.nextDouble() >= 0.2;
            }
        }
        float scale = (float) (1 / Math.sqrt(d));
        float[][] out = new float[2][];
        float[][] probs = new float[2][];
        float[][] dqkv = new float[2][];
        try (Parallel par = new Parallel(2)) {
            for (int k = 0; k < 2; k++) {
                boolean vector = k == 1;
                INDArray p = F32.zeros(batch, heads, t, t);
                INDArray m = F32.zeros(n, hd);
                INDArray dq = F32.zeros(n, 3L * hd).addi(Float.NaN); // every element must be written
                AttentionKernels.forward(F32.buf(qkv), s, scale, keep, 1.25f, F32.buf(p), F32.buf(m), par, vector);
                AttentionKernels.backward(F32.buf(qkv), F32.buf(p), s, scale, keep, 1.25f, F32.buf(g), F32.buf(dq),
                        par, vector);
                out[k] = NativeArrays.toFloats(m);
                probs[k] = NativeArrays.toFloats(p);
                dqkv[k] = NativeArrays.toFloats(dq);
            }
        }
        String what = "B " + batch + " T " + t + " h " + heads + " d " + d + (dropout ? " dropout" : "");
        assertClose(what + " probs", probs[0], probs[1]);
        assertClose(what + " context", out[0], out[1]);
        assertClose(what + " dqkv", dqkv[0], dqkv[1]);
    }

    private static void assertClose(String what, float[] ref, float[] got) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < ref.length; i++) {
            assertTrue(Float.isFinite(got[i]), what + ": element " + i + " is " + got[i]);
            diff += ((double) got[i] - ref[i]) * ((double) got[i] - ref[i]);
            norm += (double) ref[i] * ref[i];
        }
        double rel = Math.sqrt(diff / norm);
        System.out.printf("  %-40s rel err %.2e%n", what, rel);
        assertTrue(rel <= 1e-5, what + ": relative error " + rel);
    }

    private static INDArray gaussian(SplittableRandom r, double std, long rows, long cols) {
        float[] v = new float[(int) (rows * cols)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextGaussian() * std);
        }
        return NativeArrays.of(v, rows, cols);
    }
}
