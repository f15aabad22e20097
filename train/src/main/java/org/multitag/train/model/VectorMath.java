package org.multitag.train.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.multitag.model.VectorKernels;

/**
 * The attention softmax with the Java Vector API, over heap rows padded to whole vectors (GELU is in
 * {@link VectorRows}, over native memory). exp is a polynomial of exactly rounded lane operations
 * (Cephes expf, ~1 ulp), not the EXP intrinsic, so results are bit-identical from the first call on (the
 * intrinsic and its Java fallback differ in the last bits, which would make seeded runs irreproducible).
 * Only loaded when {@link Elementwise} finds the incubator module.
 */
final class VectorMath {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();

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
     * Softmax of {@code row[ro, ro + len)} in place, {@code row[ro + len, ro + n)} set to 0 (n a multiple of L,
     * ≥ len ≥ 1). {@code lanes} is scratch of length L.
     */
    static void softmax(float[] row, int ro, int len, int n, float[] lanes) {
        java.util.Arrays.fill(row, ro + len, ro + n, Float.NEGATIVE_INFINITY);
        FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < n; i += L) {
            m = m.max(FloatVector.fromArray(S, row, ro + i));
        }
        float max = m.reduceLanes(VectorOperators.MAX); // a max is exact in any order
        for (int i = 0; i < n; i += L) {
            FloatVector.fromArray(S, row, ro + i).sub(max).intoArray(row, ro + i);
        }
        VectorKernels.expInPlace(row, ro, ro + n);
        FloatVector acc = FloatVector.zero(S);
        for (int i = 0; i < n; i += L) {
            acc = acc.add(FloatVector.fromArray(S, row, ro + i));
        }
        acc.intoArray(lanes, 0);
        float sum = 0;
        for (int k = 0; k < L; k++) {
            sum += lanes[k];
        }
        float inv = 1f / sum;
        for (int i = 0; i < n; i += L) {
            FloatVector.fromArray(S, row, ro + i).mul(inv).intoArray(row, ro + i);
        }
    }
}
