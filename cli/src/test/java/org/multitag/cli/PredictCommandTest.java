package org.multitag.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multitag.model.TestTaggers;
import org.multitag.model.Thresholds;
import org.multitag.model.kernels.NativeArrays;
import org.multitag.model.nn.Batch;
import org.multitag.model.nn.BertEncoder;
import org.multitag.model.nn.EncoderOutput;
import org.multitag.tokenizer.Encoding;
import org.multitag.tokenizer.Tokenizer;
import org.multitag.weights.DType;
import org.multitag.weights.ImportedModel;
import org.multitag.weights.ModelFolder;

/**
 * {@code multitag predict} with a seeded random head on the real all-MiniLM-L6-v2: every word's labels and scores
 * are recomputed here from the encoder's hidden state at the word's first sub-token, {@code sigmoid(h · Wᵀ + b)}.
 */
class PredictCommandTest {

    static final List<String> LABELS = List.of("NOUN", "VERB", "ADJ", "Number=Sing", "Number=Plur");
    static final float[] THRESHOLDS = {0.3f, 0.7f, 0.5f, 0.2f, 0.9f};
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path model;
    static Path plain;
    static float[] weight;
    static float[] bias;
    static int hidden;
    static BertEncoder encoder;
    static Tokenizer tokenizer;

    @BeforeAll
    static void writeModels() throws IOException {
        ImportedModel m = TestTaggers.minilm();
        hidden = m.config().hiddenSize();
        TestTaggers.Head head = new TestTaggers.Head(LABELS, 42, 0.3, 0.5);
        model = TestTaggers.write(m, head, dir.resolve("tagger"));
        TestTaggers.Head.Drawn drawn = head.draw(hidden);
        weight = drawn.weight();
        bias = drawn.bias();
        Thresholds.of(LABELS, THRESHOLDS).write(model);
        plain = dir.resolve("plain");
        ModelFolder.write(plain, m, DType.F32);
        encoder = BertEncoder.load(model, 2);
        tokenizer = Tokenizer.load(model).withTruncation(null).withPadding(null);
    }

    @AfterAll
    static void close() {
        encoder.close();
    }

    static final String TEXT1 = "The quick brown fox jumps over the lazy dog.";
    static final String TEXT2 = "Unaffable foxes jumped, naïvely!";
    static final List<String> WORDS = List.of("Dr.", "Smith", "unaffably", "jumped", "");

    static final String INPUT = "{\"text\": \"" + TEXT1 + "\"}\n\n"
            + "{\"tokens\": [\"Dr.\", \"Smith\", \"unaffably\", \"jumped\", \"\"]}\n"
            + "{\"text\": \"" + TEXT2 + "\"}\n"
            + "{\"text\": \"\"}\n";

    @Test
    void labelsAreTheProbabilitiesAtTheFirstSubTokenOverEachLabelsThreshold() throws IOException {
        Path input = Files.writeString(dir.resolve("in.jsonl"), INPUT);
        Path output = dir.resolve("out.jsonl");
        TestModels.Result r = TestModels.run("predict", "--model", model.toString(), "--input", input.toString(),
                "--output", output.toString(), "--batch-size", "2", "--threads", "2");
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.out());
        List<String> lines = Files.readAllLines(output);
        assertEquals(4, lines.size());
        int[] counts = checkAll(lines, THRESHOLDS);
        // The seeded head must make real decisions: some labels chosen, some not.
        assertTrue(counts[0] > 0 && counts[1] > 0, "chosen " + counts[0] + ", rejected " + counts[1]);
        assertEquals("{\"words\":[]}", lines.get(3));

