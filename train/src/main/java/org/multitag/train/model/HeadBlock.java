package org.multitag.train.model;

import org.multitag.model.Buffers;
import org.multitag.model.Parallel;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The token classifier of {@code BertForTokenClassification}, weight in Hugging Face's layout {@code [L, H]}:
 * <pre>
 *   hd     = dropout(h)            [N, H]   saved
 *   logits = hd · Wᵀ + b           [N, L]
 *   backward: dW += dlogitsᵀ · hd  [L, H];  db += Σ_rows dlogits;  dh = dropout'(dlogits · W)
 * </pre>
 */
final class HeadBlock implements AutoCloseable {

    final INDArray weight;   // [L, H]
    final INDArray bias;     // [L]
    final INDArray dWeight;  // [L, H]
    final INDArray dBias;    // [L]
    final Dropout dropout;
    private final Parallel par;
    private final Buffers saved = new Buffers();
    private INDArray hd;

    HeadBlock(INDArray weight, INDArray bias, INDArray dWeight, INDArray dBias, double dropoutRate, Parallel par) {
        this.weight = weight;
        this.bias = bias;
        this.dWeight = dWeight;
        this.dBias = dBias;
        this.dropout = new Dropout(dropoutRate);
        this.par = par;
    }

    /** @return logits [N, L], a saved view valid until the next forward */
    INDArray forward(INDArray h, Pass pass) {
        long n = h.size(0);
        hd = h;
        if (pass.training() && dropout.rate > 0) {
            hd = saved.get("head.hd", n, h.size(1));
            hd.assign(h);
        }
        dropout.forward(hd, pass, par);
        INDArray logits = saved.get("head.logits", n, weight.size(0));
        Nd4j.gemm(hd, weight, logits, false, true, 1.0, 0.0);
        logits.addiRowVector(bias);
        return logits;
    }

    /** Accumulates dW, db and writes the hidden-state gradient into {@code dh [N, H]} (null: skip). */
    void backward(INDArray dLogits, INDArray dh) {
        Nd4j.gemm(dLogits, hd, dWeight, true, false, 1.0, 1.0);
        F32.addColumnSums(dLogits, dBias, par);
        if (dh != null) {
            Nd4j.gemm(dLogits, weight, dh, false, false, 1.0, 0.0);
            dropout.backward(dh, dh, par);
        }
    }

    @Override
    public void close() {
        saved.close();
    }
}
