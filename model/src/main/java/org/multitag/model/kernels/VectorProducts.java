package org.multitag.model.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The small matrix products of {@link VectorAttention} on heap arrays, with the Java Vector API: one query (or
 * two) against every key, probabilities times values, and a transposed product for dk and dv. Each keeps four
 * or more independent FMA chains and fixed summation orders (see {@code VectorKernels} on why no method here
 * takes or returns a vector).
 */
final class VectorProducts {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorProducts() {}

    static void scores(float[] q, int qo, float[] kT, float[] row, int d, int kp, float scale) {
        scores(q, qo, kT, row, 0, d, kp, scale);
    }

    /**
     * {@code row[ro + j] = scale · Σ_c q[qo + c] · kT[c·kp + j]} for j < kp (a multiple of L): {@link #scoresPair}
     * with the query twice, so a query alone adds up as a paired one.
     */
    static void scores(float[] q, int qo, float[] kT, float[] row, int ro, int d, int kp, float scale) {
        scoresPair(q, qo, qo, kT, row, ro, row, ro, d, kp, scale);
    }

    /**
     * The scores of the two queries {@code q[qa, qa + d)} and {@code q[qb, qb + d)} against every key, into {@code
     * row0[r0 …]} and {@code row1[r1 …]}: {@code scale · Σ_c q[c] · kT[c·kp + j]} for j < kp (a multiple of L), four
     * key vectors at a time (four independent FMA chains hide the FMA latency), each key vector loaded once for both.
     */
    static void scoresPair(float[] q, int qa, int qb, float[] kT, float[] row0, int r0, float[] row1, int r1, int d,
            int kp, float scale) {
        int j = 0;
        for (; j <= kp - 4 * L; j += 4 * L) {
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = FloatVector.zero(S);
            FloatVector a2 = FloatVector.zero(S);
            FloatVector a3 = FloatVector.zero(S);
            FloatVector b0 = FloatVector.zero(S);
            FloatVector b1 = FloatVector.zero(S);
            FloatVector b2 = FloatVector.zero(S);
            FloatVector b3 = FloatVector.zero(S);
            for (int c = 0; c < d; c++) {
                FloatVector x = FloatVector.broadcast(S, q[qa + c]);
                FloatVector y = FloatVector.broadcast(S, q[qb + c]);
                int k = c * kp + j;
                FloatVector k0 = FloatVector.fromArray(S, kT, k);
                FloatVector k1 = FloatVector.fromArray(S, kT, k + L);
                FloatVector k2 = FloatVector.fromArray(S, kT, k + 2 * L);
                FloatVector k3 = FloatVector.fromArray(S, kT, k + 3 * L);
                a0 = k0.fma(x, a0);
                a1 = k1.fma(x, a1);
                a2 = k2.fma(x, a2);
                a3 = k3.fma(x, a3);
                b0 = k0.fma(y, b0);
                b1 = k1.fma(y, b1);
                b2 = k2.fma(y, b2);
                b3 = k3.fma(y, b3);
            }
            a0.mul(scale).intoArray(row0, r0 + j);
            a1.mul(scale).intoArray(row0, r0 + j + L);
            a2.mul(scale).intoArray(row0, r0 + j + 2 * L);
            a3.mul(scale).intoArray(row0, r0 + j + 3 * L);
            b0.mul(scale).intoArray(row1, r1 + j);
            b1.mul(scale).intoArray(row1, r1 + j + L);
            b2.mul(scale).intoArray(row1, r1 + j + 2 * L);
            b3.mul(scale).intoArray(row1, r1 + j + 3 * L);
        }
        for (; j < kp; j += L) {
            FloatVector a0 = FloatVector.zero(S);
            FloatVector b0 = FloatVector.zero(S);
            for (int c = 0; c < d; c++) {
                FloatVector k0 = FloatVector.fromArray(S, kT, c * kp + j);
                a0 = k0.fma(FloatVector.broadcast(S, q[qa + c]), a0);
                b0 = k0.fma(FloatVector.broadcast(S, q[qb + c]), b0);
            }
            a0.mul(scale).intoArray(row0, r0 + j);
            b0.mul(scale).intoArray(row1, r1 + j);
        }
    }

