package org.multitag.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multitag.model.kernels.NativeArrays;
import org.multitag.model.nn.Batch;
import org.multitag.model.nn.BertEncoder;
import org.multitag.model.nn.BertWeights;
import org.multitag.model.nn.Freeze;
import org.multitag.model.nn.Pass;
import org.multitag.model.nn.TokenClassifier;
import org.multitag.tokenizer.Tokenizer;
import org.multitag.weights.DType;
import org.multitag.weights.ImportedModel;
import org.multitag.weights.ModelFolder;
import org.multitag.weights.SafetensorsReader;
import org.multitag.weights.StateDict;
import org.multitag.weights.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code multitag grads} on tinybert with a seeded random head: one padded batch of form-3 lines; the file holds
 * the loss, which equals BCE recomputed here from the TokenClassifier eval-mode logits, and one gradient per model
 * tensor under the model file's names and shapes; the head's gradients match their closed forms.
 */
class GradsCommandTest {

    static final List<String> LABELS = TrainCommandTest.LABELS;
    static final int L = LABELS.size();
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path model;
    static Path input;
    static List<int[]> ids = new ArrayList<>();
    static List<int[]> types = new ArrayList<>();
    static List<int[][]> labels = new ArrayList<>();
    static List<int[]> masks = new ArrayList<>();

    @BeforeAll
    static void setUp() throws IOException {
        Path base = TrainCommandTest.tinyBert(dir);
        ImportedModel m = ModelFolder.read(base);
        int h = m.config().hiddenSize();
        Random rnd = new Random(11);
        float[] w = new float[L * h];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (rnd.nextGaussian() * 0.3);
        }
        float[] b = {0.2f, -0.4f, 0.1f};
        StateDict sd = new StateDict();
        m.weights().tensors().stream().filter(t -> !t.name().startsWith("pooler.")).forEach(sd::put);
        sd.put(Tensor.ofFloats("classifier.weight", new int[] {L, h}, w));
        sd.put(Tensor.ofFloats("classifier.bias", new int[] {L}, b));
        model = dir.resolve("tagger");
        ModelFolder.write(model, new ImportedModel(m.config().withLabels(LABELS, "multi_label_classification"), sd,
                m.tokenizerFiles(), List.of()), DType.F32);

