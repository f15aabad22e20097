package org.multitag.train.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.multitag.model.kernels.NativeArrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Global-norm clipping by hand; the torch comparison is in {@link AdamWTest#matchesTorch()}. */
class GradientClippingTest {

    @Test
    void clipsToMaxNormOverAllGradients() {
        INDArray a = NativeArrays.of(new float[] {3f}, 1);
        INDArray b = NativeArrays.of(new float[] {0f, 4f}, 2);
        double norm = GradientClipping.clip(List.of(a, b), 1.0);
        assertEquals(5.0, norm, 0.0);
        float f = (1f / (5f + 1e-6f)) * 1f;
        assertArrayEquals(new float[] {3f * f}, NativeArrays.toFloats(a));
        assertArrayEquals(new float[] {0f, 4f * f}, NativeArrays.toFloats(b));
    }

    @Test
    void leavesSmallGradientsAlone() {
        INDArray a = NativeArrays.of(new float[] {0.3f, -0.4f}, 2);
        assertEquals(0.5, GradientClipping.clip(List.of(a), 1.0), 1e-7);
        assertArrayEquals(new float[] {0.3f, -0.4f}, NativeArrays.toFloats(a));
    }

    @Test
    void stridedViews() {
        // a column block of a matrix, transposed: not one dense block
        INDArray storage = NativeArrays.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 3, 3);
        INDArray view = storage.get(NDArrayIndex.all(), NDArrayIndex.interval(1, 3)).transpose();
        double want = Math.sqrt(4 + 9 + 25 + 36 + 64 + 81);
        assertEquals(want, GradientClipping.globalNorm(List.of(view)), 1e-12);
        GradientClipping.clip(List.of(view), want / 2);
        float f = (1f / ((float) want + 1e-6f)) * (float) (want / 2);
        assertArrayEquals(new float[] {1, 2 * f, 3 * f, 4, 5 * f, 6 * f, 7, 8 * f, 9 * f},
                NativeArrays.toFloats(storage));
    }
}
