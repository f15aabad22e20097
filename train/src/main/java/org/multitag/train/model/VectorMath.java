package org.multitag.train.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.multitag.model.VectorKernels;

import static org.multitag.model.VectorKernels.A1;
import static org.multitag.model.VectorKernels.A2;
import static org.multitag.model.VectorKernels.A3;
import static org.multitag.model.VectorKernels.A4;
import static org.multitag.model.VectorKernels.A5;
import static org.multitag.model.VectorKernels.INV_SQRT2;
import static org.multitag.model.VectorKernels.P;

/**
 * The two exp-heavy elementwise steps with the Java Vector API, over heap arrays padded to whole vectors:
 * GELU with its derivative, and the masked softmax. exp is a polynomial of exactly rounded lane operations
 * (Cephes expf, ~1 ulp), not the EXP intrinsic, so results are bit-identical from the first call on (the
 * intrinsic and its Java fallback differ in the last bits, which would make seeded runs irreproducible).
 * Only loaded when {@link Elementwise} finds the incubator module.
 */
final class VectorMath {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();


    // Abramowitz & Stegun 7.1.26: erf(z) = 1 − t·(a1 + t·(a2 + …)) · e^(−z²), t = 1/(1 + p·z), z ≥ 0
    private static final float INV_SQRT_2PI = (float) (1 / Math.sqrt(2 * Math.PI));

    private VectorMath() {}

    /** {@code n} rounded up to whole vectors. */
    static int padded(int n) {
        return (n + L - 1) / L * L;
    }

    /** {@code a[i] = e^a[i]} over {@code [0, n)}, n a multiple of L; 0 below −87.3 (−∞ included). */
    static void expInPlace(float[] a, int n) {
        VectorKernels.expInPlace(a, 0, n);
    }

    /**
     * {@code v = gelu(v)}, {@code d = gelu'(v)} over {@code [0, n)}, n a multiple of L; {@code e} is scratch
     * of the same size.
     */
    static void gelu(float[] v, float[] d, float[] e, int n) {
        for (int i = 0; i < n; i += L) {
            FloatVector z = FloatVector.fromArray(S, v, i).mul(INV_SQRT2);
            z.mul(z).neg().intoArray(e, i);
        }
        expInPlace(e, n); // e^(−u²/2)
        for (int i = 0; i < n; i += L) {
            FloatVector u = FloatVector.fromArray(S, v, i);
            FloatVector ex = FloatVector.fromArray(S, e, i);
            FloatVector t = FloatVector.broadcast(S, 1f).div(u.mul(INV_SQRT2).abs().mul(P).add(1f));
            FloatVector poly = t.fma(A5, A4).fma(t, FloatVector.broadcast(S, A3))
                    .fma(t, FloatVector.broadcast(S, A2)).fma(t, FloatVector.broadcast(S, A1)).mul(t);
            FloatVector half = poly.mul(ex).mul(0.5f); // ½(1 − erf(|u|/√2))
            FloatVector cdf = FloatVector.broadcast(S, 1f).sub(half).blend(half, u.lt(0f)); // Φ(u)
            u.mul(cdf).intoArray(v, i);
            u.mul(ex).fma(FloatVector.broadcast(S, INV_SQRT_2PI), cdf).intoArray(d, i); // Φ(u) + u·φ(u)
        }
    }

    /**
     * Softmax of {@code row[0, len)} in place, {@code row[len, n)} set to 0 (n a multiple of L, ≥ len ≥ 1).
     * {@code lanes} is scratch of length L.
     */
    static void softmax(float[] row, int len, int n, float[] lanes) {
        for (int j = len; j < n; j++) {
            row[j] = Float.NEGATIVE_INFINITY;
        }
        FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < n; i += L) {
            m = m.max(FloatVector.fromArray(S, row, i));
        }
        float max = m.reduceLanes(VectorOperators.MAX); // a max is exact in any order
        for (int i = 0; i < n; i += L) {
            FloatVector.fromArray(S, row, i).sub(max).intoArray(row, i);
        }
        expInPlace(row, n);
        FloatVector acc = FloatVector.zero(S);
        for (int i = 0; i < n; i += L) {
            acc = acc.add(FloatVector.fromArray(S, row, i));
        }
        acc.intoArray(lanes, 0);
        float sum = 0;
        for (int k = 0; k < L; k++) {
            sum += lanes[k];
        }
        float inv = 1f / sum;
        for (int i = 0; i < n; i += L) {
            FloatVector.fromArray(S, row, i).mul(inv).intoArray(row, i);
        }
    }
}
