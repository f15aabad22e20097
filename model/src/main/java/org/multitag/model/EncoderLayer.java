package org.multitag.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One BERT layer (post-LayerNorm):
 * <pre>
 *   a   = SelfAttention(x) · Wo           [N, H]
 *   h1  = LayerNorm(a + bo + x)           [N, H]
 *   f   = FeedForward(h1)                 [N, H]
 *   out = LayerNorm(f + bout + h1)        [N, H]
 * </pre>
 */
public final class EncoderLayer {

    private EncoderLayer() {}

    /**
     * Runs one layer over {@code x [B·T, H]} and writes the result into {@code out} (which may be {@code x}).
     *
     * @param probsOut when not null, receives the attention probabilities [B, heads, T, T]
     */
    public static void forward(BertWeights.Layer w, INDArray x, INDArray out, int batch, int t, int heads,
            float[] mask, float eps, Activation act, INDArray probsOut, Compute c) {
        int n = (int) x.size(0);
        int h = (int) x.size(1);
        var k = c.kernels();

        INDArray merged = SelfAttention.forward(w, x, batch, t, heads, mask, probsOut, c);
        INDArray h1 = c.buffers().get("layer.h1", n, h);
        Linear.forward(merged, w.attnOutWeight(), h1);
        var h1Bytes = NativeArrays.bytes(h1);
        k.biasResidualLayerNorm(h1Bytes, NativeArrays.bytes(w.attnOutBias()), NativeArrays.bytes(x),
                NativeArrays.bytes(w.attnLnGamma()), NativeArrays.bytes(w.attnLnBeta()), eps, h1Bytes, n, h,
                c.parallel());

        INDArray f = FeedForward.forward(w, h1, act, c);
        k.biasResidualLayerNorm(NativeArrays.bytes(f), NativeArrays.bytes(w.outBias()), h1Bytes,
                NativeArrays.bytes(w.outLnGamma()), NativeArrays.bytes(w.outLnBeta()), eps, NativeArrays.bytes(out),
                n, h, c.parallel());
    }
}
