package org.multitag.model.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link Kernels#rowProducts}, the head's logits, in both kernel sets (the ND4J ones run the interface's one-row gemm
 * per row): every row gets the same bits at any row count and thread count
 * (what lets a serving batch answer each input as if alone), and the product is the gemm's within float rounding.
 */
class RowProductsTest {

    @ParameterizedTest
    @EnumSource(value = KernelChoice.class, names = {"JAVA", "ND4J"})
    void aRowComesOutTheSameAtAnyRowCountAndMatchesTheGemm(KernelChoice choice) {
        SplittableRandom r = new SplittableRandom(3);
        int k = 384 + 3; // a tail past the four running sums
        int labels = 6;
        INDArray w = KernelsTest.random(r, 0.3, labels, k);
        INDArray all = KernelsTest.random(r, 1.0, 600, k);
        float[] rows = NativeArrays.toFloats(all);
        try (Kernels one = Kernels.create(new ComputeSetting(1, choice, Precision.FP32));
                Kernels two = Kernels.create(new ComputeSetting(2, choice, Precision.FP32))) {
            INDArray full = KernelsTest.zeros(600, labels);
            two.rowProducts(all, w, full);
            float[] ref = NativeArrays.toFloats(full);
            for (int n : new int[] {1, 2, 7, 15, 16, 17, 100, 599}) {
                INDArray a = NativeArrays.of(Arrays.copyOf(rows, n * k), n, k);
                for (Kernels kern : new Kernels[] {one, two}) {
                    INDArray c = KernelsTest.zeros(n, labels);
                    kern.rowProducts(a, w, c);
                    assertArrayEquals(Arrays.copyOf(ref, n * labels), NativeArrays.toFloats(c), n + " rows");
                }
            }
            INDArray gemm = KernelsTest.zeros(600, labels);
            two.gemm(all, w, gemm, false, true, 1.0, 0.0);
            double d = KernelsTest.maxDiff(full, gemm);
            assertTrue(d <= 1e-4, "row products vs gemm " + d);
        }
    }
}
