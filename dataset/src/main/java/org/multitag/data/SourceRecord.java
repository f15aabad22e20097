package org.multitag.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.multitag.tokenizer.labels.Span;

/**
 * One labelled input as read from a file, before tokenization: a JSON line in one of the three forms, or a
 * CoNLL-U sentence (which becomes {@link Words}).
 */
public sealed interface SourceRecord {

    /** {@code file:line} where the record starts. */
    String source();

    /** The label names this record uses (empty for {@link Tokens}, which has label columns, not names). */
    List<String> labelNames();

    /**
     * Pre-split words with a label set each: {@code {"tokens": [...], "labels": [[...], ...]}} or a CoNLL-U
     * sentence.
     *
     * @param words the words, at least one
     * @param labels one label list per word (in the order given; duplicates allowed, they count once)
     * @param wordLocations {@code file:line} of each word (CoNLL-U), or empty when all are at {@code source}
     */
    record Words(String source, List<String> words, List<List<String>> labels, List<String> wordLocations)
            implements SourceRecord {
        public Words {
            words = List.copyOf(words);
            wordLocations = List.copyOf(wordLocations);
            if (!wordLocations.isEmpty() && wordLocations.size() != words.size()) {
                throw new IllegalArgumentException(words.size() + " words but " + wordLocations.size()
                        + " locations");
            }
            List<List<String>> copy = new ArrayList<>(labels.size());
            for (List<String> l : labels) {
                copy.add(List.copyOf(l));
            }
            labels = List.copyOf(copy);
            if (words.size() != labels.size()) {
                throw new IllegalArgumentException(words.size() + " words but " + labels.size() + " label lists");
            }
        }

        /** Words all on the record's own line (a JSON line). */
        public Words(String source, List<String> words, List<List<String>> labels) {
            this(source, words, labels, List.of());
        }

        /** {@code file:line} of word {@code w}. */
        public String location(int w) {
            return wordLocations.isEmpty() ? source : wordLocations.get(w);
        }

        @Override
        public List<String> labelNames() {
            List<String> out = new ArrayList<>();
            labels.forEach(out::addAll);
            return out;
        }
    }

    /**
     * A text with labelled character spans: {@code {"text": "...", "spans": [{"start", "end", "label"}, ...]}}.
     * Offsets are UTF-16 code units of the text (Java string indices, as the tokenizer's offsets and the
     * {@code predict} output), end exclusive. Spans may overlap.
     */
    record Text(String source, String text, List<Span> spans) implements SourceRecord {
        public Text {
            Objects.requireNonNull(text, "text");
            spans = List.copyOf(spans);
        }

        @Override
        public List<String> labelNames() {
            List<String> out = new ArrayList<>(spans.size());
            spans.forEach(s -> out.add(s.label()));
            return out;
        }
    }

    /**
     * Token ids with explicit targets: {@code {"input_ids": [...], "labels": [[0, 1, ...], ...],
     * "label_mask": [...]}}.
     *
     * @param inputIds the token ids, special tokens included
     * @param typeIds token type ids ({@code token_type_ids}, zeros when absent)
     * @param tokenLabels for each token, the indices of the label columns that are 1
     * @param width the number of label columns (every row's length)
     * @param labelMask 1 where a token carries a loss ({@code label_mask}, all ones when absent)
     */
    record Tokens(String source, int[] inputIds, int[] typeIds, int[][] tokenLabels, int width, int[] labelMask)
            implements SourceRecord {
        public Tokens {
            inputIds = inputIds.clone();
            typeIds = typeIds.clone();
            int[][] rows = new int[tokenLabels.length][];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = tokenLabels[i].clone();
            }
            tokenLabels = rows;
            labelMask = labelMask.clone();
            if (typeIds.length != inputIds.length || tokenLabels.length != inputIds.length
                    || labelMask.length != inputIds.length) {
                throw new IllegalArgumentException("token arrays differ in length");
            }
        }

        @Override
        public int[] inputIds() {
            return inputIds.clone();
        }

        @Override
        public int[] typeIds() {
            return typeIds.clone();
        }

        @Override
        public int[][] tokenLabels() {
            int[][] rows = new int[tokenLabels.length][];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = tokenLabels[i].clone();
            }
            return rows;
        }

        @Override
        public int[] labelMask() {
            return labelMask.clone();
        }

        @Override
        public List<String> labelNames() {
            return List.of();
        }
    }
}
