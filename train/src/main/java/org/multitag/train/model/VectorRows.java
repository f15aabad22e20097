package org.multitag.train.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import static org.multitag.model.VectorKernels.A1;
import static org.multitag.model.VectorKernels.A2;
import static org.multitag.model.VectorKernels.A3;
import static org.multitag.model.VectorKernels.A4;
import static org.multitag.model.VectorKernels.A5;
import static org.multitag.model.VectorKernels.EXP_C0;
import static org.multitag.model.VectorKernels.EXP_C1;
import static org.multitag.model.VectorKernels.EXP_C2;
import static org.multitag.model.VectorKernels.EXP_C3;
import static org.multitag.model.VectorKernels.EXP_C4;
import static org.multitag.model.VectorKernels.EXP_C5;
import static org.multitag.model.VectorKernels.EXP_MAX;
import static org.multitag.model.VectorKernels.EXP_MIN;
import static org.multitag.model.VectorKernels.INV_SQRT2;
import static org.multitag.model.VectorKernels.LN2_HI;
import static org.multitag.model.VectorKernels.LN2_LO;
import static org.multitag.model.VectorKernels.LOG2E;
import static org.multitag.model.VectorKernels.P;
import static org.multitag.model.VectorKernels.ROUND;

/**
 * The row-wise and column-wise loops of the training blocks with the Java Vector API, straight over the native
 * buffers of row-major {@code [rows, cols]} arrays (little-endian bytes): bias + GELU, bias add, dropout, dropout
 * masks, LayerNorm forward and backward, column sums. Columns past the last whole vector take the same formula in scalar code. Each
 * method handles a range of rows (or columns, for the column sums) so {@code Parallel} can split the work; sums
 * run lane-wise and then over the lanes in a fixed order, so results don't depend on the JIT tier or the thread
 * count. Only loaded when {@link Elementwise#VECTOR} is on; see {@code VectorKernels} for why no method here
 * takes or returns a vector.
 */
final class VectorRows {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /** Rows summed in float before the partial sum goes into the double accumulator (bounds the rounding). */
    private static final int SUM_BLOCK = 32;
    private static final float INV_SQRT_2PI = (float) (1 / Math.sqrt(2 * Math.PI));

    private VectorRows() {}

