package org.multitag.model.nn;

import org.multitag.model.kernels.AttentionShape;
import org.multitag.model.kernels.DropoutMask;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Multi-head self-attention up to the merged context (transformers' {@code BertSelfAttention}; the output
 * projection is the next {@link AddNorm}), h heads of size d, H = h·d:
 * <pre>
 *   qkv    = x · Wqkv                                  [N, 3H]   one gemm, columns query | key | value; saved
 *   per (row b, head), fused in the attention kernel, bias added there:
 *     p    = softmax(q · k[keys]ᵀ / √d)                [T, keys] saved
 *     ctx  = dropout(p) · v[keys]                      [T, d]    written into merged [N, H]
 * </pre>
 * Backward: the kernel turns {@code dmerged} into {@code dqkv [N, 3H]}, then the gemms of the projection.
 */
final class SelfAttention implements AutoCloseable {

    final Dense qkv; // [H, 3H]
    final Dropout probsDropout;
    private final int heads;
    private final Buffers saved = new Buffers();
    private AttentionShape shape;
    private INDArray proj;
    private INDArray probs;
    private DropoutMask keep;

    SelfAttention(Dense qkv, int heads, double probsDropoutRate) {
        this.qkv = qkv;
        this.heads = heads;
        this.probsDropout = new Dropout(probsDropoutRate);
    }

    /**
     * @param maps when not null, receives the attention probabilities [B, heads, T, T] (transformers' layout)
     * @return merged [N, H]
     */
    INDArray forward(INDArray x, AttentionShape shape, Pass pass, Compute c, INDArray maps) {
        long n = x.size(0);
        long hidden = x.size(1);
        this.shape = shape;
        proj = c.output(pass, saved, "attn.qkv", n, 3 * hidden);
        qkv.forward(x, proj, pass, c.kernels());
        keep = probsDropout.sample(shape.probsLength(), pass, c.kernels());
        probs = pass.saves() ? saved.get("attn.p", shape.batch(), heads, shape.t(), shape.t()) : maps;
        INDArray merged = c.output(pass, saved, "attn.merged", n, hidden);
        c.kernels().attention(proj, qkv.bias, shape, keep, probs, merged);
        if (maps != null) {
            if (maps != probs) {
                maps.assign(probs);
            }
            c.kernels().attentionMaps(maps, shape);
        }
        return merged;
    }

    /** Accumulates the projection's gradients and adds the input gradient into {@code dx} (null: skip). */
    void backward(INDArray dMerged, INDArray dx, BertWeights.Layer g, Compute c) {
        INDArray dQkv = c.scratch().get("attn.dqkv", dMerged.size(0), 3 * dMerged.size(1));
        c.kernels().attentionBackward(proj, qkv.bias, probs, shape, keep, dMerged, dQkv);
        qkv.backward(dQkv, dx, true, g == null ? null : g.qkvWeight(), g == null ? null : g.qkvBias(), c.kernels());
    }

    @Override
    public void close() {
        saved.close();
    }
}
