package org.multitag.train.model;

import java.nio.FloatBuffer;
import org.multitag.model.Parallel;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The exp-heavy elementwise steps, GELU (with its derivative) and the masked attention softmax: with the
 * Vector API ({@link VectorMath}) when the JVM runs with {@code --add-modules jdk.incubator.vector}, else
 * plain Java in double ({@link #scalar}, also the reference in the tests). Both use erf by Abramowitz–Stegun
 * 7.1.26 (absolute error ≤ 1.5e-7).
 */
final class Elementwise {

    /** Whether the vector path runs (false: no incubator module, or -Dmultitag.scalarKernels=true). */
    static final boolean VECTOR = probe();

    private static final int BLOCK = 1024;
    private static final double INV_SQRT2 = 1 / Math.sqrt(2);
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

    private Elementwise() {}

    private static boolean probe() {
        if (Boolean.getBoolean("multitag.scalarKernels")
                || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return false;
        }
        try {
            float[] v = new float[VectorMath.L];
            VectorMath.gelu(v, new float[v.length], new float[v.length], v.length);
            return true;
        } catch (LinkageError | RuntimeException e) {
            return false;
        }
    }

    /** In place {@code x = gelu(x)}, writing {@code gelu'(x)} into {@code grad} (same shape). */
    static void gelu(INDArray x, INDArray grad, Parallel par, boolean vector) {
        FloatBuffer v = F32.buf(x);
        FloatBuffer d = F32.buf(grad);
        int n = (int) x.length();
        if (!vector) {
            par.range(n, 16, (from, to) -> scalarGelu(v, d, from, to));
            return;
        }
        int blocks = (n + BLOCK - 1) / BLOCK;
        par.range(blocks, BLOCK * 16L, (from, to) -> {
            float[] a = new float[BLOCK];
            float[] g = new float[BLOCK];
            float[] e = new float[BLOCK];
            for (int blk = from; blk < to; blk++) {
                int start = blk * BLOCK;
                int len = Math.min(BLOCK, n - start);
                v.get(start, a, 0, len);
                java.util.Arrays.fill(a, len, BLOCK, 0f);
                VectorMath.gelu(a, g, e, BLOCK);
                v.put(start, a, 0, len);
                d.put(start, g, 0, len);
            }
        });
    }

    static void scalarGelu(FloatBuffer v, FloatBuffer d, int from, int to) {
        for (int i = from; i < to; i++) {
            double u = v.get(i);
            double e = Math.exp(-0.5 * u * u);
            double cdf = 0.5 * (1 + erf(u * INV_SQRT2, e));
            v.put(i, (float) (u * cdf));
            d.put(i, (float) (cdf + u * e * INV_SQRT_2PI));
        }
    }

    /** erf(z) given {@code expMinusZ2 = e^(−z²)} (Abramowitz–Stegun 7.1.26). */
    static double erf(double z, double expMinusZ2) {
        double a = Math.abs(z);
        double t = 1 / (1 + 0.3275911 * a);
        double poly = ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t;
        double r = 1 - poly * expMinusZ2;
        return z < 0 ? -r : r;
    }

    /**
     * Softmax in place over rows of length {@code t} of {@code s [rowCount, t]}: row r uses keys
     * {@code [0, lengthOfRow(r))} and gets exactly 0 on the keys after them.
     */
    static void maskedSoftmax(INDArray s, int rowCount, int t, java.util.function.IntUnaryOperator lengthOfRow,
            Parallel par, boolean vector) {
        FloatBuffer p = F32.buf(s);
        par.range(rowCount, 8L * t, (from, to) -> {
            if (vector) {
                int padded = VectorMath.padded(t);
                float[] row = new float[padded];
                float[] lanes = new float[VectorMath.L];
                for (int r = from; r < to; r++) {
                    int len = lengthOfRow.applyAsInt(r);
                    p.get(r * t, row, 0, len);
                    VectorMath.softmax(row, len, padded, lanes);
                    p.put(r * t, row, 0, t);
                }
                return;
            }
            double[] e = new double[t];
            for (int r = from; r < to; r++) {
                int len = lengthOfRow.applyAsInt(r);
                int base = r * t;
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < len; j++) {
                    max = Math.max(max, p.get(base + j));
                }
                double sum = 0;
                for (int j = 0; j < len; j++) {
                    e[j] = Math.exp(p.get(base + j) - max);
                    sum += e[j];
                }
                for (int j = 0; j < t; j++) {
                    p.put(base + j, j < len ? (float) (e[j] / sum) : 0f);
                }
            }
        });
    }
}