    /**
     * {@code x = gelu(x + b)} and {@code d = gelu'(x + b)} (b may be null) for rows {@code [from, to)}, with
     * {@code Φ(u) = ½(1 + erf(u/√2))}, erf by A&S 7.1.26 and {@code VectorKernels}' exp written out inline, so
     * every vector stays in registers and the bias add, GELU and its derivative take one pass over native memory.
     * Columns past the last whole vector take {@link Elementwise#gelu(double)}.
     */
    static void biasGelu(ByteBuffer x, float[] b, ByteBuffer d, int cols, int from, int to) {
        for (int r = from; r < to; r++) {
            int base = r * cols * 4;
            int c = 0;
            for (; c <= cols - L; c += L) {
                FloatVector u = FloatVector.fromByteBuffer(S, x, base + c * 4, LE);
                if (b != null) {
                    u = u.add(FloatVector.fromArray(S, b, c));
                }
                FloatVector z = u.mul(INV_SQRT2);
                // e = exp(−z²) = exp(−u²/2), as VectorKernels.expInPlace
                FloatVector w = z.mul(z).neg();
                VectorMask<Float> under = w.lt(EXP_MIN);
                w = w.max(EXP_MIN).min(EXP_MAX);
                FloatVector t = w.fma(LOG2E, ROUND);
                FloatVector n = t.sub(ROUND);
                FloatVector q = n.fma(FloatVector.broadcast(S, -LN2_HI), w);
                q = n.fma(FloatVector.broadcast(S, -LN2_LO), q);
                FloatVector p = q.fma(EXP_C0, EXP_C1).fma(q, FloatVector.broadcast(S, EXP_C2))
                        .fma(q, FloatVector.broadcast(S, EXP_C3)).fma(q, FloatVector.broadcast(S, EXP_C4))
                        .fma(q, FloatVector.broadcast(S, EXP_C5));
                p = p.mul(q).mul(q).add(q).add(1f);
                IntVector bits = (IntVector) t.reinterpretAsInts();
                FloatVector scale = (FloatVector) bits.sub(0x4B400000 - 127).lanewise(VectorOperators.LSHL, 23)
                        .reinterpretAsFloats();
                FloatVector e = p.mul(scale).blend(0f, under);
                // Φ(u) from erf(|z|) = 1 − poly(tt)·e (A&S 7.1.26)
                FloatVector tt = FloatVector.broadcast(S, 1f).div(z.abs().mul(P).add(1f));
                FloatVector poly = tt.fma(A5, A4).fma(tt, FloatVector.broadcast(S, A3))
                        .fma(tt, FloatVector.broadcast(S, A2)).fma(tt, FloatVector.broadcast(S, A1)).mul(tt);
                FloatVector half = poly.mul(e).mul(0.5f);
                FloatVector cdf = FloatVector.broadcast(S, 1f).sub(half).blend(half, u.lt(0f));
                u.mul(cdf).intoByteBuffer(x, base + c * 4, LE);
                u.mul(e).fma(FloatVector.broadcast(S, INV_SQRT_2PI), cdf).intoByteBuffer(d, base + c * 4, LE);
            }
            for (; c < cols; c++) {
                float u = x.getFloat(base + c * 4) + (b == null ? 0f : b[c]);
                x.putFloat(base + c * 4, (float) Elementwise.gelu(u));
                d.putFloat(base + c * 4, (float) Elementwise.geluDerivative(u));
            }
        }
    }

    /** {@code y[r, c] += b[c]} for rows {@code [from, to)}. */
    static void addBias(ByteBuffer y, float[] b, int cols, int from, int to) {
        for (int r = from; r < to; r++) {
            int base = r * cols * 4;
            int c = 0;
            for (; c <= cols - L; c += L) {
                FloatVector.fromByteBuffer(S, y, base + c * 4, LE).add(FloatVector.fromArray(S, b, c))
                        .intoByteBuffer(y, base + c * 4, LE);
            }
            for (; c < cols; c++) {
                y.putFloat(base + c * 4, y.getFloat(base + c * 4) + b[c]);
            }
        }
    }

    /**
     * Dropout's keep flags for elements {@code [from, to)}: {@code keep[i] = (mix64(seed + (i + 1)·gamma) >>> 11)
     * >= threshold}, SplitMix64's output for draw i, in lanes of longs (the scalar formula is {@code Dropout}'s).
     */
    static void keepFlags(boolean[] keep, long seed, long gamma, long threshold, int from, int to) {
        VectorSpecies<Long> ls = LongVector.SPECIES_PREFERRED;
        int n = ls.length();
        long[] draws = new long[n];
        LongVector step = LongVector.broadcast(ls, gamma * n);
        LongVector z = LongVector.zero(ls).addIndex(1).add(from + 1L).mul(gamma).add(seed);
        int i = from;
        for (; i <= to - n; i += n) {
            LongVector m = z.lanewise(VectorOperators.LSHR, 30).lanewise(VectorOperators.XOR, z).mul(0xbf58476d1ce4e5b9L);
            m = m.lanewise(VectorOperators.LSHR, 27).lanewise(VectorOperators.XOR, m).mul(0x94d049bb133111ebL);
            m = m.lanewise(VectorOperators.LSHR, 31).lanewise(VectorOperators.XOR, m);
            // the draws, then plain compares: on JDK 17 the vector compare into a boolean mask allocates
            m.lanewise(VectorOperators.LSHR, 11).intoArray(draws, 0);
            for (int k = 0; k < n; k++) {
                keep[i + k] = draws[k] >= threshold;
            }
            z = z.add(step);
        }
        long zi = seed + (i + 1L) * gamma;
        for (; i < to; i++, zi += gamma) {
            long m = (zi ^ (zi >>> 30)) * 0xbf58476d1ce4e5b9L;
            m = (m ^ (m >>> 27)) * 0x94d049bb133111ebL;
            m = m ^ (m >>> 31);
            keep[i] = (m >>> 11) >= threshold;
        }
    }

