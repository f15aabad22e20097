package org.multitag.train.model;

import org.multitag.model.Buffers;
import org.multitag.model.Parallel;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The position-wise feed-forward block up to the residual add:
 * <pre>
 *   g = gelu(x · Wi + bi)          [N, I]    saved: g and gelu'(x · Wi + bi)
 *   y = dropout(g · Wo + bo)       [N, H]
 * </pre>
 */
final class FeedForwardBlock implements AutoCloseable {

    final Dense inter;   // [H, I]
    final Dense output;  // [I, H]
    final Dropout dropout;
    private final Parallel par;
    private final Buffers saved = new Buffers();
    private final Buffers scratch;
    private INDArray g;     // [N, I] gelu output
    private INDArray gd;    // [N, I] gelu derivative at the pre-activation

    FeedForwardBlock(Dense inter, Dense output, double dropoutRate, Buffers scratch, Parallel par) {
        this.inter = inter;
        this.output = output;
        this.dropout = new Dropout(dropoutRate);
        this.scratch = scratch;
        this.par = par;
    }

    /** @return y [N, H], a saved view valid until the next forward */
    INDArray forward(INDArray x, Pass pass) {
        long n = x.size(0);
        long i = inter.weight.size(1);
        g = saved.get("ffn.g", n, i);
        gd = saved.get("ffn.gd", n, i);
        inter.product(x, g);                                           // x · Wi
        Elementwise.gelu(g, inter.bias, gd, par, Elementwise.VECTOR);  // + bi, gelu, gelu' in one pass
        INDArray y = saved.get("ffn.y", n, x.size(1));
        output.forward(g, y, par);
        dropout.forward(y, pass, par);
        return y;
    }

    /** Accumulates the weight gradients and adds the input gradient into {@code dx [N, H]} (null: skip). */
    void backward(INDArray dy, INDArray dx) {
        long n = dy.size(0);
        INDArray d = scratch.get("ffn.dy", n, dy.size(1));
        dropout.backward(dy, d, par);
        INDArray dg = scratch.get("ffn.dg", n, g.size(1));
        output.backward(d, dg, false, par);
        dg.muli(gd); // through gelu
        inter.backward(dg, dx, true, par);
    }

    @Override
    public void close() {
        saved.close();
    }
}
