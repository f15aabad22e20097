package org.multitag.train.model;

import java.nio.FloatBuffer;
import org.multitag.model.Batch;
import org.multitag.model.Buffers;
import org.multitag.model.Parallel;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * BERT's input embeddings, as {@code org.multitag.model.Embeddings} plus dropout:
 * <pre>
 *   e   = (word[id] + type[tt]) + position[i]     [N, H]
 *   out = dropout(LayerNorm(e))                   [N, H]
 * </pre>
 * Backward scatter-adds {@code de} into the three tables, so repeated ids accumulate. As in transformers
 * ({@code nn.Embedding(padding_idx=pad_token_id)}), the pad token's word row never gets a gradient.
 */
final class EmbeddingBlock implements AutoCloseable {

    final INDArray word;      // [V, H]
    final INDArray position;  // [P, H]
    final INDArray type;      // [T_types, H]
    final INDArray dWord;     // same shapes, null when frozen
    final INDArray dPosition;
    final INDArray dType;
    final LayerNormBlock norm;
    final Dropout dropout;
    private final int padTokenId;
    private final Parallel par;
    private final Buffers saved = new Buffers();
    private final Buffers scratch;
    private Batch batch;

    EmbeddingBlock(INDArray word, INDArray position, INDArray type, INDArray dWord, INDArray dPosition,
            INDArray dType, LayerNormBlock norm, double dropoutRate, int padTokenId, Buffers scratch, Parallel par) {
        this.word = word;
        this.position = position;
        this.type = type;
        this.dWord = dWord;
        this.dPosition = dPosition;
        this.dType = dType;
        this.norm = norm;
        this.dropout = new Dropout(dropoutRate);
        this.padTokenId = padTokenId;
        this.scratch = scratch;
        this.par = par;
    }

    /** @return out [B·T, H], a saved view valid until the next forward */
    INDArray forward(Batch batch, Pass pass) {
        this.batch = batch;
        int h = (int) word.size(1);
        int t = pass.seqLen();
        int n = pass.rows();
        INDArray e = scratch.get("emb.sum", n, h);
        FloatBuffer out = F32.buf(e);
        FloatBuffer w = F32.buf(word);
        FloatBuffer y = F32.buf(type);
        FloatBuffer p = F32.buf(position);
        int[][] ids = batch.inputIds();
        int[][] types = batch.tokenTypeIds();
        par.range(n, 3L * h, (from, to) -> {
            for (int r = from; r < to; r++) {
                int wi = ids[r / t][r % t] * h;
                int yi = types[r / t][r % t] * h;
                int pi = (r % t) * h;
                for (int c = 0; c < h; c++) {
                    float s = w.get(wi + c) + y.get(yi + c);
                    out.put(r * h + c, s + p.get(pi + c));
                }
            }
        });
        INDArray result = saved.get("emb.out", n, h);
        norm.forward(e, result);
        dropout.forward(result, pass, par);
        return result;
    }

    /** Accumulates the table and LayerNorm gradients (nothing when frozen). */
    void backward(INDArray dOut) {
        if (dWord == null) {
            return;
        }
        int h = (int) word.size(1);
        int t = batch.maxLength();
        int n = batch.size() * t;
        INDArray d = scratch.get("emb.dout", n, h);
        dropout.backward(dOut, d, par);
        INDArray de = scratch.get("emb.de", n, h);
        norm.backward(d, de);
        FloatBuffer g = F32.buf(de);
        FloatBuffer dw = F32.buf(dWord);
        FloatBuffer dy = F32.buf(dType);
        FloatBuffer dp = F32.buf(dPosition);
        int[][] ids = batch.inputIds();
        int[][] types = batch.tokenTypeIds();
        // Scatter-add, sequential over rows so repeated ids accumulate without races; columns split over threads.
        par.range(h, n, (from, to) -> {
            for (int r = 0; r < n; r++) {
                int id = ids[r / t][r % t];
                int wi = id * h;
                int yi = types[r / t][r % t] * h;
                int pi = (r % t) * h;
                for (int c = from; c < to; c++) {
                    float v = g.get(r * h + c);
                    if (id != padTokenId) {
                        dw.put(wi + c, dw.get(wi + c) + v);
                    }
                    dy.put(yi + c, dy.get(yi + c) + v);
                    dp.put(pi + c, dp.get(pi + c) + v);
                }
            }
        });
    }

    @Override
    public void close() {
        norm.close();
        saved.close();
    }
}
