package org.multitag.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every line of every corpus, through every tokenizer config, must give exactly HF's encoding: ids, tokens,
 * offsets, word ids, masks, type and sequence ids.
 */
class CorpusParityTest {

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String corpus : List.of("udhr", "blns", "normalization-test", "fuzz")) {
            out.add(Arguments.of(corpus, "minilm (uncased)", Fixtures.miniLmJson(), Fixtures.miniLmJson()));
            out.add(Arguments.of(corpus, "bert-base-cased", Fixtures.bertBaseCasedJson(), Fixtures.bertBaseCasedJson()));
            out.add(Arguments.of(corpus, "tinybert (strip accents)", Fixtures.tinyBertJson(), Fixtures.tinyBertJson()));
            // vocab.txt alone must behave as HF's tokenizer.json built from the same vocabulary.
            out.add(Arguments.of(corpus, "bert-base-cased vocab.txt", Fixtures.bertBaseCasedVocab(),
                    Fixtures.bertBaseCasedJson()));
        }
        return out.stream();
    }

    static List<Corpora.Text> texts(String corpus) {
        return corpus.equals("fuzz") ? Corpora.fuzz(20261125L, 20_000) : Corpora.load(corpus);
    }

    @ParameterizedTest(name = "{0} / {1}")
    @MethodSource("cases")
    void everyLineMatchesHf(String corpus, String config, Path ourFile, Path hfFile) throws IOException {
        Tokenizer ours = ourFile.toString().endsWith(".txt")
                ? TokenizerLoader.fromVocab(ourFile, false, null)
                : Tokenizer.load(ourFile).withTruncation(null).withPadding(null);
        List<Corpora.Text> texts = texts(corpus);
        assertTrue(texts.size() > 400, "corpus " + corpus + " has " + texts.size() + " lines");
        List<String> mismatches = new ArrayList<>();
        int compared = 0;
        int differing = 0;
        try (HuggingFaceTokenizer hf = HfReference.plain(hfFile)) {
            for (int i = 0; i < texts.size(); i++) {
                Corpora.Text t = texts.get(i);
                String pair = i % 7 == 0 ? texts.get((i * 31 + 5) % texts.size()).text() : null;
                ai.djl.huggingface.tokenizers.Encoding ref = pair == null
                        ? hf.encode(t.text(), true, false) : hf.encode(t.text(), pair, true, false);
                String d = HfReference.diff(t.text(), pair, ref, ours.encode(t.text(), pair, true));
                compared++;
                if (d != null && differing++ < 5) {
                    mismatches.add(t.source() + " " + escape(t.text()) + (pair == null ? "" : " | " + escape(pair))
                            + "\n    " + (d.length() > 2000 ? d.substring(0, 2000) + "..." : d));
                }
            }
        }
        assertEquals(List.of(), mismatches, corpus + "/" + config + ": " + differing + " of " + compared
                + " differ from HF");
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().limit(120).forEach(cp -> {
            if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || Character.getType(cp) == Character.FORMAT || cp > 0xFFFF) {
                sb.append(String.format("\\u{%X}", cp));
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return sb.toString();
    }
}
