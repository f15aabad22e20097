package org.multitag.model.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.multitag.model.kernels.Activation;
import org.multitag.model.kernels.AttentionShape;
import org.multitag.model.kernels.DropoutMask;
import org.multitag.model.kernels.Kernels;
import org.multitag.model.kernels.NativeArrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Each block's float32 backward against central differences of the double-precision reference {@link Ref}, for
 * the loss {@code Σ dOut ⊙ block(x)} with a random {@code dOut}; dropout on (training mode, masks taken from the
 * block so the reference drops the same elements). Tolerance: relative error per tensor {@code ‖g − g_fd‖ /
 * ‖g_fd‖ ≤ 1e-5} (measured: ≤ 2e-7).
 */
class BlockGradientTest {

    static final double TOL = 1e-5;
    static final double STEP = 1e-5;
    static final Compute C = new Compute(Kernels.create(2), new Buffers());
    static double worst;

    @AfterAll
    static void report() {
        System.out.printf("block gradients: worst relative error %.2e%n", worst);
        C.close();
    }

    static void check(String what, double[] param, DoubleSupplier loss, INDArray analytic) {
        check(what, param, loss, NativeArrays.toFloats(analytic));
    }

    static void check(String what, double[] param, DoubleSupplier loss, float[] analytic) {
        double e = Tiny.fdError(param, loss, analytic, STEP);
        System.out.printf("  %-32s rel err %.2e%n", what, e);
        worst = Math.max(worst, e);
        assertTrue(e <= TOL, what + ": relative error " + e);
    }

    static Pass training(long seed) {
        return Pass.training(new SplittableRandom(seed));
    }

    static INDArray zeros(long... shape) {
        return Nd4j.zeros(DataType.FLOAT, shape);
    }

    static byte[] bytes(DropoutMask m) {
        if (m == null) {
            return null;
        }
        byte[] b = new byte[m.size()];
        for (int i = 0; i < b.length; i++) {
            b[i] = m.kept(i) ? (byte) 1 : 0;
        }
        return b;
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
        double[] res = Tiny.toDouble(Tiny.gaussian(r, n * h, 0, 1));
        double[] bias = Tiny.toDouble(Tiny.gaussian(r, h, 0, 0.5));
        double[] g = Tiny.toDouble(Tiny.gaussian(r, h, 1, 0.3));
        double[] b = Tiny.toDouble(Tiny.gaussian(r, h, 0, 0.3));
        double[] w = Tiny.toDouble(Tiny.gaussian(r, n * h, 0, 1));
        INDArray dg = zeros(h);
        INDArray db = zeros(h);
        LayerNorm ln = new LayerNorm(f(g, h), f(b, h), 1e-12);
        INDArray out = zeros(n, h);
        ln.forward(f(x, n, h), f(bias, h), f(res, n, h), out, Pass.forBackward(), C);
        INDArray ds = zeros(n, h);
        ln.backward(f(w, n, h), ds, dg, db, C);
        java.util.function.Supplier<double[]> ref = () -> Ref.layerNorm(sum(x, bias, res, n, h), n, h, g, b, 1e-12);
        DoubleSupplier loss = () -> Tiny.dot(w, ref.get());
        assertClose(ref.get(), out, 1e-5);
        check("layernorm dx" + tag, x, loss, ds);
        check("layernorm dresidual" + tag, res, loss, ds);
        check("layernorm dgamma" + tag, g, loss, dg);
        check("layernorm dbeta" + tag, b, loss, db);
        ln.close();
    }

    /** (x + bias) + residual over [n, h]. */
    static double[] sum(double[] x, double[] bias, double[] res, int n, int h) {
        double[] s = new double[n * h];
        for (int i = 0; i < s.length; i++) {
            s[i] = x[i] + bias[i % h] + res[i];
        }
        return s;
    }

    @Test
    void feedForwardEveryActivation() {
        for (Activation act : Activation.values()) {
            feedForward(6, 8, 16, act, "");
            feedForward(40, 37, 53, act, " (40x37x53)");
        }
    }

