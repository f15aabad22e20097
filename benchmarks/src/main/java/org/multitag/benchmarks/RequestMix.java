package org.multitag.benchmarks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.multitag.core.InputException;
import org.multitag.eval.ConlluWriter;
import org.multitag.tokenizer.Tokenizer;
import org.multitag.tokenizer.TokenizerLoader;

/**
 * The serve benchmark's request mix: the sentences of a CoNLL-U file (EWT test), each as the body of one
 * {@code POST /v1/tag} in {@code predict}'s JSON Lines form, either its {@code # text} line ({@code {"text": ...}})
 * or its FORM column ({@code {"tokens": [...]}}), with its length in model tokens ({@code [CLS]} and {@code [SEP]}
 * included) under the served model's tokenizer.
 *
 * @param input "text" or "words"
 * @param bodies the request bodies, in file order
 * @param tokens model tokens per body
 * @param texts each sentence's text (input "text"), else null
 * @param words each sentence's words (input "words"), else null
 */
record RequestMix(String input, List<String> bodies, int[] tokens, List<String> texts, List<List<String>> words) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads {@code conllu}; {@code tokenizer} is the served model's folder (or its tokenizer.json). */
    static RequestMix read(Path conllu, String input, Path tokenizer) throws IOException {
        if (!input.equals("text") && !input.equals("words")) {
            throw new InputException("--input must be text or words, not '" + input + "'");
        }
        if (!Files.isRegularFile(conllu)) {
            throw new InputException(conllu.toString(), "no such file (the EWT test set, en_ewt-ud-test.conllu)");
        }
        Tokenizer tok = TokenizerLoader.load(tokenizer).withTruncation(null).withPadding(null);
        List<String> lines = Files.readAllLines(conllu, StandardCharsets.UTF_8);
        List<ConlluWriter.Sentence> sentences;
        try {
            sentences = ConlluWriter.sentences(lines);
        } catch (IllegalArgumentException e) {
            throw new InputException(conllu.toString(), e.getMessage());
        }
        List<String> bodies = new ArrayList<>(sentences.size());
        List<String> texts = new ArrayList<>();
        List<List<String>> words = new ArrayList<>();
        int[] tokens = new int[sentences.size()];
        for (int i = 0; i < sentences.size(); i++) {
            ConlluWriter.Sentence s = sentences.get(i);
            if (input.equals("text")) {
                String text = text(lines, s.line() - 1);
                if (text == null) {
                    throw new InputException(InputException.at(conllu.toString(), s.line()),
                            "sentence without a '# text = ' line (use --input words)");
                }
                texts.add(text);
                bodies.add(json(Map.of("text", text)));
                tokens[i] = tok.encode(text, null, true).length();
            } else {
                words.add(s.words());
                bodies.add(json(Map.of("tokens", s.words())));
                tokens[i] = tok.encodeWords(s.words(), true).length();
            }
        }
        if (bodies.isEmpty()) {
            throw new InputException(conllu.toString(), "holds no sentences");
        }
        return input.equals("text") ? new RequestMix(input, List.copyOf(bodies), tokens, List.copyOf(texts), null)
                : new RequestMix(input, List.copyOf(bodies), tokens, null, List.copyOf(words));
    }

    int size() {
        return bodies.size();
    }

    /** Mean model tokens per request. */
    double meanTokens() {
        long sum = 0;
        for (int t : tokens) {
            sum += t;
        }
        return (double) sum / tokens.length;
    }

    /** A one-line description for reports. */
    String describe(Path conllu) {
        return String.format(Locale.ROOT, "%d sentences of %s as {\"%s\": ...} bodies, %.1f model tokens each on"
                + " average ([CLS] and [SEP] included)", size(), conllu.getFileName(),
                input.equals("text") ? "text" : "tokens", meanTokens());
    }

    /** The sentence's {@code # text = } value, its comment lines starting at 0-based {@code from}. */
    private static String text(List<String> lines, int from) {
        for (int i = from; i < lines.size() && lines.get(i).startsWith("#"); i++) {
            String line = lines.get(i);
            if (line.startsWith("# text = ")) {
                return line.substring("# text = ".length());
            }
        }
        return null;
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
