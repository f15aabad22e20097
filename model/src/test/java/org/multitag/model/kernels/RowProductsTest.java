package org.multitag.model.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link Kernels#rowProducts}, the head's logits, in both kernel sets (the ND4J ones run the interface's one-row gemm
 * per row): every row gets the same bits at any row count, position and thread count (what lets a serving batch
 * answer each input as if alone), and the product is the gemm's within float rounding. 6 labels fit in one vector of
 * outputs, 73 (a UPOS+FEATS head) take several and a tail.
 */
class RowProductsTest {

    @ParameterizedTest
    @CsvSource({"JAVA, 6", "JAVA, 73", "ND4J, 6", "ND4J, 73"})
    void aRowComesOutTheSameAtAnyRowCountAndMatchesTheGemm(KernelChoice choice, int labels) {
        SplittableRandom r = new SplittableRandom(3);
        int k = 384 + 3; // a tail past the four running sums
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
                    // the same rows one place earlier in the batch
                    INDArray later = NativeArrays.of(Arrays.copyOfRange(rows, k, (n + 1) * k), n, k);
                    kern.rowProducts(later, w, c);
                    assertArrayEquals(Arrays.copyOfRange(ref, labels, (n + 1) * labels), NativeArrays.toFloats(c),
                            n + " rows from the second");
                }
            }
            INDArray gemm = KernelsTest.zeros(600, labels);
            two.gemm(all, w, gemm, false, true, 1.0, 0.0);
            double d = KernelsTest.maxDiff(full, gemm);
            assertTrue(d <= 1e-4, "row products vs gemm " + d);
        }
    }
}