    void feedForward(int n, int h, int in, Activation act, String tag) {
        SplittableRandom r = new SplittableRandom(2);
        double[] x = Tiny.toDouble(Tiny.gaussian(r, n * h, 0, 1));
        double[] wi = Tiny.toDouble(Tiny.gaussian(r, h * in, 0, 0.5));  // [H, I] storage
        double[] bi = Tiny.toDouble(Tiny.gaussian(r, in, 0, 0.2));
        double[] w = Tiny.toDouble(Tiny.gaussian(r, n * in, 0, 1));
        FeedForward ffn = new FeedForward(new Dense(f(wi, h, in), f(bi, in)), act);
        INDArray y = ffn.forward(f(x, n, h), Pass.forBackward(), C);
        java.util.function.Supplier<double[]> ref = () -> {
            double[] u = Ref.linear(x, n, h, Ref.transpose(wi, h, in), bi, in);
            for (int i = 0; i < u.length; i++) {
                u[i] = act.apply(u[i]);
            }
            return u;
        };
        assertClose(ref.get(), y, 1e-5);
        INDArray dx = zeros(n, h);
        INDArray dW = zeros(h, in);
        INDArray dB = zeros(in);
        ffn.backward(f(w, n, in), dx, new BertWeights.Layer(null, null, null, null, null, null, dW, dB, null, null,
                null, null), C);
        DoubleSupplier loss = () -> Tiny.dot(w, ref.get());
        String what = "ffn " + act + " ";
        check(what + "dx" + tag, x, loss, dx);
        check(what + "dWi [in,out]" + tag, wi, loss, dW);
        check(what + "dbi" + tag, bi, loss, dB);
        ffn.close();
    }

