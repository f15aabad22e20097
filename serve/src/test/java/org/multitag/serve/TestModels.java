package org.multitag.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.multitag.model.TaggingModel;
import org.multitag.model.TestTaggers;
import org.multitag.model.Thresholds;
import org.multitag.model.decoding.LabelGroups;
import org.multitag.model.decoding.SeenLabelSets;
import org.multitag.tokenizer.Tokenizer;
import org.multitag.weights.ImportedModel;

/**
 * The serve tests' models, written once per JVM: tinybert (1 layer, from tribuo's test jar) and the real
 * all-MiniLM-L6-v2, each with a seeded random 6-label head, thresholds, label groups (UPOS exactly one, Number at
 * most one) and seen label sets, so every decoding mode runs. And sentences: Brown test sentences from {@code
 * data/brown} (a news-and-fiction mix of EWT-like lengths, about 25 tokens).
 */
final class TestModels {

    static final List<String> LABELS = List.of("UPOS=NOUN", "UPOS=VERB", "UPOS=ADJ", "Number=Sing", "Number=Plur",
            "Foreign");

    private static Path tiny;
    private static Path minilm;

    private TestModels() {}

    /** tinybert with a head. */
    static synchronized Path tiny() throws IOException {
        if (tiny == null) {
            tiny = withHead(TestTaggers.tinybert(), tempDir().resolve("tiny"));
        }
        return tiny;
    }

    /** all-MiniLM-L6-v2 with a head. */
    static synchronized Path minilm() throws IOException {
        if (minilm == null) {
            minilm = withHead(TestTaggers.minilm(), tempDir().resolve("minilm"));
        }
        return minilm;
    }

    private static Path tempDir() throws IOException {
        return TestTaggers.tempDir("multitag-serve-test-");
    }

    /** {@code m} with a seeded head, thresholds and decoding files, written to {@code folder}. */
    private static Path withHead(ImportedModel m, Path folder) throws IOException {
        TestTaggers.write(m, new TestTaggers.Head(LABELS, 7, 0.3, 0.5), folder);
        Thresholds.of(LABELS, new float[] {0.4f, 0.6f, 0.5f, 0.3f, 0.7f, 0.5f}).write(folder);
        LabelGroups.auto(LABELS).write(folder);
        // NOUN+Sing, NOUN+Plur, VERB+Sing, VERB, ADJ
        SeenLabelSets.of(LABELS, List.of(new int[] {0, 3}, new int[] {0, 4}, new int[] {1, 3}, new int[] {1},
                new int[] {2})).write(folder);
        return folder;
    }

    /**
     * The first {@code n} sentences of the Brown test split, as words, that are at most {@code maxTokens} tokens
     * long in the model's tokenizer (tinybert takes 100).
     */
    static List<List<String>> sentences(int n, Path model, int maxTokens) throws IOException {
        Tokenizer tokenizer = TaggingModel.read(model).tokenizer();
        List<List<String>> out = new ArrayList<>();
        for (List<String> s : sentences(4 * n)) {
            if (out.size() < n && tokenizer.encodeWords(s, true).length() <= maxTokens) {
                out.add(s);
            }
        }
        return out;
    }

    /** The first {@code n} sentences of the Brown test split, as words. */
    static List<List<String>> sentences(int n) throws IOException {
        Path dir = Path.of("").toAbsolutePath();
        while (!Files.exists(dir.resolve("data/brown/test.jsonl.gz"))) {
            dir = dir.getParent();
        }
        ObjectMapper json = new ObjectMapper();
        List<List<String>> out = new ArrayList<>(n);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(
                Files.newInputStream(dir.resolve("data/brown/test.jsonl.gz"))), StandardCharsets.UTF_8))) {
            String line;
            while (out.size() < n && (line = in.readLine()) != null) {
                List<String> words = new ArrayList<>();
                for (JsonNode w : json.readTree(line).get("tokens")) {
                    words.add(w.asText());
                }
                out.add(words);
            }
        }
        return out;
    }
}