    /**
     * {@code out[oa + c] = scale · Σ_{j < len} p[p0 + j] · v[j·d + c]} and {@code out[ob + c]} the same for the row at
     * {@code p1}, each value vector loaded once for both rows: two vectors of columns at a time, so each broadcast
     * probability feeds two FMAs, and even and odd keys into separate accumulators (independent FMA chains), added
     * at the end; a last single vector of columns when d is an odd number of vectors.
     */
    static void contextPair(float[] p, int p0, int p1, float[] v, int len, int d, float scale, float[] out, int oa,
            int ob) {
        int c = 0;
        for (; c <= d - 2 * L; c += 2 * L) {
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = FloatVector.zero(S);
            FloatVector b0 = FloatVector.zero(S);
            FloatVector b1 = FloatVector.zero(S);
            FloatVector e0 = FloatVector.zero(S);
            FloatVector e1 = FloatVector.zero(S);
            FloatVector f0 = FloatVector.zero(S);
            FloatVector f1 = FloatVector.zero(S);
            int j = 0;
            for (; j <= len - 2; j += 2) {
                int o = j * d + c;
                FloatVector v0 = FloatVector.fromArray(S, v, o);
                FloatVector v1 = FloatVector.fromArray(S, v, o + L);
                FloatVector w0 = FloatVector.fromArray(S, v, o + d);
                FloatVector w1 = FloatVector.fromArray(S, v, o + d + L);
                FloatVector pj = FloatVector.broadcast(S, p[p0 + j]);
                FloatVector pk = FloatVector.broadcast(S, p[p0 + j + 1]);
                FloatVector rj = FloatVector.broadcast(S, p[p1 + j]);
                FloatVector rk = FloatVector.broadcast(S, p[p1 + j + 1]);
                a0 = v0.fma(pj, a0);
                a1 = v1.fma(pj, a1);
                b0 = w0.fma(pk, b0);
                b1 = w1.fma(pk, b1);
                e0 = v0.fma(rj, e0);
                e1 = v1.fma(rj, e1);
                f0 = w0.fma(rk, f0);
                f1 = w1.fma(rk, f1);
            }
            if (j < len) {
                FloatVector v0 = FloatVector.fromArray(S, v, j * d + c);
                FloatVector v1 = FloatVector.fromArray(S, v, j * d + c + L);
                FloatVector pj = FloatVector.broadcast(S, p[p0 + j]);
                FloatVector rj = FloatVector.broadcast(S, p[p1 + j]);
                a0 = v0.fma(pj, a0);
                a1 = v1.fma(pj, a1);
                e0 = v0.fma(rj, e0);
                e1 = v1.fma(rj, e1);
            }
            a0.add(b0).mul(scale).intoArray(out, oa + c);
            a1.add(b1).mul(scale).intoArray(out, oa + c + L);
            e0.add(f0).mul(scale).intoArray(out, ob + c);
            e1.add(f1).mul(scale).intoArray(out, ob + c + L);
        }
        if (c < d) {
            FloatVector a0 = FloatVector.zero(S);
            FloatVector b0 = FloatVector.zero(S);
            FloatVector e0 = FloatVector.zero(S);
            FloatVector f0 = FloatVector.zero(S);
            int j = 0;
            for (; j <= len - 2; j += 2) {
                FloatVector v0 = FloatVector.fromArray(S, v, j * d + c);
                FloatVector w0 = FloatVector.fromArray(S, v, (j + 1) * d + c);
                a0 = v0.fma(FloatVector.broadcast(S, p[p0 + j]), a0);
                b0 = w0.fma(FloatVector.broadcast(S, p[p0 + j + 1]), b0);
                e0 = v0.fma(FloatVector.broadcast(S, p[p1 + j]), e0);
                f0 = w0.fma(FloatVector.broadcast(S, p[p1 + j + 1]), f0);
            }
            if (j < len) {
                FloatVector v0 = FloatVector.fromArray(S, v, j * d + c);
                a0 = v0.fma(FloatVector.broadcast(S, p[p0 + j]), a0);
                e0 = v0.fma(FloatVector.broadcast(S, p[p1 + j]), e0);
            }
            a0.add(b0).mul(scale).intoArray(out, oa + c);
            e0.add(f0).mul(scale).intoArray(out, ob + c);
        }
    }

