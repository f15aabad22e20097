package org.multitag.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.multitag.core.InputException;
import org.multitag.core.LabelSet;
import org.multitag.tokenizer.labels.LabelAlignment;
import org.multitag.tokenizer.labels.Span;
import org.multitag.tokenizer.labels.TokenLabels;
import org.multitag.tokenizer.labels.WordPrediction;

class LabelAlignmentTest {

    static Tokenizer tokenizer;

    @BeforeAll
    static void load() throws IOException {
        tokenizer = Tokenizer.load(Fixtures.miniLmJson()).withTruncation(null).withPadding(null);
    }

    @Test
    void wordLabelsGoToFirstOrAllSubtokens() {
        // "unaffable" splits into una ##ffa ##ble with the bert-base-uncased vocabulary.
        Encoding e = tokenizer.encodeWords(List.of("Unaffable", "foxes"), true);
        assertEquals(List.of("[CLS]", "una", "##ffa", "##ble", "foxes", "[SEP]"), List.of(e.tokens()));
        LabelSet labels = LabelSet.of(List.of("ADJ", "NOUN", "Number=Plur"));
        List<List<String>> wordLabels = List.of(List.of("ADJ"), List.of("NOUN", "Number=Plur"));

        TokenLabels first = LabelAlignment.fromWordLabels(e, wordLabels, labels, LabelAlignment.Subtokens.FIRST);
        assertArrayEquals(new int[] {0, 1, 0, 0, 1, 0}, first.mask());
        assertArrayEquals(new int[] {0}, first.labelsOf(1));
        assertArrayEquals(new int[] {}, first.labelsOf(2));
        assertArrayEquals(new int[] {1, 2}, first.labelsOf(4));

        TokenLabels all = LabelAlignment.fromWordLabels(e, wordLabels, labels, LabelAlignment.Subtokens.ALL);
        assertArrayEquals(new int[] {0, 1, 1, 1, 1, 0}, all.mask());
        assertArrayEquals(new int[] {0}, all.labelsOf(3));
    }

    @Test
    void unknownLabelIsAnInputError() {
        Encoding e = tokenizer.encodeWords(List.of("fox"), true);
        InputException ex = assertThrows(InputException.class, () -> LabelAlignment.fromWordLabels(e,
                List.of(List.of("VERB")), LabelSet.of(List.of("NOUN")), LabelAlignment.Subtokens.FIRST));
        assertEquals("word 0: unknown label \"VERB\"", ex.getMessage());
    }

    @Test
    void overlappingSpansGiveTokensSeveralLabels() {
        String text = "New York-based fox";
        Encoding e = tokenizer.encode(text);
        assertEquals(List.of("[CLS]", "new", "york", "-", "based", "fox", "[SEP]"), List.of(e.tokens()));
        LabelSet labels = LabelSet.of(List.of("CITY", "ORG", "ANIMAL"));
        List<Span> spans = List.of(new Span(0, 8, "CITY"), new Span(0, 14, "ORG"), new Span(15, 18, "ANIMAL"));
        TokenLabels t = LabelAlignment.fromSpans(e, spans, labels);
        assertArrayEquals(new int[] {0, 1, 1, 1, 1, 1, 0}, t.mask());
        assertArrayEquals(new int[] {0, 1}, t.labelsOf(1));
        assertArrayEquals(new int[] {0, 1}, t.labelsOf(2));
        assertArrayEquals(new int[] {1}, t.labelsOf(3));
        assertArrayEquals(new int[] {1}, t.labelsOf(4));
        assertArrayEquals(new int[] {2}, t.labelsOf(5));
    }

    @Test
    void tokenPredictionsBecomeWordsAndSpans() {
        String text = "Naïve unaffable jump";
        Encoding e = tokenizer.encode(text);
        assertEquals(List.of("[CLS]", "naive", "una", "##ffa", "##ble", "jump", "[SEP]"), List.of(e.tokens()));
        LabelSet labels = LabelSet.of(List.of("A", "B"));
        float[][] probs = {
            {0.9f, 0.9f}, // [CLS]: ignored
            {0.8f, 0.1f}, // naive
            {0.7f, 0.6f}, // una: its word takes the first sub-token's labels
            {0.0f, 0.0f}, // ##ffa: ignored
            {0.0f, 0.99f}, // ##ble: ignored
            {0.2f, 0.95f}, // jump
            {0.9f, 0.9f}};
        List<WordPrediction> words = LabelAlignment.toWords(e, text, probs, new float[] {0.5f, 0.9f}, labels);
        assertEquals(3, words.size());
        assertEquals("Naïve", words.get(0).text());
        assertEquals(List.of("A"), words.get(0).labels());
        assertEquals("unaffable", words.get(1).text());
        assertEquals(6, words.get(1).start());
        assertEquals(15, words.get(1).end());
        assertEquals(List.of("A"), words.get(1).labels());
        assertEquals(0.6f, words.get(1).scores().get("B"));
        assertEquals(List.of("B"), words.get(2).labels());
        assertEquals(List.of(new Span(0, 15, "A"), new Span(16, 20, "B")), LabelAlignment.toSpans(words));
    }
}
