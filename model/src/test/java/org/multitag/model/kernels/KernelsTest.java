package org.multitag.model.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The Vector API kernels and the ND4J-op kernels against the scalar ones (double precision, rounded once) on shapes with and without
 * vector tails, attention masks of every kind (right and left padding, holes, a row with no key), dropout; the
 * activations and their derivatives against their double-precision definitions; dropout masks against
 * SplittableRandom's sequential draws. Tolerances are stated per check.
 */
class KernelsTest {

    static final Kernels VECTOR = Kernels.create(2);
    static final Kernels SCALAR = Kernels.scalar(2);
    static final Kernels ND4J = Kernels.create(new ComputeSetting(2, KernelChoice.ND4J, Precision.FP32));

    @AfterAll
    static void close() {
        VECTOR.close();
        SCALAR.close();
        ND4J.close();
    }

    /** The kernels checked against the scalar reference. */
    static java.util.stream.Stream<Named<Kernels>> candidates() {
        return java.util.stream.Stream.of(Named.of("vector", VECTOR), Named.of("nd4j", ND4J));
    }

    @Test
    void nd4jKernelsAreTheOnesOfTheSetting() {
        assertTrue(ND4J instanceof Nd4jKernels);
    }

    @Test
    void vectorKernelsAreInUse() {
        Assumptions.assumeFalse(Boolean.getBoolean("multitag.scalarKernels"));
        // surefire runs with --add-modules jdk.incubator.vector; without it everything here compares scalar to scalar
        assertTrue(Kernels.vectorized(), "Vector API kernels not picked");
        assertTrue(VECTOR instanceof VectorKernels);
    }

