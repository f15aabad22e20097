package org.multitag.model.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * LayerNorm over the last dimension of the residual sum, as torch (biased variance, eps inside the square root):
 * <pre>
 *   forward:  s    = (x + bias) + residual                        bias, residual optional
 *             xhat = (s − mean) · rstd,  rstd = 1/√(var + eps)     saved: xhat [N, H], rstd [N]
 *             out  = xhat · γ + β                                  [N, H]
 *   backward: dγ += Σ_rows dout ⊙ xhat;  dβ += Σ_rows dout
 *             g = dout ⊙ γ;  ds = rstd · (g − mean(g) − xhat · mean(g ⊙ xhat))    per row
 * </pre>
 */
final class LayerNorm implements AutoCloseable {

    final INDArray gamma; // [H]
    final INDArray beta;  // [H]
    private final float eps;
    private final Buffers saved = new Buffers();
    private INDArray xhat;
    private INDArray rstd;

    LayerNorm(INDArray gamma, INDArray beta, double eps) {
        this.gamma = gamma;
        this.beta = beta;
        this.eps = (float) eps;
    }

    /** {@code out [N, H] = LayerNorm((x + bias) + residual)}; see {@code Kernels.layerNorm} for aliasing. */
    void forward(INDArray x, INDArray bias, INDArray residual, INDArray out, Pass pass, Compute c) {
        long n = x.size(0);
        xhat = pass.saves() ? saved.get("xhat", n, x.size(1)) : null;
        rstd = pass.saves() ? saved.get("rstd", n) : null;
        c.kernels().layerNorm(x, bias, residual, gamma, beta, eps, out, xhat, rstd);
    }

    /** Accumulates dγ, dβ (unless null) and writes the gradient of the sum into {@code ds [N, H]}. */
    void backward(INDArray dOut, INDArray ds, INDArray dGamma, INDArray dBeta, Compute c) {
        c.kernels().layerNormBackward(dOut, xhat, rstd, gamma, ds, dGamma, dBeta);
    }

    @Override
    public void close() {
        saved.close();
    }
}