    /** {@code out[i] = keep[i] ? in[i] · scale : 0} for elements {@code [from, to)}; out may be in. */
    static void dropout(ByteBuffer in, ByteBuffer out, boolean[] keep, float scale, int from, int to) {
        int i = from;
        for (; i <= to - L; i += L) {
            VectorMask<Float> k = VectorMask.fromArray(S, keep, i);
            FloatVector.fromByteBuffer(S, in, i * 4, LE).mul(scale).blend(0f, k.not()).intoByteBuffer(out, i * 4, LE);
        }
        for (; i < to; i++) {
            out.putFloat(i * 4, keep[i] ? in.getFloat(i * 4) * scale : 0f);
        }
    }

    /**
     * LayerNorm forward for rows {@code [from, to)} of {@code s = x + res} ({@code res} may be null):
     * {@code xhat = (s − mean)·rstd}, {@code out = xhat·g + b}, {@code rstd[r] = 1/√(var + eps)} (biased
     * variance). The sum goes into xhat first and is normalized there in place.
     */
    static void layerNorm(ByteBuffer x, ByteBuffer res, float[] g, float[] b, float eps, ByteBuffer xhat,
            ByteBuffer out, double[] rstd, int cols, int from, int to) {
        float[] lanes = new float[L];
        for (int r = from; r < to; r++) {
            int base = r * cols * 4;
            FloatVector acc = FloatVector.zero(S);
            int c = 0;
            for (; c <= cols - L; c += L) {
                FloatVector v = FloatVector.fromByteBuffer(S, x, base + c * 4, LE);
                if (res != null) {
                    v = v.add(FloatVector.fromByteBuffer(S, res, base + c * 4, LE));
                }
                v.intoByteBuffer(xhat, base + c * 4, LE);
                acc = acc.add(v);
            }
            acc.intoArray(lanes, 0);
            float sum = 0;
            for (int k = 0; k < L; k++) {
                sum += lanes[k];
            }
            for (; c < cols; c++) {
                float v = res == null ? x.getFloat(base + c * 4) : x.getFloat(base + c * 4) + res.getFloat(base + c * 4);
                xhat.putFloat(base + c * 4, v);
                sum += v;
            }
            float mean = sum / cols;
            FloatVector accVar = FloatVector.zero(S);
            c = 0;
            for (; c <= cols - L; c += L) {
                FloatVector d = FloatVector.fromByteBuffer(S, xhat, base + c * 4, LE).sub(mean);
                accVar = d.fma(d, accVar);
            }
            accVar.intoArray(lanes, 0);
            float var = 0;
            for (int k = 0; k < L; k++) {
                var += lanes[k];
            }
            for (; c < cols; c++) {
                float d = xhat.getFloat(base + c * 4) - mean;
                var += d * d;
            }
            float inv = (float) (1 / Math.sqrt((double) var / cols + eps));
            rstd[r] = inv;
            c = 0;
            for (; c <= cols - L; c += L) {
                FloatVector n = FloatVector.fromByteBuffer(S, xhat, base + c * 4, LE).sub(mean).mul(inv);
                n.intoByteBuffer(xhat, base + c * 4, LE);
                n.fma(FloatVector.fromArray(S, g, c), FloatVector.fromArray(S, b, c)).intoByteBuffer(out, base + c * 4, LE);
            }
            for (; c < cols; c++) {
                float n = (xhat.getFloat(base + c * 4) - mean) * inv;
                xhat.putFloat(base + c * 4, n);
                out.putFloat(base + c * 4, n * g[c] + b[c]);
            }
        }
    }

