package org.multitag.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multitag.model.TestTaggers;
import org.multitag.model.kernels.NativeArrays;
import org.multitag.model.nn.Batch;
import org.multitag.model.nn.BertEncoder;
import org.multitag.model.nn.EncoderOutput;
import org.multitag.tokenizer.Encoding;
import org.multitag.tokenizer.Tokenizer;
import org.multitag.tokenizer.TruncationParams;
import org.multitag.weights.DType;
import org.multitag.weights.ModelFolder;
import org.multitag.weights.SafetensorsReader;
import org.multitag.weights.StateDict;
import org.multitag.weights.Tensor;

/** {@code multitag embed} on the real all-MiniLM-L6-v2: every row equals the encoder run on that line alone. */
class EmbedCommandTest {

    static final double TOLERANCE = 1e-5;

    @TempDir
    static Path dir;
    static Path model;
    static BertEncoder encoder;
    static Tokenizer tokenizer;
    static int hidden;
    static int layers;
    static int heads;

    @BeforeAll
    static void importModel() throws IOException {
        model = dir.resolve("minilm");
        ModelFolder.write(model, TestTaggers.minilm(), DType.F32);
        encoder = BertEncoder.load(model, 2);
        tokenizer = Tokenizer.load(model).withTruncation(null).withPadding(null);
        hidden = encoder.config().hiddenSize();
        layers = encoder.config().numHiddenLayers();
        heads = encoder.config().numAttentionHeads();
    }

    @AfterAll
    static void close() {
        encoder.close();
    }

    /** One expected row: ids and type ids. */
    record Row(int[] ids, int[] types) {}

    @Test
    void writesEveryTensorInInputOrderZeroPaddedAndEqualToTheEncoderOnEachLineAlone() throws IOException {
        Path input = Files.writeString(dir.resolve("in.jsonl"), String.join("\n",
                "{\"text\": \"The quick brown fox jumps over the lazy dog.\"}",
                "",
                "{\"text\": \"a\"}",
                "{\"input_ids\": [101, 7592, 1010, 2088, 999, 102], \"token_type_ids\": [0, 0, 0, 1, 1, 1]}",
                "{\"text\": \"Contextual embeddings give every token a vector.\", \"text_pair\": \"Naïve café!\"}",
                "{\"input_ids\": [101, 102], \"id\": \"extra fields are ignored\"}") + "\n");
        Path output = dir.resolve("all.safetensors");
        TestModels.Result r = TestModels.run("embed", "--model", model.toString(), "--input", input.toString(),
                "--output", output.toString(), "--batch-size", "2", "--hidden-states", "--attentions",
                "--threads", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("embedded 5 lines"), r.out());
        assertEquals(1, r.err().lines().filter(l -> l.equals("note: ignored field \"id\" (not an encoder input)"))
                .count(), r.err());

        Encoding fox = tokenizer.encode("The quick brown fox jumps over the lazy dog.", null, true);
        Encoding a = tokenizer.encode("a", null, true);
        Encoding pair = tokenizer.encode("Contextual embeddings give every token a vector.", "Naïve café!", true);
        List<Row> rows = List.of(new Row(fox.ids(), fox.typeIds()), new Row(a.ids(), a.typeIds()),
                new Row(new int[] {101, 7592, 1010, 2088, 999, 102}, new int[] {0, 0, 0, 1, 1, 1}),
                new Row(pair.ids(), pair.typeIds()), new Row(new int[] {101, 102}, new int[2]));
        int n = rows.size();
        int t = rows.stream().mapToInt(x -> x.ids().length).max().orElseThrow();

        StateDict sd = SafetensorsReader.read(output);
        List<String> names = new ArrayList<>(List.of("last_hidden_state", "attention_mask", "input_ids"));
        for (int l = 0; l <= layers; l++) {
            names.add("hidden_states." + l);
        }
        for (int l = 1; l <= layers; l++) {
            names.add("attentions." + l);
        }
        assertEquals(names, List.copyOf(sd.names()));
        assertTensor(sd, "last_hidden_state", DType.F32, n, t, hidden);
        assertTensor(sd, "attention_mask", DType.I64, n, t);
        assertTensor(sd, "input_ids", DType.I64, n, t);
        for (int l = 0; l <= layers; l++) {
            assertTensor(sd, "hidden_states." + l, DType.F32, n, t, hidden);
        }
        for (int l = 1; l <= layers; l++) {
            assertTensor(sd, "attentions." + l, DType.F32, n, heads, t, t);
        }
        assertArrayEquals(sd.get("last_hidden_state").toFloat32(), sd.get("hidden_states." + layers).toFloat32());

        float[] last = sd.get("last_hidden_state").toFloat32();
        float[][] states = new float[layers + 1][];
        for (int l = 0; l <= layers; l++) {
            states[l] = sd.get("hidden_states." + l).toFloat32();
        }
        float[][] probs = new float[layers][];
        for (int l = 0; l < layers; l++) {
            probs[l] = sd.get("attentions." + (l + 1)).toFloat32();
        }
        long[] ids = longs(sd.get("input_ids"));
        long[] mask = longs(sd.get("attention_mask"));
        for (int b = 0; b < n; b++) {
            Row row = rows.get(b);
            int len = row.ids().length;
            for (int i = 0; i < t; i++) {
                assertEquals(i < len ? row.ids()[i] : 0, ids[b * t + i], "input_ids " + b + "," + i);
                assertEquals(i < len ? 1 : 0, mask[b * t + i], "attention_mask " + b + "," + i);
            }
            try (EncoderOutput alone = encoder.forward(Batch.of(List.of(row.ids()), List.of(row.types())),
                    BertEncoder.Outputs.ALL)) {
                assertHiddenRow(NativeArrays.toFloats(alone.lastHiddenState()), last, b, len, t, "last_hidden_state");
                for (int l = 0; l <= layers; l++) {
                    assertHiddenRow(NativeArrays.toFloats(alone.hiddenStates().get(l)), states[l], b, len, t,
                            "hidden_states." + l);
                }
                for (int l = 0; l < layers; l++) {
                    assertAttentionRow(NativeArrays.toFloats(alone.attentions().get(l)), probs[l], b, len, t,
                            "attentions." + (l + 1));
                }
            }
        }
    }

