package org.multitag.train.model;

import java.nio.FloatBuffer;
import org.multitag.model.Buffers;
import org.multitag.model.Parallel;
import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Multi-head self-attention with its output projection, up to the residual add (h heads of size d, H = h·d):
 * <pre>
 *   qkv    = x · Wqkv + bqkv                     [N, 3H]      one gemm, columns query | key | value
 *   q,k,v  = split heads                         [B, h, T, d] saved
 *   s      = q · kᵀ / √d                         [B, h, T, T] one batched matmul
 *   p      = softmax over the real keys of s     [B, h, T, T] saved; padded keys get exactly 0
 *   pd     = dropout(p)                          [B, h, T, T] saved (the same array in eval)
 *   ctx    = pd · v                              [B, h, T, d]
 *   merged = merge heads(ctx)                    [N, H]       saved (input of the output projection)
 *   a      = dropout(merged · Wo + bo)           [N, H]
 * </pre>
 * Backward runs the same steps in reverse; the softmax backward is {@code ds = p ⊙ (dp − Σ_j dp ⊙ p)}, so
 * masked keys (p = 0) get no gradient, and the 1/√d scale goes into the gemms that produce dq and dk.
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

    private Pass pass;
    private INDArray q;
    private INDArray k;
    private INDArray v;       // each [B, h, T, d]
    private INDArray probs;   // [B, h, T, T]
    private INDArray dropped; // [B, h, T, T], == probs when dropout is off
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
        this.pass = pass;
        int b = pass.batch();
        int t = pass.seqLen();
        int hidden = (int) x.size(1);
        int d = hidden / heads;
        int n = pass.rows();

        INDArray proj = scratch.get("attn.qkv", n, 3L * hidden);
        qkv.forward(x, proj);
        q = saved.get("attn.q", b, heads, t, d);
        k = saved.get("attn.k", b, heads, t, d);
        v = saved.get("attn.v", b, heads, t, d);
        splitHeads(proj, q, k, v, b, t, d);

        probs = saved.get("attn.p", b, heads, t, t);
        bmm(q, k, probs, false, true, 1 / Math.sqrt(d), 0);
        softmax(probs, pass);
        dropped = probs;
        if (pass.training() && probsDropout.rate > 0) {
            dropped = saved.get("attn.pd", b, heads, t, t);
            dropped.assign(probs);
        }
        probsDropout.forward(dropped, pass, par);

        INDArray ctx = scratch.get("attn.ctx", b, heads, t, d);
        bmm(dropped, v, ctx, false, false, 1, 0);
        merged = saved.get("attn.merged", n, hidden);
        mergeHeads(ctx, merged, 0, b, t, d, hidden);

        INDArray a = saved.get("attn.a", n, hidden);
        output.forward(merged, a);
        outputDropout.forward(a, pass, par);
        return a;
    }

    /** Accumulates the weight gradients and adds the input gradient into {@code dx [N, H]} (null: skip). */
    void backward(INDArray da, INDArray dx) {
        int b = pass.batch();
        int t = pass.seqLen();
        int n = pass.rows();
        int hidden = (int) da.size(1);
        int d = hidden / heads;

        INDArray dA = scratch.get("attn.da", n, hidden);
        dA.assign(da);
        outputDropout.backward(dA, par);
        INDArray dMerged = scratch.get("attn.dmerged", n, hidden);
        output.backward(dA, dMerged, false, par);

        INDArray dCtx = scratch.get("attn.dctx", b, heads, t, d);
        splitOne(dMerged, dCtx, b, t, d, hidden);
        INDArray dP = scratch.get("attn.dp", b, heads, t, t);
        bmm(dCtx, v, dP, false, true, 1, 0);              // d(pd) = dctx · vᵀ
        INDArray dQ = scratch.get("attn.dq", b, heads, t, d);
        INDArray dK = scratch.get("attn.dk", b, heads, t, d);
        INDArray dV = scratch.get("attn.dv", b, heads, t, d);
        bmm(dropped, dCtx, dV, true, false, 1, 0);        // dv = pdᵀ · dctx
        probsDropout.backward(dP, par);                   // dp = d(pd) ⊙ mask / (1 − rate)
        softmaxBackward(probs, dP);                       // ds, in place
        double scale = 1 / Math.sqrt(d);
        bmm(dP, k, dQ, false, false, scale, 0);           // dq = ds · k / √d
        bmm(dP, q, dK, true, false, scale, 0);            // dk = dsᵀ · q / √d

        INDArray dQkv = scratch.get("attn.dqkv", n, 3L * hidden);
        mergeHeads(dQ, dQkv, 0, b, t, d, 3 * hidden);
        mergeHeads(dK, dQkv, hidden, b, t, d, 3 * hidden);
        mergeHeads(dV, dQkv, 2 * hidden, b, t, d, 3 * hidden);
        qkv.backward(dQkv, dx, true, par);
    }

    /** Batched {@code c = alpha · op(a) · op(b) + beta · c} over the leading dimensions. */
    static void bmm(INDArray a, INDArray b, INDArray c, boolean transA, boolean transB, double alpha, double beta) {
        Nd4j.exec(new Mmul(a, b, c, alpha, beta,
                MMulTranspose.builder().transposeA(transA).transposeB(transB).build()));
    }

    /** proj [N, 3H] → q, k, v [B, h, T, d]. */
    private void splitHeads(INDArray proj, INDArray q, INDArray k, INDArray v, int b, int t, int d) {
        int hd = heads * d;
        FloatBuffer src = F32.buf(proj);
        FloatBuffer[] dst = {F32.buf(q), F32.buf(k), F32.buf(v)};
        par.range(b * t, 3L * hd, (from, to) -> {
            for (int row = from; row < to; row++) {
                int bb = row / t;
                int i = row % t;
                for (int part = 0; part < 3; part++) {
                    FloatBuffer out = dst[part];
                    for (int h = 0; h < heads; h++) {
                        int o = ((bb * heads + h) * t + i) * d;
                        int s = row * 3 * hd + part * hd + h * d;
                        for (int c = 0; c < d; c++) {
                            out.put(o + c, src.get(s + c));
                        }
                    }
                }
            }
        });
    }

    /** src [N, cols] columns [0, H) → dst [B, h, T, d]. */
    private void splitOne(INDArray src, INDArray dst, int b, int t, int d, int cols) {
        FloatBuffer s = F32.buf(src);
        FloatBuffer o = F32.buf(dst);
        par.range(b * t, cols, (from, to) -> {
            for (int row = from; row < to; row++) {
                int bb = row / t;
                int i = row % t;
                for (int h = 0; h < heads; h++) {
                    int oo = ((bb * heads + h) * t + i) * d;
                    int ss = row * cols + h * d;
                    for (int c = 0; c < d; c++) {
                        o.put(oo + c, s.get(ss + c));
                    }
                }
            }
        });
    }

    /** src [B, h, T, d] → columns [offset, offset + H) of dst [N, cols]. */
    private void mergeHeads(INDArray src, INDArray dst, int offset, int b, int t, int d, int cols) {
        FloatBuffer s = F32.buf(src);
        FloatBuffer o = F32.buf(dst);
        par.range(b * t, (long) heads * d, (from, to) -> {
            for (int row = from; row < to; row++) {
                int bb = row / t;
                int i = row % t;
                for (int h = 0; h < heads; h++) {
                    int ss = ((bb * heads + h) * t + i) * d;
                    int oo = row * cols + offset + h * d;
                    for (int c = 0; c < d; c++) {
                        o.put(oo + c, s.get(ss + c));
                    }
                }
            }
        });
    }

    /** Row softmax of s [B, h, T, T] in place over keys below each row's length; padded keys get exactly 0. */
    private void softmax(INDArray s, Pass pass) {
        int t = pass.seqLen();
        int[] lengths = pass.lengths();
        int perRow = heads * t;
        Elementwise.maskedSoftmax(s, pass.batch() * perRow, t, r -> lengths[r / perRow], par, Elementwise.VECTOR);
    }

    /** {@code dp = p ⊙ (dp − Σ_j dp ⊙ p)} per row, in place. */
    private void softmaxBackward(INDArray probs, INDArray dp) {
        int t = pass.seqLen();
        int rows = pass.batch() * heads * t;
        FloatBuffer p = F32.buf(probs);
        FloatBuffer g = F32.buf(dp);
        par.range(rows, 4L * t, (from, to) -> {
            for (int r = from; r < to; r++) {
                int base = r * t;
                double dot = 0;
                for (int j = 0; j < t; j++) {
                    dot += (double) g.get(base + j) * p.get(base + j);
                }
                for (int j = 0; j < t; j++) {
                    float pj = p.get(base + j);
                    g.put(base + j, (float) (pj * (g.get(base + j) - dot)));
                }
            }
        });
    }

    @Override
    public void close() {
        saved.close();
    }
}
