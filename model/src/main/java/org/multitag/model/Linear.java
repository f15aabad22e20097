package org.multitag.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A Linear layer without its bias, with the weight stored {@code [in, out]} (see {@link BertWeights}):
 * {@code out = x · W}.
 */
public final class Linear {

    private Linear() {}

    /** {@code out [n, o] = x [n, i] · w [i, o]}, written into {@code out} (no allocation). */
    public static void forward(INDArray x, INDArray w, INDArray out) {
        Nd4j.gemm(x, w, out, false, false, 1.0, 0.0);
    }

    /** {@code out [n, o] = x [n, i] · w [o, i]ᵀ}, for weights kept in Hugging Face's layout. */
    public static void forwardTransposed(INDArray x, INDArray w, INDArray out) {
        Nd4j.gemm(x, w, out, false, true, 1.0, 0.0);
    }
}
