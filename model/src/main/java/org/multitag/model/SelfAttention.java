package org.multitag.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Multi-head self-attention up to the merged context (the output projection belongs to the layer):
 * <pre>
 *   qkv    = x · Wqkv                           [N, 3H]       one gemm for query, key and value
 *   for each row b and head:                                  fused in {@link Kernels#attention}
 *     q,k,v = qkv[b, :, head] + bias            [T, d]
 *     p     = softmax(q · kᵀ / √d + mask[b])    [T, T]        masked keys get the float32 minimum
 *     out[b, :, head] = p · v                   [T, d]        written straight into the merged [N, H]
 * </pre>
 * The per-head products are small (T×d by d×T), where ND4J's batched matmul op reached only ~40 GFLOP/s;
 * fusing them with the split, the softmax and the merge keeps each head's keys and values in cache.
 */
public final class SelfAttention {

    private SelfAttention() {}

    /**
     * @param x input hidden states [B·T, H]
     * @param mask additive key mask [B·T]: 0 or the float32 minimum
     * @param probsOut when not null, receives a copy of the probabilities [B, h, T, T]
     * @return the merged context [B·T, H], a scratch view valid until the next call
     */
    public static INDArray forward(BertWeights.Layer w, INDArray x, int batch, int t, int heads, float[] mask,
            INDArray probsOut, Compute c) {
        int hidden = (int) x.size(1);
        int d = hidden / heads;
        long n = (long) batch * t;
        Buffers buf = c.buffers();

        INDArray qkv = buf.get("attn.qkv", n, 3L * hidden);
        Linear.forward(x, w.qkvWeight(), qkv);

        INDArray merged = buf.get("attn.merged", n, hidden);
        c.kernels().attention(NativeArrays.bytes(qkv), NativeArrays.bytes(w.qkvBias()), batch, t, heads, d,
                (float) (1 / Math.sqrt(d)), mask, probsOut == null ? null : NativeArrays.bytes(probsOut),
                NativeArrays.bytes(merged), c.parallel());
        return merged;
    }
}
