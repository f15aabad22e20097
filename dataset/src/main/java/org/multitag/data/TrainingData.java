package org.multitag.data;

import java.util.ArrayList;
import java.util.List;
import org.multitag.core.InputException;
import org.multitag.core.LabelSet;
import org.multitag.weights.BertConfig;

/**
 * The examples read from one or more data files, with the label set they were aligned to and the bad lines that
 * were skipped (only when skipping was asked for). Immutable.
 */
public final class TrainingData {

    private final LabelSet labels;
    private final List<Example> examples;
    private final List<SkippedLine> skipped;
    private final int windowed;
    private final int windows;

    public TrainingData(LabelSet labels, List<Example> examples, List<SkippedLine> skipped) {
        this(labels, examples, skipped, 0, 0);
    }

    /**
     * Data in which {@code windowed} examples longer than the limit were each split into windows, {@code windows}
     * in all, that stand in {@code examples} in their place (each a training sequence of its own).
     */
    public TrainingData(LabelSet labels, List<Example> examples, List<SkippedLine> skipped, int windowed,
            int windows) {
        if (windowed < 0 || windows < windowed || windows > examples.size()) {
            throw new IllegalArgumentException(windowed + " examples windowed into " + windows + " windows of "
                    + examples.size() + " examples");
        }
        this.labels = labels;
        this.examples = List.copyOf(examples);
        this.skipped = List.copyOf(skipped);
        this.windowed = windowed;
        this.windows = windows;
        for (Example e : this.examples) {
            if (e.numLabels() != labels.size()) {
                throw new IllegalArgumentException(e.source() + " has " + e.numLabels() + " label columns, the "
                        + "label set " + labels.size());
            }
        }
    }

    public LabelSet labels() {
        return labels;
    }

    public List<Example> examples() {
        return examples;
    }

    /**
     * Checks that the model can embed every example: token ids and token types it has no embedding row for are
     * errors naming the line (the reader checks ids against the tokenizer only, and type ids not at all).
     */
    public void checkIds(BertConfig config) {
        for (Example e : examples) {
            int[] ids = e.inputIds();
            int[] types = e.typeIds();
            for (int i = 0; i < ids.length; i++) {
                if (ids[i] >= config.vocabSize()) {
                    throw new InputException(e.source(), "token id " + ids[i] + " (position " + i + ") is outside the "
                            + "model's vocabulary of " + config.vocabSize());
                }
                if (types[i] >= config.typeVocabSize()) {
                    throw new InputException(e.source(), "token type id " + types[i] + " (position " + i + ") is "
                            + "outside the model's type_vocab_size of " + config.typeVocabSize());
                }
            }
        }
    }

    /** Lines (or CoNLL-U sentences) left out because they were bad, in reading order. */
    public List<SkippedLine> skipped() {
        return skipped;
    }

    /** Number of examples that were cut to the maximum length. */
    public int truncatedCount() {
        int n = 0;
        for (Example e : examples) {
            n += e.truncated() ? 1 : 0;
        }
        return n;
    }

    /** Number of examples that were longer than the limit and split into windows. */
    public int windowedCount() {
        return windowed;
    }

    /** Number of windows the {@link #windowedCount()} examples were split into (each one of {@link #examples()}). */
    public int windowCount() {
        return windows;
    }

    /** Number of words over all examples. */
    public long wordCount() {
        long n = 0;
        for (Example e : examples) {
            n += e.wordCount();
        }
        return n;
    }

    /** Number of tokens over all examples, special tokens included. */
    public long tokenCount() {
        long n = 0;
        for (Example e : examples) {
            n += e.length();
        }
        return n;
    }

    /** Every word's gold label indices, example after example (the rows word-level metrics compare). */
    public List<int[]> goldWordLabels() {
        List<int[]> out = new ArrayList<>();
        for (Example e : examples) {
            for (int w = 0; w < e.wordCount(); w++) {
                out.add(e.wordLabels(w));
            }
        }
        return out;
    }

    /**
     * Per label, how many labelled tokens (those the loss sees) have it ({@code [0][l]}) and how many do not
     * ({@code [1][l]}).
     */
    public long[][] labelCounts() {
        int n = labels.size();
        long[] pos = new long[n];
        long tokens = 0;
        for (Example e : examples) {
            int[] m = e.lossMask();
            for (int i = 0; i < m.length; i++) {
                if (m[i] == 0) {
                    continue;
                }
                tokens++;
                boolean[] on = new boolean[n];
                for (int l : e.tokenLabels(i)) {
                    on[l] = true;
                }
                for (int l = 0; l < n; l++) {
                    pos[l] += on[l] ? 1 : 0;
                }
            }
        }
        long[] neg = new long[n];
        for (int l = 0; l < n; l++) {
            neg[l] = tokens - pos[l];
        }
        return new long[][] {pos, neg};
    }

    /**
     * One line: examples (as read: a windowed one counts once), words, tokens (of the sequences trained on, windows'
     * overlaps included), labels, windowed, truncated and skipped counts.
     */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(examples.size() - windows + windowed).append(" examples, ").append(wordCount()).append(" words, ")
                .append(tokenCount()).append(" tokens, ").append(labels.size()).append(" labels");
        if (windowed > 0) {
            sb.append(", ").append(windowed).append(" windowed (into ").append(windows).append(" windows)");
        }
        int t = truncatedCount();
        if (t > 0) {
            sb.append(", ").append(t).append(" truncated");
        }
        if (!skipped.isEmpty()) {
            sb.append(", ").append(skipped.size()).append(" bad lines skipped");
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "TrainingData[" + summary() + "]";
    }
}
