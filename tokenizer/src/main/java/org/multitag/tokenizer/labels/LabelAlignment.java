package org.multitag.tokenizer.labels;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.multitag.core.LabelSet;
import org.multitag.tokenizer.Encoding;

/**
 * Moves labels between words, character spans and sub-word tokens, in both directions. Word ids and offsets of
 * the {@link Encoding} do the work; only tokens of the first sequence take labels.
 */
public final class LabelAlignment {

    /** Which sub-tokens of a word carry its labels (and a loss). */
    public enum Subtokens {
        /** Only the first sub-token; the others are masked out (the usual choice). */
        FIRST,
        /** Every sub-token of the word. */
        ALL
    }

    private LabelAlignment() {}

    /**
     * Word label sets to token targets. {@code wordLabels.get(w)} are the labels of word {@code w} (the word ids
     * of the encoding); a word missing from the list carries no loss.
     */
    public static TokenLabels fromWordLabels(Encoding encoding, List<? extends Collection<String>> wordLabels,
            LabelSet labels, Subtokens mode) {
        int n = encoding.length();
        float[][] targets = new float[n][labels.size()];
        int[] mask = new int[n];
        int[] words = encoding.wordIds();
        int[] seq = encoding.sequenceIds();
        int previousWord = Encoding.NONE;
        for (int i = 0; i < n; i++) {
            int w = words[i];
            boolean first = w != previousWord;
            previousWord = w;
            if (w == Encoding.NONE || seq[i] > 0 || w >= wordLabels.size()) {
                continue;
            }
            if (mode == Subtokens.FIRST && !first) {
                continue;
            }
            mask[i] = 1;
            for (String label : wordLabels.get(w)) {
                targets[i][labels.require(label, "word " + w)] = 1f;
            }
        }
        return new TokenLabels(targets, mask);
    }

    /**
     * Character spans to token targets: a token takes every label whose span overlaps its characters. All
     * non-special tokens of the first sequence carry a loss.
     */
    public static TokenLabels fromSpans(Encoding encoding, List<Span> spans, LabelSet labels) {
        int n = encoding.length();
        float[][] targets = new float[n][labels.size()];
        int[] mask = new int[n];
        int[] special = encoding.specialTokensMask();
        int[] seq = encoding.sequenceIds();
        for (int i = 0; i < n; i++) {
            if (special[i] == 1 || seq[i] > 0) {
                continue;
            }
            mask[i] = 1;
            int s = encoding.offsetStart(i);
            int e = encoding.offsetEnd(i);
            for (Span span : spans) {
                if (s < span.end() && e > span.start()) {
                    targets[i][labels.require(span.label(), "span [" + span.start() + ", " + span.end() + ")")] = 1f;
                }
            }
        }
        return new TokenLabels(targets, mask);
    }

    /**
     * Token probabilities to word predictions: each word (of the first sequence) takes the labels of its first
     * sub-token whose probability reaches that label's threshold.
     *
     * @param text the text that was encoded (for word strings)
     * @param probabilities {@code [tokens][labels]}
     * @param thresholds one per label
     */
    public static List<WordPrediction> toWords(Encoding encoding, String text, float[][] probabilities,
            float[] thresholds, LabelSet labels) {
        return toWords(encoding, text, probabilities, p -> {
            boolean[] on = new boolean[p.length];
            for (int l = 0; l < p.length; l++) {
                on[l] = p[l] >= thresholds[l];
            }
            return on;
        }, labels);
    }

    /**
     * As {@link #toWords(Encoding, String, float[][], float[], LabelSet)}, with a word's labels chosen by
     * {@code decide} from its first sub-token's probabilities (one decision per label).
     */
    public static List<WordPrediction> toWords(Encoding encoding, String text, float[][] probabilities,
            java.util.function.Function<float[], boolean[]> decide, LabelSet labels) {
        List<WordPrediction> out = new ArrayList<>();
        int[] words = encoding.wordIds();
        int[] seq = encoding.sequenceIds();
        int n = encoding.length();
        int i = 0;
        while (i < n) {
            int w = words[i];
            if (w == Encoding.NONE || seq[i] > 0) {
                i++;
                continue;
            }
            int first = i;
            int start = encoding.offsetStart(i);
            int end = encoding.offsetEnd(i);
            while (i < n && words[i] == w && seq[i] <= 0) {
                end = Math.max(end, encoding.offsetEnd(i));
                i++;
            }
            List<String> chosen = new ArrayList<>();
            Map<String, Float> scores = new LinkedHashMap<>();
            boolean[] on = decide.apply(probabilities[first]);
            for (int l = 0; l < labels.size(); l++) {
                scores.put(labels.name(l), probabilities[first][l]);
                if (on[l]) {
                    chosen.add(labels.name(l));
                }
            }
            out.add(new WordPrediction(w, text.substring(start, end), start, end, chosen, scores));
        }
        return out;
    }

    /**
     * Word predictions to spans: consecutive words sharing a label form one span of that label (covering the
     * text between them).
     */
    public static List<Span> toSpans(List<WordPrediction> words) {
        List<Span> spans = new ArrayList<>();
        Map<String, int[]> open = new LinkedHashMap<>();
        for (WordPrediction word : words) {
            for (var it = open.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                if (!word.labels().contains(e.getKey())) {
                    spans.add(new Span(e.getValue()[0], e.getValue()[1], e.getKey()));
                    it.remove();
                }
            }
            for (String label : word.labels()) {
                int[] range = open.get(label);
                if (range == null) {
                    open.put(label, new int[] {word.start(), word.end()});
                } else {
                    range[1] = word.end();
                }
            }
        }
        open.forEach((label, range) -> spans.add(new Span(range[0], range[1], label)));
        spans.sort((a, b) -> a.start() != b.start() ? Integer.compare(a.start(), b.start())
                : a.end() != b.end() ? Integer.compare(a.end(), b.end()) : a.label().compareTo(b.label()));
        return spans;
    }
}
