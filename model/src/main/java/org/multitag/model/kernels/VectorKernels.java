package org.multitag.model.kernels;

import java.nio.FloatBuffer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The kernels with the Java Vector API, straight over the native memory of the arrays (little-endian loads and
 * stores) where a row is read once, over heap copies where a row is read many times (attention, in {@link
 * VectorAttention}). Columns past the last whole vector take the same formula in scalar float. Exact GELU uses
 * erf by Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7); everything else is the arithmetic of {@link
 * ScalarKernels} in float, with lane-wise sums.
 */
final class VectorKernels extends HostKernels {

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Rows summed in float before the partial sum goes into the double accumulator (bounds the rounding). */
    private static final int SUM_BLOCK = 32;

    // ---------------------------------------------------------------- how this file is written
    // C2 turns Vector API calls into SIMD instructions only where it sees the exact vector class, i.e. where
    // everything is inlined; a vector passed to or returned from a method that did not inline falls back to
    // slow per-lane Java code. So the only helper here that takes or returns a vector is exp (small, and hot
    // wherever it is called, so C2 inlines it); every hot loop lives in one static method over arrays or
    // buffers. For bit-identical results from the first call on, exp is our own polynomial built from
    // exactly rounded lane operations (add, mul, fma, bit moves), and lane sums run in a fixed order, not
    // through reduceLanes(ADD) or the EXP intrinsic, whose results differ between the interpreter, C1 and C2.

