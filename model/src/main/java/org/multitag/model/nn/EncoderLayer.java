package org.multitag.model.nn;

import org.multitag.model.kernels.Activation;
import org.multitag.model.kernels.AttentionShape;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One post-LayerNorm BERT layer (transformers' {@code BertLayer}):
 * <pre>
 *   m   = SelfAttention(x)                          [N, H]
 *   h1  = AddNorm(m · Wo + bo, residual x)          [N, H]   saved (input of the feed-forward block)
 *   g   = FeedForward(h1)                           [N, I]
 *   out = AddNorm(g · Wout + bout, residual h1)     [N, H]   saved (input of the next layer); in place over x
 *                                                            when nothing is saved
 * </pre>
 * Backward runs the same steps in reverse; each residual sends its gradient both ways.
 */
final class EncoderLayer implements AutoCloseable {

    final SelfAttention attention;
    final AddNorm attentionOutput;
    final FeedForward feedForward;
    final AddNorm output;
    private final Buffers saved = new Buffers();

    EncoderLayer(BertWeights.Layer w, int heads, Activation act, double eps, double hiddenDropout,
            double attentionDropout) {
        this.attention = new SelfAttention(new Dense(w.qkvWeight(), w.qkvBias()), heads, attentionDropout);
        this.attentionOutput = new AddNorm("attn.out", new Dense(w.attnOutWeight(), w.attnOutBias()), hiddenDropout,
                new LayerNorm(w.attnLnGamma(), w.attnLnBeta(), eps));
        this.feedForward = new FeedForward(new Dense(w.interWeight(), w.interBias()), act);
        this.output = new AddNorm("ffn.out", new Dense(w.outWeight(), w.outBias()), hiddenDropout,
                new LayerNorm(w.outLnGamma(), w.outLnBeta(), eps));
    }

    /**
     * @param maps when not null, receives this layer's attention probabilities [B, heads, T, T]
     * @return out [N, H]; {@code x} must stay unchanged until backward when the pass saves
     */
    INDArray forward(INDArray x, AttentionShape shape, Pass pass, Compute c, INDArray maps) {
        long n = x.size(0);
        long h = x.size(1);
        INDArray merged = attention.forward(x, shape, pass, c, maps);
        INDArray h1 = c.output(pass, saved, "layer.h1", n, h);
        attentionOutput.forward(merged, x, h1, pass, c);
        INDArray g = feedForward.forward(h1, pass, c);
        INDArray out = pass.saves() ? saved.get("layer.out", n, h) : x;
        output.forward(g, h1, out, pass, c);
        return out;
    }

    /**
     * Accumulates the layer's gradients into {@code g} (null: frozen, only the input gradient flows) and writes the
     * input gradient into {@code dx} (null: skip).
     */
    void backward(INDArray dOut, INDArray dx, BertWeights.Layer g, Compute c) {
        long n = dOut.size(0);
        long h = dOut.size(1);
        boolean trains = g != null;
        INDArray dH1 = c.scratch().get("layer.dh1", n, h);
        INDArray dG = c.scratch().get("layer.dg", n, feedForward.inter.weight.size(1));
        output.backward(dOut, dH1, dG, trains ? g.outWeight() : null, trains ? g.outBias() : null,
                trains ? g.outLnGamma() : null, trains ? g.outLnBeta() : null, c);
        feedForward.backward(dG, dH1, g, c);
        INDArray dMerged = c.scratch().get("layer.dmerged", n, h);
        attentionOutput.backward(dH1, dx, dMerged, trains ? g.attnOutWeight() : null, trains ? g.attnOutBias() : null,
                trains ? g.attnLnGamma() : null, trains ? g.attnLnBeta() : null, c);
        attention.backward(dMerged, dx, g, c);
    }

    @Override
    public void close() {
        attention.close();
        attentionOutput.close();
        feedForward.close();
        output.close();
        saved.close();
    }
}
