package org.multitag.train.model;

import org.multitag.model.Buffers;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One post-LayerNorm BERT layer, as {@code org.multitag.model.EncoderLayer}:
 * <pre>
 *   a   = Attention(x)                [N, H]   (dropout inside)
 *   h1  = LayerNorm(a + x)            [N, H]   saved (input of the feed-forward block); the add is in LayerNormBlock
 *   f   = FeedForward(h1)             [N, H]   (dropout inside)
 *   out = LayerNorm(f + h1)           [N, H]   saved (input of the next layer)
 * </pre>
 * Backward: the residual adds send their gradient both ways, {@code dh1 = dr2 + FeedForward'(dr2)} and
 * {@code dx = dr1 + Attention'(dr1)}.
 */
final class EncoderLayerBlock implements AutoCloseable {

    final AttentionBlock attention;
    final LayerNormBlock attentionNorm;
    final FeedForwardBlock feedForward;
    final LayerNormBlock outputNorm;
    private final Buffers saved = new Buffers();
    private final Buffers scratch;
    private INDArray h1;

    EncoderLayerBlock(AttentionBlock attention, LayerNormBlock attentionNorm, FeedForwardBlock feedForward,
            LayerNormBlock outputNorm, Buffers scratch) {
        this.attention = attention;
        this.attentionNorm = attentionNorm;
        this.feedForward = feedForward;
        this.outputNorm = outputNorm;
        this.scratch = scratch;
    }

    /** @return out [N, H], a saved view valid until the next forward; {@code x} must stay unchanged until backward */
    INDArray forward(INDArray x, Pass pass) {
        long n = x.size(0);
        long h = x.size(1);
        INDArray a = attention.forward(x, pass);
        h1 = saved.get("layer.h1", n, h);
        attentionNorm.forward(a, x, h1);       // LayerNorm(a + x)

        INDArray f = feedForward.forward(h1, pass);
        INDArray out = saved.get("layer.out", n, h);
        outputNorm.forward(f, h1, out);        // LayerNorm(f + h1)
        return out;
    }

    /** Accumulates the weight gradients and writes the input gradient into {@code dx [N, H]} (null: skip). */
    void backward(INDArray dOut, INDArray dx) {
        long n = dOut.size(0);
        long h = dOut.size(1);
        INDArray dR2 = scratch.get("layer.dr2", n, h);
        outputNorm.backward(dOut, dR2);
        INDArray dH1 = scratch.get("layer.dh1", n, h);
        dH1.assign(dR2);                       // residual branch
        feedForward.backward(dR2, dH1);        // + feed-forward branch
        INDArray dR1 = scratch.get("layer.dr1", n, h);
        attentionNorm.backward(dH1, dR1);
        if (dx != null) {
            dx.assign(dR1);                    // residual branch
        }
        attention.backward(dR1, dx);           // + attention branch
    }

    @Override
    public void close() {
        attention.close();
        attentionNorm.close();
        feedForward.close();
        outputNorm.close();
        saved.close();
    }
}
