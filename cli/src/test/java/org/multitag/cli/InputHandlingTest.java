package org.multitag.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Input handling across commands, on a tinybert tagger trained by {@code multitag train} ({@link TrainCommandTest}):
 * plain text read as text by default, JSON errors as {@code FILE:LINE:COLUMN} in our words, one error for empty
 * inputs, labels the model never saw (an error in training data, a counted miss in evaluation data), and
 * {@code tune-thresholds --out / --in-place}.
 */
class InputHandlingTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String EMPTY = ": no input: empty, or only blank lines";

    @TempDir
    static Path dir;
    static Path model;
    static Path dev;

    @BeforeAll
    static void train() throws IOException {
        model = TrainCommandTest.trainedModel(dir);
        dev = dir.resolve("dev.jsonl");
    }

    static TestModels.Result withStdin(String stdin, String... args) {
        InputStream saved = System.in;
        try {
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            return TestModels.run(args);
        } finally {
            System.setIn(saved);
        }
    }

    /** One {@code error:} line, exit code 2. */
    static void assertError(String expected, TestModels.Result r) {
        assertEquals(2, r.code(), r.err());
        assertEquals("error: " + expected, r.err().strip());
    }

    // ---------------------------------------------------------------- predict and embed: text by default

    /** predict's output for {@code input} with no --input-format, checked to be that of {@code format}. */
    static String predictAutoAs(Path input, String format) {
        TestModels.Result auto = TestModels.run("predict", "--model", model.toString(), "--input", input.toString());
        assertEquals(0, auto.code(), auto.err());
        TestModels.Result explicit = TestModels.run("predict", "--model", model.toString(), "--input",
                input.toString(), "--input-format", format);
        assertEquals(0, explicit.code(), explicit.err());
        assertEquals(explicit.out(), auto.out());
        return auto.out();
    }

    @Test
    void predictReadsPlainTextByDefault() throws IOException {
        TestModels.Result text = withStdin("Elizabeth saw the house.\n", "predict", "--model", model.toString());
        assertEquals(0, text.code(), text.err());
        TestModels.Result json = withStdin("{\"text\": \"Elizabeth saw the house.\"}\n", "predict", "--model",
                model.toString());
        assertEquals(0, json.code(), json.err());
        assertEquals(json.out(), text.out(), "a text line is tagged as {\"text\": LINE}");
        assertTrue(text.out().startsWith("{\"words\":[{\"text\":\"elizabeth\",\"start\":0,\"end\":9,\"labels\":[")
                || text.out().startsWith("{\"words\":[{\"text\":\"Elizabeth\",\"start\":0,\"end\":9,\"labels\":["),
                text.out());

        // decided once per input from the first non-blank line: a later line starting with '{' is text too
        String lines = "\nJane danced.\n{Lizzy} said the lady\n";
        Path file = Files.writeString(dir.resolve("plain.txt"), lines);
        List<String> out = predictAutoAs(file, "text").lines().toList();
        assertEquals(2, out.size());
        JsonNode second = JSON.readTree(out.get(1)).get("words");
        assertEquals("{", second.get(0).get("text").asText());
        assertEquals(0, second.get(0).get("start").asInt());
    }

    @Test
    void predictReadsAConlluFileAsCoNLLUByDefaultAndSaysHowItDecides() throws IOException {
        Path conllu = Files.writeString(dir.resolve("in.conllu"), "# sent_id = 1\n"
                + "1\tJane\tJane\tPROPN\tNNP\t_\t2\tnsubj\t_\t_\n"
                + "2\tdanced\tdance\tVERB\tVBD\t_\t0\troot\t_\t_\n\n");
        String out = predictAutoAs(conllu, "conllu");
        assertTrue(out.startsWith("# sent_id = 1\n1\tJane\t"), out);

        TestModels.Result help = TestModels.run("predict", "--help");
        assertTrue(help.out().contains("auto (default), decided once for the whole input"), help.out());
        TestModels.Result embedHelp = TestModels.run("embed", "--help");
        assertTrue(embedHelp.out().contains("--input-format auto (default) decides once for the whole file"),
                embedHelp.out());
    }

    @Test
    void jsonErrorsNameFileLineAndColumnWithAHintForText() throws IOException {
        Path output = dir.resolve("never/out.jsonl");
        // a truncated line is an error, never read as text
        Path truncated = Files.writeString(dir.resolve("truncated.jsonl"), "{\"text\": \"ok\"}\n{\"text\": \"ok\"\n");
        assertError(truncated + ":2:14: not valid JSON: unexpected end of input (a truncated line?)",
                TestModels.run("predict", "--model", model.toString(), "--input", truncated.toString(), "--output",
                        output.toString()));
        // JSON Lines by the first line, then a text line
        Path mixed = Files.writeString(dir.resolve("mixed.jsonl"), "{\"text\": \"ok\"}\n\nJane danced.\n");
        assertError(mixed + ":3:1: not valid JSON: unrecognized token 'Jane' (text must be in double quotes); the "
                + "first line made this input JSON Lines: for plain text lines give --input-format text",
                TestModels.run("predict", "--model", model.toString(), "--input", mixed.toString(), "--output",
                        output.toString()));
        // JSON Lines asked for
        assertError("<stdin>:1:1: not valid JSON: unrecognized token 'Margaret' (text must be in double quotes); "
                + "for plain text lines give --input-format text", withStdin("Margaret ran.\n", "predict", "--model",
                        model.toString(), "--input-format", "jsonl"));
        assertError(mixed + ":1:14: not valid JSON: unexpected '}': expected a field name in double quotes",
                TestModels.run("predict", "--model", model.toString(), "--input",
                        Files.writeString(mixed, "{\"text\": \"a\",}\n").toString()));
        assertError("--input-format must be auto, jsonl, text or conllu, not 'csv'", TestModels.run("predict",
                "--model", model.toString(), "--input", mixed.toString(), "--input-format", "csv"));
        assertFalse(Files.exists(dir.resolve("never")));

        // embed and tokenize word them the same
        Path out = dir.resolve("never.safetensors");
        assertError(truncated + ":2:14: not valid JSON: unexpected end of input (a truncated line?)",
                TestModels.run("embed", "--model", model.toString(), "--input", truncated.toString(), "--output",
                        out.toString()));
        assertError(truncated + ":2:14: not valid JSON: unexpected end of input (a truncated line?)",
                TestModels.run("tokenize", "--tokenizer", model.toString(), "--input", truncated.toString()));
        Path duplicate = Files.writeString(dir.resolve("duplicate.jsonl"), "{\"text\": \"a\", \"text\": \"b\"}\n");
        assertError(duplicate + ":1:21: not valid JSON: duplicate field \"text\"",
                TestModels.run("tokenize", "--tokenizer", model.toString(), "--input", duplicate.toString()));
        assertFalse(Files.exists(out));
    }

    @Test
    void embedReadsPlainTextByDefault() throws IOException {
        Path text = Files.writeString(dir.resolve("embed.txt"), "Jane danced.\n\n{Lizzy} said the lady\n");
        Path json = Files.writeString(dir.resolve("embed.jsonl"), "{\"text\": \"Jane danced.\"}\n"
                + "{\"text\": \"{Lizzy} said the lady\"}\n");
        Path a = dir.resolve("text.safetensors");
        Path b = dir.resolve("json.safetensors");
        TestModels.Result r = TestModels.run("embed", "--model", model.toString(), "--input", text.toString(),
                "--output", a.toString(), "--threads", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("embedded 2 lines"), r.out());
        assertEquals(0, TestModels.run("embed", "--model", model.toString(), "--input", json.toString(), "--output",
                b.toString(), "--threads", "2").code());
        assertArrayEquals(Files.readAllBytes(b), Files.readAllBytes(a));
    }

    // ---------------------------------------------------------------- one rule for empty inputs

    @Test
    void anEmptyInputIsAnErrorNamingItInEveryCommand() throws IOException {
        Path empty = Files.writeString(dir.resolve("empty.jsonl"), "");
        Path blank = Files.writeString(dir.resolve("blank.txt"), "\n  \n");
        Path emptyConllu = Files.writeString(dir.resolve("empty.conllu"), "\n");
        Path never = dir.resolve("never-written");
        for (Path in : List.of(empty, blank, emptyConllu)) {
            assertError(in + EMPTY, TestModels.run("predict", "--model", model.toString(), "--input", in.toString(),
                    "--output", never.toString()));
            assertError(in + EMPTY, TestModels.run("eval", "--model", model.toString(), "--data", in.toString()));
            assertError(in + EMPTY, TestModels.run("tune-thresholds", "--model", model.toString(), "--data",
                    in.toString(), "--out", never.toString()));
            assertError(in + EMPTY, TrainCommandTest.train(dir.resolve("tinybert"), in, dev, never));
            assertError(in + EMPTY, TrainCommandTest.train(dir.resolve("tinybert"), dev, in, never));
        }
        for (Path in : List.of(empty, blank)) {
            assertError(in + EMPTY, TestModels.run("embed", "--model", model.toString(), "--input", in.toString(),
                    "--output", never.toString()));
            assertError(in + EMPTY, TestModels.run("tokenize", "--tokenizer", model.toString(), "--input",
                    in.toString(), "--output", never.toString()));
        }
        assertError("<stdin>" + EMPTY, withStdin("\n\n", "predict", "--model", model.toString()));
        assertError("<stdin>" + EMPTY, withStdin("", "tokenize", "--tokenizer", model.toString()));
        assertFalse(Files.exists(never));
    }

    // ---------------------------------------------------------------- labels the model never saw

    @Test
    void anUnknownLabelIsATrainingErrorNamingLabelAndLine() throws IOException {
        Path labels = Files.writeString(dir.resolve("two-labels.txt"), "FEMALE\nPERSON\n");
        Path train = dir.resolve("train.jsonl");
        Path never = dir.resolve("never-trained");
        TestModels.Result r = TrainCommandTest.train(dir.resolve("tinybert"), train, dev, never, "--labels",
                labels.toString());
        assertEquals(2, r.code(), r.err());
        // the first line with a PLACE word
        List<String> lines = Files.readAllLines(train);
        int line = 0;
        while (!lines.get(line).contains("PLACE")) {
            line++;
        }
        JsonNode j = JSON.readTree(lines.get(line));
        int word = 0;
        while (!j.get("labels").get(word).toString().contains("PLACE")) {
            word++;
        }
        assertEquals("error: " + train + ":" + (line + 1) + ": unknown label \"PLACE\" (word " + (word + 1) + " \""
                + j.get("tokens").get(word).asText() + "\"); it is not one of the 2 labels of the label set",
                r.err().strip());
        assertFalse(Files.exists(never));
    }

    /** {@code multitag eval} of the test model on {@code data} with {@code --report}; it must succeed. */
    static TestModels.Result eval(Path data, Path report) {
        return eval(model, data, report);
    }

    static TestModels.Result eval(Path tagger, Path data, Path report) {
        TestModels.Result r = TestModels.run("eval", "--model", tagger.toString(), "--data", data.toString(),
                "--report", report.toString());
        assertEquals(0, r.code(), r.err());
        return r;
    }

    @Test
    void anUnknownLabelIsACountedMissInEveryEvaluationDataForm() throws IOException {
        // spans: BUILDING is not a label of the model
        Path spans = Files.writeString(dir.resolve("unknown-spans.jsonl"),
                "{\"text\": \"Elizabeth saw the house.\", \"spans\": [{\"start\": 0, \"end\": 9, "
                        + "\"label\": \"PERSON\"}, {\"start\": 14, \"end\": 23, \"label\": \"BUILDING\"}]}\n");
        Path report = dir.resolve("unknown-spans.json");
        TestModels.Result r = eval(spans, report);
        JsonNode j = JSON.readTree(report.toFile());
        assertEquals(2, j.get("unknown_gold_labels").asLong(), "BUILDING on each of 'the' and 'house'");
        assertEquals(2, j.get("n_gold_spans").asLong(), "the BUILDING span is a gold span, never predicted");
        assertTrue(j.get("span_micro_recall").asDouble() <= 0.5, j.toString());
        assertTrue(r.out().contains("2 gold labels are not labels of the model: counted as missed"), r.out());

        // CoNLL-U: UPOS=... and features are all unknown to this model
        Path conllu = Files.writeString(dir.resolve("unknown.conllu"), "# sent_id = 1\n"
                + "1\tJane\tJane\tPROPN\tNNP\tNumber=Sing\t2\tnsubj\t_\t_\n"
                + "2\tdanced\tdance\tVERB\tVBD\tMood=Ind|Tense=Past\t0\troot\t_\t_\n\n");
        Path conlluReport = dir.resolve("unknown-conllu.json");
        eval(conllu, conlluReport);
        JsonNode k = JSON.readTree(conlluReport.toFile());
        assertEquals(5, k.get("unknown_gold_labels").asLong(), "UPOS=PROPN, Number=Sing, UPOS=VERB, Mood, Tense");
        assertEquals(0.0, k.get("micro_recall").asDouble());

        // tune-thresholds reads evaluation data the same way
        TestModels.Result t = TestModels.run("tune-thresholds", "--model", model.toString(), "--data",
                spans.toString(), "--out", dir.resolve("tuned-on-spans").toString());
        assertEquals(0, t.code(), t.err());
    }

    // ---------------------------------------------------------------- tune-thresholds --out / --in-place

    /** Every file of a folder by relative name, with its bytes. */
    static Map<String, byte[]> snapshot(Path folder) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(folder)) {
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
                files.put(folder.relativize(f).toString(), Files.readAllBytes(f));
            }
        }
        return files;
    }

    static void assertSameFiles(Map<String, byte[]> expected, Map<String, byte[]> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((name, bytes) -> assertArrayEquals(bytes, actual.get(name), name));
    }

    @Test
    void tuneThresholdsWritesANewFolderAndLeavesTheModelUntouched() throws IOException {
        Map<String, byte[]> before = snapshot(model);
        Path out = dir.resolve("tuned");
        TestModels.Result r = TestModels.run("tune-thresholds", "--model", model.toString(), "--data",
                dev.toString(), "--out", out.toString(), "--threads", "2");
        assertEquals(0, r.code(), r.err());
        assertSameFiles(before, snapshot(model));
        assertTrue(r.out().contains("wrote thresholds to " + out + " (a new model folder: 1 file hard-linked, "),
                r.out());

        // the new folder: the model's files, the weights the same file, the decoding files tuned
        Map<String, byte[]> after = snapshot(out);
        for (String name : before.keySet()) {
            assertTrue(after.containsKey(name), name);
        }
        assertTrue(Files.isSameFile(model.resolve("model.safetensors"), out.resolve("model.safetensors")),
                "weights hard-linked");
        for (String name : List.of("config.json", "tokenizer.json", "vocab.txt")) {
            assertArrayEquals(before.get(name), after.get(name), name);
        }
        try (Stream<Path> siblings = Files.list(dir)) {
            assertTrue(siblings.noneMatch(p -> p.getFileName().toString().startsWith(".tuned.")), "no temporary");
        }
        // the new folder is a model eval reads, and its thresholds are what tune-thresholds chose
        Path report = dir.resolve("tuned-report.json");
        eval(out, dev, report);
        JsonNode thresholds = JSON.readTree(out.resolve("thresholds.json").toFile());
        JsonNode perLabel = JSON.readTree(report.toFile()).get("per_label");
        for (String label : TrainCommandTest.LABELS) {
            assertEquals(thresholds.get(label).floatValue(), perLabel.get(label).get("threshold").floatValue());
        }

        // a folder that is there and not empty is an error, an empty one is used
        assertError(out + ": exists and is not empty (--out takes a new folder; --in-place rewrites the model folder "
                + "itself)", TestModels.run("tune-thresholds", "--model", model.toString(), "--data", dev.toString(),
                        "--out", out.toString()));
        assertError(model + ": exists and is not empty (--out takes a new folder; --in-place rewrites the model "
                + "folder itself)", TestModels.run("tune-thresholds", "--model", model.toString(), "--data",
                        dev.toString(), "--out", model.toString()));
        assertError(model.resolve("tuned") + ": is inside the model folder " + model + " (--out takes a folder "
                + "elsewhere)", TestModels.run("tune-thresholds", "--model", model.toString(), "--data",
                        dev.toString(), "--out", model.resolve("tuned").toString()));
        Path emptyDir = Files.createDirectories(dir.resolve("empty-dir"));
        assertEquals(0, TestModels.run("tune-thresholds", "--model", model.toString(), "--data", dev.toString(),
                "--out", emptyDir.toString()).code());
        assertTrue(Files.isRegularFile(emptyDir.resolve("model.safetensors")));
        assertSameFiles(before, snapshot(model));

        // neither flag, or both: an error saying to pick one, before any work
        String pick = "tune-thresholds writes a tuned model: give either --out DIR (a new model folder; the model's "
                + "stays as it is) or --in-place (rewrite the model's decoding files, keeping each replaced file as "
                + "FILE.bak)";
        assertError(pick, TestModels.run("tune-thresholds", "--model", model.toString(), "--data", dev.toString()));
        assertError(pick + ", not both", TestModels.run("tune-thresholds", "--model", model.toString(), "--data",
                dev.toString(), "--out", dir.resolve("never-tuned").toString(), "--in-place"));
        assertFalse(Files.exists(dir.resolve("never-tuned")));
        assertSameFiles(before, snapshot(model));
    }

    @Test
    void tuneThresholdsInPlaceKeepsWhatItReplacesAsBak() throws IOException {
        Path copy = dir.resolve("in-place");
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.list(model)) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        // a stale label_sets.json, which this tuning (no --train) does not write: kept as .bak, not deleted
        Files.writeString(copy.resolve("label_sets.json"), "{}\n");
        Map<String, byte[]> before = snapshot(copy);
        TestModels.Result r = TestModels.run("tune-thresholds", "--model", copy.toString(), "--data", dev.toString(),
                "--label-groups", "none", "--in-place");
        assertEquals(0, r.code(), r.err());
        Map<String, byte[]> after = snapshot(copy);
        List<String> backups = new ArrayList<>();
        for (String name : before.keySet()) {
            if (after.containsKey(name + ".bak")) {
                backups.add(name);
                assertArrayEquals(before.get(name), after.get(name + ".bak"), name + ".bak");
            }
        }
        assertTrue(backups.contains("thresholds.json") && backups.contains("label_sets.json"), backups.toString());
        assertFalse(after.containsKey("label_sets.json"), "the stale file is moved aside");
        for (String name : List.of("config.json", "model.safetensors", "tokenizer.json", "vocab.txt")) {
            assertArrayEquals(before.get(name), after.get(name), name);
            assertFalse(after.containsKey(name + ".bak"), name);
        }
        assertNotEquals(null, after.get("thresholds.json"));
        assertTrue(r.out().contains("wrote thresholds to " + copy + " (replaced files kept as *.bak: "), r.out());
    }
}
