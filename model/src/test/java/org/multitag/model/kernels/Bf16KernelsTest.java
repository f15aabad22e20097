package org.multitag.model.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The bf16 kernels' products against a float64 reference, element by element, within the bound rounding allows:
 * each input is rounded to bfloat16 (8 significant bits, unit roundoff {@code u = 2⁻⁸}), so each term {@code a·b}
 * is off by at most {@code (2u + u²)|a·b|}; the sum runs in float32 (error at most {@code K·2⁻²⁴} of {@code
 * Σ|a·b|}); the result is rounded to bfloat16 once more ({@code u} of {@code |c|}). So {@code |ĉ − c| ≤ (2u + u² +
 * K·2⁻²⁴)·Σ_k|a_k·b_k|·(1 + u) + u·|c|}. A bound per element, not a loosened average: a wrong transpose, a lost
 * {@code beta}, an accumulator rounded to bf16 or a stale weight copy each break it.
 */
class Bf16KernelsTest {

    private static final double U = Math.scalb(1.0, -8);

    /** The encoder's products (MiniLM and bert-base widths) at fewer rows, forward and both backward layouts. */
    @Test
    void everyProductIsWithinTheRoundingBound() {
        SplittableRandom r = new SplittableRandom(5);
        int[][] shapes = {{64, 384, 1536}, {64, 1536, 384}, {128, 384, 384}, {32, 768, 3072}};
        try (Kernels k = Kernels.bf16(Kernels.create(2))) {
            for (int[] s : shapes) {
                int m = s[0];
                int kk = s[1];
                int n = s[2];
                INDArray x = KernelsTest.random(r, 1.0, m, kk);
                INDArray w = KernelsTest.random(r, 0.02, kk, n); // [in, out], as Dense stores it
                INDArray dy = KernelsTest.random(r, 1.0, m, n);
                // forward y = x·W, backward dx = dy·Wᵀ, dW = xᵀ·dy
                check(k, x, w, false, false, 0.0, m + "x" + kk + "·" + kk + "x" + n);
                check(k, dy, w, false, true, 0.0, m + "x" + n + "·(" + kk + "x" + n + ")ᵀ");
                check(k, x, dy, true, false, 0.0, "(" + m + "x" + kk + ")ᵀ·" + m + "x" + n);
            }
        }
    }

    /**
     * A gradient accumulated with beta = 1 keeps float32: an accumulator of 1000 plus terms of about 1 would lose
     * them in bfloat16 (its spacing there is 4), and the bound (which counts no rounding of c's old value) holds.
     */
    @Test
    void accumulationStaysFloat32() {
        SplittableRandom r = new SplittableRandom(6);
        try (Kernels k = Kernels.bf16(Kernels.create(2))) {
            INDArray x = KernelsTest.random(r, 1.0, 48, 96);
            INDArray dy = KernelsTest.random(r, 0.1, 48, 40);
            check(k, x, dy, true, false, 1000.0, "dW += xᵀ·dy");
        }
    }

    /**
     * A registered weight is rounded once and reused until weightsChanged: after the weight is written, the stale
     * copy is still used (so the cache is real), and after weightsChanged the product equals fresh kernels' bit for
     * bit.
     */
    @Test
    void aRegisteredWeightIsConvertedAgainAfterWeightsChanged() {
        SplittableRandom r = new SplittableRandom(7);
        INDArray x = KernelsTest.random(r, 1.0, 16, 64);
        INDArray w = KernelsTest.random(r, 0.05, 64, 32);
        try (Kernels k = Kernels.bf16(Kernels.create(1)); Kernels fresh = Kernels.bf16(Kernels.create(1))) {
            k.registerWeights(List.of(w));
            float[] before = product(k, x, w);
            w.addi(KernelsTest.random(r, 0.05, 64, 32));
            assertArrayEquals(before, product(k, x, w), "a cached copy is used until weightsChanged");
            k.weightsChanged();
            float[] after = product(k, x, w);
            assertFalse(Arrays.equals(before, after));
            assertArrayEquals(product(fresh, x, w), after, "after weightsChanged the new weight is read");
        }
    }

    /** bf16 is really in use: the products differ from float32's, by more than float32 rounding. */
    @Test
    void theProductsAreNotFloat32s() {
        SplittableRandom r = new SplittableRandom(8);
        INDArray x = KernelsTest.random(r, 1.0, 32, 384);
        INDArray w = KernelsTest.random(r, 0.02, 384, 64);
        try (Kernels bf = Kernels.bf16(Kernels.create(1)); Kernels fp = Kernels.create(1)) {
            INDArray a = KernelsTest.zeros(32, 64);
            INDArray b = KernelsTest.zeros(32, 64);
            bf.gemm(x, w, a, false, false, 1.0, 0.0);
            fp.gemm(x, w, b, false, false, 1.0, 0.0);
            assertTrue(KernelsTest.maxDiff(a, b) > 1e-3, "bf16 and fp32 differ by " + KernelsTest.maxDiff(a, b));
        }
    }

    private static float[] product(Kernels k, INDArray x, INDArray w) {
        INDArray c = KernelsTest.zeros(x.size(0), w.size(1));
        k.gemm(x, w, c, false, false, 1.0, 0.0);
        return NativeArrays.toFloats(c);
    }

    /** {@code c = c0 + op(a)·op(b)} (c0 filled with {@code start}) against float64, within the bound above. */
    private static void check(Kernels k, INDArray a, INDArray b, boolean ta, boolean tb, double start, String what) {
        int m = (int) (ta ? a.size(1) : a.size(0));
        int kk = (int) (ta ? a.size(0) : a.size(1));
        int n = (int) (tb ? b.size(0) : b.size(1));
        float[] av = NativeArrays.toFloats(a);
        float[] bv = NativeArrays.toFloats(b);
        INDArray c = KernelsTest.zeros(m, n).addi(start);
        k.gemm(a, b, c, ta, tb, 1.0, start == 0.0 ? 0.0 : 1.0);
        float[] got = NativeArrays.toFloats(c);
        double worst = 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                double abs = 0;
                for (int p = 0; p < kk; p++) {
                    double t = (double) av[ta ? p * m + i : i * kk + p] * bv[tb ? j * kk + p : p * n + j];
                    sum += t;
                    abs += Math.abs(t);
                }
                double bound = (2 * U + U * U + kk * Math.scalb(1.0, -24)) * abs * (1 + U) + U * Math.abs(sum)
                        + Math.ulp((float) (start + sum)); // float32 rounding of c0 + product
                double err = Math.abs(got[i * n + j] - (start + sum));
                assertTrue(err <= bound, what + " [" + i + "," + j + "]: error " + err + " > bound " + bound);
                worst = Math.max(worst, err / bound);
            }
        }
        assertTrue(worst > 0.01, what + ": errors far under the bound (" + worst + "): is bf16 in use?");
    }
}
