package org.multitag.model.nn;

import org.multitag.model.kernels.Kernels;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The product of a Linear layer whose weight is stored {@code [in, out]} (see {@link BertWeights}); the bias is
 * added by whatever runs next (the activation, the attention kernel, the LayerNorm), so each activation is
 * written once:
 * <pre>
 *   forward:  y [N, out] = x [N, in] · W [in, out]
 *   backward: dW += xᵀ · dy      [in, out]
 *             db += Σ_rows dy    [out]
 *             dx (+)= dy · Wᵀ    [N, in]
 * </pre>
 * A pass that saves keeps the input by reference: the caller leaves it unchanged until backward.
 */
final class Dense {

    final INDArray weight; // [in, out]
    final INDArray bias;   // [out]
    private INDArray x;

    Dense(INDArray weight, INDArray bias) {
        this.weight = weight;
        this.bias = bias;
    }

    void forward(INDArray x, INDArray y, Pass pass, Kernels k) {
        this.x = pass.saves() ? x : null;
        k.gemm(x, weight, y, false, false, 1.0, 0.0);
    }

    /**
     * Accumulates dW and db (skipped when null: frozen) and writes ({@code accumulate} false) or adds dx (skipped
     * when null).
     */
    void backward(INDArray dy, INDArray dx, boolean accumulate, INDArray dWeight, INDArray dBias, Kernels k) {
        if (dWeight != null) {
            k.gemm(x, dy, dWeight, true, false, 1.0, 1.0);
            k.addColumnSums(dy, null, dBias);
        }
        if (dx != null) {
            k.gemm(dy, weight, dx, false, true, 1.0, accumulate ? 1.0 : 0.0);
        }
    }
}
