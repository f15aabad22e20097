package org.multitag.model.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * BERT's input embeddings:
 * <pre>
 *   e   = (word[input_ids] + type[token_type_ids]) + position[position_ids]     [N, H]
 *   out = dropout(LayerNorm(e))                                                [N, H]
 * </pre>
 * Backward scatter-adds {@code de} into the three tables, so repeated ids accumulate. As in transformers ({@code
 * nn.Embedding(padding_idx=pad_token_id)}), the pad token's word row never gets a gradient.
 */
final class Embeddings implements AutoCloseable {

    private final BertWeights w;
    final LayerNorm norm;
    final Dropout dropout;
    private final int padTokenId;
    private final Buffers saved = new Buffers();
    private Batch batch;

    Embeddings(BertWeights w, double dropoutRate) {
        this.w = w;
        this.norm = new LayerNorm(w.embLnGamma(), w.embLnBeta(), w.config().layerNormEps());
        this.dropout = new Dropout(dropoutRate);
        this.padTokenId = w.config().padTokenId();
    }

    /**
     * @return out [B·T, H]: saved when the pass saves, else the scratch buffer "hidden" (the inference forward
     *     then runs every layer in place over it)
     */
    INDArray forward(Batch batch, Pass pass, Compute c) {
        int h = w.config().hiddenSize();
        long n = (long) batch.size() * batch.maxLength();
        this.batch = pass.saves() ? batch : null;
        INDArray out = pass.saves() ? saved.get("out", n, h) : c.scratch().get("hidden", n, h);
        INDArray e = pass.saves() ? c.scratch().get("emb.sum", n, h) : out; // LayerNorm in place when nothing is saved
        c.kernels().embeddings(batch.inputIds(), batch.tokenTypeIds(), batch.positionIds(), w.wordEmbeddings(),
                w.typeEmbeddings(), w.positionEmbeddings(), e);
        norm.forward(e, null, null, out, pass, c);
        dropout.forward(out, pass, c.kernels());
        return out;
    }

    /** Accumulates the table and LayerNorm gradients (nothing when the embeddings are frozen). */
    void backward(INDArray dOut, Gradients g, Compute c) {
        if (g.word == null) {
            return;
        }
        long n = dOut.size(0);
        long h = dOut.size(1);
        INDArray d = c.scratch().get("emb.dout", n, h);
        dropout.backward(dOut, d, c.kernels());
        INDArray de = c.scratch().get("emb.de", n, h);
        norm.backward(d, de, g.embLnGamma, g.embLnBeta, c);
        c.kernels().embeddingsBackward(batch.inputIds(), batch.tokenTypeIds(), batch.positionIds(), de, g.word, g.type,
                g.position, padTokenId);
    }

    @Override
    public void close() {
        norm.close();
        saved.close();
    }
}
