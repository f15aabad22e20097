package org.multitag.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multitag.core.InputException;
import org.multitag.core.LabelSet;
import org.multitag.tokenizer.labels.Span;

class ExampleReaderTest {

    // Sorted labels of words.jsonl: ADJ 0, DET 1, NOUN 2, Number=Plur 3, Number=Sing 4, VERB 5.
    static final LabelSet WORD_LABELS = LabelSet.of(List.of("ADJ", "DET", "NOUN", "Number=Plur", "Number=Sing",
            "VERB"));

    @TempDir
    Path tmp;

    static ExampleReader reader(LabelSet labels, ExampleReader.Options options) {
        return new ExampleReader(TestData.tokenizer(), labels, options);
    }

    // ---------------------------------------------------------------- form 1: words with label sets

    @Test
    void wordLabelsGoToTheFirstSubtoken() throws IOException {
        Path file = TestData.resource("words.jsonl");
        assertEquals(WORD_LABELS, ExampleReader.collectLabels(List.of(file), false));
        TrainingData data = reader(WORD_LABELS, ExampleReader.Options.DEFAULT).read(file);
        assertEquals(2, data.examples().size());
        assertEquals(5, data.wordCount());

        Example e = data.examples().get(0);
        assertEquals(file + ":1", e.source());
        // [CLS] the fox ##es jumps [SEP]
        assertArrayEquals(new int[] {2, 5, 6, 7, 28, 3}, e.inputIds());
        assertArrayEquals(new int[] {0, 0, 0, 0, 0, 0}, e.typeIds());
        assertArrayEquals(new int[] {0, 1, 1, 0, 1, 0}, e.lossMask());
        assertArrayEquals(new int[] {}, e.tokenLabels(0));
        assertArrayEquals(new int[] {1}, e.tokenLabels(1));
        assertArrayEquals(new int[] {2, 3}, e.tokenLabels(2));
        assertArrayEquals(new int[] {}, e.tokenLabels(3), "continuation sub-token has no target");
        assertArrayEquals(new int[] {5}, e.tokenLabels(4));
        assertArrayEquals(new int[] {-1, 0, 1, 1, 2, -1}, e.tokenWords());
        assertEquals(3, e.wordCount());
        assertEquals(1, e.firstToken(0));
        assertEquals(2, e.firstToken(1));
        assertEquals(4, e.firstToken(2));
        assertArrayEquals(new int[] {2, 3}, e.wordLabels(1));
        assertFalse(e.hasSpans());
        assertFalse(e.truncated());

        float[][] t = e.targets();
        assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0}, t[2]);
        float[] flat = new float[2 + e.length() * 6];
        flat[0] = 7f;
        e.writeTargets(flat, 2);
        assertEquals(7f, flat[0]);
        assertEquals(1f, flat[2 + 2 * 6 + 3]);
        assertEquals(4f, sum(flat) - 7f); // DET, NOUN, Number=Plur, VERB

        // line 3 (line 2 is blank): [CLS] un ##aff ##able cat [SEP]; a repeated label counts once
        Example e2 = data.examples().get(1);
        assertEquals(file + ":3", e2.source());
        assertArrayEquals(new int[] {2, 8, 9, 10, 17, 3}, e2.inputIds());
        assertArrayEquals(new int[] {0, 1, 0, 0, 1, 0}, e2.lossMask());
        assertArrayEquals(new int[] {0}, e2.tokenLabels(1));
        assertArrayEquals(new int[] {2, 4}, e2.tokenLabels(4));
        assertArrayEquals(new int[] {2, 4}, e2.wordLabels(1));
    }

    @Test
    void wordLabelsGoToAllSubtokensWhenAsked() throws IOException {
        TrainingData data = reader(WORD_LABELS, ExampleReader.Options.DEFAULT.withLabelAllSubtokens(true))
                .read(TestData.resource("words.jsonl"));
        Example e = data.examples().get(0);
        assertArrayEquals(new int[] {0, 1, 1, 1, 1, 0}, e.lossMask());
        assertArrayEquals(new int[] {2, 3}, e.tokenLabels(3));
        assertEquals(2, e.firstToken(1), "evaluation still reads the first sub-token");
        Example e2 = data.examples().get(1);
        assertArrayEquals(new int[] {0, 1, 1, 1, 1, 0}, e2.lossMask());
        for (int i = 1; i <= 3; i++) {
            assertArrayEquals(new int[] {0}, e2.tokenLabels(i));
        }
    }

    // ---------------------------------------------------------------- form 2: text with spans

    @Test
    void overlappingSpansGiveTokensAndWordsEveryCoveringLabel() throws IOException {
        Path file = TestData.resource("spans.jsonl");
        LabelSet labels = ExampleReader.collectLabels(List.of(file), false);
        assertEquals(List.of("ANIMAL", "CITY", "ORG"), labels.names());
        TrainingData data = reader(labels, ExampleReader.Options.DEFAULT).read(file);
        assertEquals(3, data.examples().size());

        // [CLS] new york - based fox [SEP]; CITY [0,8), ORG [0,14), ANIMAL [15,18)
        Example e = data.examples().get(0);
        assertTrue(e.hasSpans());
        assertEquals("New York-based fox", e.text());
        assertArrayEquals(new int[] {2, 11, 12, 13, 14, 6, 3}, e.inputIds());
        assertArrayEquals(new int[] {0, 1, 1, 1, 1, 1, 0}, e.lossMask());
        assertArrayEquals(new int[] {1, 2}, e.tokenLabels(1));
        assertArrayEquals(new int[] {1, 2}, e.tokenLabels(2));
        assertArrayEquals(new int[] {2}, e.tokenLabels(3));
        assertArrayEquals(new int[] {2}, e.tokenLabels(4));
        assertArrayEquals(new int[] {0}, e.tokenLabels(5));
        assertArrayEquals(new int[] {0, 0, 4, 8, 9, 15, 0}, e.offsetStarts());
        assertArrayEquals(new int[] {0, 3, 8, 9, 14, 18, 0}, e.offsetEnds());
        assertEquals(5, e.wordCount());
        assertArrayEquals(new int[] {1, 2}, e.wordLabels(0));
        assertArrayEquals(new int[] {2}, e.wordLabels(2));
        assertArrayEquals(new int[] {0}, e.wordLabels(4));
        assertEquals(9, e.wordStart(3));
        assertEquals(14, e.wordEnd(3));
        assertEquals(List.of(new Span(0, 8, "CITY"), new Span(0, 14, "ORG"), new Span(15, 18, "ANIMAL")),
                e.goldSpans());

        // [CLS] the fox ##es [SEP]: every sub-token of the span carries it; the duplicate span counts once
        Example e2 = data.examples().get(1);
        assertArrayEquals(new int[] {2, 5, 6, 7, 3}, e2.inputIds());
        assertArrayEquals(new int[] {0, 1, 1, 1, 0}, e2.lossMask());
        assertArrayEquals(new int[] {0}, e2.tokenLabels(2));
        assertArrayEquals(new int[] {0}, e2.tokenLabels(3));
        assertEquals(2, e2.wordCount());
        assertArrayEquals(new int[] {-1, 0, 1, 1, -1}, e2.tokenWords());
        assertEquals(4, e2.wordStart(1));
        assertEquals(9, e2.wordEnd(1));
        assertEquals(List.of(new Span(4, 9, "ANIMAL")), e2.goldSpans());

        Example e3 = data.examples().get(2);
        assertEquals(List.of(), e3.goldSpans());
        assertArrayEquals(new int[] {}, e3.wordLabels(1));
    }

    // ---------------------------------------------------------------- form 3: token ids with rows

    @Test
    void tokenRowsAreTakenAsGiven() throws IOException {
        LabelSet abc = LabelFile.read(TestData.resource("labels-abc.txt"));
        TrainingData data = reader(abc, ExampleReader.Options.DEFAULT).read(TestData.resource("tokens.jsonl"));
        Example e = data.examples().get(0);
        assertArrayEquals(new int[] {2, 5, 6, 7, 3}, e.inputIds());
        assertArrayEquals(new int[] {0, 1, 1, 0, 0}, e.lossMask());
        assertArrayEquals(new int[] {1}, e.tokenLabels(1));
        assertArrayEquals(new int[] {0, 2}, e.tokenLabels(2));
        assertArrayEquals(new int[] {0}, e.tokenLabels(3), "rows are kept even where the mask is 0");
        assertEquals(2, e.wordCount(), "the masked tokens are the words");
        assertEquals(1, e.firstToken(0));
        assertEquals(2, e.firstToken(1));
        assertArrayEquals(new int[] {0, 2}, e.wordLabels(1));

        Example e2 = data.examples().get(1);
        assertArrayEquals(new int[] {1, 1, 1}, e2.lossMask(), "no label_mask: every token");
        assertArrayEquals(new int[] {2}, e2.tokenLabels(1));
        assertEquals(3, e2.wordCount());

        InputException ex = assertThrows(InputException.class,
                () -> ExampleReader.collectLabels(List.of(TestData.resource("tokens.jsonl")), false));
        assertEquals(TestData.resource("tokens.jsonl") + ":1", ex.location());
        assertTrue(ex.getMessage().contains("labels file"), ex.getMessage());
    }

    // ---------------------------------------------------------------- CoNLL-U

    @Test
    void conlluWordsAreFormsWithUposAndFeatures() throws IOException {
        Path file = TestData.resource("sample.conllu");
        LabelSet labels = ExampleReader.collectLabels(List.of(file), false);
        assertEquals(List.of("Definite=Def", "Definite=Ind", "Mood=Imp", "Mood=Ind", "Number=Plur", "Number=Sing",
                "Polarity=Neg", "PronType=Art", "Tense=Past", "UPOS=AUX", "UPOS=CCONJ", "UPOS=DET", "UPOS=NOUN",
                "UPOS=PART", "UPOS=PUNCT", "UPOS=VERB", "VerbForm=Fin", "VerbForm=Inf"), labels.names());
        TrainingData data = reader(labels, ExampleReader.Options.DEFAULT).read(file);
        assertEquals(2, data.examples().size());
        assertEquals(6 + 11, data.wordCount(), "1-2 and 8.1 are not words");

        Example s1 = data.examples().get(0);
        assertEquals(file + ":1", s1.source());
        // Do n't feed the foxes . -> [CLS] do n ' t feed the fox ##es . [SEP]
        assertArrayEquals(new int[] {2, 18, 19, 20, 21, 22, 5, 6, 7, 15, 3}, s1.inputIds());
        assertArrayEquals(new int[] {0, 1, 1, 0, 0, 1, 1, 1, 0, 1, 0}, s1.lossMask());
        assertArrayEquals(new int[] {-1, 0, 1, 1, 1, 2, 3, 4, 4, 5, -1}, s1.tokenWords());
        assertArrayEquals(indices(labels, "Mood=Imp", "UPOS=AUX", "VerbForm=Fin"), s1.tokenLabels(1));
        assertArrayEquals(indices(labels, "Polarity=Neg", "UPOS=PART"), s1.tokenLabels(2));
        assertArrayEquals(indices(labels, "UPOS=PUNCT"), s1.wordLabels(5), "FEATS _ adds nothing");

        Example s2 = data.examples().get(1);
        assertEquals(file + ":11", s2.source());
        assertEquals(11, s2.wordCount());
        // the word after the empty node 8.1 is "a" (9), then "mat" (10)
        assertEquals(24, s2.inputIds()[s2.firstToken(8)]);
        assertEquals(26, s2.inputIds()[s2.firstToken(9)]);
        assertArrayEquals(indices(labels, "Number=Sing", "UPOS=NOUN"), s2.wordLabels(9));
    }

    @Test
    void formatIsDetectedFromTheContentWhenTheNameSaysNothing() throws IOException {
        Path conllu = Files.copy(TestData.resource("sample.conllu"), tmp.resolve("sample.txt"));
        Path jsonl = Files.copy(TestData.resource("words.jsonl"), tmp.resolve("words.data"));
        Path noComment = TestData.write(tmp, "plain.dat",
                "\n1\tfox\tfox\tNOUN\tNN\tNumber=Sing\t0\troot\t0:root\t_\n");
        assertEquals(DataFormat.CONLLU, DataFormat.of(conllu));
        assertEquals(DataFormat.JSONL, DataFormat.of(jsonl));
        assertEquals(DataFormat.CONLLU, DataFormat.of(noComment));
        assertEquals(DataFormat.JSONL, DataFormat.of(TestData.resource("spans.jsonl")));
        assertEquals(2, reader(ExampleReader.collectLabels(List.of(conllu), false), ExampleReader.Options.DEFAULT)
                .read(conllu).examples().size());
        Path other = TestData.write(tmp, "notes.txt", "hello\n");
        assertError(other.toString(), "cannot tell the data format (expected JSON lines or CoNLL-U); name the file "
                + ".jsonl or .conllu", () -> DataFormat.of(other));
        assertError(tmp.resolve("missing.jsonl").toString(), "no such file",
                () -> reader(WORD_LABELS, ExampleReader.Options.DEFAULT).read(tmp.resolve("missing.jsonl")));
    }

    // ---------------------------------------------------------------- length

    @Test
    void tooLongIsAnErrorWithTheTokenCountUnlessTruncating() throws IOException {
        Path file = TestData.resource("words.jsonl");
        // line 1 has 6 tokens: [CLS] the fox ##es jumps [SEP]
        assertError(file + ":1", "6 tokens (special tokens included), more than the maximum length of 5; shorten "
                + "it, raise the maximum length or truncate",
                () -> reader(WORD_LABELS, ExampleReader.Options.DEFAULT.withMaxLength(5, false)).read(file));

        TrainingData data = reader(WORD_LABELS, ExampleReader.Options.DEFAULT.withMaxLength(4, true)).read(file);
        Example e = data.examples().get(0);
        assertTrue(e.truncated());
        assertEquals(2, data.truncatedCount());
        // [CLS] the fox [SEP]: "foxes" keeps its first sub-token, "jumps" is cut off
        assertArrayEquals(new int[] {2, 5, 6, 3}, e.inputIds());
        assertArrayEquals(new int[] {0, 1, 1, 0}, e.lossMask());
        assertEquals(3, e.wordCount(), "a cut-off word still counts in evaluation");
        assertEquals(-1, e.firstToken(2));
        assertNull(e.wordProbabilities(new float[4][6])[2]);

        Path spans = TestData.resource("spans.jsonl");
        LabelSet spanLabels = LabelSet.of(List.of("ANIMAL", "CITY", "ORG"));
        Example t = reader(spanLabels, ExampleReader.Options.DEFAULT.withMaxLength(4, true)).read(spans)
                .examples().get(0);
        assertArrayEquals(new int[] {2, 11, 12, 3}, t.inputIds());
        assertEquals(5, t.wordCount());
        assertEquals(-1, t.firstToken(4));
        assertArrayEquals(new int[] {0}, t.wordLabels(4));

        LabelSet abc = LabelSet.of(List.of("A", "B", "C"));
        Path tokens = TestData.resource("tokens.jsonl");
        assertError(tokens + ":1", "5 tokens (special tokens included), more than the maximum length of 4; shorten "
                + "it, raise the maximum length or truncate",
                () -> reader(abc, ExampleReader.Options.DEFAULT.withMaxLength(4, false)).read(tokens));
        Example cut = reader(abc, ExampleReader.Options.DEFAULT.withMaxLength(3, true)).read(tokens).examples().get(0);
        assertArrayEquals(new int[] {2, 5, 6}, cut.inputIds());
        assertEquals(2, cut.wordCount());
    }

    // ---------------------------------------------------------------- errors

    @Test
    void jsonSyntaxErrorsNameFileLineAndColumnInOurWords() throws IOException {
        LabelSet abc = LabelSet.of(List.of("A", "B", "C"));
        String[][] cases = {
            {"not json", "1: not valid JSON: unrecognized token 'not' (text must be in double quotes)"},
            {"{\"tokens\": [\"a\"], \"labels\": [[\"A\"]", "35: not valid JSON: unexpected end of input (a "
                + "truncated line?)"},
            {"{\"tokens\": [\"a\"], \"tokens\": [\"a\"], \"labels\": [[]]}", "27: not valid JSON: duplicate field "
                + "\"tokens\""},
            {"{\"tokens\": [\"a\"], \"labels\": [[]]} {}", "35: not valid JSON: more after the JSON value (two "
                + "values on one line?)"},
            {"{\"tokens\": [\"a\"] \"labels\": [[]]}", "18: not valid JSON: unexpected '\"': expected ',' or '}'"},
        };
        Path file = tmp.resolve("case.jsonl");
        for (String[] c : cases) {
            InputException e = badLine3(abc, c[0]);
            String column = c[1].substring(0, c[1].indexOf(':'));
            assertEquals(file + ":3:" + column, e.location(), c[0]);
            assertEquals(file + ":3:" + c[1], e.getMessage());
            assertFalse(e.getMessage().contains("Source") || e.getMessage().contains("`"), e.getMessage());
        }
    }

    @Test
    void anEmptyFileIsOneErrorNamingIt() throws IOException {
        LabelSet abc = LabelSet.of(List.of("A", "B", "C"));
        for (String[] c : new String[][] {{"empty.jsonl", ""}, {"blank.jsonl", "\n  \n\t\n"},
                {"empty.conllu", ""}, {"blank.conllu", "\n\n"}, {"empty.txt", ""}, {"blank.data", " \n\n"}}) {
            Path file = TestData.write(tmp, c[0], c[1]);
            assertError(file.toString(), "no input: empty, or only blank lines",
                    () -> reader(abc, ExampleReader.Options.DEFAULT).read(file));
            assertError(file.toString(), "no input: empty, or only blank lines",
                    () -> reader(abc, ExampleReader.Options.DEFAULT.withSkipBad(true)).read(file));
            assertError(file.toString(), "no input: empty, or only blank lines",
                    () -> ExampleReader.collectLabels(List.of(file), false));
        }
    }

    @Test
    void evaluationDataKeepsASpanWithAnUnknownLabelAsAMiss() throws IOException {
        LabelSet abc = LabelSet.of(List.of("A", "B", "C"));
        Path file = TestData.write(tmp, "unknown-span.jsonl", "{\"text\": \"a big fox\", \"spans\": [{\"start\": 0, "
                + "\"end\": 1, \"label\": \"A\"}, {\"start\": 2, \"end\": 9, \"label\": \"ANIMAL\"}]}\n");
        // training data: an error naming the label and the line
        assertError(file + ":1", "unknown label \"ANIMAL\" (span [2, 9)); it is not one of the 3 labels of the "
                + "label set", () -> reader(abc, ExampleReader.Options.DEFAULT).read(file));
        // evaluation data: the words it covers have it as an unknown gold label, and the span stays a gold span
        Example e = reader(abc, ExampleReader.Options.DEFAULT.withKeepUnknownLabels(true)).read(file).examples()
                .get(0);
        assertEquals(3, e.wordCount());
        assertArrayEquals(new int[] {0}, e.wordLabels(0));
        assertEquals(List.of(), e.unknownWordLabels(0));
        assertEquals(List.of("ANIMAL"), e.unknownWordLabels(1));
        assertEquals(List.of("ANIMAL"), e.unknownWordLabels(2));
        assertArrayEquals(new int[0], e.wordLabels(2));
        assertEquals(2, e.unknownLabelCount());
        assertEquals(List.of(new Span(0, 1, "A"), new Span(2, 9, "ANIMAL")), e.goldSpans());
    }

    @Test
    void badJsonLinesNameFileLineAndReason() throws IOException {
        LabelSet abc = LabelSet.of(List.of("A", "B", "C"));
        String[][] cases = {
            {"[1, 2]", "expected a JSON object"},
            {"{\"foo\": 1}", "expected one of \"tokens\" (with \"labels\"), \"text\" (with \"spans\") or "
                + "\"input_ids\" (with \"labels\")"},
            {"{\"tokens\": [\"a\"], \"text\": \"a\"}", "has \"tokens\" and \"text\"; a line has exactly one of "
                + "\"tokens\", \"text\" and \"input_ids\""},
            {"{\"tokens\": [\"a\"]}", "missing \"labels\""},
            {"{\"tokens\": [], \"labels\": []}", "\"tokens\" is empty"},
            {"{\"tokens\": \"a\", \"labels\": []}", "\"tokens\" must be a list, got string"},
            {"{\"tokens\": [\"a\"], \"labels\": [[\"A\"], [\"B\"]]}", "\"labels\" has 2 entries but \"tokens\" has 1"},
            {"{\"tokens\": [\"a\"], \"labels\": [\"A\"]}", "\"labels\"[0] must be a list of label names, got string"},
            {"{\"tokens\": [1], \"labels\": [[\"A\"]]}", "\"tokens\"[0] must be a string, got number"},
            {"{\"tokens\": [\"a\"], \"labels\": [[1]]}", "\"labels\"[0][0] must be a label name (a string), got "
                + "number"},
            {"{\"tokens\": [\"a\"], \"labels\": [[\"\"]]}", "\"labels\"[0][0] is an empty label name"},
            {"{\"tokens\": [\"a\"], \"labels\": [[\" A\"]]}", "\"labels\"[0][0] label name \" A\" has line breaks or "
                + "surrounding whitespace"},
            {"{\"tokens\": [\"a\", \"fox\"], \"labels\": [[\"A\"], [\"D\"]]}", "unknown label \"D\" (word 2 \"fox\"); "
                + "it is not one of the 3 labels of the label set"},
            {"{\"tokens\": [\"a\", \" \"], \"labels\": [[\"A\"], []]}", "word 2 \" \" gives no token (nothing is "
                + "left of it after normalization)"},
            {"{\"text\": 3, \"spans\": []}", "\"text\" must be a string, got number"},
            {"{\"text\": \"a fox\"}", "missing \"spans\""},
            {"{\"text\": \"a fox\", \"spans\": [{\"start\": 2, \"end\": 9, \"label\": \"A\"}]}", "\"spans\"[0] [2, 9) "
                + "is not a non-empty range of the text (length 5, UTF-16 code units)"},
            {"{\"text\": \"a fox\", \"spans\": [{\"start\": 2, \"end\": 2, \"label\": \"A\"}]}", "\"spans\"[0] [2, 2) "
                + "is not a non-empty range of the text (length 5, UTF-16 code units)"},
            {"{\"text\": \"a fox\", \"spans\": [{\"start\": 2, \"end\": 5}]}", "\"spans\"[0] has no \"label\""},
            {"{\"text\": \"a fox\", \"spans\": [{\"start\": \"2\", \"end\": 5, \"label\": \"A\"}]}",
                "\"spans\"[0].start must be an integer, got string"},
            {"{\"text\": \"a fox\", \"spans\": [{\"start\": 0, \"end\": 1.5, \"label\": \"A\"}]}",
                "\"spans\"[0].end must be an integer, got 1.5"},
            {"{\"text\": \"a fox\", \"spans\": [[0, 1, \"A\"]]}", "\"spans\"[0] must be an object {\"start\", \"end\", "
                + "\"label\"}, got array"},
            {"{\"text\": \"a \\uD83E\\uDD8A\", \"spans\": [{\"start\": 2, \"end\": 3, \"label\": \"A\"}]}",
                "\"spans\"[0] [2, 3) cuts a character in two (offsets are UTF-16 code units, not code points)"},
            {"{\"text\": \"a fox\", \"spans\": [{\"start\": 2, \"end\": 5, \"label\": \"FOX\"}]}", "unknown label \"FOX\" "
                + "(span [2, 5)); it is not one of the 3 labels of the label set"},
            {"{\"text\": \" \", \"spans\": []}", "the text gives no token"},
            {"{\"input_ids\": [2, 3], \"labels\": [[0, 0, 0], [0, 0]]}", "\"labels\"[1] has 2 values but "
                + "\"labels\"[0] has 3"},
            {"{\"input_ids\": [2, 3], \"labels\": [[0, 0], [0, 0]]}", "\"labels\" rows have 2 values but the label "
                + "set has 3 labels"},
            {"{\"input_ids\": [2, 3], \"labels\": [[0, 0, 0]]}", "\"labels\" has 1 entries but \"input_ids\" has 2"},
            {"{\"input_ids\": [2, 3], \"labels\": [[0, 0, 0], [0, 2, 0]]}", "\"labels\"[1][1] must be 0 or 1, got 2"},
            {"{\"input_ids\": [2, 3], \"labels\": [[0, 0, 0], [0, 0, 0]], \"label_mask\": [1]}", "\"label_mask\" has 1 "
                + "entries but \"input_ids\" has 2"},
            {"{\"input_ids\": [2, 3], \"labels\": [[0, 0, 0], [0, 0, 0]], \"label_mask\": [1, true]}",
                "\"label_mask\"[1] must be 0 or 1, got boolean"},
            {"{\"input_ids\": [2, 3], \"token_type_ids\": [0], \"labels\": [[0, 0, 0], [0, 0, 0]]}",
                "\"token_type_ids\" has 1 entries but \"input_ids\" has 2"},
            {"{\"input_ids\": [2, 99], \"labels\": [[0, 0, 0], [0, 0, 0]]}", "\"input_ids\"[1] = 99 is not a token id "
                + "of the tokenizer"},
            {"{\"input_ids\": [2, -1], \"labels\": [[0, 0, 0], [0, 0, 0]]}", "\"input_ids\"[1] is negative"},
            {"{\"input_ids\": [], \"labels\": []}", "\"input_ids\" is empty"},
        };
        Path file = tmp.resolve("case.jsonl");
        for (String[] c : cases) {
            InputException e = badLine3(abc, c[0]);
            assertEquals(file + ":3", e.location(), c[0]);
            assertTrue(e.getMessage().startsWith(file + ":3: " + c[1]), c[0] + " -> " + e.getMessage());
            if (!c[1].endsWith(": ")) {
                assertEquals(file + ":3: " + c[1], e.getMessage());
            }
        }
    }

    @Test
    void invalidUtf8NamesItsLine() throws IOException {
        Path file = tmp.resolve("latin1.jsonl");
        byte[] good = "{\"tokens\": [\"a\"], \"labels\": [[\"A\"]]}\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] bad = "{\"tokens\": [\"caf\u00e9\"], \"labels\": [[\"A\"]]}\n"
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(good);
        out.write(bad);
        out.write(good);
        Files.write(file, out.toByteArray());
        LabelSet a = LabelSet.of(List.of("A"));
        assertError(file + ":2", "not valid UTF-8", () -> reader(a, ExampleReader.Options.DEFAULT).read(file));
        TrainingData data = reader(a, ExampleReader.Options.DEFAULT.withSkipBad(true)).read(file);
        assertEquals(2, data.examples().size());
        assertEquals(List.of(new SkippedLine(file + ":2", "not valid UTF-8")), data.skipped());
        assertEquals(file + ":3", data.examples().get(1).source());
    }

    @Test
    void badConlluLinesNameTheWordLine() throws IOException {
        LabelSet labels = ExampleReader.collectLabels(List.of(TestData.resource("sample.conllu")), false);
        String good = "# sent_id = a\n1\tThe\tthe\tDET\tDT\t_\t2\tdet\t2:det\t_\n";
        String[][] cases = {
            {"2\tfox\tfox\tNOUN\tNN\tNumber=Sing\t0\troot", "expected 10 tab-separated columns (a CoNLL-U word line), "
                + "got 8"},
            {"x\tfox\tfox\tNOUN\tNN\t_\t0\troot\t0:root\t_", "bad word ID \"x\" (expected N, N-M or N.M)"},
            {"3\tfox\tfox\tNOUN\tNN\t_\t0\troot\t0:root\t_", "word ID 3 where 2 was expected"},
            {"2\t\tfox\tNOUN\tNN\t_\t0\troot\t0:root\t_", "empty FORM"},
            {"2\tfox\tfox\tNOUN\tNN\tNumber\t0\troot\t0:root\t_", "bad feature \"Number\" in FEATS \"Number\" "
                + "(expected Name=Value pairs separated by |)"},
            {"2\tfox\tfox\tNOUN\tNN\tNumber=Sing|\t0\troot\t0:root\t_", "bad feature \"\" in FEATS \"Number=Sing|\" "
                + "(expected Name=Value pairs separated by |)"},
            {"2\tfox\tfox\tNOUN\tNN\t\t0\troot\t0:root\t_", "empty FEATS (write _ for none)"},
            {"2\tfox\tfox\t\tNN\t_\t0\troot\t0:root\t_", "empty UPOS (write _ for none)"},
            {"2\tfox\tfox\tNOUN \tNN\t_\t0\troot\t0:root\t_", "bad UPOS \"NOUN \" (it has whitespace)"},
            {"2\tfox\tfox\tX\tNN\t_\t0\troot\t0:root\t_", "unknown label \"UPOS=X\" (word 2 \"fox\"); it is not one "
                + "of the 18 labels of the label set"},
            {"2\tfox\tfox\tNOUN\tNN\tCase=Nom\t0\troot\t0:root\t_", "unknown label \"Case=Nom\" (word 2 \"fox\"); it "
                + "is not one of the 18 labels of the label set"},
        };
        for (String[] c : cases) {
            // lines: 1 comment, 2 word 1, 3 the bad word line, 4 a good word after it, 5 blank
            Path file = TestData.write(tmp, "case.conllu", good + c[0] + "\n"
                    + "3\t.\t.\tPUNCT\t.\t_\t2\tpunct\t2:punct\t_\n\n");
            InputException e = assertThrows(InputException.class,
                    () -> reader(labels, ExampleReader.Options.DEFAULT).read(file), c[0]);
            assertEquals(file + ":3: " + c[1], e.getMessage(), c[0]);
        }
    }

    @Test
    void skipBadCountsAndReportsSkippedLines() throws IOException {
        Path file = TestData.resource("bad-lines.jsonl");
        LabelSet labels = LabelSet.of(List.of("DET", "NOUN"));
        assertError(file + ":2", "\"labels\" has 1 entries but \"tokens\" has 2",
                () -> reader(labels, ExampleReader.Options.DEFAULT).read(file));

        TrainingData data = reader(labels, ExampleReader.Options.DEFAULT.withSkipBad(true)).read(file);
        assertEquals(2, data.examples().size());
        assertEquals(List.of(file + ":1", file + ":4"), data.examples().stream().map(Example::source).toList());
        assertEquals(3, data.skipped().size());
        assertEquals(new SkippedLine(file + ":2", "\"labels\" has 1 entries but \"tokens\" has 2"),
                data.skipped().get(0));
        assertEquals(file + ":3:1", data.skipped().get(1).location());
        assertTrue(data.skipped().get(1).reason().startsWith("not valid JSON: "));
        assertEquals(new SkippedLine(file + ":5", "unknown label \"PRON\" (word 2 \"dog\"); it is not one of the 2 "
                + "labels of the label set"), data.skipped().get(2));
        assertEquals(file + ":5: unknown label \"PRON\" (word 2 \"dog\"); it is not one of the 2 labels of the label "
                + "set", data.skipped().get(2).toString());
        assertEquals("2 examples, 4 words, 8 tokens, 2 labels, 3 bad lines skipped", data.summary());

        // collecting labels skips the unparsable lines too; the unknown label of line 5 is just collected
        assertEquals(List.of("DET", "NOUN", "PRON"), ExampleReader.collectLabels(List.of(file), true).names());
        assertError(file + ":2", "\"labels\" has 1 entries but \"tokens\" has 2",
                () -> ExampleReader.collectLabels(List.of(file), false));

        // a file where every line is bad has no examples
        Path allBad = TestData.write(tmp, "all-bad.jsonl", "nope\n");
        assertError(allBad.toString(), "no examples (1 bad lines skipped, the first: " + allBad
                + ":1:1: not valid JSON: unrecognized token 'nope' (text must be in double quotes))",
                () -> reader(labels, ExampleReader.Options.DEFAULT.withSkipBad(true)).read(allBad));
    }

    @Test
    void skipBadDropsTheWholeConlluSentence() throws IOException {
        LabelSet labels = ExampleReader.collectLabels(List.of(TestData.resource("sample.conllu")), false);
        Path file = TestData.write(tmp, "bad.conllu", ""
                + "# sent_id = 1\n"                                           // 1
                + "1\tThe\tthe\tDET\tDT\t_\t2\tdet\t2:det\t_\n"                // 2
                + "2\tfox\tfox\tNOUN\tNN\tNumber=Sing\t0\troot\n"              // 3: 8 columns
                + "3\t.\t.\tPUNCT\t.\t_\t2\tpunct\t2:punct\t_\n"              // 4
                + "\n"                                                        // 5
                + "1\tThe\tthe\tDET\tDT\t_\t2\tdet\t2:det\t_\n"                // 6
                + "2\tdog\tdog\tNOUN\tNN\tNumber=Sing\t0\troot\t0:root\t_\n"   // 7
                + "\n"                                                        // 8
                + "# sent_id = 3\n"                                           // 9
                + "1\tfox\tfox\tNOUN\tNN\tCase=Nom\t0\troot\t0:root\t_\n"      // 10: unknown label
                + "2\tdog\tdog\tNOUN\tNN\tNumber=Sing\t0\troot\t0:root\t_\n"); // 11, then end of file
        TrainingData data = reader(labels, ExampleReader.Options.DEFAULT.withSkipBad(true)).read(file);
        assertEquals(1, data.examples().size());
        assertEquals(file + ":6", data.examples().get(0).source());
        assertEquals(List.of(
                new SkippedLine(file + ":3", "expected 10 tab-separated columns (a CoNLL-U word line), got 8"),
                new SkippedLine(file + ":10", "unknown label \"Case=Nom\" (word 1 \"fox\"); it is not one of the 18 "
                        + "labels of the label set")), data.skipped());
    }

    @Test
    void labelsCollectedFromSeveralFilesAreSortedAndDistinct() throws IOException {
        LabelSet all = ExampleReader.collectLabels(List.of(TestData.resource("words.jsonl"),
                TestData.resource("spans.jsonl")), false);
        assertEquals(List.of("ADJ", "ANIMAL", "CITY", "DET", "NOUN", "Number=Plur", "Number=Sing", "ORG", "VERB"),
                all.names());
        Path none = TestData.write(tmp, "none.jsonl", "{\"text\": \"a fox\", \"spans\": []}\n");
        assertError(none.toString(), "no labels in the data", () -> ExampleReader.collectLabels(List.of(none), false));
        TrainingData both = reader(all, ExampleReader.Options.DEFAULT).read(List.of(TestData.resource("words.jsonl"),
                TestData.resource("spans.jsonl")));
        assertEquals(5, both.examples().size());
    }

    /** The error reading {@code case.jsonl} whose line 3 is {@code line}, after a good line and a blank one. */
    private InputException badLine3(LabelSet labels, String line) throws IOException {
        Path file = TestData.write(tmp, "case.jsonl", "{\"tokens\": [\"a\"], \"labels\": [[\"A\"]]}\n\n" + line
                + "\n");
        return assertThrows(InputException.class, () -> reader(labels, ExampleReader.Options.DEFAULT).read(file),
                line);
    }

    static void assertError(String location, String message, org.junit.jupiter.api.function.Executable run) {
        InputException e = assertThrows(InputException.class, run);
        assertEquals(location, e.location());
        assertEquals(location + ": " + message, e.getMessage());
    }

    static int[] indices(LabelSet labels, String... names) {
        int[] out = new int[names.length];
        for (int i = 0; i < names.length; i++) {
            out[i] = labels.indexOf(names[i]);
            assertTrue(out[i] >= 0, names[i]);
        }
        java.util.Arrays.sort(out);
        return out;
    }

    static float sum(float[] a) {
        float s = 0;
        for (float v : a) {
            s += v;
        }
        return s;
    }
}
