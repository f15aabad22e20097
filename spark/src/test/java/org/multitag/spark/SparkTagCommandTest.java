package org.multitag.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multitag.cli.Multitag;

/** {@code multitag spark-tag} on local[2] against {@code multitag predict} on the same rows. */
class SparkTagCommandTest {

    static final ObjectMapper JSON = new ObjectMapper();

    record Result(int code, String out, String err) {}

    @TempDir
    static Path dir;
    static Path model;
    static List<String> texts;

    @BeforeAll
    static void setUp() throws IOException {
        model = TestModels.tagger();
        texts = TestModels.sentences();
        TestModels.spark();
    }

    static Result sparkTag(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SparkTagCommand.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    static Result predict(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Multitag.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    /** The output folder's rows: part files in name order, each line a JSON object. */
    static List<JsonNode> readParts(Path folder) throws IOException {
        List<Path> parts;
        try (Stream<Path> s = Files.list(folder)) {
            parts = s.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList();
        }
        List<JsonNode> rows = new ArrayList<>();
        for (Path p : parts) {
            for (String line : Files.readAllLines(p)) {
                rows.add(JSON.readTree(line));
            }
        }
        return rows;
    }

    static String jsonl(String field, Object value) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.set(field, JSON.valueToTree(value));
        return JSON.writeValueAsString(o);
    }

    /**
     * JSONL in (texts, a word list, blank and malformed lines): one row out per non-blank line, in order; the good
     * rows' words equal predict's for the same lines (text, offsets, labels, scores in label order), the bad ones
     * carry predict's reason.
     */
    @Test
    void jsonlOutputEqualsPredict() throws IOException {
        List<String> lines = new ArrayList<>();
        for (String t : texts) {
            lines.add(jsonl("text", t));
        }
        lines.add(3, "");
        lines.add(7, "{\"text\": \"unclosed\"");
        lines.add(9, "{\"text\": 5}");
        lines.add(12, jsonl("tokens", List.of("Dr.", "Smith", "unaffably", "jumped", "")));
        lines.add(15, "{\"body\": \"no text\"}");
        lines.add(18, jsonl("text", "word ".repeat(600)));
        // line 18 (602 tokens) goes through windows, as predict tags it
        List<Integer> bad = List.of(3, 7, 9, 15);
        List<String> good = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (!bad.contains(i)) {
                good.add(lines.get(i));
            }
        }
        Path input = Files.write(dir.resolve("in.jsonl"), lines);
        Path goodInput = Files.write(dir.resolve("good.jsonl"), good);
        Path output = dir.resolve("out.jsonl");

        Result r = sparkTag("--input", input.toString(), "--output", output.toString(), "--model", model.toString(),
                "--master", "local[2]", "--partitions", "3");
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("multitag spark-tag: " + (lines.size() - 1) + " rows (3 with an error) -> "),
                r.err());
        assertFalse(r.err().contains(" INFO "), r.err());
        Result p = predict("predict", "--model", model.toString(), "--input", goodInput.toString());
        assertEquals(0, p.code(), p.err());
        List<String> expected = p.out().lines().toList();
        assertEquals(good.size(), expected.size());

