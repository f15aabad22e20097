package org.multitag.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multitag.core.AtomicFiles;

/**
 * {@code multitag eval} and {@code multitag tune-thresholds} on a tinybert tagger trained by {@code multitag train}
 * (see {@link TrainCommandTest}): the table, the report JSON, span scores, unknown labels, tuned thresholds.
 */
class EvalCommandTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path model;
    static Path dev;

    @BeforeAll
    static void train() throws IOException {
        model = TrainCommandTest.trainedModel(dir);
        dev = dir.resolve("dev.jsonl");
    }

    static long words(Path data) throws IOException {
        long n = 0;
        for (String line : Files.readAllLines(data)) {
            n += JSON.readTree(line).get("tokens").size();
        }
        return n;
    }

    @Test
    void printsTheTableAndWritesTheReport() throws IOException {
        Path report = dir.resolve("reports/dev.json");
        TestModels.Result r = TestModels.run("eval", "--model", model.toString(), "--data", dev.toString(),
                "--report", report.toString(), "--batch-size", "5", "--threads", "2");
        assertEquals(0, r.code(), r.err());
        JsonNode j = JSON.readTree(report.toFile());
        for (String key : List.of("micro_precision", "micro_recall", "micro_f1", "macro_precision", "macro_recall",
                "macro_f1", "hamming_loss", "subset_accuracy", "per_label", "n_words")) {
            assertTrue(j.has(key), key);
        }
        assertFalse(j.has("span_micro_f1"), "word data has no span scores");
        assertEquals(words(dev), j.get("n_words").asLong());
        assertEquals(TrainCommandTest.LABELS, TrainCommandTest.iterable(j.get("per_label").fieldNames()));
        JsonNode thresholds = JSON.readTree(model.resolve("thresholds.json").toFile());
        for (String label : TrainCommandTest.LABELS) {
            JsonNode s = j.get("per_label").get(label);
            for (String key : List.of("precision", "recall", "f1", "support", "threshold")) {
                assertTrue(s.has(key), label + " " + key);
            }
            assertEquals(thresholds.get(label).floatValue(), s.get("threshold").floatValue(), label);
        }
        assertTrue(j.get("micro_f1").asDouble() > 0.75, "trained on the pattern: " + j);

        // the table: micro, macro, Hamming loss, subset accuracy, then labels by support
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.get(0).startsWith(dev + ": 12 examples, " + words(dev) + " words"), lines.get(0));
        assertEquals(String.format(Locale.ROOT, "%-14s %9.4f %9.4f %9.4f", "micro", j.get("micro_precision")
                .asDouble(), j.get("micro_recall").asDouble(), j.get("micro_f1").asDouble()), lines.get(2));
        assertTrue(lines.get(3).startsWith("macro "), lines.get(3));
        assertEquals(String.format(Locale.ROOT, "Hamming loss %.5f, subset accuracy %.4f (%d words, 3 labels)",
                j.get("hamming_loss").asDouble(), j.get("subset_accuracy").asDouble(), words(dev)), lines.get(4));
        assertTrue(lines.get(5).startsWith("label "), lines.get(5));
        long previous = Long.MAX_VALUE;
        for (int i = 6; i < 9; i++) {
            String[] cells = lines.get(i).trim().split("\\s+");
            long support = Long.parseLong(cells[4]);
            assertTrue(support <= previous, "rows sorted by support:\n" + r.out());
            assertEquals(j.get("per_label").get(cells[0]).get("support").asLong(), support);
            previous = support;
        }
        assertEquals("report: " + report, lines.get(9));

        // --thresholds 0.5: every label at 0.5
        Path half = dir.resolve("half.json");
        TestModels.Result r2 = TestModels.run("eval", "--model", model.toString(), "--data", dev.toString(),
                "--thresholds", "0.5", "--report", half.toString());
        assertEquals(0, r2.code(), r2.err());
        JsonNode h = JSON.readTree(half.toFile());
        for (String label : TrainCommandTest.LABELS) {
            assertEquals(0.5, h.get("per_label").get(label).get("threshold").asDouble());
        }
    }

    @Test
    void spanDataGetsSpanScores() throws IOException {
        Path spans = Files.writeString(dir.resolve("spans.jsonl"),
                "{\"text\": \"Elizabeth saw Darcy at Netherfield.\", \"spans\": [{\"start\": 0, \"end\": 9, "
                        + "\"label\": \"PERSON\"}, {\"start\": 0, \"end\": 9, \"label\": \"FEMALE\"}, "
                        + "{\"start\": 14, \"end\": 19, \"label\": \"PERSON\"}, {\"start\": 23, \"end\": 34, "
                        + "\"label\": \"PLACE\"}]}\n"
                        + "{\"text\": \"The lady danced with William in the room.\", \"spans\": [{\"start\": 4, "
                        + "\"end\": 8, \"label\": \"FEMALE\"}, {\"start\": 21, \"end\": 28, \"label\": \"PERSON\"}, "
                        + "{\"start\": 36, \"end\": 40, \"label\": \"PLACE\"}]}\n");
        Path report = dir.resolve("spans.json");
        TestModels.Result r = TestModels.run("eval", "--model", model.toString(), "--data", spans.toString(),
                "--report", report.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode j = JSON.readTree(report.toFile());
        assertEquals(7, j.get("n_gold_spans").asLong());
        assertTrue(j.has("span_micro_f1") && j.has("span_per_label"), j.toString());
        assertTrue(r.out().contains("spans (micro) "), r.out());
        assertEquals(15, j.get("n_words").asLong(), "words of the pre-tokenizer, '.' included");
    }

    @Test
    void examplesLongerThanTheLimitAreScoredThroughWindows() throws IOException {
        Path report = dir.resolve("windows-report.json");
        TestModels.Result r = TestModels.run("eval", "--model", model.toString(), "--data", dev.toString(),
                "--max-length", "6", "--stride", "1", "--report", report.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals(words(dev), JSON.readTree(report.toFile()).get("n_words").asLong(), "every word scored");

        // tune-thresholds scores the same windows: its micro-F1 at 0.5 is eval's at 0.5
        Path half = dir.resolve("windows-half.json");
        assertEquals(0, TestModels.run("eval", "--model", model.toString(), "--data", dev.toString(),
                "--max-length", "6", "--stride", "1", "--thresholds", "0.5", "--report", half.toString()).code());
        TestModels.Result tuned = TestModels.run("tune-thresholds", "--model", model.toString(), "--data",
                dev.toString(), "--max-length", "6", "--stride", "1", "--out", dir.resolve("windows-tuned").toString());
        assertEquals(0, tuned.code(), tuned.err());
        assertEquals(TrainCommandTest.number(tuned.out(), "micro-F1 (\\d\\.\\d{4}) \\(0\\.5\\)"),
                Math.round(JSON.readTree(half.toFile()).get("micro_f1").asDouble() * 1e4) / 1e4, 1e-9);

        TestModels.Result refused = TestModels.run("eval", "--model", model.toString(), "--data", dev.toString(),
                "--max-length", "6", "--long-text", "error");
        assertEquals(2, refused.code());
        assertTrue(refused.err().startsWith("error: " + dev + ":1: "), refused.err());
        assertTrue(refused.err().contains("more than the maximum length of 6"), refused.err());
    }

    @Test
    void anUnknownGoldLabelCountsAsMissed() throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(dev).subList(0, 3));
        lines.add("{\"tokens\": [\"the\", \"house\"], \"labels\": [[], [\"BUILDING\"]]}");
        Path data = Files.write(dir.resolve("unknown.jsonl"), lines);
        Path known = Files.write(dir.resolve("known.jsonl"), lines.subList(0, 3));
        Path report = dir.resolve("unknown-report.json");
        TestModels.Result r = TestModels.run("eval", "--model", model.toString(), "--data", data.toString(),
                "--report", report.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("1 gold labels are not labels of the model: counted as missed"), r.out());
        JsonNode j = JSON.readTree(report.toFile());
        assertEquals(1, j.get("unknown_gold_labels").asLong());
        // the same words without the unknown label: one gold positive fewer, so recall is higher by exactly that
        Path knownReport = dir.resolve("known-report.json");
        assertEquals(0, TestModels.run("eval", "--model", model.toString(), "--data", known.toString(), "--report",
                knownReport.toString()).code());
        JsonNode k = JSON.readTree(knownReport.toFile());
        long support = 0;
        for (JsonNode s : k.get("per_label")) {
            support += s.get("support").asLong();
        }
        double tp = k.get("micro_recall").asDouble() * support;
        assertEquals(tp / (support + 1), j.get("micro_recall").asDouble(), 1e-9,
                "the unknown label is a gold positive never predicted");
        assertEquals(0, k.get("unknown_gold_labels").asLong());

        TestModels.Result plain = TestModels.run("eval", "--model", dir.resolve("tinybert").toString(), "--data",
                dev.toString());
        assertEquals(2, plain.code());
        assertTrue(plain.err().startsWith("error: " + dir.resolve("tinybert") + ": the model has no token head"),
                plain.err());
    }

    @Test
    void tunedThresholdsScoreAtLeastAsWellAsOneHalf() throws IOException {
        Path copy = dir.resolve("tuned-model");
        AtomicFiles.writeFolder(copy, tmp -> {
            try (var files = Files.list(model)) {
                for (Path f : files.toList()) {
                    if (!f.getFileName().toString().equals("thresholds.json")) {
                        Files.copy(f, tmp.resolve(f.getFileName()));
                    }
                }
            }
        });
        TestModels.Result r = TestModels.run("tune-thresholds", "--model", copy.toString(), "--data", dev.toString(),
                "--threads", "2", "--in-place");
        assertEquals(0, r.code(), r.err());
        JsonNode t = JSON.readTree(copy.resolve("thresholds.json").toFile());
        assertEquals(TrainCommandTest.LABELS, TrainCommandTest.iterable(t.fieldNames()));
        for (String label : TrainCommandTest.LABELS) {
            double v = t.get(label).asDouble();
            assertTrue(v >= 0 && v <= 1, label + " " + v);
        }
        double atHalf = TrainCommandTest.number(r.out(), "micro-F1 (\\d\\.\\d{4}) \\(0\\.5\\)");
        double tuned = TrainCommandTest.number(r.out(), "-> (\\d\\.\\d{4}) \\(tuned\\)");
        assertTrue(tuned >= atHalf, r.out());
        assertFalse(r.out().contains("thresholds.json gave"), "there was no thresholds.json before");
        assertFalse(Files.exists(copy.resolve("thresholds.json.bak")), "nothing replaced, nothing kept");

        // eval agrees: tuned (the new thresholds.json) >= uniform 0.5, and matches what tune-thresholds printed
        Path a = dir.resolve("tuned.json");
        Path b = dir.resolve("half-tuned.json");
        assertEquals(0, TestModels.run("eval", "--model", copy.toString(), "--data", dev.toString(), "--report",
                a.toString()).code());
        assertEquals(0, TestModels.run("eval", "--model", copy.toString(), "--data", dev.toString(), "--thresholds",
                "0.5", "--report", b.toString()).code());
        double f1Tuned = JSON.readTree(a.toFile()).get("micro_f1").asDouble();
        double f1Half = JSON.readTree(b.toFile()).get("micro_f1").asDouble();
        assertTrue(f1Tuned >= f1Half, f1Tuned + " vs " + f1Half);
        assertEquals(tuned, Math.round(f1Tuned * 1e4) / 1e4, 1e-9);
        assertEquals(atHalf, Math.round(f1Half * 1e4) / 1e4, 1e-9);
    }
}