    static void context(float[] p, float[] v, int len, int d, float scale, float[] out, int oo) {
        context(p, 0, v, len, d, scale, out, oo);
    }

    /**
     * {@code out[oo + c] = scale · Σ_{j < len} p[po + j] · v[j·d + c]}: {@link #contextPair} with the row twice, so a
     * query alone adds up as a paired one (its context does not depend on its batch's padding).
     */
    static void context(float[] p, int po, float[] v, int len, int d, float scale, float[] out, int oo) {
        contextPair(p, po, po, v, len, d, scale, out, oo, oo);
    }

    /**
     * {@code out[j·d + c] = scale · Σ_i a[i·kp + j] · b[i·d + c]} for j < kp, i < t ({@code aᵀ · b}): four keys
     * per step, each with its own accumulators, over two vectors of columns at a time (each broadcast feeds two
     * FMAs); a last single vector of columns when d is an odd number of vectors.
     */
    static void transposedProduct(float[] a, float[] b, int t, int kp, int d, float scale, float[] out) {
        int c = 0;
        for (; c <= d - 2 * L; c += 2 * L) {
            for (int j = 0; j < kp; j += 4) {
                FloatVector a0 = FloatVector.zero(S);
                FloatVector a1 = FloatVector.zero(S);
                FloatVector a2 = FloatVector.zero(S);
                FloatVector a3 = FloatVector.zero(S);
                FloatVector e0 = FloatVector.zero(S);
                FloatVector e1 = FloatVector.zero(S);
                FloatVector e2 = FloatVector.zero(S);
                FloatVector e3 = FloatVector.zero(S);
                for (int i = 0; i < t; i++) {
                    FloatVector x = FloatVector.fromArray(S, b, i * d + c);
                    FloatVector y = FloatVector.fromArray(S, b, i * d + c + L);
                    int r = i * kp + j;
                    FloatVector w0 = FloatVector.broadcast(S, a[r]);
                    FloatVector w1 = FloatVector.broadcast(S, a[r + 1]);
                    FloatVector w2 = FloatVector.broadcast(S, a[r + 2]);
                    FloatVector w3 = FloatVector.broadcast(S, a[r + 3]);
                    a0 = x.fma(w0, a0);
                    a1 = x.fma(w1, a1);
                    a2 = x.fma(w2, a2);
                    a3 = x.fma(w3, a3);
                    e0 = y.fma(w0, e0);
                    e1 = y.fma(w1, e1);
                    e2 = y.fma(w2, e2);
                    e3 = y.fma(w3, e3);
                }
                a0.mul(scale).intoArray(out, j * d + c);
                a1.mul(scale).intoArray(out, (j + 1) * d + c);
                a2.mul(scale).intoArray(out, (j + 2) * d + c);
                a3.mul(scale).intoArray(out, (j + 3) * d + c);
                e0.mul(scale).intoArray(out, j * d + c + L);
                e1.mul(scale).intoArray(out, (j + 1) * d + c + L);
                e2.mul(scale).intoArray(out, (j + 2) * d + c + L);
                e3.mul(scale).intoArray(out, (j + 3) * d + c + L);
            }
        }
        if (c < d) {
            for (int j = 0; j < kp; j += 4) {
                FloatVector a0 = FloatVector.zero(S);
                FloatVector a1 = FloatVector.zero(S);
                FloatVector a2 = FloatVector.zero(S);
                FloatVector a3 = FloatVector.zero(S);
                for (int i = 0; i < t; i++) {
                    FloatVector x = FloatVector.fromArray(S, b, i * d + c);
                    int r = i * kp + j;
                    a0 = x.fma(FloatVector.broadcast(S, a[r]), a0);
                    a1 = x.fma(FloatVector.broadcast(S, a[r + 1]), a1);
                    a2 = x.fma(FloatVector.broadcast(S, a[r + 2]), a2);
                    a3 = x.fma(FloatVector.broadcast(S, a[r + 3]), a3);
                }
                a0.mul(scale).intoArray(out, j * d + c);
                a1.mul(scale).intoArray(out, (j + 1) * d + c);
                a2.mul(scale).intoArray(out, (j + 2) * d + c);
                a3.mul(scale).intoArray(out, (j + 3) * d + c);
            }
        }
    }
}
