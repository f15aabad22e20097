package org.multitag.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The kernels with the Java Vector API. Rows are copied from the native buffers into heap arrays padded
 * to whole vectors (bulk copies), computed there, and copied back. Exact GELU uses erf by Abramowitz and
 * Stegun 7.1.26 (absolute error below 1.5e-7); everything else is the arithmetic of {@link ScalarKernels}
 * in float, with lane-wise sums.
 */
public final class VectorKernels implements Kernels {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    // Abramowitz & Stegun 7.1.26: erf(z) = 1 − t·(A1 + t·(A2 + t·(A3 + t·(A4 + t·A5))))·e^(−z²), t = 1/(1 + P·z);
    // public so the training module's GELU (and its derivative) uses the same approximation
    public static final float P = 0.3275911f;
    public static final float A1 = 0.254829592f;
    public static final float A2 = -0.284496736f;
    public static final float A3 = 1.421413741f;
    public static final float A4 = -1.453152027f;
    public static final float A5 = 1.061405429f;
    public static final float INV_SQRT2 = (float) (1 / Math.sqrt(2));
    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2 / Math.PI);

    // ---------------------------------------------------------------- how this file is written
    // C2 turns Vector API calls into SIMD instructions only where it sees the exact vector class, i.e. where
    // everything is inlined; a vector passed to or returned from a method that did not inline falls back to
    // slow per-lane Java code. So no helper here takes or returns a vector: each hot loop lives in one small
    // static method over arrays or buffers. For the same reason (and for bit-identical results from the
    // first call on), exp is our own polynomial built from exactly rounded lane operations (add, mul, fma,
    // bit moves), and lane sums run in a fixed order, not through reduceLanes(ADD) or the EXP intrinsic,
    // whose results differ between the interpreter, C1 and C2.

    // exp: e^x = 2^n · e^r, n = round(x·log2 e), r = x − n·ln 2 (ln 2 in two parts), e^r by Cephes expf's
    // polynomial 1 + r + r²·(C5 + r·(C4 + …)); public so the training module's fused GELU inlines the same exp
    public static final float LOG2E = 1.44269504088896341f;
    public static final float LN2_HI = 0.693359375f;
    public static final float LN2_LO = -2.12194440e-4f;
    public static final float ROUND = 12582912f; // 1.5·2²³: adding it rounds to an integer
    public static final float EXP_MIN = -87.33654f;
    public static final float EXP_MAX = 88.37626f;
    public static final float EXP_C0 = 1.9875691500E-4f;
    public static final float EXP_C1 = 1.3981999507E-3f;
    public static final float EXP_C2 = 8.3334519073E-3f;
    public static final float EXP_C3 = 4.1665795894E-2f;
    public static final float EXP_C4 = 1.6666665459E-1f;
    public static final float EXP_C5 = 5.0000001201E-1f;

    /**
     * {@code a[i] = e^a[i]} for {@code i in [from, to)} (a multiple of the vector length), to about 1 ulp
     * (Cephes expf's polynomial); 0 below −87.3 (including −∞), clamped above 88.4. Bit-identical in every
     * JIT tier: shared with the training module's backward kernels.
     */
    public static void expInPlace(float[] a, int from, int to) {
        for (int i = from; i < to; i += L) {
            FloatVector x = FloatVector.fromArray(S, a, i);
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
            p.mul(scale).blend(0f, under).intoArray(a, i);
        }
    }

    /** Sum of {@code a[from, to)} (a multiple of the vector length): lane-wise, then lanes in order. */
    static float sum(float[] a, int from, int to, float[] lanes) {
        FloatVector acc = FloatVector.zero(S);
        for (int i = from; i < to; i += L) {
            acc = acc.add(FloatVector.fromArray(S, a, i));
        }
        acc.intoArray(lanes, 0);
        float s = 0;
        for (int k = 0; k < L; k++) {
            s += lanes[k];
        }
        return s;
    }

    /** {@code n} rounded up to whole vectors. */
    private static int padded(int n) {
        return (n + L - 1) / L * L;
    }

    // ---------------------------------------------------------------- bias + activation

    @Override
    public void biasActivation(ByteBuffer x, int rows, int cols, ByteBuffer bias, Activation act, Parallel par) {
        float[] b = new float[padded(cols)];
        if (bias != null) {
            bias.asFloatBuffer().get(0, b, 0, cols);
        }
        if (act == Activation.GELU) {
            // BERT's FFN: straight over the native buffer
            par.range(rows, cols * 8L, (from, to) -> geluRows(x, b, cols, from, to));
            return;
        }
        FloatBuffer xf = x.asFloatBuffer();
        par.range(rows, cols * 8L, (from, to) -> {
            float[] v = new float[padded(cols)];
            float[] e = new float[padded(cols)];
            for (int r = from; r < to; r++) {
                xf.get(r * cols, v, 0, cols);
                switch (act) {
                    case GELU_TANH -> geluTanhRow(v, b, e, padded(cols));
                    case RELU -> reluRow(v, b, padded(cols));
                    default -> throw new AssertionError(act);
                }
                xf.put(r * cols, v, 0, cols);
            }
        });
    }

    /**
     * Rows {@code [from, to)} of {@code x = GELU(x + b)} in place in native memory, with Φ(x) = ½(1 + erf(x/√2))
     * and erf(|z|) = 1 − poly(t)·e^(−z²) (A&S 7.1.26). {@link #expInPlace} is written out inline: this loop is
     * ~30 % faster than copying rows to the heap, and the inlining is what lets C2 keep every vector in
     * registers. Columns past the last whole vector take the scalar formula.
     */
    private static void geluRows(ByteBuffer x, float[] b, int cols, int from, int to) {
        for (int r = from; r < to; r++) {
            int base = r * cols * 4;
            int c = 0;
            for (; c <= cols - L; c += L) {
                FloatVector v = FloatVector.fromByteBuffer(S, x, base + c * 4, LE).add(FloatVector.fromArray(S, b, c));
                FloatVector z = v.mul(INV_SQRT2);
                // e = exp(−z²), as expInPlace
                FloatVector u = z.mul(z).neg();
                VectorMask<Float> under = u.lt(EXP_MIN);
                u = u.max(EXP_MIN).min(EXP_MAX);
                FloatVector t = u.fma(LOG2E, ROUND);
                FloatVector n = t.sub(ROUND);
                FloatVector q = n.fma(FloatVector.broadcast(S, -LN2_HI), u);
                q = n.fma(FloatVector.broadcast(S, -LN2_LO), q);
                FloatVector p = q.fma(EXP_C0, EXP_C1)
                        .fma(q, FloatVector.broadcast(S, EXP_C2))
                        .fma(q, FloatVector.broadcast(S, EXP_C3))
                        .fma(q, FloatVector.broadcast(S, EXP_C4))
                        .fma(q, FloatVector.broadcast(S, EXP_C5));
                p = p.mul(q).mul(q).add(q).add(1f);
                IntVector bits = (IntVector) t.reinterpretAsInts();
                FloatVector scale = (FloatVector) bits.sub(0x4B400000 - 127).lanewise(VectorOperators.LSHL, 23)
                        .reinterpretAsFloats();
                FloatVector e = p.mul(scale).blend(0f, under);
                // Φ(v) from erf(|z|) = 1 − poly·e
                FloatVector tt = FloatVector.broadcast(S, 1f).div(z.abs().mul(P).add(1f));
                FloatVector poly = tt.fma(A5, A4).fma(tt, FloatVector.broadcast(S, A3))
                        .fma(tt, FloatVector.broadcast(S, A2)).fma(tt, FloatVector.broadcast(S, A1)).mul(tt);
                FloatVector half = poly.mul(e).mul(0.5f);
                FloatVector phi = FloatVector.broadcast(S, 1f).sub(half).blend(half, v.lt(0f));
                v.mul(phi).intoByteBuffer(x, base + c * 4, LE);
            }
            for (; c < cols; c++) {
                x.putFloat(base + c * 4, geluScalar(x.getFloat(base + c * 4) + b[c]));
            }
        }
    }

    /** The same GELU in scalar float (StrictMath's exp: same result in every tier). */
    private static float geluScalar(float v) {
        float z = Math.abs(v * INV_SQRT2);
        float t = 1f / (1f + P * z);
        float poly = t * (A1 + t * (A2 + t * (A3 + t * (A4 + t * A5))));
        float half = 0.5f * poly * (float) StrictMath.exp(-z * z);
        return v * (v < 0 ? half : 1f - half);
    }

    /** v = ½·x·(1 + tanh(u)) = x·(1 − 1/(e^(2u) + 1)), u = √(2/π)(x + 0.044715x³), x = v + b. */
    private static void geluTanhRow(float[] v, float[] b, float[] e, int n) {
        for (int i = 0; i < n; i += L) {
            FloatVector x = FloatVector.fromArray(S, v, i).add(FloatVector.fromArray(S, b, i));
            x.intoArray(v, i);
            x.mul(x).mul(x).mul(0.044715f).add(x).mul(2 * SQRT_2_OVER_PI).intoArray(e, i);
        }
        expInPlace(e, 0, n);
        for (int i = 0; i < n; i += L) {
            FloatVector x = FloatVector.fromArray(S, v, i);
            FloatVector inv = FloatVector.broadcast(S, 1f).div(FloatVector.fromArray(S, e, i).add(1f));
            x.mul(FloatVector.broadcast(S, 1f).sub(inv)).intoArray(v, i);
        }
    }

    private static void reluRow(float[] v, float[] b, int n) {
        for (int i = 0; i < n; i += L) {
            FloatVector.fromArray(S, v, i).add(FloatVector.fromArray(S, b, i)).max(0f).intoArray(v, i);
        }
    }

    // ---------------------------------------------------------------- bias + residual + LayerNorm

    @Override
    public void biasResidualLayerNorm(ByteBuffer x, ByteBuffer bias, ByteBuffer residual, ByteBuffer gamma,
            ByteBuffer beta, float eps, ByteBuffer out, int rows, int cols, Parallel par) {
        int n = padded(cols);
        float[] b = new float[n];
        float[] g = new float[n];
        float[] be = new float[n];
        if (bias != null) {
            bias.asFloatBuffer().get(0, b, 0, cols);
        }
        gamma.asFloatBuffer().get(0, g, 0, cols);
        beta.asFloatBuffer().get(0, be, 0, cols);
        if (cols % L == 0) {
            // the hot case (hidden sizes are multiples of 16): straight over the native buffers
            par.range(rows, cols * 4L, (from, to) -> layerNormRows(x, b, residual, g, be, eps, out, cols, from, to));
            return;
        }
        FloatBuffer xf = x.asFloatBuffer();
        FloatBuffer rf = residual == null ? null : residual.asFloatBuffer();
        FloatBuffer of = out.asFloatBuffer();
        par.range(rows, cols * 4L, (from, to) -> {
            float[] v = new float[n];
            float[] res = new float[n];
            float[] lanes = new float[L];
            for (int r = from; r < to; r++) {
                xf.get(r * cols, v, 0, cols);
                if (rf != null) {
                    rf.get(r * cols, res, 0, cols);
                }
                layerNormRow(v, b, res, g, be, eps, cols, n, lanes);
                of.put(r * cols, v, 0, cols);
            }
        });
    }

    /**
     * Rows {@code [from, to)} of {@code out = LayerNorm(x + b + res)·g + be} in native memory, cols a
     * multiple of the vector length; x is overwritten with the sum. The arithmetic of {@link #layerNormRow}.
     */
    private static void layerNormRows(ByteBuffer x, float[] b, ByteBuffer res, float[] g, float[] be, float eps,
            ByteBuffer out, int cols, int from, int to) {
        float[] lanes = new float[L];
        for (int r = from; r < to; r++) {
            int base = r * cols * 4;
            FloatVector acc = FloatVector.zero(S);
            for (int c = 0; c < cols; c += L) {
                FloatVector s = FloatVector.fromByteBuffer(S, x, base + c * 4, LE).add(FloatVector.fromArray(S, b, c));
                if (res != null) {
                    s = s.add(FloatVector.fromByteBuffer(S, res, base + c * 4, LE));
                }
                s.intoByteBuffer(x, base + c * 4, LE);
                acc = acc.add(s);
            }
            acc.intoArray(lanes, 0);
            float sum = 0;
            for (int k = 0; k < L; k++) {
                sum += lanes[k];
            }
            float mean = sum / cols;
            FloatVector accVar = FloatVector.zero(S);
            for (int c = 0; c < cols; c += L) {
                FloatVector d = FloatVector.fromByteBuffer(S, x, base + c * 4, LE).sub(mean);
                accVar = d.fma(d, accVar);
            }
            accVar.intoArray(lanes, 0);
            float var = 0;
            for (int k = 0; k < L; k++) {
                var += lanes[k];
            }
            var /= cols;
            float inv = (float) (1 / Math.sqrt((double) var + eps));
            for (int c = 0; c < cols; c += L) {
                FloatVector.fromByteBuffer(S, x, base + c * 4, LE).sub(mean).mul(inv)
                        .fma(FloatVector.fromArray(S, g, c), FloatVector.fromArray(S, be, c))
                        .intoByteBuffer(out, base + c * 4, LE);
            }
        }
    }

    /**
     * v = LayerNorm(v + b + res)·g + be over the first {@code cols} of {@code n} (padding lanes of v, b
     * and res are zero, so they add nothing to the sums).
     */
    private static void layerNormRow(float[] v, float[] b, float[] res, float[] g, float[] be, float eps,
            int cols, int n, float[] lanes) {
        for (int i = 0; i < n; i += L) {
            // torch's order: (x + bias) + residual
            FloatVector.fromArray(S, v, i).add(FloatVector.fromArray(S, b, i)).add(FloatVector.fromArray(S, res, i))
                    .intoArray(v, i);
        }
        float mean = sum(v, 0, n, lanes) / cols;
        FloatVector acc = FloatVector.zero(S);
        for (int i = 0; i < n; i += L) {
            FloatVector d = FloatVector.fromArray(S, v, i).sub(mean);
            // padding lanes hold 0 − mean: leave them out of the variance
            d = d.blend(0f, S.indexInRange(i, cols).not());
            acc = d.fma(d, acc);
        }
        acc.intoArray(lanes, 0);
        float var = 0;
        for (int k = 0; k < L; k++) {
            var += lanes[k];
        }
        var /= cols;
        float inv = (float) (1 / Math.sqrt((double) var + eps));
        for (int i = 0; i < n; i += L) {
            FloatVector.fromArray(S, v, i).sub(mean).mul(inv)
                    .fma(FloatVector.fromArray(S, g, i), FloatVector.fromArray(S, be, i)).intoArray(v, i);
        }
    }

    // ---------------------------------------------------------------- embeddings

    @Override
    public void embeddingSum(int[][] ids, int[][] types, ByteBuffer word, ByteBuffer type, ByteBuffer pos,
            ByteBuffer out, int h, Parallel par) {
        int t = ids[0].length;
        int n = padded(h);
        FloatBuffer wf = word.asFloatBuffer();
        FloatBuffer tf = type.asFloatBuffer();
        FloatBuffer pf = pos.asFloatBuffer();
        FloatBuffer of = out.asFloatBuffer();
        par.range(ids.length * t, h * 3L, (from, to) -> {
            float[] a = new float[n];
            float[] b = new float[n];
            float[] c = new float[n];
            for (int k = from; k < to; k++) {
                int row = k / t;
                int i = k % t;
                wf.get(ids[row][i] * h, a, 0, h);
                tf.get(types[row][i] * h, b, 0, h);
                pf.get(i * h, c, 0, h);
                for (int j = 0; j < n; j += L) {
                    // HF's order: (word + type) + position
                    FloatVector.fromArray(S, a, j).add(FloatVector.fromArray(S, b, j))
                            .add(FloatVector.fromArray(S, c, j)).intoArray(a, j);
                }
                of.put(k * h, a, 0, h);
            }
        });
    }

    // ---------------------------------------------------------------- attention

    @Override
    public void attention(ByteBuffer qkv, ByteBuffer bias, int batch, int t, int heads, int d, float scale,
            float[] mask, ByteBuffer probs, ByteBuffer out, Parallel par) {
        int hd = heads * d;
        int tp = (t + L - 1) / L * L; // keys padded to whole vectors; padded keys get -inf and weight 0
        // Heap copies: bulk copies from native memory are memcpy, and the Vector API is fastest on arrays.
        FloatBuffer src = qkv.asFloatBuffer();
        FloatBuffer dst = out.asFloatBuffer();
        FloatBuffer pdst = probs == null ? null : probs.asFloatBuffer();
        float[] b3 = new float[3 * hd];
        bias.asFloatBuffer().get(0, b3, 0, b3.length);
        par.range(batch * heads, (long) t * t * d / 8, (from, to) -> {
            float[] blk = new float[t * 3 * hd]; // row b's projections, copied once per row
            float[] kT = new float[d * tp];      // [d, tp]: this head's keys, transposed
            float[] v = new float[tp * d];       // [tp, d]: this head's values
            float[] q = new float[d];
            float[] row = new float[tp];
            float[] m = new float[tp];
            float[] ctx = new float[d];
            float[] q2 = new float[d];
            float[] row2 = new float[tp];
            float[] ctx2 = new float[d];
            float[] maxes = new float[2];
            float[] lanes = new float[L];
            int loaded = -1;
            for (int task = from; task < to; task++) {
                int b = task / heads;
                int head = task % heads;
                if (b != loaded) {
                    src.get(b * t * 3 * hd, blk, 0, blk.length);
                    loaded = b;
                }
                int qCol = head * d;
                int kCol = hd + head * d;
                int vCol = 2 * hd + head * d;
                java.util.Arrays.fill(m, t, tp, Float.NEGATIVE_INFINITY);
                for (int j = 0; j < t; j++) {
                    m[j] = mask[b * t + j];
                    int base = j * 3 * hd;
                    for (int c = 0; c < d; c++) {
                        kT[c * tp + j] = blk[base + kCol + c] + b3[kCol + c];
                    }
                    System.arraycopy(blk, base + vCol, v, j * d, d);
                    addInPlace(v, j * d, b3, vCol, d);
                }
                int i = 0;
                // two queries at a time: each key and value vector loaded once serves both
                for (; i + 1 < t; i += 2) {
                    System.arraycopy(blk, i * 3 * hd + qCol, q, 0, d);
                    addInPlace(q, 0, b3, qCol, d);
                    System.arraycopy(blk, (i + 1) * 3 * hd + qCol, q2, 0, d);
                    addInPlace(q2, 0, b3, qCol, d);
                    scoresPair(q, q2, kT, m, row, row2, d, tp, scale, maxes);
                    softmaxRow(row, tp, maxes[0], lanes);
                    softmaxRow(row2, tp, maxes[1], lanes);
                    if (pdst != null) {
                        pdst.put(((b * heads + head) * t + i) * t, row, 0, t);
                        pdst.put(((b * heads + head) * t + i + 1) * t, row2, 0, t);
                    }
                    contextPair(row, row2, v, t, d, ctx, ctx2);
                    dst.put((b * t + i) * hd + head * d, ctx, 0, d);
                    dst.put((b * t + i + 1) * hd + head * d, ctx2, 0, d);
                }
                if (i < t) {
                    System.arraycopy(blk, i * 3 * hd + qCol, q, 0, d);
                    addInPlace(q, 0, b3, qCol, d);
                    float max = scores(q, kT, m, row, d, tp, scale);
                    softmaxRow(row, tp, max, lanes);
                    if (pdst != null) {
                        pdst.put(((b * heads + head) * t + i) * t, row, 0, t);
                    }
                    context(row, v, t, d, ctx);
                    dst.put((b * t + i) * hd + head * d, ctx, 0, d);
                }
            }
        });
    }

    /** {@code x[o..o+n) += y[yo..yo+n)}. */
    private static void addInPlace(float[] x, int o, float[] y, int yo, int n) {
        int c = 0;
        for (; c <= n - L; c += L) {
            FloatVector.fromArray(S, x, o + c).add(FloatVector.fromArray(S, y, yo + c)).intoArray(x, o + c);
        }
        for (; c < n; c++) {
            x[o + c] += y[yo + c];
        }
    }

    /** row = q · kT · scale + m over tp keys, four key vectors at a time; returns the row's max. */
    /**
     * {@link #scores} for two queries at once (the same arithmetic per row, so the same bits): each key
     * vector is loaded once for both. Writes the two rows' maxima to {@code maxes}.
     */
    private static void scoresPair(float[] q0, float[] q1, float[] kT, float[] m, float[] row0, float[] row1, int d,
            int tp, float scale, float[] maxes) {
        FloatVector max0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        FloatVector max1 = max0;
        int j = 0;
        for (; j <= tp - 4 * L; j += 4 * L) {
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = FloatVector.zero(S);
            FloatVector a2 = FloatVector.zero(S);
            FloatVector a3 = FloatVector.zero(S);
            FloatVector b0 = FloatVector.zero(S);
            FloatVector b1 = FloatVector.zero(S);
            FloatVector b2 = FloatVector.zero(S);
            FloatVector b3 = FloatVector.zero(S);
            for (int c = 0; c < d; c++) {
                FloatVector x = FloatVector.broadcast(S, q0[c]);
                FloatVector y = FloatVector.broadcast(S, q1[c]);
                int k = c * tp + j;
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
            FloatVector m0 = FloatVector.fromArray(S, m, j);
            FloatVector m1 = FloatVector.fromArray(S, m, j + L);
            FloatVector m2 = FloatVector.fromArray(S, m, j + 2 * L);
            FloatVector m3 = FloatVector.fromArray(S, m, j + 3 * L);
            a0 = a0.mul(scale).add(m0);
            a1 = a1.mul(scale).add(m1);
            a2 = a2.mul(scale).add(m2);
            a3 = a3.mul(scale).add(m3);
            b0 = b0.mul(scale).add(m0);
            b1 = b1.mul(scale).add(m1);
            b2 = b2.mul(scale).add(m2);
            b3 = b3.mul(scale).add(m3);
            a0.intoArray(row0, j);
            a1.intoArray(row0, j + L);
            a2.intoArray(row0, j + 2 * L);
            a3.intoArray(row0, j + 3 * L);
            b0.intoArray(row1, j);
            b1.intoArray(row1, j + L);
            b2.intoArray(row1, j + 2 * L);
            b3.intoArray(row1, j + 3 * L);
            max0 = max0.max(a0).max(a1).max(a2).max(a3);
            max1 = max1.max(b0).max(b1).max(b2).max(b3);
        }
        for (; j < tp; j += L) {
            FloatVector a0 = FloatVector.zero(S);
            FloatVector b0 = FloatVector.zero(S);
            for (int c = 0; c < d; c++) {
                FloatVector k0 = FloatVector.fromArray(S, kT, c * tp + j);
                a0 = k0.fma(FloatVector.broadcast(S, q0[c]), a0);
                b0 = k0.fma(FloatVector.broadcast(S, q1[c]), b0);
            }
            FloatVector m0 = FloatVector.fromArray(S, m, j);
            a0 = a0.mul(scale).add(m0);
            b0 = b0.mul(scale).add(m0);
            a0.intoArray(row0, j);
            b0.intoArray(row1, j);
            max0 = max0.max(a0);
            max1 = max1.max(b0);
        }
        maxes[0] = max0.reduceLanes(VectorOperators.MAX);
        maxes[1] = max1.reduceLanes(VectorOperators.MAX);
    }

    /**
     * {@link #context} for two probability rows at once (the same arithmetic per row): each value vector is
     * loaded once for both.
     */
    private static void contextPair(float[] p0, float[] p1, float[] v, int t, int d, float[] ctx0, float[] ctx1) {
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
            for (; j <= t - 2; j += 2) {
                int o = j * d + c;
                FloatVector v0 = FloatVector.fromArray(S, v, o);
                FloatVector v1 = FloatVector.fromArray(S, v, o + L);
                FloatVector w0 = FloatVector.fromArray(S, v, o + d);
                FloatVector w1 = FloatVector.fromArray(S, v, o + d + L);
                FloatVector pj = FloatVector.broadcast(S, p0[j]);
                FloatVector pk = FloatVector.broadcast(S, p0[j + 1]);
                FloatVector rj = FloatVector.broadcast(S, p1[j]);
                FloatVector rk = FloatVector.broadcast(S, p1[j + 1]);
                a0 = v0.fma(pj, a0);
                a1 = v1.fma(pj, a1);
                b0 = w0.fma(pk, b0);
                b1 = w1.fma(pk, b1);
                e0 = v0.fma(rj, e0);
                e1 = v1.fma(rj, e1);
                f0 = w0.fma(rk, f0);
                f1 = w1.fma(rk, f1);
            }
            if (j < t) {
                FloatVector v0 = FloatVector.fromArray(S, v, j * d + c);
                FloatVector v1 = FloatVector.fromArray(S, v, j * d + c + L);
                FloatVector pj = FloatVector.broadcast(S, p0[j]);
                FloatVector rj = FloatVector.broadcast(S, p1[j]);
                a0 = v0.fma(pj, a0);
                a1 = v1.fma(pj, a1);
                e0 = v0.fma(rj, e0);
                e1 = v1.fma(rj, e1);
            }
            a0.add(b0).intoArray(ctx0, c);
            a1.add(b1).intoArray(ctx0, c + L);
            e0.add(f0).intoArray(ctx1, c);
            e1.add(f1).intoArray(ctx1, c + L);
        }
        if (c < d) {
            // head sizes that are not a multiple of 2L: the single-row code for the rest of the columns
            float[] rest0 = new float[d];
            float[] rest1 = new float[d];
            context(p0, v, t, d, rest0);
            context(p1, v, t, d, rest1);
            System.arraycopy(rest0, c, ctx0, c, d - c);
            System.arraycopy(rest1, c, ctx1, c, d - c);
        }
    }

    private static float scores(float[] q, float[] kT, float[] m, float[] row, int d, int tp, float scale) {
        FloatVector vmax = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int j = 0;
        for (; j <= tp - 4 * L; j += 4 * L) {
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = FloatVector.zero(S);
            FloatVector a2 = FloatVector.zero(S);
            FloatVector a3 = FloatVector.zero(S);
            for (int c = 0; c < d; c++) {
                FloatVector qc = FloatVector.broadcast(S, q[c]);
                int k = c * tp + j;
                a0 = FloatVector.fromArray(S, kT, k).fma(qc, a0);
                a1 = FloatVector.fromArray(S, kT, k + L).fma(qc, a1);
                a2 = FloatVector.fromArray(S, kT, k + 2 * L).fma(qc, a2);
                a3 = FloatVector.fromArray(S, kT, k + 3 * L).fma(qc, a3);
            }
            a0 = a0.mul(scale).add(FloatVector.fromArray(S, m, j));
            a1 = a1.mul(scale).add(FloatVector.fromArray(S, m, j + L));
            a2 = a2.mul(scale).add(FloatVector.fromArray(S, m, j + 2 * L));
            a3 = a3.mul(scale).add(FloatVector.fromArray(S, m, j + 3 * L));
            a0.intoArray(row, j);
            a1.intoArray(row, j + L);
            a2.intoArray(row, j + 2 * L);
            a3.intoArray(row, j + 3 * L);
            vmax = vmax.max(a0).max(a1).max(a2).max(a3);
        }
        for (; j < tp; j += L) {
            FloatVector a0 = FloatVector.zero(S);
            for (int c = 0; c < d; c++) {
                a0 = FloatVector.fromArray(S, kT, c * tp + j).fma(FloatVector.broadcast(S, q[c]), a0);
            }
            a0 = a0.mul(scale).add(FloatVector.fromArray(S, m, j));
            a0.intoArray(row, j);
            vmax = vmax.max(a0);
        }
        return vmax.reduceLanes(VectorOperators.MAX);
    }

    /** row = exp(row − max) / Σ, in place. */
    private static void softmaxRow(float[] row, int tp, float max, float[] lanes) {
        for (int j = 0; j < tp; j += L) {
            FloatVector.fromArray(S, row, j).sub(max).intoArray(row, j);
        }
        expInPlace(row, 0, tp);
        float inv = 1f / sum(row, 0, tp, lanes);
        for (int j = 0; j < tp; j += L) {
            FloatVector.fromArray(S, row, j).mul(inv).intoArray(row, j);
        }
    }

    /** ctx = Σ_j p[j] · v[j] over the t real keys. */
    private static void context(float[] p, float[] v, int t, int d, float[] ctx) {
        int c = 0;
        for (; c <= d - 2 * L; c += 2 * L) {
            // two keys per step into separate accumulators: four independent FMA chains hide FMA latency
            FloatVector a0 = FloatVector.zero(S);
            FloatVector a1 = FloatVector.zero(S);
            FloatVector b0 = FloatVector.zero(S);
            FloatVector b1 = FloatVector.zero(S);
            int j = 0;
            for (; j <= t - 2; j += 2) {
                FloatVector pj = FloatVector.broadcast(S, p[j]);
                FloatVector pk = FloatVector.broadcast(S, p[j + 1]);
                int o = j * d + c;
                a0 = FloatVector.fromArray(S, v, o).fma(pj, a0);
                a1 = FloatVector.fromArray(S, v, o + L).fma(pj, a1);
                b0 = FloatVector.fromArray(S, v, o + d).fma(pk, b0);
                b1 = FloatVector.fromArray(S, v, o + d + L).fma(pk, b1);
            }
            if (j < t) {
                FloatVector pj = FloatVector.broadcast(S, p[j]);
                a0 = FloatVector.fromArray(S, v, j * d + c).fma(pj, a0);
                a1 = FloatVector.fromArray(S, v, j * d + c + L).fma(pj, a1);
            }
            a0.add(b0).intoArray(ctx, c);
            a1.add(b1).intoArray(ctx, c + L);
        }
        for (; c <= d - L; c += L) {
            FloatVector a0 = FloatVector.zero(S);
            for (int j = 0; j < t; j++) {
                a0 = FloatVector.fromArray(S, v, j * d + c).fma(FloatVector.broadcast(S, p[j]), a0);
            }
            a0.intoArray(ctx, c);
        }
        for (; c < d; c++) {
            float acc = 0;
            for (int j = 0; j < t; j++) {
                acc += p[j] * v[j * d + c];
            }
            ctx[c] = acc;
        }
    }
}