        // three rows of different lengths (padding), one a pair (token types 1), random rows and masks
        Tokenizer tok = Tokenizer.load(model).withPadding(null).withTruncation(null);
        List<List<String>> sentences = List.of(List.of("Elizabeth", "danced", "with", "Darcy", "at", "Netherfield"),
                List.of("the", "house"), List.of("Jane", "said", "the", "room", "was", "very", "good", "and",
                        "Bingley", "replied"));
        StringBuilder sb = new StringBuilder();
        for (int s = 0; s < sentences.size(); s++) {
            int[] x = tok.encodeWords(sentences.get(s), true).ids();
            int[] t = new int[x.length];
            if (s == 2) {
                java.util.Arrays.fill(t, 5, t.length, 1);
            }
            int[][] rows = new int[x.length][L];
            int[] mask = new int[x.length];
            for (int i = 1; i < x.length - 1; i++) {
                mask[i] = rnd.nextInt(4) == 0 ? 0 : 1;
                for (int l = 0; l < L; l++) {
                    rows[i][l] = rnd.nextInt(3) == 0 ? 1 : 0;
                }
            }
            ids.add(x);
            types.add(t);
            labels.add(rows);
            masks.add(mask);
            ObjectNode line = JSON.createObjectNode();
            line.set("input_ids", JSON.valueToTree(x));
            if (s == 2) {
                line.set("token_type_ids", JSON.valueToTree(t));
            }
            line.set("labels", JSON.valueToTree(rows));
            line.set("label_mask", JSON.valueToTree(mask));
            sb.append(JSON.writeValueAsString(line)).append('\n');
        }
        input = Files.writeString(dir.resolve("batch.jsonl"), sb.toString());
    }

    static double softplus(double x) {
        return Math.log1p(Math.exp(-Math.abs(x))) + Math.max(x, 0);
    }

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    @Test
    void writesTheLossAndAGradientForEveryParameter() throws IOException {
        Path out = dir.resolve("grads/out.safetensors");
        TestModels.Result r = TestModels.run("grads", "--model", model.toString(), "--input", input.toString(),
                "--output", out.toString(), "--threads", "2");
        assertEquals(0, r.code(), r.err());
        StateDict grads = SafetensorsReader.read(out);
        StateDict params = SafetensorsReader.read(model);

        // names and shapes: the model file's
        TreeSet<String> names = new TreeSet<>(grads.names());
        assertTrue(names.remove("loss"));
        assertEquals(new TreeSet<>(params.names()), names);
        for (String n : names) {
            assertArrayEquals(params.get(n).shape(), grads.get(n).shape(), n);
            assertEquals(DType.F32, grads.get(n).dtype(), n);
        }
        assertArrayEquals(new int[] {1}, grads.get("loss").shape());
        assertArrayEquals(new int[] {200, 50}, grads.get("bert.encoder.layer.0.intermediate.dense.weight").shape(),
                "HF layout [out, in]");

        // the loss, from the eval-mode logits of TokenClassifier: BCE mean over labelled tokens x labels
        ImportedModel m = ModelFolder.read(model);
        int h = m.config().hiddenSize();
        Batch batch = Batch.of(ids, types);
        int t = batch.maxLength();
        float[] z;
        float[] hidden;
        try (INDArray w = NativeArrays.of(m.weights().get("classifier.weight").toFloat32(), L, h);
                INDArray b = NativeArrays.of(m.weights().get("classifier.bias").toFloat32(), L);
                TokenClassifier bert = TokenClassifier.trainable(BertWeights.of(m.config(), m.weights()), w, b,
                        Freeze.none(), 1)) {
            z = NativeArrays.toFloats(bert.forward(batch, Pass.forBackward()));
            bert.weights().close();
        }
        try (BertEncoder encoder = new BertEncoder(BertWeights.of(m.config(), m.weights()), 1)) {
            hidden = NativeArrays.toFloats(encoder.run(batch, null, null));
        }
        double sum = 0;
        long labelled = 0;
        double[] dBias = new double[L];
        double[][] dWeight = new double[L][h];
        for (int s = 0; s < ids.size(); s++) {
            for (int i = 0; i < ids.get(s).length; i++) {
                if (masks.get(s)[i] == 0) {
                    continue;
                }
                labelled++;
                int row = s * t + i;
                for (int l = 0; l < L; l++) {
                    double zi = z[row * L + l];
                    int y = labels.get(s)[i][l];
                    sum += y == 1 ? softplus(-zi) : softplus(zi);
                    double d = sigmoid(zi) - y;
                    dBias[l] += d;
                    for (int k = 0; k < h; k++) {
                        dWeight[l][k] += d * hidden[row * h + k];
                    }
                }
            }
        }
        double loss = sum / (labelled * L);
        float got = grads.get("loss").toFloat32()[0];
        assertEquals(loss, got, 1e-6 * loss, "loss");
        assertTrue(r.out().startsWith("loss "), r.out());

        // the head's gradients in closed form: (σ(z) − y) / (labelled · L), times h for the weight
        float[] gb = grads.get("classifier.bias").toFloat32();
        float[] gw = grads.get("classifier.weight").toFloat32();
        for (int l = 0; l < L; l++) {
            double want = dBias[l] / (labelled * L);
            assertEquals(want, gb[l], 1e-6 + 1e-4 * Math.abs(want), "classifier.bias " + l);
            for (int k = 0; k < h; k++) {
                double wk = dWeight[l][k] / (labelled * L);
                assertEquals(wk, gw[l * h + k], 1e-6 + 1e-3 * Math.abs(wk), "classifier.weight " + l + "," + k);
            }
        }
        // the encoder gets gradients too (down to the embeddings)
        for (String n : List.of("bert.embeddings.word_embeddings.weight", "bert.encoder.layer.0.attention.self.query"
                + ".weight", "bert.embeddings.token_type_embeddings.weight")) {
            float[] g = grads.get(n).toFloat32();
            double norm = 0;
            for (float v : g) {
                norm += v * v;
            }
            assertTrue(norm > 0, n + " has a zero gradient");
        }
    }

    @Test
    void badInputIsAnErrorAndNothingIsWritten() throws IOException {
        Path out = dir.resolve("never/out.safetensors");
        Path bad = Files.writeString(dir.resolve("bad.jsonl"), Files.readAllLines(input).get(0) + "\n"
                + "{\"input_ids\": [3, 80, 528, 1], \"labels\": [[0, 0], [0, 1], [1, 0], [0, 0]]}\n");
        TestModels.Result r = TestModels.run("grads", "--model", model.toString(), "--input", bad.toString(),
                "--output", out.toString());
        assertEquals(2, r.code());
        assertEquals("error: " + bad + ":2: \"labels\" rows have 2 values but the label set has 3 labels",
                r.err().strip());

        Path types = Files.writeString(dir.resolve("types.jsonl"), "{\"input_ids\": [3, 80, 528, 1], "
                + "\"token_type_ids\": [0, 0, 2, 0], \"labels\": [[0, 0, 0], [0, 1, 0], [1, 0, 0], [0, 0, 0]]}\n");
        TestModels.Result r2 = TestModels.run("grads", "--model", model.toString(), "--input", types.toString(),
                "--output", out.toString());
        assertEquals(2, r2.code());
        assertEquals("error: " + types + ":1: token type id 2 (position 2) is outside the model's type_vocab_size "
                + "of 2", r2.err().strip());

        Path plain = dir.resolve("tinybert");
        TestModels.Result r3 = TestModels.run("grads", "--model", plain.toString(), "--input", input.toString(),
                "--output", out.toString());
        assertEquals(2, r3.code());
        assertTrue(r3.err().startsWith("error: " + plain + ": the model has no token head"), r3.err());
        assertFalse(Files.exists(dir.resolve("never")));
    }
}
