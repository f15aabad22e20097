package org.multitag.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multitag.tokenizer.Encoding;
import org.multitag.tokenizer.Tokenizer;

class TokenizeCommandTest {

    @TempDir
    static Path dir;
    static Path tokenizerJson;

    record Result(int code, String out, String err) {}

    @BeforeAll
    static void extractTokenizer() throws IOException {
        tokenizerJson = dir.resolve("tokenizer.json");
        try (InputStream in = TokenizeCommandTest.class.getClassLoader()
                .getResourceAsStream("org/tribuo/interop/onnx/extractors/bert-base-cased-tokenizer.json")) {
            Files.copy(in, tokenizerJson);
        }
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Multitag.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void writesOneEncodingPerLineLikeTheLibrary() throws IOException {
        Path input = Files.writeString(dir.resolve("in.jsonl"),
                "{\"text\": \"Hello, naïve world!\"}\n\n{\"text\": \"Who?\", \"text_pair\": \"Me 😀.\"}\n");
        Path output = dir.resolve("out.jsonl");
        Result r = run("tokenize", "--tokenizer", tokenizerJson.toString(), "--input", input.toString(),
                "--output", output.toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = Files.readAllLines(output);
        assertEquals(2, lines.size());
        Tokenizer t = Tokenizer.load(tokenizerJson);
        Encoding expected = t.encode("Who?", "Me 😀.", true);
        JsonNode line = new ObjectMapper().readTree(lines.get(1));
        assertEquals(expected.length(), line.get("input_ids").size());
        for (int i = 0; i < expected.length(); i++) {
            assertEquals(expected.id(i), line.get("input_ids").get(i).asInt());
            assertEquals(expected.token(i), line.get("tokens").get(i).asText());
            assertEquals(expected.offsetStart(i), line.get("offsets").get(i).get(0).asInt());
            assertEquals(expected.offsetEnd(i), line.get("offsets").get(i).get(1).asInt());
            assertEquals(expected.typeIds()[i], line.get("token_type_ids").get(i).asInt());
            JsonNode w = line.get("word_ids").get(i);
            assertEquals(expected.wordId(i), w.isNull() ? Encoding.NONE : w.asInt());
        }
        assertTrue(line.get("word_ids").get(0).isNull());
    }

    @Test
    void truncationStrideAndPaddingFromTheCommandLine() throws IOException {
        Path input = Files.writeString(dir.resolve("long.jsonl"),
                "{\"text\": \"one two three four five six seven\"}\n{\"text\": \"one\"}\n");
        Result r = run("tokenize", "--tokenizer", tokenizerJson.toString(), "--input", input.toString(),
                "--max-length", "6", "--stride", "1", "--padding", "longest");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().split("\n");
        JsonNode first = new ObjectMapper().readTree(lines[0]);
        assertEquals(6, first.get("input_ids").size());
        // 4 content tokens per window, windows 3 apart: [one..four], then [four..seven].
        assertEquals(1, first.get("overflowing").size());
        assertEquals("[\"[CLS]\",\"four\",\"five\",\"six\",\"seven\",\"[SEP]\"]",
                first.get("overflowing").get(0).get("tokens").toString());
        JsonNode second = new ObjectMapper().readTree(lines[1]);
        assertEquals("[1,1,1,0,0,0]", second.get("attention_mask").toString());
    }

    @Test
    void badInputIsOneErrorLineWithExitCode2AndNoOutputFile() throws IOException {
        Path output = dir.resolve("never.jsonl");
        String[][] cases = {
            {"{\"text\": \"ok\"}\nnot json\n", "bad1.jsonl:2: not valid JSON"},
            {"{\"txt\": \"ok\"}\n", "bad2.jsonl:1: missing \"text\""},
            {"{\"text\": [1]}\n", "bad3.jsonl:1: \"text\" must be a string, got array"},
            {"[1, 2]\n", "bad4.jsonl:1: expected a JSON object"},
        };
        for (int i = 0; i < cases.length; i++) {
            Path input = Files.writeString(dir.resolve("bad" + (i + 1) + ".jsonl"), cases[i][0]);
            Result r = run("tokenize", "--tokenizer", tokenizerJson.toString(), "--input", input.toString(),
                    "--output", output.toString());
            assertEquals(2, r.code());
            assertTrue(r.err().startsWith("error: " + dir.resolve(cases[i][1].split(":")[0])), r.err());
            assertTrue(r.err().contains(cases[i][1].substring(cases[i][1].indexOf(':'))), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertFalse(Files.exists(output));
        }
        Result missing = run("tokenize", "--tokenizer", dir.resolve("nope.json").toString());
        assertEquals(2, missing.code());
        assertEquals("error: " + dir.resolve("nope.json") + ": no such file", missing.err().strip());
        Result badOption = run("tokenize", "--tokenizer", tokenizerJson.toString(), "--padding", "max_length");
        assertEquals(2, badOption.code());
        assertTrue(badOption.err().startsWith("error: --padding max_length needs --max-length"), badOption.err());
    }

    /** Bytes that are not UTF-8 are reported at their own line, from a file (plain or not) and from stdin. */
    @Test
    void notUtf8IsReportedAtItsLine() throws IOException {
        byte[] good = "{\"text\": \"ok\"}".getBytes(StandardCharsets.UTF_8);
        byte[] bad = "{\"text\": \"caf\u00e9\"}".getBytes(StandardCharsets.ISO_8859_1);
        for (int line = 1; line <= 3; line++) {
            ByteArrayOutputStream content = new ByteArrayOutputStream();
            for (int i = 1; i <= 3; i++) {
                content.writeBytes(i == line ? bad : good);
                if (i < 3) {
                    content.write('\n'); // the last line has no line end
                }
            }
            Path input = Files.write(dir.resolve("latin1-" + line + ".jsonl"), content.toByteArray());
            Result r = run("tokenize", "--tokenizer", tokenizerJson.toString(), "--input", input.toString());
            assertEquals(2, r.code());
            assertEquals("error: " + input + ":" + line + ": not valid UTF-8", r.err().strip());
            InputStream stdin = System.in;
            try {
                System.setIn(new ByteArrayInputStream(content.toByteArray()));
                Result piped = run("tokenize", "--tokenizer", tokenizerJson.toString());
                assertEquals(2, piped.code());
                assertEquals("error: <stdin>:" + line + ": not valid UTF-8", piped.err().strip());
            } finally {
                System.setIn(stdin);
            }
        }
    }

    /** predict's text and CoNLL-U inputs read their lines the same way. */
    @Test
    void rawLinesNameTheBadLine() throws IOException {
        byte[] content = "one\r\ntwo\r\n".getBytes(StandardCharsets.UTF_8);
        byte[] withBad = java.util.Arrays.copyOf(content, content.length + 4);
        System.arraycopy("caf\u00e9".getBytes(StandardCharsets.ISO_8859_1), 0, withBad, content.length, 4);
        Path file = Files.write(dir.resolve("lines.txt"), withBad);
        org.multitag.core.InputException e = org.junit.jupiter.api.Assertions.assertThrows(
                org.multitag.core.InputException.class, () -> JsonlInput.readLines(file, null));
        assertEquals(file + ":3: not valid UTF-8", e.getMessage());
        assertEquals(List.of("one", "two"), JsonlInput.readLines(null, new ByteArrayInputStream(content)));
    }

    @Test
    void everyCommandHasHelpAndTheToolHasAVersion() {
        for (String command : List.of("demo", "tokenize")) {
            Result r = run(command, "--help");
            assertEquals(0, r.code());
            assertTrue(r.out().contains("Usage: multitag " + command), r.out());
        }
        Result v = run("--version");
        assertEquals(0, v.code());
        assertTrue(v.out().startsWith("multitag "), v.out());
    }
}
