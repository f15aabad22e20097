package org.multitag.train.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.multitag.model.Batch;
import org.multitag.model.Buffers;
import org.multitag.model.NativeArrays;
import org.multitag.model.Parallel;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Each block's float32 backward against central differences of the double-precision reference {@link Ref},
 * for the loss {@code Σ dOut ⊙ block(x)} with a random {@code dOut}; dropout on (training mode, masks taken
 * from the block so the reference drops the same elements). Tolerance: relative error per tensor
 * {@code ‖g − g_fd‖ / ‖g_fd‖ ≤ 1e-5} (measured: ≤ 2e-7).
 */
class BlockGradientTest {

    static final double TOL = 1e-5;
    static final double STEP = 1e-5;
    static final Parallel PAR = new Parallel(2);
    static final Buffers SCRATCH = new Buffers();
    static double worst;

    @AfterAll
    static void report() {
        System.out.printf("block gradients: worst relative error %.2e%n", worst);
        SCRATCH.close();
        PAR.close();
    }

    static void check(String what, double[] param, DoubleSupplier loss, INDArray analytic) {
        check(what, param, loss, NativeArrays.toFloats(analytic));
    }

    static void check(String what, double[] param, DoubleSupplier loss, float[] analytic) {
        double e = Tiny.fdError(param, loss, analytic, STEP);
        System.out.printf("  %-28s rel err %.2e%n", what, e);
        worst = Math.max(worst, e);
        assertTrue(e <= TOL, what + ": relative error " + e);
    }

    static Pass training(int batch, int t, int[] lengths, long seed) {
        return new Pass(batch, t, lengths, true, new SplittableRandom(seed));
    }

    @Test
    void layerNorm() {
        layerNorm(6, 8, "");
    }

    /** Rows of whole vectors plus a tail, and more rows than one block of the vector column sums. */
    @Test
    void layerNormWide() {
        layerNorm(70, 37, " (70x37)");
    }

    void layerNorm(int n, int h, String tag) {
        SplittableRandom r = new SplittableRandom(1);
        double[] x = Tiny.toDouble(Tiny.gaussian(r, n * h, 0.5, 2));
        double[] g = Tiny.toDouble(Tiny.gaussian(r, h, 1, 0.3));
        double[] b = Tiny.toDouble(Tiny.gaussian(r, h, 0, 0.3));
        double[] w = Tiny.toDouble(Tiny.gaussian(r, n * h, 0, 1));
        INDArray dg = F32.zeros(h);
        INDArray db = F32.zeros(h);
        LayerNormBlock ln = new LayerNormBlock(f(g, h), f(b, h), dg, db, 1e-12, PAR);
        INDArray out = F32.zeros(n, h);
        ln.forward(f(x, n, h), out);
        INDArray dx = F32.zeros(n, h);
        ln.backward(f(w, n, h), dx);
        DoubleSupplier loss = () -> Tiny.dot(w, Ref.layerNorm(x, n, h, g, b, 1e-12));
        assertClose(Ref.layerNorm(x, n, h, g, b, 1e-12), out, 1e-5);
        check("layernorm dx" + tag, x, loss, dx);
        check("layernorm dgamma" + tag, g, loss, dg);
        check("layernorm dbeta" + tag, b, loss, db);
        ln.close();
    }

    @Test
    void feedForward() {
        feedForward(6, 8, 16, "");
    }

    @Test
    void feedForwardWide() {
        feedForward(40, 37, 53, " (40x37x53)");
    }

    void feedForward(int n, int h, int in, String tag) {
        SplittableRandom r = new SplittableRandom(2);
        double[] x = Tiny.toDouble(Tiny.gaussian(r, n * h, 0, 1));
        double[] wi = Tiny.toDouble(Tiny.gaussian(r, h * in, 0, 0.5));  // [H, I] storage
        double[] bi = Tiny.toDouble(Tiny.gaussian(r, in, 0, 0.2));
        double[] wo = Tiny.toDouble(Tiny.gaussian(r, in * h, 0, 0.5));  // [I, H] storage
        double[] bo = Tiny.toDouble(Tiny.gaussian(r, h, 0, 0.2));
        double[] w = Tiny.toDouble(Tiny.gaussian(r, n * h, 0, 1));
        Dense inter = new Dense(f(wi, h, in), f(bi, in), F32.zeros(h, in), F32.zeros(in));
        Dense out = new Dense(f(wo, in, h), f(bo, h), F32.zeros(in, h), F32.zeros(h));
        FeedForwardBlock ffn = new FeedForwardBlock(inter, out, 0.3, SCRATCH, PAR);
        INDArray y = ffn.forward(f(x, n, h), training(1, n, new int[] {n}, 7));
        byte[] keep = ffn.dropout.mask();
        INDArray dx = F32.zeros(n, h);
        ffn.backward(f(w, n, h), dx);
        DoubleSupplier loss = () -> Tiny.dot(w, Ref.feedForward(x, n, h, in, Ref.transpose(wi, h, in), bi,
                Ref.transpose(wo, in, h), bo, keep, 0.3));
        assertClose(Ref.feedForward(x, n, h, in, Ref.transpose(wi, h, in), bi, Ref.transpose(wo, in, h), bo, keep, 0.3),
                y, 1e-5);
        check("ffn dx" + tag, x, loss, dx);
        check("ffn dWi [in,out]" + tag, wi, loss, inter.dWeight);
        check("ffn dbi" + tag, bi, loss, inter.dBias);
        check("ffn dWo [in,out]" + tag, wo, loss, out.dWeight);
        check("ffn dbo" + tag, bo, loss, out.dBias);
        ffn.close();
    }