    static INDArray random(SplittableRandom r, double scale, long... shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextGaussian() * scale);
        }
        return NativeArrays.of(v, shape);
    }

    static INDArray zeros(long... shape) {
        return Nd4j.zeros(DataType.FLOAT, shape);
    }

    static double maxDiff(INDArray a, INDArray b) {
        float[] x = NativeArrays.toFloats(a);
        float[] y = NativeArrays.toFloats(b);
        double m = 0;
        for (int i = 0; i < x.length; i++) {
            assertTrue(Float.isFinite(x[i]) && Float.isFinite(y[i]), "element " + i + ": " + x[i] + " / " + y[i]);
            m = Math.max(m, Math.abs(x[i] - y[i]));
        }
        return m;
    }

    /** ‖a − b‖ / ‖b‖. */
    static double relative(INDArray a, INDArray b) {
        float[] x = NativeArrays.toFloats(a);
        float[] y = NativeArrays.toFloats(b);
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < x.length; i++) {
            assertTrue(Float.isFinite(x[i]), "element " + i + " is " + x[i]);
            diff += ((double) x[i] - y[i]) * ((double) x[i] - y[i]);
            norm += (double) y[i] * y[i];
        }
        return Math.sqrt(diff / norm);
    }

    @Test
    void activationsAndDerivativesMatchTheirDefinitions() {
        assertEquals(0.8427007929497149, Erf.erf(1), 1e-15);
        assertEquals(0.9999779095030014, Erf.erf(3), 1e-15);
        assertEquals(-0.5204998778130465, Erf.erf(-0.5), 1e-15);
        assertEquals(1.0, Erf.erf(7), 1e-15);
        assertEquals(2.99595, Activation.GELU.apply(3), 1e-5);
        assertEquals(-0.0040496, Activation.GELU.apply(-3), 1e-6);
        int n = 20_001; // not a multiple of the vector length
        float[] u = new float[n];
        for (int i = 0; i < n; i++) {
            u[i] = -10f + 20f * i / (n - 1);
        }
        for (Activation act : Activation.values()) {
            for (Kernels k : new Kernels[] {SCALAR, VECTOR, ND4J}) {
                INDArray x = NativeArrays.of(u.clone(), 1, n);
                INDArray d = zeros(1, n);
                k.biasActivation(x, null, act, d);
                float[] y = NativeArrays.toFloats(x);
                float[] dy = NativeArrays.toFloats(d);
                double maxY = 0;
                double maxD = 0;
                for (int i = 0; i < n; i++) {
                    if (act == Activation.RELU && u[i] == 0) {
                        continue; // the derivative's convention at the kink
                    }
                    maxY = Math.max(maxY, Math.abs(y[i] - act.apply(u[i])) / Math.max(1, Math.abs(u[i])));
                    maxD = Math.max(maxD, Math.abs(dy[i] - act.derivative(u[i])));
                }
                System.out.printf("%-9s %-13s max |err| value %.1e (relative to max(1,|u|)), derivative %.1e%n", act,
                        k.getClass().getSimpleName(), maxY, maxD);
                // A&S 7.1.26's erf error ≤ 1.5e-7 plus float rounding
                assertTrue(maxY < 1e-6 && maxD < 2e-6, act + " " + maxY + " " + maxD);
            }
        }
        // the derivative against a central difference of the definition
        for (Activation act : Activation.values()) {
            for (double x : new double[] {-4, -1.3, -0.2, 0.3, 0.9, 2.5}) {
                double fd = (act.apply(x + 1e-6) - act.apply(x - 1e-6)) / 2e-6;
                assertEquals(fd, act.derivative(x), 1e-8, act + " at " + x);
            }
        }
    }

    @ParameterizedTest(autoCloseArguments = false) // the kernels are shared by the class
    @MethodSource("candidates")
    void biasActivationMatchesScalar(Kernels k) {
        SplittableRandom r = new SplittableRandom(1);
        for (Activation act : Activation.values()) {
            for (int cols : new int[] {1, 15, 16, 37, 1536}) {
                int rows = 7;
                INDArray x = random(r, 3, rows, cols);
                INDArray bias = random(r, 1, cols);
                INDArray a = x.dup();
                INDArray b = x.dup();
                INDArray da = zeros(rows, cols);
                INDArray db = zeros(rows, cols);
                k.biasActivation(a, bias, act, da);
                SCALAR.biasActivation(b, bias, act, db);
                assertTrue(maxDiff(a, b) < 5e-6, act + " cols " + cols + ": " + maxDiff(a, b));
                assertTrue(maxDiff(da, db) < 5e-6, act + " derivative, cols " + cols + ": " + maxDiff(da, db));
                INDArray c = x.dup();
                k.biasActivation(c, bias, act, null);
                assertEquals(0, maxDiff(a, c), "the value does not depend on asking for the derivative");
            }
        }
    }

    @ParameterizedTest(autoCloseArguments = false) // the kernels are shared by the class
    @MethodSource("candidates")
    void layerNormMatchesScalarAndSavesItsState(Kernels k) {
        SplittableRandom r = new SplittableRandom(2);
        for (int cols : new int[] {3, 16, 40, 384, 768}) {
            int rows = 9;
            INDArray x = random(r, 2, rows, cols);
            INDArray res = random(r, 2, rows, cols);
            INDArray bias = random(r, 0.5, cols);
            INDArray g = random(r, 1, cols);
            INDArray be = random(r, 1, cols);
            INDArray outV = zeros(rows, cols);
            INDArray outS = zeros(rows, cols);
            INDArray xhV = zeros(rows, cols);
            INDArray xhS = zeros(rows, cols);
            INDArray rsV = zeros(rows);
            INDArray rsS = zeros(rows);
            INDArray xV = x.dup();
            k.layerNorm(xV, bias, res, g, be, 1e-12f, outV, xhV, rsV);
            SCALAR.layerNorm(x.dup(), bias, res, g, be, 1e-12f, outS, xhS, rsS);
            assertTrue(maxDiff(outV, outS) < 1e-5, "cols " + cols + ": " + maxDiff(outV, outS));
            assertTrue(maxDiff(xhV, xhS) < 1e-5, "xhat, cols " + cols);
            assertTrue(relative(rsV, rsS) < 1e-6, "rstd, cols " + cols);
            assertEquals(0, maxDiff(xV, x), "x is left as it was when xhat is saved");
            // nothing saved, in place over the residual: the same bits
            INDArray resCopy = res.dup();
            k.layerNorm(x.dup(), bias, resCopy, g, be, 1e-12f, resCopy, null, null);
            assertEquals(0, maxDiff(resCopy, outV));

            INDArray dy = random(r, 1, rows, cols);
            INDArray dxV = zeros(rows, cols);
            INDArray dxS = zeros(rows, cols);
            INDArray dgV = random(r, 1, cols);
            INDArray dgS = dgV.dup();
            INDArray dbV = random(r, 1, cols);
            INDArray dbS = dbV.dup();
            k.layerNormBackward(dy, xhS, rsS, g, dxV, dgV, dbV);
            SCALAR.layerNormBackward(dy, xhS, rsS, g, dxS, dgS, dbS);
            assertTrue(relative(dxV, dxS) < 1e-5, "dx, cols " + cols + ": " + relative(dxV, dxS));
            assertTrue(relative(dgV, dgS) < 1e-6, "dgamma, cols " + cols);
            assertTrue(relative(dbV, dbS) < 1e-6, "dbeta, cols " + cols);
        }
    }

    @ParameterizedTest(autoCloseArguments = false) // the kernels are shared by the class
    @MethodSource("candidates")
    void constantRowNormalizesToBetaWithEps(Kernels k) {
        int cols = 32;
        INDArray x = zeros(1, cols).addi(5);
        INDArray g = zeros(cols).addi(2);
        INDArray b = zeros(cols).addi(0.25);
        INDArray out = zeros(1, cols);
        k.layerNorm(x, null, null, g, b, 1e-12f, out, null, null);
        for (float v : NativeArrays.toFloats(out)) {
            assertEquals(0.25f, v);
        }
    }

    @ParameterizedTest(autoCloseArguments = false) // the kernels are shared by the class
    @MethodSource("candidates")
    void columnSumsAndBiasMatchScalar(Kernels k) {
        SplittableRandom r = new SplittableRandom(5);
        for (int[] s : new int[][] {{70, 37}, {3, 16}, {129, 48}}) {
            INDArray a = random(r, 1, s[0], s[1]);
            INDArray w = random(r, 1, s[0], s[1]);
            INDArray accV = random(r, 1, s[1]);
            INDArray accS = accV.dup();
            k.addColumnSums(a, w, accV);
            SCALAR.addColumnSums(a, w, accS);
            assertTrue(relative(accV, accS) < 1e-6);
            INDArray yV = a.dup();
            INDArray yS = a.dup();
            INDArray bias = random(r, 1, s[1]);
            k.addBias(yV, bias);
            SCALAR.addBias(yS, bias);
            assertEquals(0, maxDiff(yV, yS));
        }
    }

    /** Attention masks: right padding, left padding, a hole, a first position masked, a row with no key at all. */
    static int[][] mask(int batch, int t, int kind) {
        int[][] m = new int[batch][t];
        for (int b = 0; b < batch; b++) {
            int len = Math.max(1, t - 3 * b);
            for (int j = 0; j < t; j++) {
                m[b][j] = switch (kind) {
                    case 0 -> j < len ? 1 : 0;                       // right padding
                    case 1 -> j >= t - len ? 1 : 0;                  // left padding
                    case 2 -> j % 3 == 1 && t > 1 ? 0 : 1;           // holes
                    default -> b == 0 ? 0 : (j == 0 ? 0 : 1);        // row 0 no key; others: first masked
                };
            }
        }
        return m;
    }

    @ParameterizedTest(autoCloseArguments = false) // the kernels are shared by the class
    @MethodSource("candidates")
    void attentionMatchesScalarForEveryMaskWithDropoutAndBackward(Kernels k) {
        SplittableRandom r = new SplittableRandom(3);
        int l = VectorKernels.L;
        int[][] shapes = {{1, 1, 1, l}, {2, 5, 3, 2 * l}, {3, 17, 2, 2 * l}, {2, 33, 4, 64}, {1, 128, 12, 32},
            {2, 7, 2, 20}};
        for (int[] s : shapes) {
            for (int kind = 0; kind < 4; kind++) {
                for (boolean dropout : new boolean[] {false, true}) {
                    check(k, r, s[0], s[1], s[2], s[3], mask(s[0], s[1], kind), dropout,
                            java.util.Arrays.toString(s) + " mask " + kind + (dropout ? " dropout" : ""));
                }
            }
        }
    }

    private static void check(Kernels candidate, SplittableRandom r, int batch, int t, int heads, int d, int[][] mask,
            boolean dropout, String what) {
        int hd = heads * d;
        int n = batch * t;
        AttentionShape shape = AttentionShape.of(mask, heads, d);
        INDArray qkv = random(r, 1, n, 3L * hd);
        INDArray bias = random(r, 0.3, 3L * hd);
        INDArray dm = random(r, 1, n, hd);
        INDArray[] probs = new INDArray[2];
        INDArray[] out = new INDArray[2];
        INDArray[] dqkv = new INDArray[2];
        Kernels[] ks = {SCALAR, candidate};
        long seed = r.nextLong();
        for (int k = 0; k < 2; k++) {
            DropoutMask keep = dropout ? ks[k].dropoutMask(null, seed, 0.2f, shape.probsLength()) : null;
            probs[k] = zeros(batch, heads, t, t);
            out[k] = zeros(n, hd);
            dqkv[k] = zeros(n, 3L * hd).addi(Float.NaN); // every element must be written
            ks[k].attention(qkv, bias, shape, keep, probs[k], out[k]);
            ks[k].attentionBackward(qkv, bias, probs[k], shape, keep, dm, dqkv[k]);
        }
        assertTrue(maxDiff(probs[1], probs[0]) < 1e-6, what + " probabilities: " + maxDiff(probs[1], probs[0]));
        assertTrue(relative(out[1], out[0]) < 1e-5, what + " context: " + relative(out[1], out[0]));
        assertTrue(relative(dqkv[1], dqkv[0]) < 1e-5, what + " dqkv: " + relative(dqkv[1], dqkv[0]));
        if (!dropout) {
            INDArray again = zeros(n, hd);
            candidate.attention(qkv, bias, shape, null, null, again);
            assertEquals(0, maxDiff(again, out[1]), what + ": the context does not depend on saving p");
        }
        // in transformers' layout: 0 at masked keys (uniform over all keys in a row with none), rows sum to one
        candidate.attentionMaps(probs[1], shape);
        float[] p = NativeArrays.toFloats(probs[1]);
        for (int b = 0; b < batch; b++) {
            boolean none = java.util.Arrays.stream(mask[b]).sum() == 0;
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < t; i++) {
                    double sum = 0;
                    for (int j = 0; j < t; j++) {
                        float v = p[((b * heads + h) * t + i) * t + j];
                        sum += v;
                        if (none) {
                            assertEquals(1f / t, v, 1e-7, what + " uniform row");
                        } else if (mask[b][j] == 0) {
                            assertEquals(0f, v, what + " masked key " + j);
                        }
                    }
                    assertEquals(1, sum, 1e-5, what);
                }
            }
        }
        // keys nobody attends to get no gradient
        float[] g = NativeArrays.toFloats(dqkv[1]);
        for (int b = 0; b < batch; b++) {
            if (java.util.Arrays.stream(mask[b]).sum() == 0) {
                continue;
            }
            for (int j = 0; j < t; j++) {
                if (mask[b][j] == 0) {
                    for (int c = hd; c < 3 * hd; c++) {
                        assertEquals(0f, g[(b * t + j) * 3 * hd + c], what + " key/value gradient of masked key " + j);
                    }
                }
            }
        }
    }

    /**
     * A row's context is the same bits whatever its batch's padding in the Java kernels: queries go in pairs, and a
     * query computed alone (the last of an odd T) must add up as a paired one does. The ND4J kernels' batched matmul
     * and softmax pick their blocking by shape, so there it is the same within float rounding (2e-7 relative).
     */
    @Test
    void aRowsAttentionDoesNotDependOnThePaddingOfItsBatch() {
        SplittableRandom r = new SplittableRandom(8);
        int heads = 2;
        int d = 2 * VectorKernels.L;
        int hd = heads * d;
        for (int len : new int[] {1, 2, 5, 16, 17}) {
            INDArray alone = random(r, 1, len, 3L * hd);
            INDArray bias = random(r, 0.3, 3L * hd);
            for (int t : new int[] {len + 1, len + 2, len + 7}) {
                INDArray padded = zeros(t, 3L * hd);
                padded.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, len),
                        org.nd4j.linalg.indexing.NDArrayIndex.all()).assign(alone);
                INDArray a = zeros(len, hd);
                INDArray b = zeros(t, hd);
                for (Kernels k : new Kernels[] {SCALAR, VECTOR, ND4J}) {
                    k.attention(alone, bias, AttentionShape.ofLengths(new int[] {len}, len, heads, d), null, null, a);
                    k.attention(padded, bias, AttentionShape.ofLengths(new int[] {len}, t, heads, d), null, null, b);
                    String what = k.getClass().getSimpleName() + " len " + len + " padded to " + t;
                    INDArray first = b.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, len),
                            org.nd4j.linalg.indexing.NDArrayIndex.all());
                    if (k == ND4J) {
                        assertTrue(relative(first, a) < 2e-7, what + ": " + relative(first, a));
                    } else {
                        assertArrayEquals(NativeArrays.toFloats(a), NativeArrays.toFloats(first), what);
                    }
                }
            }
        }
    }

    @ParameterizedTest(autoCloseArguments = false) // the kernels are shared by the class
    @MethodSource("candidates")
    void embeddingsMatchScalarWithPositionIds(Kernels k) {
        SplittableRandom r = new SplittableRandom(4);
        int h = 40;
        INDArray word = random(r, 1, 50, h);
        INDArray type = random(r, 1, 2, h);
        INDArray pos = random(r, 1, 16, h);
        int[][] ids = {{1, 7, 49, 0}, {3, 3, 3, 2}};
        int[][] types = {{0, 0, 1, 1}, {1, 0, 0, 0}};
        int[][] positions = {{0, 1, 2, 3}, {5, 5, 9, 15}};
        INDArray a = zeros(8, h);
        INDArray b = zeros(8, h);
        k.embeddings(ids, types, positions, word, type, pos, a);
        SCALAR.embeddings(ids, types, positions, word, type, pos, b);
        assertEquals(0, maxDiff(a, b));
        // row (1, 2): word 3 + type 0 + position 9
        float expect = word.getFloat(3, 5) + type.getFloat(0, 5) + pos.getFloat(9, 5);
        assertEquals(expect, a.getFloat(6, 5));

        INDArray dOut = random(r, 1, 8, h);
        INDArray dWord = zeros(50, h);
        INDArray dType = zeros(2, h);
        INDArray dPos = zeros(16, h);
        k.embeddingsBackward(ids, types, positions, dOut, dWord, dType, dPos, 0);
        // id 3 three times in row 1; the pad id 0 gets nothing; position 5 twice
        for (int c = 0; c < h; c++) {
            assertEquals(dOut.getFloat(4, c) + dOut.getFloat(5, c) + dOut.getFloat(6, c), dWord.getFloat(3, c), 1e-6);
            assertEquals(0f, dWord.getFloat(0, c));
            assertEquals(dOut.getFloat(4, c) + dOut.getFloat(5, c), dPos.getFloat(5, c), 1e-6);
        }
    }

    @Test
    void dropoutMaskIsTheSequentialDrawOfTheSeed() {
        for (double rate : new double[] {0.1, 0.5, 0.9}) {
            for (int threads : new int[] {1, 2, 3}) {
                for (KernelChoice choice : new KernelChoice[] {null, KernelChoice.JAVA, KernelChoice.ND4J}) {
                    try (Kernels k = choice == null ? Kernels.scalar(threads)
                            : Kernels.create(new ComputeSetting(threads, choice, Precision.FP32))) {
                        int n = 100_003;
                        long seed = new SplittableRandom(42).nextLong();
                        DropoutMask m = k.dropoutMask(null, seed, (float) rate, n);
                        SplittableRandom site = new SplittableRandom(seed);
                        for (int i = 0; i < n; i++) {
                            assertEquals(site.nextDouble() >= (float) rate, m.kept(i), "rate " + rate + ", element " + i);
                        }
                        INDArray x = zeros(n).addi(1);
                        k.dropout(x, m, x);
                        float[] v = NativeArrays.toFloats(x);
                        float[] expected = new float[n];
                        for (int i = 0; i < n; i++) {
                            expected[i] = m.kept(i) ? m.scale() : 0f;
                        }
                        assertArrayEquals(expected, v);
                    }
                }
            }
        }
    }

    /**
     * A temporary passed straight into a kernel is not freed under it. With nothing else holding the array, a
     * collection mid-kernel let ND4J's deallocator free the memory the loops were reading: a SIGSEGV on JDK 25,
     * which kills the test JVM, or wrong sums. Heap arrays of the inputs' size keep the collector busy.
     */
    @Test
    void kernelsKeepTemporariesAlive() {
        SplittableRandom r = new SplittableRandom(11);
        for (int round = 0; round < 6; round++) {
            for (int cols : new int[] {384, 1536}) {
                int rows = 2048;
                float[] values = new float[rows * cols];
                for (int i = 0; i < values.length; i++) {
                    values[i] = r.nextInt(-8, 9);
                }
                INDArray acc = zeros(cols);
                VECTOR.addColumnSums(NativeArrays.of(values, rows, cols), null, acc);
                float[] sums = NativeArrays.toFloats(acc);
                for (int c = 0; c < cols; c++) {
                    float expected = 0;
                    for (int row = 0; row < rows; row++) {
                        expected += values[row * cols + c]; // small integers: exact in any order
                    }
                    assertEquals(expected, sums[c], "column " + c);
                }
            }
        }
    }
}
