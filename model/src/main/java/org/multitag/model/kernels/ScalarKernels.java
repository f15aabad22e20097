package org.multitag.model.kernels;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The kernels in plain Java, computed in double and rounded once to float: the reference for {@link
 * VectorKernels} in the tests and the fallback when the Vector API module is absent. Float adds that torch does in
 * float (bias, residual, embeddings) are done in float, in torch's order.
 */
final class ScalarKernels extends HostKernels {

    ScalarKernels(Parallel par) {
        super(par);
    }

    @Override
    public void addBias(INDArray y, INDArray bias) {
        FloatBuffer v = floats(y);
        float[] b = toFloats(bias);
        int cols = b.length;
        par.range(rows(y), cols, (from, to) -> {
            for (int i = from * cols; i < to * cols; i++) {
                v.put(i, v.get(i) + b[i % cols]);
            }
        });
        NativeArrays.keepAlive(y, bias);
    }

    @Override
    public void biasActivation(INDArray x, INDArray bias, Activation act, INDArray derivative) {
        FloatBuffer v = floats(x);
        FloatBuffer d = derivative == null ? null : floats(derivative);
        float[] b = toFloats(bias);
        int cols = cols(x);
        par.range(rows(x), cols * 16L, (from, to) -> {
            for (int i = from * cols; i < to * cols; i++) {
                double u = b == null ? v.get(i) : v.get(i) + b[i % cols];
                v.put(i, (float) act.apply(u));
                if (d != null) {
                    d.put(i, (float) act.derivative(u));
                }
            }
        });
        NativeArrays.keepAlive(x, bias, derivative);
    }

    @Override
    public void layerNorm(INDArray x, INDArray bias, INDArray residual, INDArray gamma, INDArray beta, float eps,
            INDArray out, INDArray xhat, INDArray rstd) {
        int rows = rows(x);
        int cols = cols(x);
        FloatBuffer in = floats(x);
        FloatBuffer res = residual == null ? null : floats(residual);
        FloatBuffer o = floats(out);
        FloatBuffer xh = xhat == null ? null : floats(xhat);
        FloatBuffer rs = rstd == null ? null : floats(rstd);
        float[] b = toFloats(bias);
        float[] g = toFloats(gamma);
        float[] be = toFloats(beta);
        par.range(rows, cols * 4L, (from, to) -> {
            float[] s = new float[cols];
            for (int r = from; r < to; r++) {
                int base = r * cols;
                double sum = 0;
                for (int c = 0; c < cols; c++) {
                    float v = in.get(base + c); // float adds in torch's order: (x + bias) + residual
                    if (b != null) {
                        v += b[c];
                    }
                    if (res != null) {
                        v += res.get(base + c);
                    }
                    s[c] = v;
                    sum += v;
                }
                double mean = sum / cols;
                double var = 0;
                for (int c = 0; c < cols; c++) {
                    double dv = s[c] - mean;
                    var += dv * dv;
                }
                double inv = 1 / Math.sqrt(var / cols + eps);
                if (rs != null) {
                    rs.put(r, (float) inv);
                }
                for (int c = 0; c < cols; c++) {
                    double n = (s[c] - mean) * inv;
                    if (xh != null) {
                        xh.put(base + c, (float) n);
                    }
                    o.put(base + c, (float) (n * g[c] + be[c]));
                }
            }
        });
        NativeArrays.keepAlive(x, bias, residual, gamma, beta, out, xhat, rstd);
    }

    @Override
    public void embeddings(int[][] ids, int[][] types, int[][] positions, INDArray word, INDArray type,
            INDArray position, INDArray out) {
        int t = ids[0].length;
        int h = cols(out);
        FloatBuffer w = floats(word);
        FloatBuffer y = floats(type);
        FloatBuffer p = floats(position);
        FloatBuffer o = floats(out);
        par.range(ids.length * t, h * 3L, (from, to) -> {
            for (int n = from; n < to; n++) {
                int wi = ids[n / t][n % t] * h;
                int yi = types[n / t][n % t] * h;
                int pi = positions[n / t][n % t] * h;
                for (int c = 0; c < h; c++) {
                    float s = w.get(wi + c) + y.get(yi + c);
                    o.put(n * h + c, s + p.get(pi + c));
                }
            }
        });
        NativeArrays.keepAlive(word, type, position, out);
    }

