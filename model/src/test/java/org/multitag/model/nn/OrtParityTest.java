package org.multitag.model.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.multitag.model.kernels.ComputeSetting;
import org.multitag.model.kernels.KernelChoice;
import org.multitag.model.kernels.NativeArrays;
import org.multitag.tokenizer.Encoding;
import org.multitag.tokenizer.Tokenizer;
import org.multitag.tokenizer.TokenizerLoader;
import org.multitag.weights.ImportedModel;
import org.multitag.weights.OnnxImporter;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The encoder against ONNX Runtime on the real all-MiniLM-L6-v2 export, with each kernel set: last_hidden_state
 * within 1e-4 (absolute) at every real position.
 */
@ParameterizedClass(name = "kernels {0}")
@EnumSource(value = KernelChoice.class, names = {"JAVA", "ND4J"})
class OrtParityTest {

    static final double TOLERANCE = 1e-4;

    static OrtReference ort;
    static BertEncoder encoder;

    /** The kernels of this run of the class (its encoder is built with them). */
    @Parameter
    KernelChoice kernels;
    static Tokenizer tokenizer;

    @BeforeAll
    static void load() throws Exception {
        ort = new OrtReference(OrtReference.resource("/all-minilm-l6-v2.onnx"), 2);
        tokenizer = miniLmTokenizer();
    }

    /** The tokenizer published beside the MiniLM ONNX export. */
    static Tokenizer miniLmTokenizer() throws java.io.IOException {
        try (InputStream in = OrtParityTest.class.getResourceAsStream("/all-minilm-l6-v2-tokenizer.json")) {
            return TokenizerLoader.fromJson(in, "all-minilm-l6-v2-tokenizer.json");
        }
    }

    @BeforeParameterizedClassInvocation
    static void open(KernelChoice kernels) throws Exception {
        ImportedModel m = OnnxImporter.read(new ByteArrayInputStream(OrtReference.resource("/all-minilm-l6-v2.onnx")),
                "all-minilm-l6-v2.onnx");
        encoder = new BertEncoder(BertWeights.of(m.config(), m.weights()),
                ComputeSetting.defaults().withThreads(2).withKernels(kernels), true);
    }

    @AfterParameterizedClassInvocation
    static void closeEncoder() {
        encoder.close();
    }

    @AfterAll
    static void close() throws Exception {
        ort.close();
    }

    /** Max |ours − ORT| over real positions; also asserts the shapes agree. */
    static double maxDiff(Batch batch) throws Exception {
        float[] ref = ort.lastHiddenState(batch);
        try (EncoderOutput out = encoder.forward(batch, BertEncoder.Outputs.LAST)) {
            INDArray ours = out.lastHiddenState();
            int h = encoder.config().hiddenSize();
            int t = batch.maxLength();
            assertEquals(batch.size() * t * h, ref.length);
            float[] v = NativeArrays.toFloats(ours);
            double max = 0;
            for (int b = 0; b < batch.size(); b++) {
                for (int i = 0; i < batch.lengths()[b]; i++) {
                    for (int c = 0; c < h; c++) {
                        int k = (b * t + i) * h + c;
                        max = Math.max(max, Math.abs(v[k] - ref[k]));
                    }
                }
            }
            return max;
        }
    }

    static final List<String> SENTENCES = List.of(
            "The quick brown fox jumps over the lazy dog.",
            "Contextual embeddings give every token a vector that depends on its neighbours.",
            "On March 3rd, 2021, Dr. Smith paid $1,250.75 for 42 widgets: a 15% discount!",
            "naïve café owners in Zürich serve crème brûlée",
            "東京は日本の首都です。",
            "a");

    @Test
    void realSentencesOneByOne() throws Exception {
        for (String s : SENTENCES) {
            Encoding e = tokenizer.encode(s);
            double d = maxDiff(Batch.of(e.ids()));
            System.out.printf("ort parity %-40.40s %.3g%n", s, d);
            assertTrue(d <= TOLERANCE, s + ": max abs diff " + d);
        }
    }

    @Test
    void paddedBatchOfMixedLengthsMatchesOrtAndSingleRows() throws Exception {
        List<int[]> ids = new ArrayList<>();
        for (String s : SENTENCES) {
            ids.add(tokenizer.encode(s).ids());
        }
        Batch batch = Batch.of(ids, null);
        assertTrue(maxDiff(batch) <= TOLERANCE);
        // padding must not change the real rows: each row alone gives the same vectors
        try (EncoderOutput all = encoder.forward(batch, BertEncoder.Outputs.LAST)) {
            float[] padded = NativeArrays.toFloats(all.lastHiddenState());
            int h = encoder.config().hiddenSize();
            int t = batch.maxLength();
            for (int b = 0; b < ids.size(); b++) {
                try (EncoderOutput one = encoder.forward(Batch.of(ids.get(b)), BertEncoder.Outputs.LAST)) {
                    float[] alone = NativeArrays.toFloats(one.lastHiddenState());
                    double max = 0;
                    for (int k = 0; k < ids.get(b).length * h; k++) {
                        max = Math.max(max, Math.abs(alone[k] - padded[b * t * h + k]));
                    }
                    assertTrue(max <= 1e-5, "row " + b + " changed by padding: " + max);
                }
            }
        }
    }

    @Test
    void lengthsFromOneTo512WithBothTokenTypes() throws Exception {
        Random rnd = new Random(42);
        for (int len : new int[] {1, 2, 127, 128, 512}) {
            for (int type : new int[] {0, 1}) {
                int[] ids = new int[len];
                int[] types = new int[len];
                for (int i = 0; i < len; i++) {
                    ids[i] = i == 0 ? 101 : i == len - 1 ? 102 : 1000 + rnd.nextInt(29_000);
                    types[i] = type == 1 && i >= len / 2 ? 1 : 0;
                }
                double d = maxDiff(Batch.of(List.of(ids), List.of(types)));
                System.out.printf("ort parity length %d types %d: %.3g%n", len, type, d);
                assertTrue(d <= TOLERANCE, "length " + len + " types " + type + ": max abs diff " + d);
            }
        }
    }

    @Test
    void lengthBeyondMaxPositionsIsAnError() {
        int[] ids = new int[513];
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> encoder.forward(Batch.of(ids), BertEncoder.Outputs.LAST));
        assertTrue(e.getMessage().contains("max_position_embeddings 512"), e.getMessage());
    }
}