    /** Rows of part {@code part} (0 query, 1 key, 2 value) of a fused [H, 3H] weight, as HF's [out, in]. */
    static double[] qkvPart(double[] w, int h, int part) {
        double[] r = new double[h * h];
        for (int i = 0; i < h; i++) {
            for (int o = 0; o < h; o++) {
                r[o * h + i] = w[i * 3 * h + part * h + o];
            }
        }
        return r;
    }

    static double[] slice(double[] v, int from, int len) {
        return java.util.Arrays.copyOfRange(v, from, from + len);
    }

    @Test
    void attention() {
        SplittableRandom r = new SplittableRandom(3);
        int b = 2;
        int t = 5;
        int h = 8;
        int heads = 2;
        int[] lengths = {5, 3};
        int n = b * t;
        double[] x = Tiny.toDouble(Tiny.gaussian(r, n * h, 0, 1));
        double[] wqkv = Tiny.toDouble(Tiny.gaussian(r, h * 3 * h, 0, 0.6)); // [H, 3H] storage
        double[] bqkv = Tiny.toDouble(Tiny.gaussian(r, 3 * h, 0, 0.2));
        double[] wo = Tiny.toDouble(Tiny.gaussian(r, h * h, 0, 0.5));       // [H, H] storage
        double[] bo = Tiny.toDouble(Tiny.gaussian(r, h, 0, 0.2));
        double[] w = Tiny.toDouble(Tiny.gaussian(r, n * h, 0, 1));
        Dense qkv = new Dense(f(wqkv, h, 3 * h), f(bqkv, 3 * h), F32.zeros(h, 3 * h), F32.zeros(3 * h));
        Dense out = new Dense(f(wo, h, h), f(bo, h), F32.zeros(h, h), F32.zeros(h));
        AttentionBlock attn = new AttentionBlock(qkv, out, heads, 0.25, 0.2, SCRATCH, PAR);
        INDArray xa = f(x, n, h);
        INDArray a = attn.forward(xa, training(b, t, lengths, 11));
        byte[] probsKeep = attn.probsDropout.mask();
        byte[] outKeep = attn.outputDropout.mask();
        INDArray dx = F32.zeros(n, h);
        attn.backward(f(w, n, h), dx);
        java.util.function.Supplier<double[]> ref = () -> Ref.attention(x, b, t, lengths, heads, h,
                qkvPart(wqkv, h, 0), slice(bqkv, 0, h), qkvPart(wqkv, h, 1), slice(bqkv, h, h),
                qkvPart(wqkv, h, 2), slice(bqkv, 2 * h, h), Ref.transpose(wo, h, h), bo, probsKeep, 0.25, outKeep, 0.2);
        DoubleSupplier loss = () -> Tiny.dot(w, ref.get());
        assertClose(ref.get(), a, 1e-5);
        check("attention dx", x, loss, dx);
        check("attention dWqkv [H,3H]", wqkv, loss, qkv.dWeight);
        check("attention dbqkv", bqkv, loss, qkv.dBias);
        check("attention dWo [in,out]", wo, loss, out.dWeight);
        check("attention dbo", bo, loss, out.dBias);
        attn.close();
    }