    /**
     * LayerNorm input gradient for rows {@code [from, to)}, written into dx: with {@code gc = dy ⊙ g},
     * {@code dx = rstd · (gc − mean(gc) − xhat · mean(gc ⊙ xhat))}.
     */
    static void layerNormBackward(ByteBuffer dy, ByteBuffer xhat, float[] g, double[] rstd, ByteBuffer dx, int cols,
            int from, int to) {
        float[] lanes = new float[L];
        for (int r = from; r < to; r++) {
            int base = r * cols * 4;
            FloatVector a1 = FloatVector.zero(S);
            FloatVector a2 = FloatVector.zero(S);
            int c = 0;
            for (; c <= cols - L; c += L) {
                FloatVector gc = FloatVector.fromByteBuffer(S, dy, base + c * 4, LE).mul(FloatVector.fromArray(S, g, c));
                a1 = a1.add(gc);
                a2 = gc.fma(FloatVector.fromByteBuffer(S, xhat, base + c * 4, LE), a2);
            }
            a1.intoArray(lanes, 0);
            float m1 = 0;
            for (int k = 0; k < L; k++) {
                m1 += lanes[k];
            }
            a2.intoArray(lanes, 0);
            float m2 = 0;
            for (int k = 0; k < L; k++) {
                m2 += lanes[k];
            }
            for (int cc = c; cc < cols; cc++) {
                float gc = dy.getFloat(base + cc * 4) * g[cc];
                m1 += gc;
                m2 += gc * xhat.getFloat(base + cc * 4);
            }
            m1 /= cols;
            m2 /= cols;
            float inv = (float) rstd[r];
            c = 0;
            for (; c <= cols - L; c += L) {
                FloatVector gc = FloatVector.fromByteBuffer(S, dy, base + c * 4, LE).mul(FloatVector.fromArray(S, g, c));
                FloatVector xh = FloatVector.fromByteBuffer(S, xhat, base + c * 4, LE);
                gc.sub(m1).sub(xh.mul(m2)).mul(inv).intoByteBuffer(dx, base + c * 4, LE);
            }
            for (; c < cols; c++) {
                float gc = dy.getFloat(base + c * 4) * g[c];
                dx.putFloat(base + c * 4, (gc - m1 - xhat.getFloat(base + c * 4) * m2) * inv);
            }
        }
    }

    /**
     * {@code sums[c − c0] += Σ_r a[r, c] (· w[r, c] when w is not null)} over all rows, for columns
     * {@code [c0, c1)}: blocks of {@value #SUM_BLOCK} rows in float lanes, each block's sum then added in double.
     */
    static void columnSums(ByteBuffer a, ByteBuffer w, int rows, int cols, int c0, int c1, double[] sums) {
        float[] lanes = new float[L];
        int c = c0;
        for (; c <= c1 - L; c += L) {
            for (int r0 = 0; r0 < rows; r0 += SUM_BLOCK) {
                int r1 = Math.min(rows, r0 + SUM_BLOCK);
                FloatVector acc = FloatVector.zero(S);
                for (int r = r0; r < r1; r++) {
                    int o = (r * cols + c) * 4;
                    FloatVector v = FloatVector.fromByteBuffer(S, a, o, LE);
                    acc = w == null ? acc.add(v) : v.fma(FloatVector.fromByteBuffer(S, w, o, LE), acc);
                }
                acc.intoArray(lanes, 0);
                for (int k = 0; k < L; k++) {
                    sums[c - c0 + k] += lanes[k];
                }
            }
        }
        for (; c < c1; c++) {
            double s = 0;
            for (int r = 0; r < rows; r++) {
                int o = (r * cols + c) * 4;
                s += w == null ? a.getFloat(o) : (double) a.getFloat(o) * w.getFloat(o);
            }
            sums[c - c0] += s;
        }
    }
}