    @Test
    void truncateCutsTextLinesOnly() throws IOException {
        String text = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen";
        Path input = Files.writeString(dir.resolve("long.jsonl"), "{\"text\": \"" + text + "\"}\n");
        Path output = dir.resolve("long.safetensors");
        TestModels.Result r = TestModels.run("embed", "--model", model.toString(), "--input", input.toString(),
                "--output", output.toString(), "--max-length", "8", "--truncate");
        assertEquals(0, r.code(), r.err());
        StateDict sd = SafetensorsReader.read(output);
        assertEquals(List.of("last_hidden_state", "attention_mask", "input_ids"), List.copyOf(sd.names()));
        assertTensor(sd, "last_hidden_state", DType.F32, 1, 8, hidden);
        Encoding cut = tokenizer.withTruncation(TruncationParams.of(8)).encode(text, null, true);
        assertEquals(8, cut.length());
        assertArrayEquals(java.util.Arrays.stream(cut.ids()).asLongStream().toArray(), longs(sd.get("input_ids")));
        try (EncoderOutput alone = encoder.forward(Batch.of(cut.ids()), BertEncoder.Outputs.LAST)) {
            assertHiddenRow(NativeArrays.toFloats(alone.lastHiddenState()), sd.get("last_hidden_state").toFloat32(),
                    0, 8, 8, "last_hidden_state");
        }

        Path ids = Files.writeString(dir.resolve("ids.jsonl"), "{\"input_ids\": [101, 1, 2, 3, 4, 5, 6, 7, 102]}\n");
        TestModels.Result tooLong = TestModels.run("embed", "--model", model.toString(), "--input", ids.toString(),
                "--output", dir.resolve("never/ids.safetensors").toString(), "--max-length", "8");
        assertEquals(2, tooLong.code());
        assertEquals("error: " + ids + ":1: 9 input_ids, more than --max-length 8 (input_ids lines are neither "
                + "truncated nor windowed)",
                tooLong.err().strip());
        assertFalse(Files.exists(dir.resolve("never")));
    }

