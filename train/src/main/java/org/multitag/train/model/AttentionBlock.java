package org.multitag.train.model;

import org.multitag.model.Buffers;
import org.multitag.model.Parallel;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Multi-head self-attention with its output projection, up to the residual add (h heads of size d, H = h·d):
 * <pre>
 *   qkv    = x · Wqkv + bqkv                     [N, 3H]      one gemm, columns query | key | value; saved
 *   per (row b, head), fused in {@link AttentionKernels}:
 *     p    = softmax over the real keys of q · kᵀ / √d   [T, T]   saved into probs [B, h, T, T]; padded keys get 0
 *     pd   = dropout(p)                                  [T, T]   (its mask saved)
 *     ctx  = pd · v                                      [T, d]   written into merged [N, H]
 *   a      = dropout(merged · Wo + bo)           [N, H]
 * </pre>
 * Backward runs the same steps in reverse; the kernels turn {@code dmerged [N, H]} into {@code dqkv [N, 3H]},
 * the softmax backward being {@code ds = p ⊙ (dp − Σ_j dp ⊙ p)}, so masked keys (p = 0) get no gradient.
 */
final class AttentionBlock implements AutoCloseable {

    final Dense qkv;     // [H, 3H]
    final Dense output;  // [H, H]
    final Dropout probsDropout;
    final Dropout outputDropout;
    private final int heads;
    private final Parallel par;
    private final Buffers saved = new Buffers();
    private final Buffers scratch;

    private AttentionKernels.Shape shape;
    private INDArray proj;    // [N, 3H] query | key | value
    private INDArray probs;   // [B, h, T, T]
    private boolean[] probsKeep; // [B, h, T, T] dropout mask of the probabilities, null when dropout is off
    private INDArray merged;  // [N, H]

    AttentionBlock(Dense qkv, Dense output, int heads, double probsDropoutRate, double hiddenDropoutRate,
            Buffers scratch, Parallel par) {
        this.qkv = qkv;
        this.output = output;
        this.heads = heads;
        this.probsDropout = new Dropout(probsDropoutRate);
        this.outputDropout = new Dropout(hiddenDropoutRate);
        this.scratch = scratch;
        this.par = par;
    }

    /** @return a [N, H], a saved view valid until the next forward */
    INDArray forward(INDArray x, Pass pass) {
        int b = pass.batch();
        int t = pass.seqLen();
        int hidden = (int) x.size(1);
        int d = hidden / heads;
        int n = pass.rows();
        shape = new AttentionKernels.Shape(b, t, heads, d, pass.lengths());

        proj = saved.get("attn.qkv", n, 3L * hidden);
        qkv.forward(x, proj, par);
        probs = saved.get("attn.p", b, heads, t, t);
        probsKeep = probsDropout.sample((int) probs.length(), pass, par);
        merged = saved.get("attn.merged", n, hidden);
        AttentionKernels.forward(F32.buf(proj), shape, (float) (1 / Math.sqrt(d)), probsKeep, probsDropout.scale(),
                F32.buf(probs), F32.buf(merged), par, AttentionKernels.vectorFits(d));

        INDArray a = saved.get("attn.a", n, hidden);
        output.forward(merged, a, par);
        outputDropout.forward(a, pass, par);
        return a;
    }

    /** Accumulates the weight gradients and adds the input gradient into {@code dx [N, H]} (null: skip). */
    void backward(INDArray da, INDArray dx) {
        int n = shape.batch() * shape.t();
        int hidden = (int) da.size(1);
        int d = shape.d();

        INDArray dA = scratch.get("attn.da", n, hidden);
        outputDropout.backward(da, dA, par);
        INDArray dMerged = scratch.get("attn.dmerged", n, hidden);
        output.backward(dA, dMerged, false, par);

        INDArray dQkv = scratch.get("attn.dqkv", n, 3L * hidden);
        AttentionKernels.backward(F32.buf(proj), F32.buf(probs), shape, (float) (1 / Math.sqrt(d)), probsKeep,
                probsDropout.scale(), F32.buf(dMerged), F32.buf(dQkv), par, AttentionKernels.vectorFits(d));
        qkv.backward(dQkv, dx, true, par);
    }

    @Override
    public void close() {
        saved.close();
    }
}