        // stdout, and --threshold replacing every label's threshold.
        TestModels.Result uniform = TestModels.run("predict", "--model", model.toString(), "--input",
                input.toString(), "--threshold", "0.5");
        assertEquals(0, uniform.code(), uniform.err());
        float[] half = new float[LABELS.size()];
        java.util.Arrays.fill(half, 0.5f);
        checkAll(uniform.out().lines().toList(), half);
        assertFalse(uniform.out().equals(String.join("\n", lines) + "\n"), "the override changed nothing");
    }

    @Test
    void readsStdinWithoutInput() {
        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream(("{\"text\": \"" + TEXT1 + "\"}\n").getBytes(StandardCharsets.UTF_8)));
            TestModels.Result r = TestModels.run("predict", "--model", model.toString());
            assertEquals(0, r.code(), r.err());
            assertEquals(1, r.out().lines().count());
            assertTrue(r.out().startsWith("{\"words\":[{\"text\":\"The\",\"start\":0,\"end\":3,\"labels\":["),
                    r.out());
        } finally {
            System.setIn(stdin);
        }
    }

    @Test
    void longLinesGoThroughWindowsFailOrAreTruncatedAsAsked() throws IOException {
        Path input = Files.writeString(dir.resolve("long.jsonl"),
                "{\"text\": \"short\"}\n{\"text\": \"one two three four five six seven eight nine ten\"}\n"
                + "{\"tokens\": [\"one\", \"two\", \"three\", \"four\", \"five\", \"six\", \"seven\"]}\n");
        TestModels.Result windows = TestModels.run("predict", "--model", model.toString(), "--input",
                input.toString(), "--max-length", "8");
        assertEquals(0, windows.code(), windows.err());
        List<String> lines = windows.out().lines().toList();
        JsonNode text = JSON.readTree(lines.get(1));
        assertEquals(10, text.get("words").size(), "every word of the long line is tagged");
        assertEquals("ten", text.get("words").get(9).get("text").asText());
        for (JsonNode w : text.get("words")) {
            assertEquals(LABELS.size(), w.get("scores").size(), w.toString());
        }
        assertEquals(7, JSON.readTree(lines.get(2)).get("words").size(), "pre-split words through windows");

        Path output = dir.resolve("never/long.jsonl");
        TestModels.Result r = TestModels.run("predict", "--model", model.toString(), "--input", input.toString(),
                "--output", output.toString(), "--max-length", "8", "--long-text", "error");
        assertEquals(2, r.code());
        assertEquals("error: " + input + ":2: 12 tokens, more than the limit of 8 (--max-length); use --long-text "
                + "window (or truncate) for long lines", r.err().strip());
        assertFalse(Files.exists(dir.resolve("never")));

        for (String[] truncation : new String[][] {{"--truncate"}, {"--long-text", "truncate"}}) {
            List<String> args = new ArrayList<>(List.of("predict", "--model", model.toString(), "--input",
                    input.toString(), "--max-length", "8"));
            args.addAll(List.of(truncation));
            TestModels.Result cut = TestModels.run(args.toArray(String[]::new));
            assertEquals(0, cut.code(), cut.err());
            JsonNode second = JSON.readTree(cut.out().lines().toList().get(1));
            assertEquals(6, second.get("words").size());
            assertEquals("six", second.get("words").get(5).get("text").asText());
            assertEquals(lines.get(0), cut.out().lines().toList().get(0), "a line under the limit, the same bytes");
        }

        String[][] bad = {
            {"--long-text", "window", "--truncate", "--truncate and --long-text window contradict each other"},
            {"--long-text", "chunks", "--long-text must be window, truncate or error, not 'chunks'"},
            {"--stride", "6", "--stride must be in [0, 5] (windows of 8 tokens, 2 of them special, must move on), not 6"},
            {"--stride", "2", "--truncate", "--stride is for --long-text window, not truncate"},
        };
        for (String[] b : bad) {
            List<String> args = new ArrayList<>(List.of("predict", "--model", model.toString(), "--input",
                    input.toString(), "--max-length", "8"));
            args.addAll(List.of(b).subList(0, b.length - 1));
            TestModels.Result e = TestModels.run(args.toArray(String[]::new));
            assertEquals(2, e.code(), e.err());
            assertEquals("error: " + b[b.length - 1], e.err().strip());
        }
    }

    @Test
    void aLineOfSixHundredWordsIsTaggedWordByWordAtTheModelsLimit() throws IOException {
        Path input = Files.writeString(dir.resolve("long600.jsonl"),
                "{\"text\": \"" + "word ".repeat(600) + "\"}\n");
        TestModels.Result r = TestModels.run("predict", "--model", model.toString(), "--input", input.toString(),
                "--stride", "64");
        assertEquals(0, r.code(), r.err());
        assertEquals(600, JSON.readTree(r.out()).get("words").size());
        TestModels.Result refused = TestModels.run("predict", "--model", model.toString(), "--input",
                input.toString(), "--long-text", "error");
        assertEquals(2, refused.code());
        assertTrue(refused.err().startsWith("error: " + input + ":1: 602 tokens, more than the limit of 512 (the "
                + "model's max_position_embeddings); use --long-text window"), refused.err());
    }

    @Test
    void badInputAndModelsWithoutLabelsAreErrors() throws IOException {
        Path output = dir.resolve("never/out.jsonl");
        String[][] cases = {
            {"{\"text\": \"ok\"}\n{\"text\": \"ok\"\n", "2:14: not valid JSON: unexpected end of input (a truncated "
                + "line?)"},
            {"{\"input_ids\": [101, 102]}\n", "1: expected \"text\" or \"tokens\""},
            {"{\"text\": \"a\", \"tokens\": [\"a\"]}\n", "1: give either \"text\" or \"tokens\", not both"},
            {"\n{\"tokens\": \"a b\"}\n", "2: \"tokens\" must be an array of strings, got string"},
            {"{\"tokens\": [\"a\", 1]}\n", "1: \"tokens\"[1] must be a string, got 1"},
            {"{\"text\": [\"a\"]}\n", "1: \"text\" must be a string, got array"},
        };
        for (int i = 0; i < cases.length; i++) {
            Path input = Files.writeString(dir.resolve("bad" + i + ".jsonl"), cases[i][0]);
            TestModels.Result r = TestModels.run("predict", "--model", model.toString(), "--input", input.toString(),
                    "--output", output.toString());
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().startsWith("error: " + input + ":" + cases[i][1]), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertFalse(Files.exists(dir.resolve("never")), "case " + i);
        }

        Path good = Files.writeString(dir.resolve("good.jsonl"), "{\"text\": \"ok\"}\n");
        TestModels.Result noLabels = TestModels.run("predict", "--model", plain.toString(), "--input", good.toString(),
                "--output", output.toString());
        assertEquals(2, noLabels.code());
        assertEquals("error: " + plain + ": the model has no token head (config.json has no id2label): train one "
                + "first ('multitag train', or FineTuner)", noLabels.err().strip());
        TestModels.Result badThreshold = TestModels.run("predict", "--model", model.toString(), "--input",
                good.toString(), "--threshold", "1.5");
        assertEquals(2, badThreshold.code());
        assertEquals("error: --threshold must be in [0, 1], not 1.5", badThreshold.err().strip());
        assertFalse(Files.exists(dir.resolve("never")));

        TestModels.Result help = TestModels.run("predict", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("Usage: multitag predict"), help.out());
    }

    /** Checks the output lines for {@link #INPUT}; returns how many (word, label) pairs were chosen and rejected. */
    static int[] checkAll(List<String> lines, float[] thresholds) throws IOException {
        int[] counts = new int[2];
        check(JSON.readTree(lines.get(0)), tokenizer.encode(TEXT1, null, true), TEXT1, null, thresholds, counts);
        check(JSON.readTree(lines.get(1)), tokenizer.encodeWords(WORDS, true), String.join(" ", WORDS), WORDS,
                thresholds, counts);
        check(JSON.readTree(lines.get(2)), tokenizer.encode(TEXT2, null, true), TEXT2, null, thresholds, counts);
        return counts;
    }

    /**
     * One output line against the probabilities computed here: same words (first sub-tokens), same text and
     * offsets, scores within rounding, and labels exactly those at or over their thresholds (probabilities within
     * 1e-4 of a threshold are not judged).
     */
    static void check(JsonNode line, Encoding e, String text, List<String> words, float[] thresholds, int[] counts) {
        float[] h;
        try (EncoderOutput out = encoder.forward(Batch.of(List.of(e.ids()), List.of(e.typeIds())),
                BertEncoder.Outputs.LAST)) {
            h = NativeArrays.toFloats(out.lastHiddenState());
        }
        List<Integer> firsts = new ArrayList<>();
        for (int i = 0; i < e.length(); i++) {
            if (e.wordId(i) != Encoding.NONE && (i == 0 || e.wordId(i - 1) != e.wordId(i))) {
                firsts.add(i);
            }
        }
        JsonNode out = line.get("words");
        assertEquals(firsts.size(), out.size(), line.toString());
        for (int k = 0; k < firsts.size(); k++) {
            int i = firsts.get(k);
            JsonNode w = out.get(k);
            int start = w.get("start").asInt();
            int end = w.get("end").asInt();
            assertEquals(text.substring(start, end), w.get("text").asText());
            if (words != null) {
                assertEquals(words.get(e.wordId(i)), w.get("text").asText());
            } else {
                assertEquals(e.offsetStart(i), start);
            }
            List<String> labels = new ArrayList<>();
            w.get("labels").forEach(x -> labels.add(x.asText()));
            Iterator<String> names = w.get("scores").fieldNames();
            for (int l = 0; l < LABELS.size(); l++) {
                assertEquals(LABELS.get(l), names.next(), "scores in label order");
                double logit = bias[l];
                for (int c = 0; c < hidden; c++) {
                    logit += h[i * hidden + c] * weight[l * hidden + c];
                }
                double p = 1 / (1 + Math.exp(-logit));
                assertEquals(p, w.get("scores").get(LABELS.get(l)).asDouble(), 1e-4, w.toString());
                if (Math.abs(p - thresholds[l]) > 1e-4) {
                    assertEquals(p >= thresholds[l], labels.contains(LABELS.get(l)), w + " p=" + p);
                    counts[p >= thresholds[l] ? 0 : 1]++;
                }
            }
            assertFalse(names.hasNext());
        }
    }
}
