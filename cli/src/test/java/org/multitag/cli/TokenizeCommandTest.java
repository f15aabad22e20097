package org.multitag.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
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
import org.multitag.weights.NamedModels;

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
            JsonNode seq = line.get("sequence_ids").get(i);
            assertEquals(expected.sequenceIds()[i], seq.isNull() ? Encoding.NONE : seq.asInt());
        }
        assertTrue(line.get("word_ids").get(0).isNull());
    }

    /** HF's {@code Encoding.sequence_ids} (DJL returns -1 for None) as tokenize writes them (null for None). */
    static void assertSequenceIds(long[] hf, JsonNode ours, String where) {
        assertEquals(hf.length, ours.size(), where);
        for (int i = 0; i < hf.length; i++) {
            JsonNode v = ours.get(i);
            assertEquals(hf[i], v.isNull() ? -1 : v.asLong(), where + " token " + i);
            assertTrue(v.isNull() == (hf[i] == -1), where);
        }
    }

    /** The longest HF encoding of the lines, special tokens included. */
    static int longest(String[][] inputs) throws IOException {
        int longest = 0;
        try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.builder().optTokenizerPath(tokenizerJson)
                .optPadding(false).optTruncation(false).build()) {
            for (String[] in : inputs) {
                longest = Math.max(longest, (in[1] == null ? hf.encode(in[0]) : hf.encode(in[0], in[1]))
                        .getIds().length);
            }
        }
        return longest;
    }

    /**
     * {@code sequence_ids} against Hugging Face tokenizers (through DJL): singles and pairs, with and without special
     * tokens, padded to the longest line, truncated with overflowing windows.
     */
    @Test
    void sequenceIdsAreHuggingFaces() throws IOException {
        String[][] inputs = {{"Hello, naïve world!", null}, {"Who?", "Me 😀."}, {"", "only the pair"},
            {"one two three four five six seven", "eight nine ten eleven"}};
        StringBuilder jsonl = new StringBuilder();
        ObjectMapper json = new ObjectMapper();
        for (String[] in : inputs) {
            var o = json.createObjectNode().put("text", in[0]);
            if (in[1] != null) {
                o.put("text_pair", in[1]);
            }
            jsonl.append(json.writeValueAsString(o)).append('\n');
        }
        Path input = Files.writeString(dir.resolve("pairs.jsonl"), jsonl.toString());
        String[][] settings = {{}, {"--no-special-tokens"}, {"--padding", "longest"},
            {"--max-length", "9", "--stride", "2"}};
        for (String[] setting : settings) {
            List<String> args = new java.util.ArrayList<>(List.of("tokenize", "--tokenizer", tokenizerJson.toString(),
                    "--input", input.toString()));
            args.addAll(List.of(setting));
            Result r = run(args.toArray(new String[0]));
            assertEquals(0, r.code(), r.err());
            String[] lines = r.out().split("\n");
            assertEquals(inputs.length, lines.length);
            List<String> options = List.of(setting);
            HuggingFaceTokenizer.Builder b = HuggingFaceTokenizer.builder().optTokenizerPath(tokenizerJson)
                    .optWithOverflowingTokens(true).optPadding(false).optTruncation(false);
            if (options.contains("--max-length")) {
                b.optTruncation(true).optMaxLength(9).optStride(2);
            }
            if (options.contains("--padding")) {
                // tokenize pads every line to the longest line: HF's max_length padding to that length.
                b.optPadToMaxLength().optMaxLength(longest(inputs));
            }
            boolean special = !options.contains("--no-special-tokens");
            try (HuggingFaceTokenizer hf = b.build()) {
                ai.djl.huggingface.tokenizers.Encoding[] ref = new ai.djl.huggingface.tokenizers.Encoding[inputs.length];
                for (int i = 0; i < inputs.length; i++) {
                    ref[i] = inputs[i][1] == null ? hf.encode(inputs[i][0], special, true)
                            : hf.encode(inputs[i][0], inputs[i][1], special, true);
                }
                for (int i = 0; i < inputs.length; i++) {
                    String where = String.join(" ", setting) + " line " + (i + 1);
                    JsonNode line = json.readTree(lines[i]);
                    assertSequenceIds(ref[i].getSequenceIds(), line.get("sequence_ids"), where);
                    var overflow = ref[i].getOverflowing();
                    int n = overflow == null ? 0 : overflow.length;
                    assertEquals(n, line.path("overflowing").size(), where);
                    for (int k = 0; k < n; k++) {
                        assertSequenceIds(overflow[k].getSequenceIds(), line.get("overflowing").get(k)
                                .get("sequence_ids"), where + " overflowing " + k);
                    }
                }
            }
        }
        // A pair with special tokens ([CLS] Who ? [SEP] Me [UNK] . [SEP]): None, its text 0, [SEP] None, the pair 1,
        // [SEP] None.
        String[] plain = run("tokenize", "--tokenizer", tokenizerJson.toString(), "--input", input.toString()).out()
                .split("\n");
        JsonNode pair = json.readTree(plain[1]);
        assertEquals("[null,0,0,null,1,1,1,null]", pair.get("sequence_ids").toString(), pair.toString());
        // Left padding (DJL cannot ask for it): HF's Encoding.pad shifts the sequence ranges past the pads, which
        // are None, so the ids are the unpadded ones after the right number of nulls.
        String[] left = run("tokenize", "--tokenizer", tokenizerJson.toString(), "--input", input.toString(),
                "--padding", "longest", "--padding-side", "left").out().split("\n");
        int longest = longest(inputs);
        for (int i = 0; i < inputs.length; i++) {
            JsonNode unpadded = json.readTree(plain[i]).get("sequence_ids");
            JsonNode padded = json.readTree(left[i]).get("sequence_ids");
            assertEquals(longest, padded.size());
            int pads = longest - unpadded.size();
            for (int k = 0; k < longest; k++) {
                assertEquals(k < pads ? "null" : unpadded.get(k - pads).toString(), padded.get(k).toString(),
                        "left-padded line " + (i + 1));
            }
        }
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
            {"{\"text\": \"ok\"}\nnot json\n", "bad1.jsonl:2:1: not valid JSON: unrecognized token 'not' (text must "
                + "be in double quotes); for plain text lines give --input-format text"},
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
        assertEquals("error: " + dir.resolve("nope.json") + ": no such file, and not a model name (known: minilm-l6, "
                + "bert-base-uncased, bert-base-cased, bert-base-multilingual-cased)", missing.err().strip());
        Result badOption = run("tokenize", "--tokenizer", tokenizerJson.toString(), "--padding", "max_length");
        assertEquals(2, badOption.code());
        assertTrue(badOption.err().startsWith("error: --padding max_length needs --max-length"), badOption.err());
    }

    /**
     * {@code --tokenizer} takes a model name as {@code --model} does (imported on first use; the tests' MULTITAG_HOME
     * is under target/): minilm-l6's tokenizer, as the README's example runs it.
     */
    @Test
    void aModelNameNamesItsTokenizer() throws IOException {
        InputStream stdin = System.in;
        Result r;
        try {
            System.setIn(new ByteArrayInputStream("{\"text\": \"Hello!\"}\n".getBytes(StandardCharsets.UTF_8)));
            r = run("tokenize", "--tokenizer", "minilm-l6");
        } finally {
            System.setIn(stdin);
        }
        assertEquals(0, r.code(), r.err());
        JsonNode line = new ObjectMapper().readTree(r.out());
        assertEquals("[\"[CLS]\",\"hello\",\"!\",\"[SEP]\"]", line.get("tokens").toString());
        assertEquals("[101,7592,999,102]", line.get("input_ids").toString());
        assertEquals("[null,0,0,null]", line.get("sequence_ids").toString());
        // (the folder's tokenizer.json pads to 128; tokenize ignores its settings)
        Encoding expected = Tokenizer.load(NamedModels.fromEnvironment().resolve("minilm-l6")).withPadding(null)
                .encode("Hello!");
        assertEquals(java.util.Arrays.toString(expected.ids()), line.get("input_ids").toString().replace(",", ", "));
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
