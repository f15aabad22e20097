package org.multitag.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The vectorized kernels against the scalar ones (double precision, rounded once) and the activations
 * against their double-precision definitions, on shapes with and without vector tails.
 */
class KernelsTest {

    static final Kernels VECTOR = Kernels.get();
    static final Kernels SCALAR = new ScalarKernels();
    static final Parallel PAR = new Parallel(2);

    @AfterAll
    static void close() {
        PAR.close();
    }

    @Test
    void vectorKernelsAreInUse() {
        // surefire runs with --add-modules jdk.incubator.vector; without it everything here compares scalar to scalar
        assertTrue(Kernels.vectorized(), "Vector API kernels not picked");
    }

    static ByteBuffer random(Random r, int n, double scale) {
        ByteBuffer b = ByteBuffer.allocateDirect(n * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            b.putFloat(i * 4, (float) (r.nextGaussian() * scale));
        }
        return b;
    }

    static ByteBuffer copy(ByteBuffer b) {
        ByteBuffer c = ByteBuffer.allocateDirect(b.capacity()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < b.capacity(); i += 4) {
            c.putFloat(i, b.getFloat(i));
        }
        return c;
    }

    static double maxDiff(ByteBuffer a, ByteBuffer b) {
        double m = 0;
        for (int i = 0; i < a.capacity(); i += 4) {
            m = Math.max(m, Math.abs(a.getFloat(i) - b.getFloat(i)));
        }
        return m;
    }

    @Test
    void exactGeluMatchesErfDefinition() {
        // erf from the double-precision reference against known values
        assertEquals(0.8427007929497149, Erf.erf(1), 1e-15);
        assertEquals(0.9999779095030014, Erf.erf(3), 1e-15);
        assertEquals(-0.5204998778130465, Erf.erf(-0.5), 1e-15);
        assertEquals(1.0, Erf.erf(7), 1e-15);
        int n = 20_001;
        ByteBuffer x = ByteBuffer.allocateDirect(n * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            x.putFloat(i * 4, -10f + 20f * i / (n - 1));
        }
        ByteBuffer v = copy(x);
        VECTOR.biasActivation(v, 1, n, null, Activation.GELU, PAR);
        double max = 0;
        for (int i = 0; i < n; i++) {
            double xi = x.getFloat(i * 4);
            max = Math.max(max, Math.abs(v.getFloat(i * 4) - Activation.GELU.apply(xi)));
        }
        // A&S 7.1.26 erf error ≤ 1.5e-7, times |x|/2, plus float rounding of values up to 10
        assertTrue(max < 2e-6, "GELU max abs error " + max);
        assertEquals(2.99595, Activation.GELU.apply(3), 1e-5);
        assertEquals(-0.0040496, Activation.GELU.apply(-3), 1e-6);
    }

    @Test
    void biasActivationMatchesScalar() {
        Random r = new Random(1);
        for (Activation act : Activation.values()) {
            for (int cols : new int[] {1, 15, 16, 37, 1536}) {
                int rows = 7;
                ByteBuffer x = random(r, rows * cols, 3);
                ByteBuffer bias = random(r, cols, 1);
                ByteBuffer a = copy(x);
                ByteBuffer b = copy(x);
                VECTOR.biasActivation(a, rows, cols, bias, act, PAR);
                SCALAR.biasActivation(b, rows, cols, bias, act, PAR);
                double d = maxDiff(a, b);
                assertTrue(d < 5e-6, act + " cols " + cols + ": " + d);
            }
        }
    }

    @Test
    void biasResidualLayerNormMatchesScalar() {
        Random r = new Random(2);
        for (int cols : new int[] {3, 16, 40, 384, 768}) {
            int rows = 9;
            ByteBuffer x = random(r, rows * cols, 2);
            ByteBuffer res = random(r, rows * cols, 2);
            ByteBuffer bias = random(r, cols, 0.5);
            ByteBuffer g = random(r, cols, 1);
            ByteBuffer be = random(r, cols, 1);
            ByteBuffer outV = ByteBuffer.allocateDirect(rows * cols * 4).order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer outS = ByteBuffer.allocateDirect(rows * cols * 4).order(ByteOrder.LITTLE_ENDIAN);
            VECTOR.biasResidualLayerNorm(copy(x), bias, res, g, be, 1e-12f, outV, rows, cols, PAR);
            SCALAR.biasResidualLayerNorm(copy(x), bias, res, g, be, 1e-12f, outS, rows, cols, PAR);
            assertTrue(maxDiff(outV, outS) < 1e-5, "cols " + cols + ": " + maxDiff(outV, outS));
            // in place: out == residual
            ByteBuffer resCopy = copy(res);
            VECTOR.biasResidualLayerNorm(copy(x), bias, resCopy, g, be, 1e-12f, resCopy, rows, cols, PAR);
            assertEquals(0, maxDiff(resCopy, outV));
        }
    }