    /**
     * A text line over the limit goes through windows by default: every token's vectors (last hidden state and every
     * layer's) are those of its source window run alone, the window its word takes its probabilities from in
     * predict; a line within the limit in the same run is embedded as before; error and --attentions refuse it.
     */
    @Test
    void aLongTextLineIsEmbeddedThroughWindows() throws IOException {
        StringBuilder words = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            words.append(i % 7 == 3 ? "extraordinarily" : "word" + i).append(' ');
        }
        String text = words.toString().strip();
        Path input = Files.writeString(dir.resolve("windows.jsonl"), "{\"text\": \"" + text + "\"}\n"
                + "{\"text\": \"a short line\"}\n");
        Path output = dir.resolve("windows.safetensors");
        TestModels.Result r = TestModels.run("embed", "--model", model.toString(), "--input", input.toString(),
                "--output", output.toString(), "--max-length", "16", "--hidden-states", "--threads", "2");
        assertEquals(0, r.code(), r.err());
        Encoding e = tokenizer.encode(text, null, true);
        int t = e.length();
        assertTrue(t > 3 * 16, t + " tokens");
        StateDict sd = SafetensorsReader.read(output);
        assertTensor(sd, "last_hidden_state", DType.F32, 2, t, hidden);
        assertArrayEquals(java.util.Arrays.stream(e.ids()).asLongStream().toArray(),
                java.util.Arrays.copyOf(longs(sd.get("input_ids")), t));
        float[] last = sd.get("last_hidden_state").toFloat32();
        float[] top = sd.get("hidden_states." + layers).toFloat32();
        org.multitag.model.LongTextSplit split = org.multitag.model.LongTextSplit.of(e.ids(), e.typeIds(),
                e.wordIds(), 16, -1);
        assertTrue(split.size() >= 4, split.size() + " windows");
        float[][] want = org.multitag.model.WindowsAlone.lastHiddenState(encoder, split);
        for (int i = 0; i < t; i++) {
            for (int c = 0; c < hidden; c++) {
                assertEquals(want[i][c], last[i * hidden + c], TOLERANCE, "token " + i);
                assertEquals(last[i * hidden + c], top[i * hidden + c], 0.0, "hidden_states top layer");
            }
        }
        Encoding small = tokenizer.encode("a short line", null, true);
        try (EncoderOutput alone = encoder.forward(Batch.of(small.ids()), BertEncoder.Outputs.LAST)) {
            assertHiddenRow(NativeArrays.toFloats(alone.lastHiddenState()), last, 1, small.length(), t,
                    "last_hidden_state");
        }