        List<JsonNode> rows = readParts(output);
        assertEquals(lines.size() - 1, rows.size(), "one row per non-blank line");
        int k = 0;
        long previous = -1;
        for (JsonNode row : rows) {
            long id = row.get("row_id").asLong();
            assertTrue(id > previous, "input order");
            previous = id;
            String line = lines.get((int) id);
            JsonNode error = row.get("error");
            switch ((int) id) {
                case 7 -> assertTrue(error.asText().matches("not valid JSON at column \\d+: unexpected end of input "
                        + "\\(a truncated line\\?\\)"),
                        row.toString());
                case 9 -> assertEquals("\"text\" must be a string, got number", error.asText());
                case 15 -> assertEquals("expected \"text\" or \"tokens\"", error.asText());
                default -> {
                    assertEquals(null, error, row.toString());
                    assertEquals(good.get(k), line);
                    assertSameWords(JSON.readTree(expected.get(k)).get("words"), row.get("words"));
                    k++;
                }
            }
            if (error != null) {
                assertEquals(null, row.get("words"));
            }
        }
        assertEquals(good.size(), k);
    }

    /** Same words, offsets and labels; scores in label order with the same rounded values. */
    static void assertSameWords(JsonNode want, JsonNode got) {
        assertEquals(want.size(), got.size(), got.toString());
        for (int w = 0; w < want.size(); w++) {
            JsonNode a = want.get(w);
            JsonNode b = got.get(w);
            assertEquals(a.get("text"), b.get("text"));
            assertEquals(a.get("start"), b.get("start"));
            assertEquals(a.get("end"), b.get("end"));
            assertEquals(a.get("labels"), b.get("labels"), b.toString());
            Iterator<String> names = b.get("scores").fieldNames();
            for (Iterator<String> it = a.get("scores").fieldNames(); it.hasNext(); ) {
                String label = it.next();
                assertEquals(label, names.next(), "scores in label order");
                assertEquals(a.get("scores").get(label).decimalValue().stripTrailingZeros(),
                        b.get("scores").get(label).decimalValue().stripTrailingZeros(), b + " " + label);
            }
            assertFalse(names.hasNext());
        }
    }

    /** Plain text in (a row per line, blank lines too), Parquet out; an existing output needs --overwrite. */
    @Test
    void textToParquetAndOverwrite() throws IOException {
        Path input = Files.write(dir.resolve("in.txt"), texts);
        Path output = dir.resolve("out.parquet");
        Result r = sparkTag("--input", input.toString(), "--output", output.toString(), "--model", model.toString(),
                "--master", "local[2]");
        assertEquals(0, r.code(), r.err());
        List<Row> rows = TestModels.spark().read().parquet(output.toString()).orderBy("row_id").collectAsList();
        assertEquals(texts.size(), rows.size());
        assertEquals(List.of("row_id", "words", "error"), List.of(rows.get(0).schema().fieldNames()));
        Result p = predict("predict", "--model", model.toString(), "--input",
                Files.writeString(dir.resolve("one.jsonl"), jsonl("text", texts.get(1))).toString());
        JsonNode want = JSON.readTree(p.out()).get("words");
        List<Row> got = rows.get(1).getList(1);
        assertEquals(want.size(), got.size());
        for (int w = 0; w < got.size(); w++) {
            assertEquals(want.get(w).get("text"), new TextNode(got.get(w).getString(0)));
            List<String> labels = new ArrayList<>();
            want.get(w).get("labels").forEach(l -> labels.add(l.asText()));
            assertEquals(labels, got.get(w).getList(3));
        }
        int blank = texts.indexOf("");
        assertEquals(0, rows.get(blank).getList(1).size(), "a blank line is a row without words");

        Result again = sparkTag("--input", input.toString(), "--output", output.toString(), "--model",
                model.toString(), "--master", "local[2]");
        assertEquals(2, again.code());
        assertEquals("error: " + output + ": already exists (use --overwrite to replace it)", again.err().strip());
        Result replaced = sparkTag("--input", input.toString(), "--output", output.toString(), "--model",
                model.toString(), "--master", "local[2]", "--overwrite", "--format", "jsonl");
        assertEquals(0, replaced.code(), replaced.err());
        assertEquals(texts.size(), readParts(output).size());
        try (Stream<Path> s = Files.list(dir)) {
            assertTrue(s.noneMatch(f -> f.getFileName().toString().contains(".tmp-")), "no temporary folder left");
        }
    }

    /** Bad options and inputs: one error line, exit code 2, nothing written. */
    @Test
    void badArgumentsAreErrors() throws IOException {
        Path input = Files.writeString(dir.resolve("ok.jsonl"), "{\"text\": \"ok\"}\n");
        Path output = dir.resolve("never");
        String[][] cases = {
            {"--batch-size", "0", "error: --batch-size must be >= 1, not 0"},
            {"--threshold", "1.5", "error: --threshold must be in [0, 1], not 1.5"},
            {"--format", "csv", "error: unknown output format 'csv' (jsonl or parquet)"},
            {"--precision", "fp16", "error: --precision must be fp32, bf16 or auto, not \"fp16\""},
            {"--kernels", "cuda", "error: --kernels must be auto, java or nd4j, not \"cuda\""},
        };
        for (String[] c : cases) {
            Result r = sparkTag("--input", input.toString(), "--output", output.toString(), "--model",
                    model.toString(), "--master", "local[2]", c[0], c[1]);
            assertEquals(2, r.code(), r.err());
            assertEquals(c[2], r.err().strip());
        }
        Result noLabels = sparkTag("--input", input.toString(), "--output", output.toString(), "--model",
                TestModels.plain().toString(), "--master", "local[2]");
        assertEquals(2, noLabels.code());
        assertEquals("error: " + TestModels.plain() + ": the model has no token head (config.json has no id2label): "
                + "train one first ('multitag train', or FineTuner)", noLabels.err().strip());
        Result missing = sparkTag("--input", dir.resolve("absent.jsonl").toString(), "--output", output.toString(),
                "--model", model.toString(), "--master", "local[2]");
        assertEquals(2, missing.code());
        assertEquals("error: " + dir.resolve("absent.jsonl") + ": no such file", missing.err().strip());
        Result noModel = sparkTag("--input", input.toString(), "--output", output.toString());
        assertEquals(2, noModel.code());
        assertTrue(noModel.err().startsWith("error: Missing required option: '--model=NAME|DIR'"), noModel.err());
        assertFalse(Files.exists(output));
    }
}
