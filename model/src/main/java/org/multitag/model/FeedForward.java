package org.multitag.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The position-wise feed-forward block up to its output projection's bias:
 * <pre>
 *   inter = act(x · Wi + bi)    [N, I]   bias and activation fused, in place
 *   out   = inter · Wo          [N, H]   the bias is added by the LayerNorm kernel that follows
 * </pre>
 */
public final class FeedForward {

    private FeedForward() {}

    /** @return {@code out} [N, H] without the output bias: a scratch view valid until the next call */
    public static INDArray forward(BertWeights.Layer w, INDArray x, Activation act, Compute c) {
        long n = x.size(0);
        int inter = (int) w.interWeight().size(1);
        INDArray mid = c.buffers().get("ffn.inter", n, inter);
        Linear.forward(x, w.interWeight(), mid);
        c.kernels().biasActivation(NativeArrays.bytes(mid), (int) n, inter, NativeArrays.bytes(w.interBias()), act,
                c.parallel());
        INDArray out = c.buffers().get("ffn.out", n, x.size(1));
        Linear.forward(mid, w.outWeight(), out);
        return out;
    }
}