    @Override
    public void attention(INDArray qkv, INDArray bias, AttentionShape shape, DropoutMask keep, INDArray probs,
            INDArray merged) {
        shape.checkForward(keep, probs);
        FloatBuffer q = floats(qkv);
        float[] b = bias == null ? new float[3 * shape.hidden()] : toFloats(bias);
        FloatBuffer p = probs == null ? null : floats(probs);
        FloatBuffer m = floats(merged);
        boolean[] k = keep == null ? null : ((HostDropoutMask) keep).keep;
        float scale = keep == null ? 1f : keep.scale();
        par.range(shape.batch() * shape.heads(), (long) shape.t() * shape.t() * shape.d(),
                (from, to) -> ScalarAttention.forward(q, b, shape, k, scale, p, m, from, to));
        NativeArrays.keepAlive(qkv, bias, probs, merged);
    }

    @Override
    public void dropout(INDArray in, DropoutMask keep, INDArray out) {
        boolean[] k = ((HostDropoutMask) keep).keep;
        float s = keep.scale();
        FloatBuffer src = floats(in);
        FloatBuffer dst = floats(out);
        par.range(keep.size(), 2, (from, to) -> {
            for (int i = from; i < to; i++) {
                dst.put(i, k[i] ? src.get(i) * s : 0f);
            }
        });
        NativeArrays.keepAlive(in, out);
    }

    @Override
    public void addColumnSums(INDArray a, INDArray w, INDArray acc) {
        int rows = rows(a);
        int cols = cols(a);
        FloatBuffer y = floats(a);
        FloatBuffer wb = w == null ? null : floats(w);
        FloatBuffer out = floats(acc);
        par.range(cols, rows, (from, to) -> {
            double[] s = new double[to - from];
            for (int r = 0; r < rows; r++) {
                int base = r * cols;
                for (int c = from; c < to; c++) {
                    s[c - from] += wb == null ? y.get(base + c) : (double) y.get(base + c) * wb.get(base + c);
                }
            }
            for (int c = from; c < to; c++) {
                out.put(c, (float) (out.get(c) + s[c - from]));
            }
        });
        NativeArrays.keepAlive(a, w, acc);
    }

    @Override
    void layerNormInputGradient(INDArray dy, INDArray xhat, INDArray rstd, INDArray gamma, INDArray dx) {
        int rows = rows(dy);
        int h = cols(dy);
        FloatBuffer d = floats(dy);
        FloatBuffer xh = floats(xhat);
        FloatBuffer rs = floats(rstd);
        FloatBuffer out = floats(dx);
        float[] g = toFloats(gamma);
        par.range(rows, h * 4L, (from, to) -> {
            for (int r = from; r < to; r++) {
                int base = r * h;
                double m1 = 0;
                double m2 = 0;
                for (int c = 0; c < h; c++) {
                    double gc = (double) d.get(base + c) * g[c];
                    m1 += gc;
                    m2 += gc * xh.get(base + c);
                }
                m1 /= h;
                m2 /= h;
                double inv = rs.get(r);
                for (int c = 0; c < h; c++) {
                    double gc = (double) d.get(base + c) * g[c];
                    out.put(base + c, (float) (inv * (gc - m1 - xh.get(base + c) * m2)));
                }
            }
        });
        NativeArrays.keepAlive(dy, xhat, rstd, gamma, dx);
    }

    @Override
    public void attentionBackward(INDArray qkv, INDArray bias, INDArray probs, AttentionShape shape,
            DropoutMask keep, INDArray dMerged, INDArray dQkv) {
        shape.checkPadded("attentionBackward");
        FloatBuffer q = floats(qkv);
        float[] b = bias == null ? new float[3 * shape.hidden()] : toFloats(bias);
        FloatBuffer p = floats(probs);
        FloatBuffer g = floats(dMerged);
        FloatBuffer out = floats(dQkv);
        boolean[] k = keep == null ? null : ((HostDropoutMask) keep).keep;
        float scale = keep == null ? 1f : keep.scale();
        par.range(shape.batch() * shape.heads(), (long) shape.t() * shape.t() * shape.d(),
                (from, to) -> ScalarAttention.backward(q, b, p, shape, k, scale, g, out, from, to));
        NativeArrays.keepAlive(qkv, bias, probs, dMerged, dQkv);
    }
}
