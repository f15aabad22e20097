package org.multitag.train.eval;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.multitag.core.LabelSet;
import org.multitag.tokenizer.labels.LabelAlignment;
import org.multitag.tokenizer.labels.Span;
import org.multitag.tokenizer.labels.WordPrediction;
import org.multitag.train.data.Example;

/**
 * Accumulates word-level gold and predicted label sets (and, for span data, gold and predicted spans), then
 * computes multi-label scores with scikit-learn's definitions for a multi-label indicator matrix (rows = words,
 * columns = ALL labels of the label set), {@code zero_division=0}:
 *
 * <ul>
 *   <li>per label: precision {@code tp/(tp+fp)}, recall {@code tp/(tp+fn)}, F1 {@code 2tp/(2tp+fp+fn)},
 *       support {@code tp+fn}; a zero denominator gives 0;
 *   <li>micro: the same over the counts summed over labels ({@code average='micro'});
 *   <li>macro: the unweighted mean of the per-label values over all labels ({@code average='macro'}; labels with
 *       no gold and no predicted positive count as 0); the report also gives the means over the labels with
 *       support &gt; 0 ({@code *_supported});
 *   <li>Hamming loss: wrong label decisions / (words × labels) ({@code hamming_loss});
 *   <li>subset accuracy: the share of words whose predicted set equals the gold set ({@code accuracy_score});
 *   <li>group accuracy: the same within each {@link LabelGroups} group (CoNLL-U labels: UPOS and UFeats).
 * </ul>
 *
 * <p>With no word (or no label) the Hamming loss and subset accuracy are reported as 0. Span scores are exact
 * match: a predicted span counts only when a gold span of the same example has the same start, end and label;
 * spans are sets per example (duplicates count once). Not thread-safe: one accumulator per evaluation.
 */
public final class MultiLabelMetrics {

    private final LabelSet labels;
    private final int n;
    private final long[] truePositives;
    private final long[] predicted;
    private final long[] support;
    private final boolean[] goldRow;
    private final boolean[] predictedRow;
    private long words;
    private long wrongDecisions;
    private long exactWords;
    private final boolean[][] groups;
    private final List<String> groupNames;
    private final long[] groupExact;
    private long[] spanTruePositives;
    private long[] spanPredicted;
    private long[] spanSupport;

    public MultiLabelMetrics(LabelSet labels) {
        this.labels = labels;
        this.n = labels.size();
        this.truePositives = new long[n];
        this.predicted = new long[n];
        this.support = new long[n];
        this.goldRow = new boolean[n];
        this.predictedRow = new boolean[n];
        LabelGroups g = LabelGroups.of(labels);
        this.groups = g.members().values().toArray(new boolean[0][]);
        this.groupNames = List.copyOf(g.members().keySet());
        this.groupExact = new long[groups.length];
    }

    public LabelSet labels() {
        return labels;
    }

    /** Number of words added so far. */
    public long wordCount() {
        return words;
    }

    /**
     * Adds one word given as label index sets (order and repeats do not matter).
     *
     * @throws IllegalArgumentException for an index outside the label set
     */
    public void addWord(int[] gold, int[] prediction) {
        java.util.Arrays.fill(goldRow, false);
        java.util.Arrays.fill(predictedRow, false);
        for (int l : gold) {
            goldRow[check(l)] = true;
        }
        for (int l : prediction) {
            predictedRow[check(l)] = true;
        }
        addRows(goldRow, predictedRow);
    }

    /** Adds one word given as rows of {@code labels.size()} decisions. */
    public void addWord(boolean[] gold, boolean[] prediction) {
        if (gold.length != n || prediction.length != n) {
            throw new IllegalArgumentException("rows of " + gold.length + " and " + prediction.length
                    + " values for " + n + " labels");
        }
        addRows(gold, prediction);
    }

    private void addRows(boolean[] gold, boolean[] prediction) {
        int wrong = 0;
        for (int l = 0; l < n; l++) {
            boolean g = gold[l];
            boolean p = prediction[l];
            if (g) {
                support[l]++;
            }
            if (p) {
                predicted[l]++;
            }
            if (g && p) {
                truePositives[l]++;
            } else if (g != p) {
                wrong++;
            }
        }
        for (int k = 0; k < groups.length; k++) {
            boolean exact = true;
            for (int l = 0; l < n && exact; l++) {
                exact = !groups[k][l] || gold[l] == prediction[l];
            }
            groupExact[k] += exact ? 1 : 0;
        }
        words++;
        wrongDecisions += wrong;
        if (wrong == 0) {
            exactWords++;
        }
    }

    private int check(int l) {
        if (l < 0 || l >= n) {
            throw new IllegalArgumentException("label index " + l + " outside [0, " + n + ")");
        }
        return l;
    }

    /**
     * Adds the spans of one text: exact-match counts per label. Turns span scoring on (the report then has the
     * {@code span_*} keys), even when both lists are empty.
     *
     * @throws IllegalArgumentException for a span label outside the label set
     */
    public void addSpans(List<Span> gold, List<Span> prediction) {
        if (spanSupport == null) {
            spanTruePositives = new long[n];
            spanPredicted = new long[n];
            spanSupport = new long[n];
        }
        Set<Span> g = new HashSet<>(gold);
        Set<Span> p = new HashSet<>(prediction);
        for (Span s : g) {
            spanSupport[spanLabel(s)]++;
        }
        for (Span s : p) {
            int l = spanLabel(s);
            spanPredicted[l]++;
            if (g.contains(s)) {
                spanTruePositives[l]++;
            }
        }
    }

