package org.multitag.model.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The token classifier of {@code BertForTokenClassification}, weight in Hugging Face's layout {@code [L, H]}:
 * <pre>
 *   hd     = dropout(h)            [N, H]   saved
 *   logits = hd · Wᵀ + b           [N, L]
 *   backward: dW += dlogitsᵀ · hd  [L, H];  db += Σ_rows dlogits;  dh = dropout'(dlogits · W)
 * </pre>
 */
final class TokenHead implements AutoCloseable {

    final INDArray weight; // [L, H]
    final INDArray bias;   // [L]
    final Dropout dropout;
    private final Buffers saved = new Buffers();
    private INDArray hd;

    TokenHead(INDArray weight, INDArray bias, double dropoutRate) {
        this.weight = weight;
        this.bias = bias;
        this.dropout = new Dropout(dropoutRate);
    }

    /** @return logits [N, L] */
    INDArray forward(INDArray h, Pass pass, Compute c) {
        long n = h.size(0);
        INDArray in = h;
        if (pass.training() && dropout.rate > 0) {
            in = saved.get("head.hd", n, h.size(1));
            in.assign(h);
        }
        dropout.forward(in, pass, c.kernels());
        hd = pass.saves() ? in : null;
        INDArray logits = c.output(pass, saved, "head.logits", n, weight.size(0));
        // row by row, not a gemm: a token's logits must not depend on how many rows share its batch
        c.kernels().rowProducts(in, weight, logits);
        c.kernels().addBias(logits, bias);
        return logits;
    }

    /** Accumulates dW, db and writes the hidden-state gradient into {@code dh [N, H]} (null: skip). */
    void backward(INDArray dLogits, INDArray dh, INDArray dWeight, INDArray dBias, Compute c) {
        c.kernels().gemm(dLogits, hd, dWeight, true, false, 1.0, 1.0);
        c.kernels().addColumnSums(dLogits, null, dBias);
        if (dh != null) {
            c.kernels().gemm(dLogits, weight, dh, false, false, 1.0, 0.0);
            dropout.backward(dh, dh, c.kernels());
        }
    }

    @Override
    public void close() {
        saved.close();
    }
}
