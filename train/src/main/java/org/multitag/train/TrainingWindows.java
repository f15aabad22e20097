package org.multitag.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.multitag.data.Example;
import org.multitag.data.TrainingData;
import org.multitag.model.LongTextSplit;

/**
 * Training examples longer than the limit, split into windows by the scorer's own rule ({@link LongTextSplit}) so
 * that no labelled word is dropped: each window becomes a training sequence whose loss mask keeps only the tokens that
 * take their probabilities from that window at inference, so every labelled token is trained exactly once, in the
 * window where its word is most central; the window's other tokens are context, masked as unlabelled tokens are. An
 * example within the limit is kept as it is (the same object).
 */
final class TrainingWindows {

    private TrainingWindows() {}

    /** {@code data} with each example longer than {@code maxLength} tokens replaced by its windows, in place. */
    static TrainingData split(TrainingData data, int maxLength, int stride) {
        List<Example> out = new ArrayList<>(data.examples().size());
        int windowed = 0;
        int windows = 0;
        for (Example e : data.examples()) {
            if (e.length() <= maxLength) {
                out.add(e);
                continue;
            }
            List<Example> parts = split(e, maxLength, stride);
            out.addAll(parts);
            windowed++;
            windows += parts.size();
        }
        return windowed == 0 ? data
                : new TrainingData(data.labels(), out, data.skipped(), windowed, windows);
    }

    /** One example's windows, in order. */
    static List<Example> split(Example e, int maxLength, int stride) {
        int[] ids = e.inputIds();
        int[] types = e.typeIds();
        int[] mask = e.lossMask();
        int[] words = e.tokenWords();
        LongTextSplit plan = LongTextSplit.of(ids, types, splitWords(words), maxLength, stride);
        List<Example> out = new ArrayList<>(plan.size());
        for (int k = 0; k < plan.size(); k++) {
            int[] at = plan.inputTokens(k);
            int[] source = plan.sourceTokens(k);
            int m = at.length;
            int[][] labels = new int[m][];
            int[] windowMask = new int[m];
            // the words this window trains (those whose first token it is the source of), renumbered in order
            int[] newWord = new int[e.wordCount()];
            Arrays.fill(newWord, -1);
            List<int[]> wordLabels = new ArrayList<>();
            for (int j = 0; j < m; j++) {
                int w = words[at[j]];
                if (source[j] >= 0 && w >= 0 && e.firstToken(w) == at[j]) {
                    newWord[w] = wordLabels.size();
                    wordLabels.add(e.wordLabels(w));
                }
            }
            int[] windowWords = new int[m];
            for (int j = 0; j < m; j++) {
                int t = at[j];
                labels[j] = e.tokenLabels(t);
                windowMask[j] = source[j] >= 0 ? mask[t] : 0;
                windowWords[j] = words[t] >= 0 ? newWord[words[t]] : -1;
            }
            out.add(new Example(e.source() + " (window " + (k + 1) + " of " + plan.size() + ")", plan.ids(k),
                    pick(types, at), labels, windowMask, e.numLabels(), windowWords,
                    wordLabels.toArray(new int[0][]), false, null, null, null, null));
        }
        return out;
    }

    private static int[] pick(int[] row, int[] at) {
        int[] out = new int[at.length];
        for (int j = 0; j < at.length; j++) {
            out[j] = row[at[j]];
        }
        return out;
    }

    /**
     * Word ids to cut windows by: the example's, except that a token of no word inside the example (only token-id
     * data has them: a continuation sub-token outside the loss mask) stays with the word before it, so that only the
     * first and last tokens ({@code [CLS]}, {@code [SEP]}) are repeated around every window.
     */
    static int[] splitWords(int[] words) {
        int n = words.length;
        int[] out = new int[n];
        int fresh = 0;
        for (int w : words) {
            fresh = Math.max(fresh, w + 1);
        }
        for (int t = 0; t < n; t++) {
            boolean edge = t == 0 || t == n - 1;
            if (words[t] >= 0 || edge) {
                out[t] = words[t];
            } else {
                out[t] = t > 1 && out[t - 1] >= 0 ? out[t - 1] : fresh++;
            }
        }
        return out;
    }
}