    @Test
    void embeddings() {
        SplittableRandom r = new SplittableRandom(4);
        int vocab = 12;
        int maxPos = 8;
        int h = 8;
        Batch batch = Batch.of(List.of(new int[] {1, 4, 4, 6, 4}, new int[] {1, 6, 0, 2}),
                List.of(new int[] {0, 0, 1, 1, 1}, new int[] {0, 0, 0, 0}));
        int t = batch.maxLength();
        int n = batch.size() * t;
        double[] word = Tiny.toDouble(Tiny.gaussian(r, vocab * h, 0, 1));
        double[] pos = Tiny.toDouble(Tiny.gaussian(r, maxPos * h, 0, 1));
        double[] type = Tiny.toDouble(Tiny.gaussian(r, 2 * h, 0, 1));
        double[] g = Tiny.toDouble(Tiny.gaussian(r, h, 1, 0.3));
        double[] beta = Tiny.toDouble(Tiny.gaussian(r, h, 0, 0.3));
        double[] w = Tiny.toDouble(Tiny.gaussian(r, n * h, 0, 1));
        INDArray dWord = F32.zeros(vocab, h);
        INDArray dPos = F32.zeros(maxPos, h);
        INDArray dType = F32.zeros(2, h);
        LayerNormBlock ln = new LayerNormBlock(f(g, h), f(beta, h), F32.zeros(h), F32.zeros(h), 1e-12, PAR);
        EmbeddingBlock emb = new EmbeddingBlock(f(word, vocab, h), f(pos, maxPos, h), f(type, 2, h), dWord, dPos, dType,
                ln, 0.2, 0, SCRATCH, PAR);
        INDArray y = emb.forward(batch, training(batch.size(), t, batch.lengths(), 5));
        byte[] keep = emb.dropout.mask();
        emb.backward(f(w, n, h));
        DoubleSupplier loss = () -> Tiny.dot(w, Ref.embeddings(batch, h, word, pos, type, g, beta, 1e-12, keep, 0.2));
        assertClose(Ref.embeddings(batch, h, word, pos, type, g, beta, 1e-12, keep, 0.2), y, 1e-5);

        // the pad token's row (id 0: the padding of row 1 and the real token at row 1, position 2) gets no gradient,
        // as nn.Embedding(padding_idx=0); every other row is checked against finite differences
        float[] dw = NativeArrays.toFloats(dWord);
        for (int c = 0; c < h; c++) {
            assertEquals(0f, dw[c], "pad row");
        }
        double[] rest = slice(word, h, (vocab - 1) * h);
        DoubleSupplier restLoss = () -> {
            double[] full = word.clone();
            System.arraycopy(rest, 0, full, h, rest.length);
            return Tiny.dot(w, Ref.embeddings(batch, h, full, pos, type, g, beta, 1e-12, keep, 0.2));
        };
        check("embeddings dWord (no pad row)", rest, restLoss, java.util.Arrays.copyOfRange(dw, h, dw.length));
        check("embeddings dPosition", pos, loss, dPos);
        check("embeddings dType", type, loss, dType);
        check("embeddings dgamma", g, loss, ln.dGamma);
        check("embeddings dbeta", beta, loss, ln.dBeta);
        emb.close();
    }

    @Test
    void head() {
        SplittableRandom r = new SplittableRandom(5);
        int n = 7;
        int h = 8;
        int labels = 3;
        double[] x = Tiny.toDouble(Tiny.gaussian(r, n * h, 0, 1));
        double[] wt = Tiny.toDouble(Tiny.gaussian(r, labels * h, 0, 0.5)); // [L, H]
        double[] bias = Tiny.toDouble(Tiny.gaussian(r, labels, 0, 0.2));
        double[] w = Tiny.toDouble(Tiny.gaussian(r, n * labels, 0, 1));
        HeadBlock head = new HeadBlock(f(wt, labels, h), f(bias, labels), F32.zeros(labels, h), F32.zeros(labels), 0.3, PAR);
        INDArray logits = head.forward(f(x, n, h), training(1, n, new int[] {n}, 9));
        byte[] keep = head.dropout.mask();
        INDArray dh = F32.zeros(n, h);
        head.backward(f(w, n, labels), dh);
        DoubleSupplier loss = () -> Tiny.dot(w, Ref.head(x, n, h, wt, bias, labels, keep, 0.3));
        assertClose(Ref.head(x, n, h, wt, bias, labels, keep, 0.3), logits, 1e-5);
        check("head dh", x, loss, dh);
        check("head dW [L,H]", wt, loss, head.dWeight);
        check("head db", bias, loss, head.dBias);
        head.close();
    }

    @Test
    void dropoutMasksFollowTheSeedAndEvalIsIdentity() {
        Dropout d = new Dropout(0.5);
        INDArray x = F32.zeros(1000).addi(1);
        d.forward(x, training(1, 1000, new int[] {1000}, 3), PAR);
        byte[] m1 = d.mask();
        int kept = 0;
        for (byte k : m1) {
            kept += k;
        }
        assertTrue(kept > 400 && kept < 600, "kept " + kept);
        assertEquals(2.0 * kept, x.sumNumber().doubleValue(), 1e-3);
        d.forward(F32.zeros(1000), training(1, 1000, new int[] {1000}, 3), PAR);
        org.junit.jupiter.api.Assertions.assertArrayEquals(m1, d.mask());
        INDArray y = F32.zeros(1000).addi(1);
        d.forward(y, new Pass(1, 1000, new int[] {1000}, false, null), PAR);
        assertEquals(1000, y.sumNumber().doubleValue(), 0);
    }

    static INDArray f(double[] v, long... shape) {
        float[] a = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            a[i] = (float) v[i];
        }
        return NativeArrays.of(a, shape);
    }

    static void assertClose(double[] expected, INDArray actual, double tol) {
        float[] a = NativeArrays.toFloats(actual);
        assertEquals(expected.length, a.length);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(expected[i] - a[i]));
        }
        assertTrue(max <= tol, "forward differs from the reference by " + max);
    }

}
