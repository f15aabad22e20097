package org.multitag.train.model;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import org.multitag.model.NativeArrays;
import org.multitag.model.Parallel;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Whether the Vector API kernels run ({@link #VECTOR}), and exact GELU with its derivative: bias + GELU +
 * derivative in one pass with the Vector API ({@link VectorRows#biasGelu}) when the JVM runs with
 * {@code --add-modules jdk.incubator.vector}, else plain Java in double (also the reference in the tests).
 * Both use erf by Abramowitz–Stegun 7.1.26 (absolute error ≤ 1.5e-7).
 */
final class Elementwise {

    /** Whether the vector path runs (false: no incubator module, or -Dmultitag.scalarKernels=true). */
    static final boolean VECTOR = probe();

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
            VectorMath.expInPlace(v, v.length);
            return true;
        } catch (LinkageError | RuntimeException e) {
            return false;
        }
    }

    /** In place {@code x = gelu(x)}, writing {@code gelu'(x)} into {@code grad} (same shape). */
    static void gelu(INDArray x, INDArray grad, Parallel par, boolean vector) {
        gelu(x, null, grad, par, vector);
    }

    /**
     * In place {@code x = gelu(x + bias)} over the rows of {@code x [rows, cols]} ({@code bias [cols]}, or null;
     * a vector counts as one row), writing {@code gelu'(x + bias)} into {@code grad} (same shape).
     */
    static void gelu(INDArray x, INDArray bias, INDArray grad, Parallel par, boolean vector) {
        int rows = x.rank() == 2 ? (int) x.size(0) : 1;
        int cols = (int) (x.length() / rows);
        float[] b = bias == null ? null : NativeArrays.toFloats(bias);
        if (vector) {
            ByteBuffer xb = NativeArrays.bytes(x);
            ByteBuffer db = NativeArrays.bytes(grad);
            par.range(rows, cols * 16L, (from, to) -> VectorRows.biasGelu(xb, b, db, cols, from, to));
            return;
        }
        FloatBuffer v = F32.buf(x);
        FloatBuffer d = F32.buf(grad);
        par.range(rows, cols * 16L, (from, to) -> {
            for (int i = from * cols; i < to * cols; i++) {
                double u = v.get(i) + (b == null ? 0f : b[i % cols]);
                v.put(i, (float) gelu(u));
                d.put(i, (float) geluDerivative(u));
            }
        });
    }

    /** {@code u·Φ(u)} with erf by A&S 7.1.26, in double: the scalar path and the vector path's column tail. */
    static double gelu(double u) {
        double e = Math.exp(-0.5 * u * u);
        return u * 0.5 * (1 + erf(u * INV_SQRT2, e));
    }

    /** {@code Φ(u) + u·φ(u)}, the derivative of {@link #gelu(double)}. */
    static double geluDerivative(double u) {
        double e = Math.exp(-0.5 * u * u);
        return 0.5 * (1 + erf(u * INV_SQRT2, e)) + u * e * INV_SQRT_2PI;
    }

    /** erf(z) given {@code expMinusZ2 = e^(−z²)} (Abramowitz–Stegun 7.1.26). */
    static double erf(double z, double expMinusZ2) {
        double a = Math.abs(z);
        double t = 1 / (1 + 0.3275911 * a);
        double poly = ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t;
        double r = 1 - poly * expMinusZ2;
        return z < 0 ? -r : r;
    }
}