    private int spanLabel(Span s) {
        int l = labels.indexOf(s.label());
        if (l < 0) {
            throw new IllegalArgumentException("span label \"" + s.label() + "\" is not in the label set");
        }
        return l;
    }

    /**
     * Adds every word of an example, predicted from its first sub-token's probabilities ({@code p >= threshold}),
     * and, for span data, its gold spans against the spans {@link LabelAlignment#toSpans} makes of the predicted
     * words. A word truncation cut off is predicted to have no label.
     *
     * @param tokenProbabilities {@code [tokens][labels]} for this example
     * @param thresholds one per label
     */
    public void addExample(Example example, float[][] tokenProbabilities, float[] thresholds) {
        if (example.numLabels() != n || thresholds.length != n) {
            throw new IllegalArgumentException("example with " + example.numLabels() + " labels and "
                    + thresholds.length + " thresholds for " + n + " labels");
        }
        float[][] rows = example.wordProbabilities(tokenProbabilities);
        List<WordPrediction> words = example.hasSpans() ? new ArrayList<>() : null;
        for (int w = 0; w < rows.length; w++) {
            java.util.Arrays.fill(goldRow, false);
            for (int l : example.wordLabels(w)) {
                goldRow[l] = true;
            }
            float[] p = rows[w];
            List<String> chosen = words == null || p == null ? null : new ArrayList<>();
            for (int l = 0; l < n; l++) {
                predictedRow[l] = p != null && p[l] >= thresholds[l];
                if (chosen != null && predictedRow[l]) {
                    chosen.add(labels.name(l));
                }
            }
            addRows(goldRow, predictedRow);
            if (chosen != null) {
                int start = example.wordStart(w);
                int end = example.wordEnd(w);
                words.add(new WordPrediction(w, example.text().substring(start, end), start, end, chosen, Map.of()));
            }
        }
        if (words != null) {
            addSpans(example.goldSpans(), LabelAlignment.toSpans(words));
        }
    }

    /** The scores so far, without thresholds. */
    public EvaluationReport report() {
        return report(null);
    }

    /**
     * The scores so far.
     *
     * @param thresholds the per-label thresholds the predictions used, shown in {@code per_label} ({@code null}:
     *     none shown)
     */
    public EvaluationReport report(float[] thresholds) {
        if (thresholds != null && thresholds.length != n) {
            throw new IllegalArgumentException(thresholds.length + " thresholds for " + n + " labels");
        }
        Map<String, LabelScores> perLabel = new LinkedHashMap<>();
        long tp = 0;
        long pred = 0;
        long sup = 0;
        double[] sums = new double[6];
        int supported = 0;
        for (int l = 0; l < n; l++) {
            LabelScores s = LabelScores.of(truePositives[l], predicted[l], support[l],
                    thresholds == null ? null : (double) thresholds[l]);
            perLabel.put(labels.name(l), s);
            tp += truePositives[l];
            pred += predicted[l];
            sup += support[l];
            sums[0] += s.precision();
            sums[1] += s.recall();
            sums[2] += s.f1();
            if (support[l] > 0) {
                supported++;
                sums[3] += s.precision();
                sums[4] += s.recall();
                sums[5] += s.f1();
            }
        }
        long decisions = words * n;
        Long goldSpans = null;
        Long predictedSpans = null;
        Double spanP = null;
        Double spanR = null;
        Double spanF = null;
        Double spanMacro = null;
        Map<String, LabelScores> spanPerLabel = null;
        if (spanSupport != null) {
            spanPerLabel = new LinkedHashMap<>();
            long stp = 0;
            long spred = 0;
            long ssup = 0;
            double macro = 0;
            for (int l = 0; l < n; l++) {
                LabelScores s = LabelScores.of(spanTruePositives[l], spanPredicted[l], spanSupport[l], null);
                spanPerLabel.put(labels.name(l), s);
                stp += spanTruePositives[l];
                spred += spanPredicted[l];
                ssup += spanSupport[l];
                macro += s.f1();
            }
            goldSpans = ssup;
            predictedSpans = spred;
            spanP = Ratios.precision(stp, spred);
            spanR = Ratios.recall(stp, ssup);
            spanF = Ratios.f1(stp, spred, ssup);
            spanMacro = n == 0 ? 0.0 : macro / n;
        }
        return new EvaluationReport(words, n, Ratios.precision(tp, pred), Ratios.recall(tp, sup),
                Ratios.f1(tp, pred, sup), mean(sums[0], n), mean(sums[1], n), mean(sums[2], n), supported,
                mean(sums[3], supported), mean(sums[4], supported), mean(sums[5], supported),
                decisions == 0 ? 0.0 : (double) wrongDecisions / decisions,
                words == 0 ? 0.0 : (double) exactWords / words, perLabel, goldSpans, predictedSpans, spanP, spanR,
                spanF, spanMacro, spanPerLabel, groupAccuracy());
    }

    /** Subset accuracy per {@link LabelGroups} group, or null when the label set implies none. */
    private Map<String, Double> groupAccuracy() {
        if (groups.length == 0) {
            return null;
        }
        Map<String, Double> m = new LinkedHashMap<>();
        for (int k = 0; k < groups.length; k++) {
            m.put(groupNames.get(k), words == 0 ? 0.0 : (double) groupExact[k] / words);
        }
        return m;
    }

    private static double mean(double sum, int count) {
        return count == 0 ? 0.0 : sum / count;
    }
}
