package org.multitag.model.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.multitag.model.kernels.ComputeSetting;
import org.multitag.model.kernels.NativeArrays;
import org.multitag.model.kernels.Precision;
import org.multitag.tokenizer.Tokenizer;
import org.multitag.weights.ImportedModel;
import org.multitag.weights.NamedModels;
import org.multitag.weights.OnnxImporter;
import org.multitag.weights.SafetensorsReader;
import org.multitag.weights.StateDict;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * bf16 mixed precision against the float32 references the float32 tests use: the encoder's hidden states against
 * ONNX Runtime (all-MiniLM-L6-v2), the loss and every gradient against the PyTorch fixture.
 *
 * <p>Tolerances, and why: bfloat16 keeps 8 significant bits, so rounding an input costs up to {@code u = 2⁻⁸ ≈
 * 3.9e-3} of it (about {@code 2.3e-3} on average) and a product with both inputs and its output rounded is off by
 * about {@code 3e-3} relative (the rounding errors of a K-term dot product are independent, so the relative error of
 * the sum stays near a term's instead of growing with K, while its worst case grows as {@code √K}). Six layers of
 * four products each, with LayerNorm rescaling in between, compound {@code ~√24} such errors: about {@code 1.5e-2}
 * of a hidden state's norm. Hence: all real tokens' hidden states together {@code ‖h − h_ort‖ / ‖h_ort‖ ≤ 3e-2},
 * the worst single token (the tail over up to 512 tokens, about 2.5 times the typical one) {@code ≤ 6e-2}; the loss
 * (a mean over every token and label, so errors average out) within {@code 2e-3} relative; every gradient tensor
 * {@code ‖g − g_ref‖ / ‖g_ref‖ ≤ 5e-2} (the backward adds two bf16 products per forward one, and the gradients of
 * early layers carry the errors of every layer above them). Measured on an AMD EPYC (AVX512-BF16, no AMX): tokens
 * together 1.1e-2, worst token 3.9e-2 (length 512), loss 1.6e-4, worst gradient 1.6e-2; the test prints them.
 */
class Bf16ParityTest {

    static final double HIDDEN_TOL = 3e-2;
    static final double TOKEN_TOL = 6e-2;
    static final double LOSS_TOL = 2e-3;
    static final double GRAD_TOL = 5e-2;
    static final ComputeSetting BF16 = new ComputeSetting(2, org.multitag.model.kernels.KernelChoice.JAVA,
            Precision.BF16);

    static OrtReference ort;
    static BertEncoder encoder;
    static Tokenizer tokenizer;

    @BeforeAll
    static void load() throws Exception {
        byte[] onnx = OrtReference.resource("/all-minilm-l6-v2.onnx");
        ort = new OrtReference(onnx, 2);
        ImportedModel m = OnnxImporter.read(new ByteArrayInputStream(onnx), "all-minilm-l6-v2.onnx");
        encoder = new BertEncoder(BertWeights.of(m.config(), m.weights()), BF16, true);
        tokenizer = OrtParityTest.miniLmTokenizer();
    }

    @AfterAll
    static void close() throws Exception {
        encoder.close();
        ort.close();
    }

    /**
     * Relative errors against ONNX Runtime float32: {@code [0]} the worst real token's hidden state, {@code [1]}
     * and {@code [2]} the squared error and squared norm summed over real tokens.
     */
    static double[] errors(Batch batch) throws Exception {
        float[] ref = ort.lastHiddenState(batch);
        try (EncoderOutput out = encoder.forward(batch, BertEncoder.Outputs.LAST)) {
            float[] v = NativeArrays.toFloats(out.lastHiddenState());
            int h = encoder.config().hiddenSize();
            int t = batch.maxLength();
            assertEquals(ref.length, v.length);
            double[] e = new double[3];
            for (int b = 0; b < batch.size(); b++) {
                for (int i = 0; i < batch.lengths()[b]; i++) {
                    double d = 0;
                    double n = 0;
                    for (int o = (b * t + i) * h, c = 0; c < h; c++) {
                        d += (v[o + c] - (double) ref[o + c]) * (v[o + c] - (double) ref[o + c]);
                        n += (double) ref[o + c] * ref[o + c];
                    }
                    e[0] = Math.max(e[0], Math.sqrt(d / n));
                    e[1] += d;
                    e[2] += n;
                }
            }
            return e;
        }
    }

    @Test
    void hiddenStatesMatchOrtWithinBf16Rounding() throws Exception {
        List<int[]> all = new ArrayList<>();
        double[] total = new double[3];
        for (String s : OrtParityTest.SENTENCES) {
            int[] ids = tokenizer.encode(s).ids();
            all.add(ids);
            add(total, errors(Batch.of(ids)));
        }
        add(total, errors(Batch.of(all, null)));
        Random rnd = new Random(42);
        for (int len : new int[] {1, 2, 128, 512}) {
            int[] ids = new int[len];
            for (int i = 0; i < len; i++) {
                ids[i] = i == 0 ? 101 : i == len - 1 ? 102 : 1000 + rnd.nextInt(29_000);
            }
            add(total, errors(Batch.of(ids)));
        }
        double overall = Math.sqrt(total[1] / total[2]);
        System.out.printf("bf16 vs ORT float32 (sentences, a padded batch, lengths 1-512): ‖Δh‖/‖h‖ over all tokens "
                + "%.2e (tolerance %.0e), worst token %.2e (tolerance %.0e)%n", overall, HIDDEN_TOL, total[0],
                TOKEN_TOL);
        assertTrue(overall <= HIDDEN_TOL, "all tokens: " + overall);
        assertTrue(total[0] <= TOKEN_TOL, "worst token: " + total[0]);
        assertTrue(overall > 1e-4, "bf16 in use: errors above float32's (" + overall + ")");
    }

    private static void add(double[] total, double[] e) {
        total[0] = Math.max(total[0], e[0]);
        total[1] += e[1];
        total[2] += e[2];
    }

    @Test
    void lossAndGradientsMatchPyTorchWithinBf16Rounding() throws Exception {
        StateDict fx = SafetensorsReader.read(Path.of(getClass().getResource("/grads/minilm-l6-grads.safetensors")
                .toURI()));
        ImportedModel m = NamedModels.fromEnvironment().importNamed("minilm-l6");
        BertWeights weights = BertWeights.of(m.config(), m.weights());
        int b = fx.get("input_ids").dim(0);
        int t = fx.get("input_ids").dim(1);
        int labels = fx.get("classifier.bias").dim(0);
        int h = m.config().hiddenSize();
        Batch batch = TorchGradientTest.batch(fx);
        boolean[] mask = TorchGradientTest.tokenMask(fx);
        float[] targets = fx.get("targets").toFloat32();
        INDArray w = NativeArrays.of(fx.get("classifier.weight").toFloat32(), labels, h);
        INDArray bias = NativeArrays.of(fx.get("classifier.bias").toFloat32(), labels);
        try (TokenClassifier model = TokenClassifier.trainable(weights, w, bias, Freeze.none(), BF16)) {
            model.zeroGradients();
            double[] z = Ref.d(model.forward(batch, Pass.forBackward()));
            double loss = Bce.loss(z, targets, mask, labels);
            double lossRef = TorchGradientTest.doubles(fx.get("loss"))[0];
            model.backward(NativeArrays.of(Bce.grad(z, targets, mask, labels), b * t, labels));
            Map<String, INDArray> grads = model.gradients().named();
            double worst = 0;
            String worstName = null;
            int checked = 0;
            for (String name : fx.names()) {
                String p;
                double e;
                if (name.startsWith("grad.") && !name.endsWith(".rows")) {
                    p = name.substring(5);
                    if (p.endsWith("attention.self.key.bias")) {
                        continue; // 0 in exact arithmetic: both sides are rounding noise (see TorchGradientTest)
                    }
                    e = TorchGradientTest.relDiff(NativeArrays.toFloats(grads.get(p)), fx.get(name).toFloat32());
                } else if (name.startsWith("norm.")) {
                    p = name.substring(5);
                    double ref = TorchGradientTest.doubles(fx.get(name))[0];
                    e = Math.abs(TorchGradientTest.norm(NativeArrays.toFloats(grads.get(p))) - ref) / ref;
                } else {
                    continue;
                }
                checked++;
                if (e > worst) {
                    worst = e;
                    worstName = p;
                }
                assertTrue(e <= GRAD_TOL, p + ": relative error " + e);
            }
            System.out.printf("bf16 vs torch float32: loss %.6f vs %.6f (rel %.2e, tolerance %.0e); %d gradient "
                    + "tensors, worst relative error %.2e (%s; tolerance %.0e)%n", loss, lossRef,
                    Math.abs(loss - lossRef) / lossRef, LOSS_TOL, checked, worst, worstName, GRAD_TOL);
            assertEquals(lossRef, loss, LOSS_TOL * lossRef, "loss");
            assertTrue(checked > 90, "the fixture's gradients were checked: " + checked);
        }
    }

    /**
     * The bf16 weight copies follow the weights: after a step written into the weights (what AdamW does) the next
     * pass for backward reads the new values, and so does an inference pass after one; a write outside training
     * is seen after {@link TokenClassifier#weightsChanged()}. Each result equals a fresh model's over the same
     * weights, bit for bit.
     */
    @Test
    void weightCopiesAreNeverStale() throws Exception {
        byte[] onnx = OrtReference.resource("/all-minilm-l6-v2.onnx");
        ImportedModel m = OnnxImporter.read(new ByteArrayInputStream(onnx), "all-minilm-l6-v2.onnx");
        BertWeights weights = BertWeights.of(m.config(), m.weights());
        INDArray[] head = TokenClassifier.newClassifier(m.config(), 4, 1);
        Batch batch = Batch.of(List.of(tokenizer.encode("The dogs barked loudly.").ids()), null);
        SplittableRandom r = new SplittableRandom(9);
        try (TokenClassifier model = TokenClassifier.trainable(weights, head[0], head[1], Freeze.none(), BF16)) {
            float[] before = NativeArrays.toFloats(model.forward(batch, Pass.forBackward()));
            nudge(weights, r); // an optimizer step
            float[] trained = NativeArrays.toFloats(model.forward(batch, Pass.forBackward()));
            assertFalse(java.util.Arrays.equals(before, trained), "the step changed the logits");
            assertArrayEquals(fresh(weights, head, batch), trained, "a pass for backward after a step");
            nudge(weights, r);
            float[] inference = NativeArrays.toFloats(model.forward(batch, Pass.inference()));
            assertArrayEquals(fresh(weights, head, batch), inference, "an inference pass after a step");
            nudge(weights, r); // weights put back from a file, say
            model.weightsChanged();
            assertArrayEquals(fresh(weights, head, batch), NativeArrays.toFloats(model.forward(batch,
                    Pass.inference())), "an inference pass after weightsChanged");
        }
    }

    private static void nudge(BertWeights weights, SplittableRandom r) {
        for (BertWeights.Layer l : weights.layers()) {
            for (INDArray a : List.of(l.qkvWeight(), l.attnOutWeight(), l.interWeight(), l.outWeight())) {
                a.addi(r.nextDouble(0.01, 0.02));
            }
        }
    }

    private static float[] fresh(BertWeights weights, INDArray[] head, Batch batch) {
        try (BertEncoder e = new BertEncoder(weights, BF16, false);
                TokenClassifier c = new TokenClassifier(e, head[0], head[1])) {
            return NativeArrays.toFloats(c.forward(batch, Pass.inference()));
        }
    }
}
