package org.multitag.eval;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.multitag.core.LabelSet;

/**
 * Scores of trivial predictors on gold word label sets, as a floor for a model's scores: predicting no label,
 * predicting the single most frequent label for every word, and predicting the most frequent whole label set for
 * every word. The frequencies come from reference data (usually the training set) and the scores from the
 * evaluated data.
 */
public final class Baselines {

    private Baselines() {}

    /** Every word predicted with no label. */
    public static EvaluationReport allNegative(LabelSet labels, List<int[]> gold) {
        return constant(labels, gold, new int[0]);
    }

    /**
     * Every word predicted with the one label most frequent among the words of {@code reference} (ties: the
     * lower label index); no label when {@code reference} has none.
     */
    public static EvaluationReport mostFrequentLabel(LabelSet labels, List<int[]> reference, List<int[]> gold) {
        return constant(labels, gold, mostFrequentLabel(labels.size(), reference));
    }

    /**
     * Every word predicted with the label set most frequent among the words of {@code reference}, the empty set
     * included (ties: the set first in lexicographic order of sorted label indices).
     */
    public static EvaluationReport mostFrequentLabelSet(LabelSet labels, List<int[]> reference, List<int[]> gold) {
        return constant(labels, gold, mostFrequentSet(reference));
    }

    /** The most frequent label of {@code reference}'s words as a one-element set, or an empty set. */
    public static int[] mostFrequentLabel(int labels, List<int[]> reference) {
        long[] counts = new long[labels];
        for (int[] set : reference) {
            for (int l : Arrays.stream(set).distinct().toArray()) {
                counts[l]++;
            }
        }
        int best = -1;
        for (int l = 0; l < labels; l++) {
            if (counts[l] > 0 && (best < 0 || counts[l] > counts[best])) {
                best = l;
            }
        }
        return best < 0 ? new int[0] : new int[] {best};
    }

    /** The most frequent label set (sorted, distinct indices) among {@code reference}'s words; empty if none. */
    public static int[] mostFrequentSet(List<int[]> reference) {
        Map<List<Integer>, Long> counts = new HashMap<>();
        for (int[] set : reference) {
            counts.merge(Arrays.stream(set).sorted().distinct().boxed().toList(), 1L, Long::sum);
        }
        List<Integer> best = null;
        long bestCount = 0;
        for (Map.Entry<List<Integer>, Long> e : counts.entrySet()) {
            long c = e.getValue();
            if (best == null || c > bestCount || (c == bestCount && compare(e.getKey(), best) < 0)) {
                best = e.getKey();
                bestCount = c;
            }
        }
        return best == null ? new int[0] : best.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int compare(List<Integer> a, List<Integer> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = Integer.compare(a.get(i), b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    private static EvaluationReport constant(LabelSet labels, List<int[]> gold, int[] prediction) {
        MultiLabelMetrics m = new MultiLabelMetrics(labels);
        for (int[] g : gold) {
            m.addWord(g, prediction);
        }
        return m.report();
    }
}
