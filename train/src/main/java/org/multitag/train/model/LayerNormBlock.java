package org.multitag.train.model;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import org.multitag.model.Buffers;
import org.multitag.model.NativeArrays;
import org.multitag.model.Parallel;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * LayerNorm over the last dimension, as torch (biased variance, eps inside the square root):
 * <pre>
 *   forward:  xhat = (x − mean) · rstd,  rstd = 1/√(var + eps)       saved: xhat [N, H], rstd [N]
 *             (x is the input, or input + residual)
 *             out  = xhat · γ + β                                     [N, H]
 *   backward: dγ += Σ_rows dout ⊙ xhat;  dβ += Σ_rows dout
 *             g = dout ⊙ γ
 *             dx  = rstd · (g − mean(g) − xhat · mean(g ⊙ xhat))      per row
 * </pre>
 * Row statistics are computed in double by the scalar path, in float lanes by the vector one ({@link VectorRows}).
 */
final class LayerNormBlock implements AutoCloseable {

    final INDArray gamma;  // [H]
    final INDArray beta;   // [H]
    final INDArray dGamma; // [H], null when frozen
    final INDArray dBeta;  // [H], null when frozen
    private final double eps;
    private final Parallel par;
    private final Buffers saved = new Buffers();
    private INDArray xhat;  // [N, H]
    private double[] rstd = new double[0]; // [N]
    private int rows;

    LayerNormBlock(INDArray gamma, INDArray beta, INDArray dGamma, INDArray dBeta, double eps, Parallel par) {
        this.gamma = gamma;
        this.beta = beta;
        this.dGamma = dGamma;
        this.dBeta = dBeta;
        this.eps = eps;
        this.par = par;
    }

    /** {@code out [N, H] = LayerNorm(x [N, H])}; {@code out} may be {@code x}. */
    void forward(INDArray x, INDArray out) {
        forward(x, null, out);
    }

    /**
     * {@code out [N, H] = LayerNorm(x + residual)} (the residual add of a post-LayerNorm layer, in torch's order,
     * done in the same pass; {@code residual} may be null); {@code out} may be {@code x}.
     */
    void forward(INDArray x, INDArray residual, INDArray out) {
        rows = (int) x.size(0);
        int h = (int) x.size(1);
        xhat = saved.get("ln.xhat", rows, h);
        if (rstd.length < rows) {
            rstd = new double[rows];
        }
        double[] rs = rstd;
        float e = (float) eps; // the inference kernels take eps as a float
        if (Elementwise.VECTOR) {
            ByteBuffer xb = NativeArrays.bytes(x);
            ByteBuffer rb = residual == null ? null : NativeArrays.bytes(residual);
            ByteBuffer xhb = NativeArrays.bytes(xhat);
            ByteBuffer ob = NativeArrays.bytes(out);
            float[] gv = NativeArrays.toFloats(gamma);
            float[] bv = NativeArrays.toFloats(beta);
            par.range(rows, h * 4L, (from, to) -> VectorRows.layerNorm(xb, rb, gv, bv, e, xhb, ob, rs, h, from, to));
            return;
        }
        FloatBuffer in = F32.buf(x);
        FloatBuffer res = residual == null ? null : F32.buf(residual);
        FloatBuffer xh = F32.buf(xhat);
        FloatBuffer o = F32.buf(out);
        FloatBuffer g = F32.buf(gamma);
        FloatBuffer b = F32.buf(beta);
        par.range(rows, h * 4L, (from, to) -> {
            for (int r = from; r < to; r++) {
                int base = r * h;
                for (int c = 0; c < h; c++) { // the sum goes into xhat first, then is normalized in place
                    xh.put(base + c, res == null ? in.get(base + c) : in.get(base + c) + res.get(base + c));
                }
                double sum = 0;
                for (int c = 0; c < h; c++) {
                    sum += xh.get(base + c);
                }
                double mean = sum / h;
                double var = 0;
                for (int c = 0; c < h; c++) {
                    double d = xh.get(base + c) - mean;
                    var += d * d;
                }
                double inv = 1 / Math.sqrt(var / h + e);
                rs[r] = inv;
                for (int c = 0; c < h; c++) {
                    double n = (xh.get(base + c) - mean) * inv;
                    xh.put(base + c, (float) n);
                    o.put(base + c, (float) (n * g.get(c) + b.get(c)));
                }
            }
        });
    }

    /** Accumulates dγ, dβ (unless frozen) and writes the input gradient into {@code dx [N, H]}. */
    void backward(INDArray dOut, INDArray dx) {
        int h = (int) dOut.size(1);
        FloatBuffer dy = F32.buf(dOut);
        FloatBuffer xh = F32.buf(xhat);
        FloatBuffer g = F32.buf(gamma);
        int n = rows;
        if (dGamma != null && Elementwise.VECTOR) {
            F32.addColumnSums(dOut, xhat, dGamma, par);
            F32.addColumnSums(dOut, null, dBeta, par);
        } else if (dGamma != null) {
            FloatBuffer dg = F32.buf(dGamma);
            FloatBuffer db = F32.buf(dBeta);
            par.range(h, n, (from, to) -> {
                double[] sg = new double[to - from];
                double[] sb = new double[to - from];
                for (int r = 0; r < n; r++) {
                    int base = r * h;
                    for (int c = from; c < to; c++) {
                        float d = dy.get(base + c);
                        sg[c - from] += (double) d * xh.get(base + c);
                        sb[c - from] += d;
                    }
                }
                for (int c = from; c < to; c++) {
                    dg.put(c, (float) (dg.get(c) + sg[c - from]));
                    db.put(c, (float) (db.get(c) + sb[c - from]));
                }
            });
        }
        if (dx == null) {
            return;
        }
        double[] rs = rstd;
        if (Elementwise.VECTOR) {
            ByteBuffer dyb = NativeArrays.bytes(dOut);
            ByteBuffer xhb = NativeArrays.bytes(xhat);
            ByteBuffer dxb = NativeArrays.bytes(dx);
            float[] gv = NativeArrays.toFloats(gamma);
            par.range(n, h * 4L, (from, to) -> VectorRows.layerNormBackward(dyb, xhb, gv, rs, dxb, h, from, to));
            return;
        }
        FloatBuffer out = F32.buf(dx);
        par.range(n, h * 4L, (from, to) -> {
            for (int r = from; r < to; r++) {
                int base = r * h;
                double m1 = 0;
                double m2 = 0;
                for (int c = 0; c < h; c++) {
                    double gc = (double) dy.get(base + c) * g.get(c);
                    m1 += gc;
                    m2 += gc * xh.get(base + c);
                }
                m1 /= h;
                m2 /= h;
                for (int c = 0; c < h; c++) {
                    double gc = (double) dy.get(base + c) * g.get(c);
                    double d = rs[r] * (gc - m1 - xh.get(base + c) * m2);
                    out.put(base + c, (float) d);
                }
            }
        });
    }

    @Override
    public void close() {
        saved.close();
    }
}