    @Test
    void addNorm() {
        SplittableRandom r = new SplittableRandom(6);
        int n = 12;
        int in = 16;
        int h = 8;
        double[] x = Tiny.toDouble(Tiny.gaussian(r, n * in, 0, 1));
        double[] res = Tiny.toDouble(Tiny.gaussian(r, n * h, 0, 1));
        double[] wd = Tiny.toDouble(Tiny.gaussian(r, in * h, 0, 0.5)); // [in, out] storage
        double[] bd = Tiny.toDouble(Tiny.gaussian(r, h, 0, 0.2));
        double[] g = Tiny.toDouble(Tiny.gaussian(r, h, 1, 0.3));
        double[] b = Tiny.toDouble(Tiny.gaussian(r, h, 0, 0.3));
        double[] w = Tiny.toDouble(Tiny.gaussian(r, n * h, 0, 1));
        AddNorm block = new AddNorm("t", new Dense(f(wd, in, h), f(bd, h)), 0.3, new LayerNorm(f(g, h), f(b, h), 1e-12));
        INDArray out = zeros(n, h);
        block.forward(f(x, n, in), f(res, n, h), out, training(13), C);
        byte[] keep = bytes(block.dropout.mask());
        java.util.function.Supplier<double[]> ref = () -> {
            double[] a = Ref.linear(x, n, in, Ref.transpose(wd, in, h), bd, h);
            Ref.dropout(a, keep, 0.3);
            return Ref.layerNorm(Ref.add(a, res), n, h, g, b, 1e-12);
        };
        assertClose(ref.get(), out, 1e-5);
        INDArray dIn = zeros(n, in);
        INDArray dRes = zeros(n, h);
        INDArray dW = zeros(in, h);
        INDArray dB = zeros(h);
        INDArray dG = zeros(h);
        INDArray dBeta = zeros(h);
        block.backward(f(w, n, h), dRes, dIn, dW, dB, dG, dBeta, C);
        DoubleSupplier loss = () -> Tiny.dot(w, ref.get());
        check("addnorm din", x, loss, dIn);
        check("addnorm dresidual", res, loss, dRes);
        check("addnorm dW [in,out]", wd, loss, dW);
        check("addnorm db", bd, loss, dB);
        check("addnorm dgamma", g, loss, dG);
        check("addnorm dbeta", b, loss, dBeta);
        block.close();
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

    static double[] identity(int h) {
        double[] e = new double[h * h];
        for (int i = 0; i < h; i++) {
            e[i * h + i] = 1;
        }
        return e;
    }

    @Test
    void attentionRightPadding() {
        attention(new int[][] {{1, 1, 1, 1, 1}, {1, 1, 1, 0, 0}}, 8, 2, "attention (right padding)");
    }

    /**
     * Left padding, a hole, a masked first position. (A row with no key at all has uniform attention whatever the
     * scores, so finite differences see no gradient through them, while autograd, and the kernels with it, pass the
     * softmax's formal gradient to q and k as torch does: that row is checked against the scalar kernels in
     * KernelsTest instead.)
     */
    @Test
    void attentionAnyMask() {
        attention(new int[][] {{0, 0, 1, 1, 1}, {1, 0, 1, 1, 0}, {0, 1, 1, 1, 1}}, 8, 2, "attention (any mask)");
    }

    /** Heads of whole vectors: the Vector API attention. */
    @Test
    void attentionVectorHeads() {
        attention(new int[][] {{1, 1, 1, 1, 1, 1, 0}, {0, 1, 1, 0, 1, 1, 1}}, 64, 2, "attention (vector heads)");
    }

    void attention(int[][] mask, int h, int heads, String what) {
        SplittableRandom r = new SplittableRandom(3);
        int b = mask.length;
        int t = mask[0].length;
        int n = b * t;
        double[] x = Tiny.toDouble(Tiny.gaussian(r, n * h, 0, 1));
        double[] wqkv = Tiny.toDouble(Tiny.gaussian(r, h * 3 * h, 0, 2.4 / Math.sqrt(h))); // [H, 3H] storage
        double[] bqkv = Tiny.toDouble(Tiny.gaussian(r, 3 * h, 0, 0.2));
        double[] w = Tiny.toDouble(Tiny.gaussian(r, n * h, 0, 1));
        SelfAttention attn = new SelfAttention(new Dense(f(wqkv, h, 3 * h), f(bqkv, 3 * h)), heads, 0.25);
        AttentionShape shape = AttentionShape.of(mask, heads, h / heads);
        INDArray merged = attn.forward(f(x, n, h), shape, training(11), C, null);
        byte[] keep = bytes(attn.probsDropout.mask());
        java.util.function.Supplier<double[]> ref = () -> Ref.attention(x, b, t, mask, heads, h,
                qkvPart(wqkv, h, 0), slice(bqkv, 0, h), qkvPart(wqkv, h, 1), slice(bqkv, h, h),
                qkvPart(wqkv, h, 2), slice(bqkv, 2 * h, h), identity(h), new double[h], keep, 0.25, null, 0);
        assertClose(ref.get(), merged, 1e-5);
        INDArray dx = zeros(n, h);
        INDArray dW = zeros(h, 3 * h);
        INDArray dB = zeros(3 * h);
        attn.backward(f(w, n, h), dx, new BertWeights.Layer(dW, dB, null, null, null, null, null, null, null, null,
                null, null), C);
        DoubleSupplier loss = () -> Tiny.dot(w, ref.get());
        check(what + " dx", x, loss, dx);
        check(what + " dWqkv", wqkv, loss, dW);
        check(what + " dbqkv", bqkv, loss, dB);
        attn.close();
    }

    @Test
    void embeddingsWithPositionIds() {
        SplittableRandom r = new SplittableRandom(4);
        int h = 8;
        org.multitag.weights.BertConfig cfg = Tiny.config(0.2, 0.1);
        BertWeights weights = Tiny.weights(cfg, 9);
        Batch batch = Batch.of(new int[][] {{1, 4, 4, 6, 4}, {1, 6, 0, 2, 0}},
                new int[][] {{0, 0, 1, 1, 1}, {0, 0, 0, 0, 0}}, new int[][] {{1, 1, 1, 1, 1}, {1, 1, 1, 1, 0}},
                new int[][] {{0, 1, 2, 3, 4}, {3, 3, 7, 15, 0}});
        int t = batch.maxLength();
        int n = batch.size() * t;
        double[] word = Ref.d(weights.wordEmbeddings());
        double[] pos = Ref.d(weights.positionEmbeddings());
        double[] type = Ref.d(weights.typeEmbeddings());
        double[] g = Ref.d(weights.embLnGamma());
        double[] beta = Ref.d(weights.embLnBeta());
        double[] w = Tiny.toDouble(Tiny.gaussian(r, n * h, 0, 1));
        Embeddings emb = new Embeddings(weights, 0.2);
        INDArray y = emb.forward(batch, training(5), C);
        byte[] keep = bytes(emb.dropout.mask());
        try (Gradients grads = new Gradients(cfg, 1, Freeze.none(), 0)) {
            emb.backward(f(w, n, h), grads, C);
            DoubleSupplier loss = () -> Tiny.dot(w, Ref.embeddings(batch, h, word, pos, type, g, beta, 1e-12, keep, 0.2));
            assertClose(Ref.embeddings(batch, h, word, pos, type, g, beta, 1e-12, keep, 0.2), y, 1e-5);
            // the pad token's row (id 0: row 1 positions 2 and 4) gets no gradient, as nn.Embedding(padding_idx=0);
            // every other row is checked against finite differences
            float[] dw = NativeArrays.toFloats(grads.word);
            for (int c = 0; c < h; c++) {
                assertEquals(0f, dw[c], "pad row");
            }
            int vocab = cfg.vocabSize();
            double[] rest = slice(word, h, (vocab - 1) * h);
            DoubleSupplier restLoss = () -> {
                double[] full = word.clone();
                System.arraycopy(rest, 0, full, h, rest.length);
                return Tiny.dot(w, Ref.embeddings(batch, h, full, pos, type, g, beta, 1e-12, keep, 0.2));
            };
            check("embeddings dWord (no pad row)", rest, restLoss, java.util.Arrays.copyOfRange(dw, h, dw.length));
            check("embeddings dPosition", pos, loss, grads.position);
            check("embeddings dType", type, loss, grads.type);
            check("embeddings dgamma", g, loss, grads.embLnGamma);
            check("embeddings dbeta", beta, loss, grads.embLnBeta);
        }
        emb.close();
        weights.close();
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
        TokenHead head = new TokenHead(f(wt, labels, h), f(bias, labels), 0.3);
        INDArray logits = head.forward(f(x, n, h), training(9), C);
        byte[] keep = bytes(head.dropout.mask());
        INDArray dh = zeros(n, h);
        INDArray dW = zeros(labels, h);
        INDArray dB = zeros(labels);
        head.backward(f(w, n, labels), dh, dW, dB, C);
        DoubleSupplier loss = () -> Tiny.dot(w, Ref.head(x, n, h, wt, bias, labels, keep, 0.3));
        assertClose(Ref.head(x, n, h, wt, bias, labels, keep, 0.3), logits, 1e-5);
        check("head dh", x, loss, dh);
        check("head dW [L,H]", wt, loss, dW);
        check("head db", bias, loss, dB);
        head.close();
    }

    @Test
    void dropoutMasksFollowTheSeedAndEvalIsIdentity() {
        Dropout d = new Dropout(0.5);
        INDArray x = zeros(1000).addi(1);
        d.forward(x, training(3), C.kernels());
        byte[] m1 = bytes(d.mask());
        int kept = 0;
        for (byte k : m1) {
            kept += k;
        }
        assertTrue(kept > 400 && kept < 600, "kept " + kept);
        assertEquals(2.0 * kept, x.sumNumber().doubleValue(), 1e-3);
        d.forward(zeros(1000), training(3), C.kernels());
        assertArrayEquals(m1, bytes(d.mask()));
        INDArray y = zeros(1000).addi(1);
        d.forward(y, Pass.inference(), C.kernels());
        assertEquals(1000, y.sumNumber().doubleValue(), 0);
        assertEquals(null, d.mask());
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