    // Abramowitz & Stegun 7.1.26: erf(z) = 1 − t·(A1 + t·(A2 + t·(A3 + t·(A4 + t·A5))))·e^(−z²), t = 1/(1 + P·z)
    private static final float P = 0.3275911f;
    private static final float A1 = 0.254829592f;
    private static final float A2 = -0.284496736f;
    private static final float A3 = 1.421413741f;
    private static final float A4 = -1.453152027f;
    private static final float A5 = 1.061405429f;
    private static final float INV_SQRT2 = (float) (1 / Math.sqrt(2));
    private static final float INV_SQRT_2PI = (float) (1 / Math.sqrt(2 * Math.PI));
    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2 / Math.PI);
    private static final float TANH_C = 0.044715f;

    // exp: e^x = 2^n · e^r, n = round(x·log2 e), r = x − n·ln 2 (ln 2 in two parts), e^r by Cephes expf's
    // polynomial 1 + r + r²·(C5 + r·(C4 + …))
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float ROUND = 12582912f; // 1.5·2²³: adding it rounds to an integer
    private static final float EXP_MIN = -87.33654f;
    private static final float EXP_MAX = 88.37626f;
    private static final float EXP_C0 = 1.9875691500E-4f;
    private static final float EXP_C1 = 1.3981999507E-3f;
    private static final float EXP_C2 = 8.3334519073E-3f;
    private static final float EXP_C3 = 4.1665795894E-2f;
    private static final float EXP_C4 = 1.6666665459E-1f;
    private static final float EXP_C5 = 5.0000001201E-1f;

    VectorKernels(Parallel par) {
        super(par);
    }

    /**
     * Small calls through the vector code, on the heap and in native memory ({@link HostMemory}, the part that
     * differs between JDKs): whether this JDK runs them.
     */
    static boolean selfTest() {
        float[] v = new float[L];
        v[0] = 1f;
        expInPlace(v, 0, L);
        INDArray a = org.nd4j.linalg.factory.Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, L);
        float[] b = new float[L];
        java.util.Arrays.fill(b, 2f);
        addBiasRows(HostMemory.of(a), b, L, 0, 1);
        return Math.abs(v[0] - (float) Math.E) < 1e-5f && v[1] == 1f && a.getFloat(0, L - 1) == 2f;
    }

    /**
     * e^x lane-wise, to about 1 ulp (Cephes expf's polynomial); 0 below −87.3 (−∞ included), clamped above 88.4.
     * Bit-identical in every JIT tier.
     */
    static FloatVector exp(FloatVector x) {
        VectorMask<Float> under = x.lt(EXP_MIN);
        x = x.max(EXP_MIN).min(EXP_MAX);
        FloatVector t = x.fma(LOG2E, ROUND);
        FloatVector n = t.sub(ROUND);
        FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), x);
        r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
        FloatVector p = r.fma(EXP_C0, EXP_C1)
                .fma(r, FloatVector.broadcast(S, EXP_C2))
                .fma(r, FloatVector.broadcast(S, EXP_C3))
                .fma(r, FloatVector.broadcast(S, EXP_C4))
                .fma(r, FloatVector.broadcast(S, EXP_C5));
        p = p.mul(r).mul(r).add(r).add(1f);
        // 2^n from exponent bits: the low mantissa bits of t hold n
        IntVector bits = (IntVector) t.reinterpretAsInts();
        FloatVector scale = (FloatVector) bits.sub(0x4B400000 - 127).lanewise(VectorOperators.LSHL, 23)
                .reinterpretAsFloats();
        return p.mul(scale).blend(0f, under);
    }

    /** {@code a[i] = e^a[i]} for {@code i in [from, to)} (a multiple of the vector length). */
    static void expInPlace(float[] a, int from, int to) {
        for (int i = from; i < to; i += L) {
            exp(FloatVector.fromArray(S, a, i)).intoArray(a, i);
        }
    }

    /** Sum of {@code a[from, to)} (a multiple of the vector length): lane-wise, then lanes in order. */
    static float sum(float[] a, int from, int to, float[] lanes) {
        FloatVector acc = FloatVector.zero(S);
        for (int i = from; i < to; i += L) {
            acc = acc.add(FloatVector.fromArray(S, a, i));
        }
        return lanesInOrder(acc, lanes);
    }

    /** The lanes of {@code v} added in lane order (the same bits in every tier, unlike reduceLanes(ADD)). */
    private static float lanesInOrder(FloatVector v, float[] lanes) {
        v.intoArray(lanes, 0);
        float s = 0;
        for (int k = 0; k < L; k++) {
            s += lanes[k];
        }
        return s;
    }

    /** {@code n} rounded up to whole vectors. */
    static int padded(int n) {
        return (n + L - 1) / L * L;
    }

    /** A row vector's elements, copied (null stays null). */
    private static float[] row(INDArray a, int cols) {
        if (a == null) {
            return null;
        }
        float[] v = new float[padded(cols)];
        floats(a).get(0, v, 0, cols);
        return v;
    }

    /**
     * The head's logits: every row of {@code a} times every row of {@code b}, with the outputs (the labels) as vector
     * lanes ({@code b} transposed and padded to whole vectors once per call) and the hidden size summed in order by
     * FMA, two rows of {@code a} at a time ({@link VectorProducts#scoresPair}). A row's logits are the same bits
     * wherever it sits in a batch and however the rows are split over threads.
     */
    @Override
    public void rowProducts(INDArray a, INDArray b, INDArray c) {
        FloatBuffer x = floats(a);
        FloatBuffer y = floats(c);
        float[] w = toFloats(b);
        int k = cols(a);
        int m = rows(b);
        int n = rows(a);
        int mp = padded(m);
        float[] wT = new float[k * mp];
        for (int j = 0; j < m; j++) {
            for (int i = 0; i < k; i++) {
                wT[i * mp + j] = w[j * k + i];
            }
        }
        par.range((n + 1) / 2, 2L * k * mp, (from, to) -> {
            float[] pair = new float[2 * k];
            float[] out = new float[2 * mp];
            for (int p = from; p < to; p++) {
                int r = 2 * p;
                boolean two = r + 1 < n;
                x.get(r * k, pair, 0, two ? 2 * k : k);
                VectorProducts.scoresPair(pair, 0, two ? k : 0, wT, out, 0, out, mp, k, mp, 1f);
                y.put(r * m, out, 0, m);
                if (two) {
                    y.put((r + 1) * m, out, mp, m);
                }
            }
        });
        NativeArrays.keepAlive(a, b, c);
    }

    // ---------------------------------------------------------------- bias, activations
    // The activations compute on a heap copy of each row (one row function each, the copies shared): they are the
    // longest loops here, and in them C2 stopped
    // inlining the native-memory loads and stores (HostMemory), whose vectors then went through the heap: three times
    // slower than the copies (measured, KernelTiming: bias + GELU + derivative over [2048, 1536] 3.0–4.8 ms on heap
    // rows, 7 ms through HostMemory).

    @Override
    public void addBias(INDArray y, INDArray bias) {
        HostMemory yb = HostMemory.of(y);
        int cols = cols(y);
        float[] b = row(bias, cols);
        par.range(rows(y), cols, (from, to) -> addBiasRows(yb, b, cols, from, to));
        NativeArrays.keepAlive(y, bias);
    }

    private static void addBiasRows(HostMemory y, float[] b, int cols, int from, int to) {
        for (int r = from; r < to; r++) {
            int base = r * cols;
            int c = 0;
            for (; c <= cols - L; c += L) {
                y.store(y.load(S, base + c).add(FloatVector.fromArray(S, b, c)), base + c);
            }
            for (; c < cols; c++) {
                y.put(base + c, y.get(base + c) + b[c]);
            }
        }
    }

    @Override
    public void biasActivation(INDArray x, INDArray bias, Activation act, INDArray derivative) {
        HostMemory xb = HostMemory.of(x);
        HostMemory db = derivative == null ? null : HostMemory.of(derivative);
        int cols = cols(x);
        float[] b = bias == null ? new float[padded(cols)] : row(bias, cols);
        par.range(rows(x), cols * 16L, (from, to) -> {
            float[] v = new float[cols];
            float[] dv = db == null ? null : new float[cols];
            for (int r = from; r < to; r++) {
                xb.get(r * cols, v, cols);
                switch (act) {
                    case GELU -> geluRow(v, b, dv, cols);
                    case GELU_TANH -> geluTanhRow(v, b, dv, cols);
                    case RELU -> reluRow(v, b, dv, cols);
                    default -> throw new AssertionError(act);
                }
                xb.put(r * cols, v, cols);
                if (db != null) {
                    db.put(r * cols, dv, cols);
                }
            }
        });
        NativeArrays.keepAlive(x, bias, derivative);
    }

    /**
     * A row {@code v = GELU(v + b)} in place, with Φ(u) = ½(1 + erf(u/√2)) and erf(|z|) =
     * 1 − poly(t)·e^(−z²) (A&S 7.1.26); with {@code dv}, also {@code dv = GELU'(u) = Φ(u) + u·φ(u)}.
     */
    private static void geluRow(float[] v, float[] b, float[] dv, int cols) {
        int c = 0;
        for (; c <= cols - L; c += L) {
            FloatVector u = FloatVector.fromArray(S, v, c).add(FloatVector.fromArray(S, b, c));
            FloatVector z = u.mul(INV_SQRT2);
            FloatVector e = exp(z.mul(z).neg());
            FloatVector tt = FloatVector.broadcast(S, 1f).div(z.abs().mul(P).add(1f));
            FloatVector poly = tt.fma(A5, A4).fma(tt, FloatVector.broadcast(S, A3))
                    .fma(tt, FloatVector.broadcast(S, A2)).fma(tt, FloatVector.broadcast(S, A1)).mul(tt);
            FloatVector half = poly.mul(e).mul(0.5f);
            FloatVector cdf = FloatVector.broadcast(S, 1f).sub(half).blend(half, u.lt(0f));
            u.mul(cdf).intoArray(v, c);
            if (dv != null) {
                u.mul(e).fma(FloatVector.broadcast(S, INV_SQRT_2PI), cdf).intoArray(dv, c);
            }
        }
        for (; c < cols; c++) {
            float u = v[c] + b[c];
            float z = Math.abs(u * INV_SQRT2);
            float t = 1f / (1f + P * z);
            float poly = t * (A1 + t * (A2 + t * (A3 + t * (A4 + t * A5))));
            float e = (float) StrictMath.exp(-z * z);
            float half = 0.5f * poly * e;
            float cdf = u < 0 ? half : 1f - half;
            v[c] = u * cdf;
            if (dv != null) {
                dv[c] = u * e * INV_SQRT_2PI + cdf;
            }
        }
    }

    /**
     * {@code v = u·(1 − s)}, {@code s = 1/(e^(2w) + 1)}, {@code w = √(2/π)(u + 0.044715u³)}, u = v + b: the tanh
     * GELU ({@code ½u(1 + tanh w)}) on a row; with {@code dv}, also its derivative {@code (1 − s) + 2u·s(1 − s)·√(2/π)(1 +
     * 3·0.044715u²)}.
     */
    private static void geluTanhRow(float[] v, float[] b, float[] dv, int cols) {
        int c = 0;
        for (; c <= cols - L; c += L) {
            FloatVector u = FloatVector.fromArray(S, v, c).add(FloatVector.fromArray(S, b, c));
            FloatVector u2 = u.mul(u);
            FloatVector e = exp(u2.mul(u).mul(TANH_C).add(u).mul(2 * SQRT_2_OVER_PI));
            FloatVector s = FloatVector.broadcast(S, 1f).div(e.add(1f));
            FloatVector keep = FloatVector.broadcast(S, 1f).sub(s);
            u.mul(keep).intoArray(v, c);
            if (dv != null) {
                FloatVector slope = u2.mul(3 * TANH_C).add(1f).mul(SQRT_2_OVER_PI);
                u.mul(2f).mul(s).mul(keep).fma(slope, keep).intoArray(dv, c);
            }
        }
        for (; c < cols; c++) {
            float u = v[c] + b[c];
            float e = (float) StrictMath.exp(Math.max(EXP_MIN, Math.min(EXP_MAX,
                    (u * u * u * TANH_C + u) * (2 * SQRT_2_OVER_PI))));
            float s = 1f / (e + 1f);
            v[c] = u * (1f - s);
            if (dv != null) {
                float slope = (u * u * (3 * TANH_C) + 1f) * SQRT_2_OVER_PI;
                dv[c] = 2f * u * s * (1f - s) * slope + (1f - s);
            }
        }
    }

    /** {@code v = max(v + b, 0)} on a row; with {@code dv}, also {@code dv = 1} where {@code v + b > 0}, else 0. */
    private static void reluRow(float[] v, float[] b, float[] dv, int cols) {
        int c = 0;
        for (; c <= cols - L; c += L) {
            FloatVector u = FloatVector.fromArray(S, v, c).add(FloatVector.fromArray(S, b, c));
            u.max(0f).intoArray(v, c);
            if (dv != null) {
                FloatVector.zero(S).blend(1f, u.compare(VectorOperators.GT, 0f)).intoArray(dv, c);
            }
        }
        for (; c < cols; c++) {
            float u = v[c] + b[c];
            v[c] = Math.max(u, 0f);
            if (dv != null) {
                dv[c] = u > 0 ? 1f : 0f;
            }
        }
    }

    // ---------------------------------------------------------------- LayerNorm

    @Override
    public void layerNorm(INDArray x, INDArray bias, INDArray residual, INDArray gamma, INDArray beta, float eps,
            INDArray out, INDArray xhat, INDArray rstd) {
        int cols = cols(x);
        HostMemory xb = HostMemory.of(x);
        HostMemory rb = residual == null ? null : HostMemory.of(residual);
        HostMemory ob = HostMemory.of(out);
        HostMemory sb = xhat == null ? xb : HostMemory.of(xhat);
        FloatBuffer rs = rstd == null ? null : floats(rstd);
        float[] b = row(bias, cols);
        float[] g = row(gamma, cols);
        float[] be = row(beta, cols);
        par.range(rows(x), cols * 4L, (from, to) -> layerNormRows(xb, b, rb, g, be, eps, sb, ob, rs, cols, from, to));
        NativeArrays.keepAlive(x, bias, residual, gamma, beta, out, xhat, rstd);
    }

    /**
     * Rows {@code [from, to)}: the sum {@code (x + b) + res} goes into {@code s} (x itself, or xhat), is normalized
     * there, and {@code out = s·g + be}; {@code rstd[r] = 1/√(var + eps)} when asked for.
     */
    private static void layerNormRows(HostMemory x, float[] b, HostMemory res, float[] g, float[] be, float eps,
            HostMemory s, HostMemory out, FloatBuffer rstd, int cols, int from, int to) {
        float[] lanes = new float[L];
        for (int r = from; r < to; r++) {
            int base = r * cols;
            FloatVector acc = FloatVector.zero(S);
            int c = 0;
            for (; c <= cols - L; c += L) {
                FloatVector v = x.load(S, base + c);
                if (b != null) {
                    v = v.add(FloatVector.fromArray(S, b, c));
                }
                if (res != null) {
                    v = v.add(res.load(S, base + c));
                }
                s.store(v, base + c);
                acc = acc.add(v);
            }
            float sum = lanesInOrder(acc, lanes);
            for (; c < cols; c++) {
                float v = x.get(base + c);
                if (b != null) {
                    v += b[c];
                }
                if (res != null) {
                    v += res.get(base + c);
                }
                s.put(base + c, v);
                sum += v;
            }
            float mean = sum / cols;
            FloatVector accVar = FloatVector.zero(S);
            c = 0;
            for (; c <= cols - L; c += L) {
                FloatVector dv = s.load(S, base + c).sub(mean);
                accVar = dv.fma(dv, accVar);
            }
            float var = lanesInOrder(accVar, lanes);
            for (; c < cols; c++) {
                float dv = s.get(base + c) - mean;
                var += dv * dv;
            }
            var /= cols;
            float inv = (float) (1 / Math.sqrt((double) var + eps));
            if (rstd != null) {
                rstd.put(r, inv);
            }
            c = 0;
            for (; c <= cols - L; c += L) {
                FloatVector n = s.load(S, base + c).sub(mean).mul(inv);
                s.store(n, base + c);
                out.store(n.fma(FloatVector.fromArray(S, g, c), FloatVector.fromArray(S, be, c)), base + c);
            }
            for (; c < cols; c++) {
                float n = (s.get(base + c) - mean) * inv;
                s.put(base + c, n);
                out.put(base + c, Math.fma(n, g[c], be[c]));
            }
        }
    }

    @Override
    void layerNormInputGradient(INDArray dy, INDArray xhat, INDArray rstd, INDArray gamma, INDArray dx) {
        int cols = cols(dy);
        HostMemory dyb = HostMemory.of(dy);
        HostMemory xhb = HostMemory.of(xhat);
        HostMemory dxb = HostMemory.of(dx);
        FloatBuffer rs = floats(rstd);
        float[] g = row(gamma, cols);
        par.range(rows(dy), cols * 4L, (from, to) -> layerNormBackwardRows(dyb, xhb, g, rs, dxb, cols, from, to));
        NativeArrays.keepAlive(dy, xhat, rstd, gamma, dx);
    }

    /** {@code dx = rstd · (gc − mean(gc) − xhat · mean(gc ⊙ xhat))}, {@code gc = dy ⊙ g}, rows {@code [from, to)}. */
    private static void layerNormBackwardRows(HostMemory dy, HostMemory xhat, float[] g, FloatBuffer rstd,
            HostMemory dx, int cols, int from, int to) {
        float[] lanes = new float[L];
        for (int r = from; r < to; r++) {
            int base = r * cols;
            FloatVector a1 = FloatVector.zero(S);
            FloatVector a2 = FloatVector.zero(S);
            int c = 0;
            for (; c <= cols - L; c += L) {
                FloatVector gc = dy.load(S, base + c).mul(FloatVector.fromArray(S, g, c));
                a1 = a1.add(gc);
                a2 = gc.fma(xhat.load(S, base + c), a2);
            }
            float m1 = lanesInOrder(a1, lanes);
            float m2 = lanesInOrder(a2, lanes);
            for (int cc = c; cc < cols; cc++) {
                float gc = dy.get(base + cc) * g[cc];
                m1 += gc;
                m2 += gc * xhat.get(base + cc);
            }
            m1 /= cols;
            m2 /= cols;
            float inv = rstd.get(r);
            c = 0;
            for (; c <= cols - L; c += L) {
                FloatVector gc = dy.load(S, base + c).mul(FloatVector.fromArray(S, g, c));
                FloatVector xh = xhat.load(S, base + c);
                dx.store(gc.sub(m1).sub(xh.mul(m2)).mul(inv), base + c);
            }
            for (; c < cols; c++) {
                float gc = dy.get(base + c) * g[c];
                dx.put(base + c, (gc - m1 - xhat.get(base + c) * m2) * inv);
            }
        }
    }

    @Override
    public void addColumnSums(INDArray a, INDArray w, INDArray acc) {
        int rows = rows(a);
        int cols = cols(a);
        int chunks = (cols + L - 1) / L;
        HostMemory ab = HostMemory.of(a);
        HostMemory wb = w == null ? null : HostMemory.of(w);
        FloatBuffer out = floats(acc);
        // threads take whole vectors of columns, so the order of the sums is fixed
        par.range(chunks, (long) rows * L, (from, to) -> {
            int c0 = from * L;
            int c1 = Math.min(cols, to * L);
            double[] s = new double[c1 - c0];
            columnSums(ab, wb, rows, cols, c0, c1, s);
            for (int c = c0; c < c1; c++) {
                out.put(c, (float) (out.get(c) + s[c - c0]));
            }
        });
        NativeArrays.keepAlive(a, w, acc);
    }

    /**
     * {@code sums[c − c0] += Σ_r a[r, c] (· w[r, c] when w is not null)} for columns {@code [c0, c1)}: blocks of
     * {@value #SUM_BLOCK} rows in float lanes, each block's sum then added in double. A block runs row by row over
     * four vectors of columns at once, so the loads follow memory (one column vector down all rows strides a whole
     * row per load, which the prefetcher does not follow); each column still sums its rows in order.
     */
    private static void columnSums(HostMemory a, HostMemory w, int rows, int cols, int c0, int c1, double[] sums) {
        float[] lanes = new float[4 * L];
        int vectorEnd = c0 + (c1 - c0) / L * L;
        for (int r0 = 0; r0 < rows; r0 += SUM_BLOCK) {
            int r1 = Math.min(rows, r0 + SUM_BLOCK);
            int c = c0;
            for (; c <= vectorEnd - 4 * L; c += 4 * L) {
                FloatVector s0 = FloatVector.zero(S);
                FloatVector s1 = s0;
                FloatVector s2 = s0;
                FloatVector s3 = s0;
                if (w == null) {
                    for (int r = r0, o = r0 * cols + c; r < r1; r++, o += cols) {
                        s0 = s0.add(a.load(S, o));
                        s1 = s1.add(a.load(S, o + L));
                        s2 = s2.add(a.load(S, o + 2 * L));
                        s3 = s3.add(a.load(S, o + 3 * L));
                    }
                } else {
                    for (int r = r0, o = r0 * cols + c; r < r1; r++, o += cols) {
                        s0 = a.load(S, o).fma(w.load(S, o), s0);
                        s1 = a.load(S, o + L).fma(w.load(S, o + L), s1);
                        s2 = a.load(S, o + 2 * L).fma(w.load(S, o + 2 * L), s2);
                        s3 = a.load(S, o + 3 * L).fma(w.load(S, o + 3 * L), s3);
                    }
                }
                s0.intoArray(lanes, 0);
                s1.intoArray(lanes, L);
                s2.intoArray(lanes, 2 * L);
                s3.intoArray(lanes, 3 * L);
                for (int k = 0; k < 4 * L; k++) {
                    sums[c - c0 + k] += lanes[k];
                }
            }
            for (; c < vectorEnd; c += L) {
                FloatVector acc = FloatVector.zero(S);
                for (int r = r0, o = r0 * cols + c; r < r1; r++, o += cols) {
                    FloatVector v = a.load(S, o);
                    acc = w == null ? acc.add(v) : v.fma(w.load(S, o), acc);
                }
                acc.intoArray(lanes, 0);
                for (int k = 0; k < L; k++) {
                    sums[c - c0 + k] += lanes[k];
                }
            }
        }
        for (int c = vectorEnd; c < c1; c++) {
            double s = 0;
            for (int r = 0; r < rows; r++) {
                int o = r * cols + c;
                s += w == null ? a.get(o) : (double) a.get(o) * w.get(o);
            }
            sums[c - c0] += s;
        }
    }

    // ---------------------------------------------------------------- embeddings

    @Override
    public void embeddings(int[][] ids, int[][] types, int[][] positions, INDArray word, INDArray type,
            INDArray position, INDArray out) {
        int t = ids[0].length;
        int h = cols(out);
        int n = padded(h);
        FloatBuffer wf = floats(word);
        FloatBuffer tf = floats(type);
        FloatBuffer pf = floats(position);
        FloatBuffer of = floats(out);
        par.range(ids.length * t, h * 3L, (from, to) -> {
            float[] a = new float[n];
            float[] b = new float[n];
            float[] c = new float[n];
            for (int k = from; k < to; k++) {
                int row = k / t;
                int i = k % t;
                // bulk copies of the three rows (memcpy), summed on the heap in HF's order: (word + type) + position
                wf.get(ids[row][i] * h, a, 0, h);
                tf.get(types[row][i] * h, b, 0, h);
                pf.get(positions[row][i] * h, c, 0, h);
                for (int j = 0; j < n; j += L) {
                    FloatVector.fromArray(S, a, j).add(FloatVector.fromArray(S, b, j))
                            .add(FloatVector.fromArray(S, c, j)).intoArray(a, j);
                }
                of.put(k * h, a, 0, h);
            }
        });
        NativeArrays.keepAlive(word, type, position, out);
    }

    // ---------------------------------------------------------------- attention

    /** Whether {@link VectorAttention} takes heads of size d (whole vectors), else {@link ScalarAttention}. */
    static boolean vectorHeads(int d) {
        return d % L == 0;
    }

    @Override
    public void attention(INDArray qkv, INDArray bias, AttentionShape s, DropoutMask keep, INDArray probs,
            INDArray merged) {
        s.checkForward(keep, probs);
        FloatBuffer q = floats(qkv);
        float[] b = bias == null ? new float[3 * s.hidden()] : toFloats(bias);
        FloatBuffer p = probs == null ? null : floats(probs);
        FloatBuffer m = floats(merged);
        boolean[] k = keep == null ? null : ((HostDropoutMask) keep).keep;
        float scale = keep == null ? 1f : keep.scale();
        long cost = (long) s.t() * s.t() * s.d();
        if (vectorHeads(s.d())) {
            par.range(s.batch() * s.heads(), cost / 4,
                    (from, to) -> VectorAttention.forward(q, b, s, k, scale, p, m, from, to));
        } else {
            par.range(s.batch() * s.heads(), cost,
                    (from, to) -> ScalarAttention.forward(q, b, s, k, scale, p, m, from, to));
        }
        NativeArrays.keepAlive(qkv, bias, probs, merged);
    }

    @Override
    public void attentionBackward(INDArray qkv, INDArray bias, INDArray probs, AttentionShape s, DropoutMask keep,
            INDArray dMerged, INDArray dQkv) {
        s.checkPadded("attentionBackward");
        FloatBuffer q = floats(qkv);
        float[] b = bias == null ? new float[3 * s.hidden()] : toFloats(bias);
        FloatBuffer p = floats(probs);
        FloatBuffer g = floats(dMerged);
        FloatBuffer out = floats(dQkv);
        boolean[] k = keep == null ? null : ((HostDropoutMask) keep).keep;
        float scale = keep == null ? 1f : keep.scale();
        long cost = (long) s.t() * s.t() * s.d();
        if (vectorHeads(s.d())) {
            par.range(s.batch() * s.heads(), cost,
                    (from, to) -> VectorAttention.backward(q, b, p, s, k, scale, g, out, from, to));
        } else {
            par.range(s.batch() * s.heads(), cost,
                    (from, to) -> ScalarAttention.backward(q, b, p, s, k, scale, g, out, from, to));
        }
        NativeArrays.keepAlive(qkv, bias, probs, dMerged, dQkv);
    }

    // ---------------------------------------------------------------- dropout

    @Override
    public DropoutMask dropoutMask(DropoutMask reuse, long seed, float rate, int count) {
        HostDropoutMask m = HostDropoutMask.recycle(reuse, count, rate);
        boolean[] k = m.keep;
        long th = HostDropoutMask.threshold(rate);
        par.range(count, 2, (from, to) -> keepFlags(k, seed, th, from, to));
        return m;
    }

    /**
     * {@code keep[i] = (mix64(seed + (i + 1)·γ) >>> 11) >= threshold} for {@code [from, to)}: SplitMix64's draw i, in
     * lanes of longs (the scalar formula is {@link HostDropoutMask#mix64}).
     */
    private static void keepFlags(boolean[] keep, long seed, long threshold, int from, int to) {
        VectorSpecies<Long> ls = LongVector.SPECIES_PREFERRED;
        int n = ls.length();
        long gamma = HostDropoutMask.GAMMA;
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
            keep[i] = (HostDropoutMask.mix64(zi) >>> 11) >= threshold;
        }
    }

    @Override
    public void dropout(INDArray in, DropoutMask keep, INDArray out) {
        boolean[] k = ((HostDropoutMask) keep).keep;
        float s = keep.scale();
        HostMemory src = HostMemory.of(in);
        HostMemory dst = HostMemory.of(out);
        par.range(keep.size(), 2, (from, to) -> dropoutRange(src, dst, k, s, from, to));
        NativeArrays.keepAlive(in, out);
    }

    private static void dropoutRange(HostMemory in, HostMemory out, boolean[] keep, float scale, int from, int to) {
        int i = from;
        for (; i <= to - L; i += L) {
            VectorMask<Float> k = VectorMask.fromArray(S, keep, i);
            out.store(in.load(S, i).mul(scale).blend(0f, k.not()), i);
        }
        for (; i < to; i++) {
            out.put(i, keep[i] ? in.get(i) * scale : 0f);
        }
    }
}