        TestModels.Result refused = TestModels.run("embed", "--model", model.toString(), "--input", input.toString(),
                "--output", dir.resolve("never/w.safetensors").toString(), "--max-length", "16", "--long-text",
                "error");
        assertEquals(2, refused.code());
        assertEquals("error: " + input + ":1: " + t + " tokens, more than the limit of 16 (--max-length); use "
                + "--long-text window (or truncate) for long lines", refused.err().strip());
        TestModels.Result attention = TestModels.run("embed", "--model", model.toString(), "--input",
                input.toString(), "--output", dir.resolve("never/w.safetensors").toString(), "--max-length", "16",
                "--attentions");
        assertEquals(2, attention.code());
        assertTrue(attention.err().contains(":1: " + t + " tokens, more than the limit of 16: --attentions needs "
                + "every line within it"), attention.err());
        assertFalse(Files.exists(dir.resolve("never")));
    }

    /**
     * Hugging Face's four inputs as given: a left-padded line with the mask 0 on its padding, a line with a masked
     * position inside, explicit position ids. Every position of each line (masked ones too) equals the encoder on
     * that line alone with the same four arrays; the written attention_mask is the lines'; and a left-padded line
     * with position ids counting from its first real token equals the unpadded line at its real positions (as in
     * transformers, where only explicit position ids make left padding harmless).
     */
    @Test
    void attentionMaskAndPositionIdsAreHonoured() throws IOException {
        int[][] ids = {{0, 0, 101, 7592, 2088, 102}, {101, 7592, 1010, 2088, 999, 102}, {101, 7592, 2088, 102}};
        int[][] mask = {{0, 0, 1, 1, 1, 1}, {1, 1, 0, 1, 1, 1}, {1, 1, 1, 1}};
        int[][] positions = {{0, 0, 0, 1, 2, 3}, {0, 1, 2, 3, 4, 5}, {0, 1, 2, 3}};
        StringBuilder in = new StringBuilder();
        for (int r = 0; r < ids.length; r++) {
            in.append("{\"input_ids\": ").append(java.util.Arrays.toString(ids[r])).append(", \"attention_mask\": ")
                    .append(java.util.Arrays.toString(mask[r]));
            if (r == 0) {
                in.append(", \"position_ids\": ").append(java.util.Arrays.toString(positions[r]));
            }
            in.append("}\n");
        }
        Path input = Files.writeString(dir.resolve("hf.jsonl"), in.toString());
        Path output = dir.resolve("hf.safetensors");
        TestModels.Result r = TestModels.run("embed", "--model", model.toString(), "--input", input.toString(),
                "--output", output.toString(), "--batch-size", "3", "--attentions", "--threads", "2");
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err().lines().filter(l -> !l.startsWith("WARNING")).collect(
                java.util.stream.Collectors.joining("\n")), "no field ignored");
        StateDict sd = SafetensorsReader.read(output);
        float[] last = sd.get("last_hidden_state").toFloat32();
        float[] att = sd.get("attentions.1").toFloat32();
        long[] fileMask = longs(sd.get("attention_mask"));
        int t = 6;
        for (int b = 0; b < ids.length; b++) {
            int len = ids[b].length;
            for (int i = 0; i < t; i++) {
                assertEquals(i < len ? mask[b][i] : 0, fileMask[b * t + i], "attention_mask " + b + "," + i);
            }
            Batch alone = Batch.of(new int[][] {ids[b]}, null, new int[][] {mask[b]}, new int[][] {positions[b]});
            try (EncoderOutput out = encoder.forward(alone, BertEncoder.Outputs.ALL)) {
                assertHiddenRow(NativeArrays.toFloats(out.lastHiddenState()), last, b, len, t, "last_hidden_state");
                assertAttentionRow(NativeArrays.toFloats(out.attentions().get(0)), att, b, len, t, "attentions.1");
            }
        }
        // row 0 is row 2 left-padded by two, with shifted position ids: the same at the real positions
        for (int i = 0; i < 4; i++) {
            for (int c = 0; c < hidden; c++) {
                assertEquals(last[(2 * t + i) * hidden + c], last[(2 + i) * hidden + c], TOLERANCE, "left padding");
            }
        }
        // masked keys get no attention
        for (int q = 0; q < 6; q++) {
            assertEquals(0f, att[((1 * heads) * t + q) * t + 2], "masked key 2 of row 1");
        }
    }

    @Test
    void badLinesAreOneErrorNamingFileAndLineAndWriteNothing() throws IOException {
        StringBuilder longIds = new StringBuilder("101");
        for (int i = 0; i < 512; i++) {
            longIds.append(", 2773");
        }
        String[][] cases = {
            {"{\"text\": \"ok\"}\n{\"text\": \"broken\"\n", "2:18: not valid JSON: unexpected end of input (a "
                + "truncated line?)"},
            {"{\"text\": 5}\n", "1: \"text\" must be a string, got number"},
            {"{\"tokens\": [\"a\"]}\n", "1: expected \"text\" or \"input_ids\""},
            {"{\"text\": \"a\", \"input_ids\": [101]}\n", "1: give either \"text\" or \"input_ids\", not both"},
            {"{\"input_ids\": \"101 102\"}\n", "1: \"input_ids\" must be an array of integers, got string"},
            {"{\"input_ids\": [101, 1.5, 102]}\n", "1: \"input_ids\"[1] must be an integer, got 1.5"},
            {"{\"input_ids\": []}\n", "1: \"input_ids\" is empty"},
            {"{\"text\": \"ok\"}\n\n{\"input_ids\": [101, 30522, 102]}\n",
                "3: \"input_ids\"[1] = 30522 is outside the vocabulary [0, 30522)"},
            {"{\"input_ids\": [101, -1]}\n", "1: \"input_ids\"[1] = -1 is outside the vocabulary [0, 30522)"},
            {"{\"input_ids\": [101, 102], \"token_type_ids\": [0]}\n", "1: 1 token_type_ids for 2 input_ids"},
            {"{\"input_ids\": [101, 102], \"token_type_ids\": [0, 2]}\n",
                "1: \"token_type_ids\"[1] = 2 is outside type_vocab_size [0, 2)"},
            {"{\"text\": \"a\", \"token_type_ids\": [0]}\n",
                "1: \"token_type_ids\" goes with \"input_ids\", not with \"text\""},
            {"{\"text\": \"a\", \"attention_mask\": [1, 1, 1]}\n",
                "1: \"attention_mask\" goes with \"input_ids\", not with \"text\""},
            {"{\"input_ids\": [101, 102], \"attention_mask\": [1, 1, 0]}\n", "1: 3 attention_mask for 2 input_ids"},
            {"{\"input_ids\": [101, 102], \"attention_mask\": [1, 2]}\n",
                "1: \"attention_mask\"[1] must be 0 or 1, got 2"},
            {"{\"input_ids\": [101, 102], \"position_ids\": [0, 512]}\n",
                "1: \"position_ids\"[1] = 512 is outside max_position_embeddings [0, 512)"},
            {"{\"input_ids\": [101, 102], \"position_ids\": [0]}\n", "1: 1 position_ids for 2 input_ids"},
            {"{\"input_ids\": [101, 102], \"head_mask\": [1, 1]}\n",
                "1: \"head_mask\" is not supported: it changes the encoder's result"},
            {"{\"input_ids\": [101, 102], \"output_attentions\": true}\n",
                "1: \"output_attentions\" is not supported: it changes the encoder's result (use --attentions / "
                    + "--hidden-states)"},
            {"{\"input_ids\": [" + longIds + ", 102]}\n",
                "1: 514 input_ids, more than the model's max_position_embeddings 512 (input_ids lines are neither "
                    + "truncated nor windowed)"},
        };
        Path output = dir.resolve("never/out.safetensors");
        for (int i = 0; i < cases.length; i++) {
            Path input = Files.writeString(dir.resolve("bad" + i + ".jsonl"), cases[i][0]);
            TestModels.Result r = TestModels.run("embed", "--model", model.toString(), "--input", input.toString(),
                    "--output", output.toString());
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().startsWith("error: " + input + ":" + cases[i][1]), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertEquals("", r.out());
            assertFalse(Files.exists(dir.resolve("never")), "case " + i);
        }

        TestModels.Result badOption = TestModels.run("embed", "--model", model.toString(), "--input",
                dir.resolve("bad0.jsonl").toString(), "--output", output.toString(), "--batch-size", "0");
        assertEquals(2, badOption.code());
        assertEquals("error: --batch-size must be >= 1, not 0", badOption.err().strip());
        TestModels.Result noModel = TestModels.run("embed", "--model", dir.resolve("nope").toString(), "--input",
                dir.resolve("bad0.jsonl").toString(), "--output", output.toString());
        assertEquals(2, noModel.code());
        assertTrue(noModel.err().startsWith("error: " + dir.resolve("nope") + ": no such model folder"),
                noModel.err());
        TestModels.Result tooLongOption = TestModels.run("embed", "--model", model.toString(), "--input",
                dir.resolve("bad0.jsonl").toString(), "--output", output.toString(), "--max-length", "513");
        assertEquals(2, tooLongOption.code());
        assertEquals("error: --max-length must be in [3, 512] (the model's max_position_embeddings), not 513",
                tooLongOption.err().strip());
        assertFalse(Files.exists(dir.resolve("never")));
    }

    @Test
    void anOutputTensorTooLargeForOneBufferIsAnErrorBeforeAnyCompute() throws IOException {
        // 200 lines of 512 ids: attentions.L would be [200, 12, 512, 512] floats, 2.5 GB.
        StringBuilder line = new StringBuilder("{\"input_ids\": [101");
        for (int i = 0; i < 510; i++) {
            line.append(", 2773");
        }
        line.append(", 102]}\n");
        Path input = Files.writeString(dir.resolve("huge.jsonl"), line.toString().repeat(200));
        Path output = dir.resolve("never/huge.safetensors");
        TestModels.Result r = TestModels.run("embed", "--model", model.toString(), "--input", input.toString(),
                "--output", output.toString(), "--attentions");
        assertEquals(2, r.code());
        assertEquals("error: " + input + ": the output tensor attentions.1 [200, 12, 512, 512] would hold 629,145,600 "
                + "elements (2,516,582,400 bytes), more than one tensor can hold here (2,147,483,639 bytes, one Java "
                + "array): split the input into smaller files or lower --max-length", r.err().strip());
        assertFalse(Files.exists(dir.resolve("never")));
    }

    @Test
    void helpDescribesTheOutput() {
        TestModels.Result r = TestModels.run("embed", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("Usage: multitag embed"), r.out());
        assertTrue(r.out().contains("last_hidden_state F32 [N, T, H]"), r.out());
    }

    static void assertTensor(StateDict sd, String name, DType dtype, int... shape) {
        Tensor t = sd.get(name);
        assertEquals(dtype, t.dtype(), name);
        assertArrayEquals(shape, t.shape(), name);
    }

    static long[] longs(Tensor t) {
        long[] v = new long[(int) t.numel()];
        t.data().asLongBuffer().get(v);
        return v;
    }

    /** Row {@code b} of a file tensor [N, T, H] against a single-line output [1, len, H]; zero after len. */
    static void assertHiddenRow(float[] alone, float[] file, int b, int len, int t, String name) {
        double max = 0;
        for (int i = 0; i < t; i++) {
            for (int c = 0; c < hidden; c++) {
                float v = file[(b * t + i) * hidden + c];
                if (i < len) {
                    max = Math.max(max, Math.abs(v - alone[i * hidden + c]));
                } else if (v != 0f) {
                    fail(name + " padding row " + b + " position " + i + " holds " + v);
                }
            }
        }
        assertTrue(max <= TOLERANCE, name + " row " + b + " differs by " + max);
    }

    /**
     * Row {@code b} of a file tensor [N, heads, T, T] against a single-line output [1, heads, len, len]: equal
     * over real queries and keys, each real query's probabilities summing to 1, zero wherever either is padding.
     */
    static void assertAttentionRow(float[] alone, float[] file, int b, int len, int t, String name) {
        double max = 0;
        for (int h = 0; h < heads; h++) {
            for (int q = 0; q < t; q++) {
                double sum = 0;
                for (int k = 0; k < t; k++) {
                    float v = file[((b * heads + h) * t + q) * t + k];
                    if (q < len && k < len) {
                        max = Math.max(max, Math.abs(v - alone[(h * len + q) * len + k]));
                        sum += v;
                    } else if (v != 0f) {
                        fail(name + " padding " + b + "," + h + "," + q + "," + k + " holds " + v);
                    }
                }
                if (q < len && Math.abs(sum - 1) > 1e-5) {
                    fail(name + " row " + b + " head " + h + " query " + q + " sums to " + sum);
                }
            }
        }
        assertTrue(max <= TOLERANCE, name + " row " + b + " differs by " + max);
    }
}
