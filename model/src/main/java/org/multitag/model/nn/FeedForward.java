package org.multitag.model.nn;

import org.multitag.model.kernels.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The position-wise intermediate layer (transformers' {@code BertIntermediate}; its output projection is the next
 * {@link AddNorm}):
 * <pre>
 *   g = act(x · Wi + bi)       [N, I]    bias and activation fused, in place; saved with act'(x · Wi + bi)
 *   backward: dx += (dg ⊙ act') · Wiᵀ;  dWi += xᵀ · (dg ⊙ act');  dbi += Σ_rows dg ⊙ act'
 * </pre>
 */
final class FeedForward implements AutoCloseable {

    final Dense inter; // [H, I]
    private final Activation act;
    private final Buffers saved = new Buffers();
    private INDArray derivative;

    FeedForward(Dense inter, Activation act) {
        this.inter = inter;
        this.act = act;
    }

    /** @return g [N, I] */
    INDArray forward(INDArray x, Pass pass, Compute c) {
        long n = x.size(0);
        long i = inter.weight.size(1);
        INDArray g = c.output(pass, saved, "ffn.g", n, i);
        derivative = pass.saves() ? saved.get("ffn.derivative", n, i) : null;
        inter.forward(x, g, pass, c.kernels());
        c.kernels().biasActivation(g, inter.bias, act, derivative);
        return g;
    }

    /** Adds the input gradient into {@code dx}; {@code dg} (the gradient of g) is overwritten. */
    void backward(INDArray dg, INDArray dx, BertWeights.Layer g, Compute c) {
        dg.muli(derivative);
        inter.backward(dg, dx, true, g == null ? null : g.interWeight(), g == null ? null : g.interBias(), c.kernels());
    }

    @Override
    public void close() {
        saved.close();
    }
}
