package org.multitag.train.model;

import java.nio.ByteBuffer;
import org.multitag.model.NativeArrays;
import org.multitag.model.Parallel;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A Linear layer with its weight stored {@code [in, out]} (as {@code BertWeights} keeps it):
 * <pre>
 *   forward:  y [N, out] = x [N, in] · W [in, out] + b
 *   backward: dW += xᵀ · dy      [in, out]
 *             db += Σ_rows dy    [out]
 *             dx (+)= dy · Wᵀ    [N, in]
 * </pre>
 * The input is saved by reference: the caller keeps it unchanged until backward.
 */
final class Dense {

    final INDArray weight; // [in, out]
    final INDArray bias;   // [out]
    final INDArray dWeight; // [in, out], null when frozen
    final INDArray dBias;   // [out], null when frozen
    private INDArray x;     // saved input [N, in]

    Dense(INDArray weight, INDArray bias, INDArray dWeight, INDArray dBias) {
        this.weight = weight;
        this.bias = bias;
        this.dWeight = dWeight;
        this.dBias = dBias;
    }

    void forward(INDArray x, INDArray y, Parallel par) {
        product(x, y);
        if (Elementwise.VECTOR) {
            ByteBuffer yb = NativeArrays.bytes(y);
            float[] b = NativeArrays.toFloats(bias);
            int cols = b.length;
            par.range((int) y.size(0), cols, (from, to) -> VectorRows.addBias(yb, b, cols, from, to));
        } else {
            y.addiRowVector(bias);
        }
    }

    /** {@code y = x · W} without the bias, for a caller that adds it in its next pass (bias + GELU). */
    void product(INDArray x, INDArray y) {
        this.x = x;
        Nd4j.gemm(x, weight, y, false, false, 1.0, 0.0);
    }

    /**
     * Accumulates dW and db (unless frozen) and writes ({@code accumulate = false}) or adds dx; a null
     * {@code dx} skips the input gradient.
     */
    void backward(INDArray dy, INDArray dx, boolean accumulate, Parallel par) {
        if (dWeight != null) {
            Nd4j.gemm(x, dy, dWeight, true, false, 1.0, 1.0);
            F32.addColumnSums(dy, dBias, par);
        }
        if (dx != null) {
            Nd4j.gemm(dy, weight, dx, false, true, 1.0, accumulate ? 1.0 : 0.0);
        }
    }
}