    @Test
    void constantRowNormalizesToBetaWithEps() {
        int cols = 32;
        ByteBuffer x = ByteBuffer.allocateDirect(cols * 4).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer g = ByteBuffer.allocateDirect(cols * 4).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer b = ByteBuffer.allocateDirect(cols * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int c = 0; c < cols; c++) {
            x.putFloat(c * 4, 5f);
            g.putFloat(c * 4, 2f);
            b.putFloat(c * 4, 0.25f);
        }
        ByteBuffer out = ByteBuffer.allocateDirect(cols * 4).order(ByteOrder.LITTLE_ENDIAN);
        VECTOR.biasResidualLayerNorm(x, null, null, g, b, 1e-12f, out, 1, cols, PAR);
        for (int c = 0; c < cols; c++) {
            assertEquals(0.25f, out.getFloat(c * 4));
        }
    }

    @Test
    void attentionMatchesScalarWithMasksTailsAndProbabilities() {
        Random r = new Random(3);
        int[][] shapes = {{1, 1, 1, 8}, {2, 5, 3, 20}, {3, 17, 2, 32}, {2, 33, 4, 64}, {1, 128, 12, 32}};
        for (int[] s : shapes) {
            int batch = s[0];
            int t = s[1];
            int heads = s[2];
            int d = s[3];
            int hd = heads * d;
            ByteBuffer qkv = random(r, batch * t * 3 * hd, 1);
            ByteBuffer bias = random(r, 3 * hd, 0.3);
            float[] mask = new float[batch * t];
            for (int b = 1; b < batch; b++) {
                int len = Math.max(1, t - 2 * b); // shorter rows, padded keys masked
                java.util.Arrays.fill(mask, b * t + len, (b + 1) * t, -Float.MAX_VALUE);
            }
            float scale = (float) (1 / Math.sqrt(d));
            ByteBuffer outV = ByteBuffer.allocateDirect(batch * t * hd * 4).order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer outS = ByteBuffer.allocateDirect(batch * t * hd * 4).order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer pV = ByteBuffer.allocateDirect(batch * heads * t * t * 4).order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer pS = ByteBuffer.allocateDirect(batch * heads * t * t * 4).order(ByteOrder.LITTLE_ENDIAN);
            VECTOR.attention(qkv, bias, batch, t, heads, d, scale, mask, pV, outV, PAR);
            SCALAR.attention(qkv, bias, batch, t, heads, d, scale, mask, pS, outS, PAR);
            String shape = java.util.Arrays.toString(s);
            assertTrue(maxDiff(outV, outS) < 1e-5, shape + " context: " + maxDiff(outV, outS));
            assertTrue(maxDiff(pV, pS) < 1e-6, shape + " probabilities: " + maxDiff(pV, pS));
            // masked keys get exactly zero weight; rows sum to one
            for (int b = 0; b < batch; b++) {
                for (int i = 0; i < t; i++) {
                    double sum = 0;
                    for (int j = 0; j < t; j++) {
                        float p = pV.getFloat((((b * heads) * t + i) * t + j) * 4);
                        sum += p;
                        if (mask[b * t + j] != 0) {
                            assertEquals(0f, p, shape + " masked key " + j);
                        }
                    }
                    assertEquals(1, sum, 1e-5);
                }
            }
            // without probabilities the context is the same
            ByteBuffer outV2 = ByteBuffer.allocateDirect(batch * t * hd * 4).order(ByteOrder.LITTLE_ENDIAN);
            VECTOR.attention(qkv, bias, batch, t, heads, d, scale, mask, null, outV2, PAR);
            assertEquals(0, maxDiff(outV, outV2));
        }
    }

    @Test
    void embeddingSumMatchesScalar() {
        Random r = new Random(4);
        int h = 40;
        ByteBuffer word = random(r, 50 * h, 1);
        ByteBuffer type = random(r, 2 * h, 1);
        ByteBuffer pos = random(r, 16 * h, 1);
        int[][] ids = {{1, 7, 49, 0}, {3, 3, 3, 2}};
        int[][] types = {{0, 0, 1, 1}, {1, 0, 0, 0}};
        ByteBuffer a = ByteBuffer.allocateDirect(8 * h * 4).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer b = ByteBuffer.allocateDirect(8 * h * 4).order(ByteOrder.LITTLE_ENDIAN);
        VECTOR.embeddingSum(ids, types, word, type, pos, a, h, PAR);
        SCALAR.embeddingSum(ids, types, word, type, pos, b, h, PAR);
        assertEquals(0, maxDiff(a, b));
        // row (1, 2): word 3 + type 0 + position 2
        float expect = word.getFloat((3 * h + 5) * 4) + type.getFloat(5 * 4) + pos.getFloat((2 * h + 5) * 4);
        assertEquals(expect, a.getFloat(((4 + 2) * h + 5) * 4));
    }
}
