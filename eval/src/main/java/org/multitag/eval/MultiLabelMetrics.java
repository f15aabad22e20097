package org.multitag.eval;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.multitag.core.LabelSet;
import org.multitag.data.Example;
import org.multitag.model.decoding.Decoder;
import org.multitag.tokenizer.labels.LabelAlignment;
import org.multitag.tokenizer.labels.Span;
import org.multitag.tokenizer.labels.WordPrediction;

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
 *   <li>for CoNLL-U label sets (some label starts with {@code UPOS=}): the CoNLL 2018 shared task's UPOS and
 *       UFeats accuracies and two stricter ones ({@link UdMetrics}).
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
    private long unknownGoldLabels;
    private final UdMetrics ud;
    private long[] spanTruePositives;
    private long[] spanPredicted;
    private long[] spanSupport;
    private long unknownGoldSpans;

    public MultiLabelMetrics(LabelSet labels) {
        this.labels = labels;
        this.n = labels.size();
        this.truePositives = new long[n];
        this.predicted = new long[n];
        this.support = new long[n];
        this.goldRow = new boolean[n];
        this.predictedRow = new boolean[n];
        this.ud = labels.names().stream().anyMatch(l -> l.startsWith("UPOS=")) ? new UdMetrics() : null;
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
        addRows(goldRow, predictedRow, 0);
        if (ud != null) {
            ud.addWord(names(goldRow, List.of()), names(predictedRow, List.of()));
        }
    }

    private List<String> names(boolean[] row, List<String> more) {
        List<String> out = new ArrayList<>(more);
        for (int l = 0; l < n; l++) {
            if (row[l]) {
                out.add(labels.name(l));
            }
        }
        return out;
    }

    /** Adds one word given as rows of {@code labels.size()} decisions. */
    public void addWord(boolean[] gold, boolean[] prediction) {
        if (gold.length != n || prediction.length != n) {
            throw new IllegalArgumentException("rows of " + gold.length + " and " + prediction.length
                    + " values for " + n + " labels");
        }
        addRows(gold, prediction, 0);
        if (ud != null) {
            ud.addWord(names(gold, List.of()), names(prediction, List.of()));
        }
    }

    private void addRows(boolean[] gold, boolean[] prediction, int unknownGold) {
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
        words++;
        wrongDecisions += wrong;
        unknownGoldLabels += unknownGold;
        if (wrong == 0 && unknownGold == 0) {
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
     * {@code span_*} keys), even when both lists are empty. A gold span whose label is outside the label set (the
     * model cannot predict it) counts as missed: in {@code n_gold_spans} and the micro recall, in no label's row.
     *
     * @throws IllegalArgumentException for a predicted span label outside the label set
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
            if (labels.indexOf(s.label()) < 0) {
                unknownGoldSpans++;
            } else {
                spanSupport[spanLabel(s)]++;
            }
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
        if (thresholds.length != n) {
            throw new IllegalArgumentException(thresholds.length + " thresholds for " + n + " labels");
        }
        addExample(example, tokenProbabilities, Decoder.independent(labels.names(), thresholds));
    }

    /**
     * Adds every word of an example, its label set decided by {@code decoder} from its first sub-token's
     * probabilities; otherwise as {@link #addExample(Example, float[][], float[])}. Gold labels the label set does
     * not have ({@link Example#unknownWordLabels}) count as missed: in the micro support, and the word's subset is
     * wrong.
     */
    public void addExample(Example example, float[][] tokenProbabilities, Decoder decoder) {
        if (example.numLabels() != n) {
            throw new IllegalArgumentException("example with " + example.numLabels() + " labels for " + n
                    + " labels");
        }
        float[][] rows = example.wordProbabilities(tokenProbabilities);
        List<WordPrediction> words = example.hasSpans() ? new ArrayList<>() : null;
        for (int w = 0; w < rows.length; w++) {
            java.util.Arrays.fill(goldRow, false);
            for (int l : example.wordLabels(w)) {
                goldRow[l] = true;
            }
            float[] p = rows[w];
            decoder.decide(p, predictedRow);
            List<String> chosen = words == null || p == null ? null : new ArrayList<>();
            for (int l = 0; l < n && chosen != null; l++) {
                if (predictedRow[l]) {
                    chosen.add(labels.name(l));
                }
            }
            List<String> unknown = example.unknownWordLabels(w);
            addRows(goldRow, predictedRow, unknown.size());
            if (ud != null) {
                ud.addWord(names(goldRow, unknown), names(predictedRow, List.of()));
            }
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
            ssup += unknownGoldSpans; // gold spans with a label outside the label set: never predicted, so missed
            goldSpans = ssup;
            predictedSpans = spred;
            spanP = Ratios.precision(stp, spred);
            spanR = Ratios.recall(stp, ssup);
            spanF = Ratios.f1(stp, spred, ssup);
            spanMacro = n == 0 ? 0.0 : macro / n;
        }
        sup += unknownGoldLabels; // gold labels outside the label set: never predicted, so missed
        return new EvaluationReport(words, n, Ratios.precision(tp, pred), Ratios.recall(tp, sup),
                Ratios.f1(tp, pred, sup), mean(sums[0], n), mean(sums[1], n), mean(sums[2], n), supported,
                mean(sums[3], supported), mean(sums[4], supported), mean(sums[5], supported),
                decisions == 0 ? 0.0 : (double) wrongDecisions / decisions,
                words == 0 ? 0.0 : (double) exactWords / words, perLabel, goldSpans, predictedSpans, spanP, spanR,
                spanF, spanMacro, spanPerLabel, unknownGoldLabels, ud == null ? null : ud.scores());
    }

    private static double mean(double sum, int count) {
        return count == 0 ? 0.0 : sum / count;
    }
}
