package org.multitag.model.kernels;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What the two host-memory implementations share: their threads, the dropout mask draw, the embeddings' scatter-add
 * and the attention maps' reordering (loops that gain nothing from vectors).
 */
abstract class HostKernels implements Kernels {

    final Parallel par;

    HostKernels(Parallel par) {
        this.par = par;
    }

    /** The elements of a contiguous row-major float32 array, indexed from 0 (a view, no copy). */
    static FloatBuffer floats(INDArray a) {
        return NativeArrays.bytes(a).asFloatBuffer();
    }

    /** Rows of {@code a}: its first dimension (1 for a vector). */
    static int rows(INDArray a) {
        return a.rank() >= 2 ? (int) a.size(0) : 1;
    }

    /** Columns of {@code a}: elements per row. */
    static int cols(INDArray a) {
        return (int) (a.length() / rows(a));
    }

    static float[] toFloats(INDArray a) {
        return a == null ? null : NativeArrays.toFloats(a);
    }

    @Override
    public void gemm(INDArray a, INDArray b, INDArray c, boolean transposeA, boolean transposeB, double alpha,
            double beta) {
        Nd4j.gemm(a, b, c, transposeA, transposeB, alpha, beta);
    }

    /**
     * Four running sums per output, each over every fourth column, added in a fixed order at the end (Java does not
     * fuse a multiply and an add on its own): the same arithmetic for a row wherever it sits, on every thread count.
     */
    @Override
    public void rowProducts(INDArray a, INDArray b, INDArray c) {
        FloatBuffer x = floats(a);
        FloatBuffer y = floats(c);
        float[] w = toFloats(b);
        int k = cols(a);
        int m = rows(b);
        par.range(rows(a), (long) k * m, (from, to) -> {
            float[] row = new float[k];
            int body = k - k % 4;
            for (int r = from; r < to; r++) {
                x.get(r * k, row);
                for (int j = 0, o = 0; j < m; j++, o += k) {
                    float s0 = 0f;
                    float s1 = 0f;
                    float s2 = 0f;
                    float s3 = 0f;
                    for (int i = 0; i < body; i += 4) {
                        s0 += row[i] * w[o + i];
                        s1 += row[i + 1] * w[o + i + 1];
                        s2 += row[i + 2] * w[o + i + 2];
                        s3 += row[i + 3] * w[o + i + 3];
                    }
                    for (int i = body; i < k; i++) {
                        s0 += row[i] * w[o + i];
                    }
                    y.put(r * m + j, (s0 + s1) + (s2 + s3));
                }
            }
        });
        NativeArrays.keepAlive(a, b, c);
    }

    @Override
    public Parallel parallel() {
        return par;
    }

    @Override
    public void close() {
        par.close();
    }

    @Override
    public final void layerNormBackward(INDArray dy, INDArray xhat, INDArray rstd, INDArray gamma, INDArray dx,
            INDArray dGamma, INDArray dBeta) {
        if (dGamma != null) {
            addColumnSums(dy, xhat, dGamma);
        }
        if (dBeta != null) {
            addColumnSums(dy, null, dBeta);
        }
        if (dx != null) {
            layerNormInputGradient(dy, xhat, rstd, gamma, dx);
        }
    }

    /** {@code dx = rstd · (g − mean(g) − xhat · mean(g ⊙ xhat))}, {@code g = dy ⊙ gamma}, per row. */
    abstract void layerNormInputGradient(INDArray dy, INDArray xhat, INDArray rstd, INDArray gamma, INDArray dx);

    @Override
    public DropoutMask dropoutMask(DropoutMask reuse, long seed, float rate, int count) {
        HostDropoutMask m = HostDropoutMask.recycle(reuse, count, rate);
        boolean[] k = m.keep;
        long th = HostDropoutMask.threshold(rate);
        par.range(count, 4, (from, to) -> {
            long z = seed + (from + 1L) * HostDropoutMask.GAMMA;
            for (int i = from; i < to; i++, z += HostDropoutMask.GAMMA) {
                k[i] = (HostDropoutMask.mix64(z) >>> 11) >= th;
            }
        });
        return m;
    }

    @Override
    public void embeddingsBackward(int[][] ids, int[][] types, int[][] positions, INDArray dOut, INDArray dWord,
            INDArray dType, INDArray dPosition, int padTokenId) {
        int t = ids[0].length;
        int n = ids.length * t;
        int h = cols(dOut);
        FloatBuffer g = floats(dOut);
        FloatBuffer dw = dWord == null ? null : floats(dWord);
        FloatBuffer dy = dType == null ? null : floats(dType);
        FloatBuffer dp = dPosition == null ? null : floats(dPosition);
        // Sequential over rows so repeated ids accumulate without races; columns split over threads.
        par.range(h, n, (from, to) -> {
            for (int r = 0; r < n; r++) {
                int id = ids[r / t][r % t];
                int wi = id * h;
                int yi = types[r / t][r % t] * h;
                int pi = positions[r / t][r % t] * h;
                for (int c = from; c < to; c++) {
                    float v = g.get(r * h + c);
                    if (dw != null && id != padTokenId) {
                        dw.put(wi + c, dw.get(wi + c) + v);
                    }
                    if (dy != null) {
                        dy.put(yi + c, dy.get(yi + c) + v);
                    }
                    if (dp != null) {
                        dp.put(pi + c, dp.get(pi + c) + v);
                    }
                }
            }
        });
        NativeArrays.keepAlive(dOut, dWord, dType, dPosition);
    }

    @Override
    public boolean attendsPackedRows() {
        return true;
    }

    @Override
    public void attentionMaps(INDArray probs, AttentionShape s) {
        s.checkPadded("attentionMaps");
        if (s.prefixOnly()) {
            return;
        }
        FloatBuffer p = floats(probs);
        int t = s.t();
        par.range(s.batch() * s.heads(), (long) t * t, (from, to) -> {
            float[] row = new float[t];
            for (int task = from; task < to; task++) {
                int b = task / s.heads();
                int[] keys = s.keys(b);
                for (int i = 0; i < t; i++) {
                    int o = s.probsRow(b, task % s.heads(), i);
                    p.get(o, row, 0, keys.length);
                    for (int j = 0; j < t; j++) {
                        p.put(o + j, 0f);
                    }
                    for (int jj = 0; jj < keys.length; jj++) {
                        p.put(o + keys[jj], row[jj]);
                    }
                }
            }
        });
        NativeArrays.keepAlive(probs);
    }
}
