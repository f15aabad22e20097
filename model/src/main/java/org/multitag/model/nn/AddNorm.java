package org.multitag.model.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A sublayer's output and residual (transformers' {@code BertSelfOutput} and {@code BertOutput}):
 * <pre>
 *   a   = dropout(in · W + b)                 [N, H]
 *   out = LayerNorm(a + residual)             [N, H]
 * </pre>
 * Without dropout the bias is added inside the LayerNorm kernel, in the same order ({@code (in·W + b) +
 * residual}), so inference and training compute the same bits. Backward: the residual gets the LayerNorm's
 * gradient as it is, the dense input gets it through dropout and {@code Wᵀ}.
 */
final class AddNorm implements AutoCloseable {

    final Dense dense;
    final Dropout dropout;
    final LayerNorm norm;
    private final String name;

    AddNorm(String name, Dense dense, double dropoutRate, LayerNorm norm) {
        this.name = name;
        this.dense = dense;
        this.dropout = new Dropout(dropoutRate);
        this.norm = norm;
    }

    /** Writes {@code out [N, H]} (which may be {@code residual}'s or any other buffer but {@code in}). */
    void forward(INDArray in, INDArray residual, INDArray out, Pass pass, Compute c) {
        INDArray a = c.scratch().get(name + ".a", in.size(0), dense.weight.size(1));
        dense.forward(in, a, pass, c.kernels());
        if (dropout.sample((int) a.length(), pass, c.kernels()) != null) {
            c.kernels().addBias(a, dense.bias);
            c.kernels().dropout(a, dropout.mask(), a);
            norm.forward(a, null, residual, out, pass, c);
        } else {
            norm.forward(a, dense.bias, residual, out, pass, c);
        }
    }

    /**
     * Writes the residual's gradient into {@code dResidual} and the dense input's into {@code dIn} (either may be
     * null: skipped), accumulating the dense and LayerNorm parameter gradients (null: frozen).
     */
    void backward(INDArray dOut, INDArray dResidual, INDArray dIn, INDArray dWeight, INDArray dBias, INDArray dGamma,
            INDArray dBeta, Compute c) {
        INDArray ds = c.scratch().get(name + ".ds", dOut.size(0), dOut.size(1));
        norm.backward(dOut, ds, dGamma, dBeta, c);
        if (dResidual != null) {
            dResidual.assign(ds);
        }
        dropout.backward(ds, ds, c.kernels());
        dense.backward(ds, dIn, false, dWeight, dBias, c.kernels());
    }

    @Override
    public void close() {
        norm.close();
    }
}
