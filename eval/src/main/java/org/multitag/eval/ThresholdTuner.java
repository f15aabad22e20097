package org.multitag.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.multitag.data.Example;

/**
 * Chooses one decision threshold per label (a label is predicted when {@code p >= threshold}) to maximise that
 * label's F1 on development data. Tune on dev only, never on the test set.
 *
 * <p>For each label the candidates are the distinct probabilities of that label plus 0.5; the winner has the
 * highest F1 ({@code 2tp / (2tp + fp + fn)}, compared exactly on the counts), then the smallest distance to 0.5,
 * then the higher threshold. A label with no gold positive in the data keeps {@link #DEFAULT}. Each label's
 * probabilities are sorted once: O(n log n) per label for n words.
 */
final class ThresholdTuner {

    /** The threshold of a label the data cannot tune. */
    public static final float DEFAULT = 0.5f;

    /**
     * The tuned thresholds with the dev scores they reach.
     *
     * @param thresholds one per label
     * @param f1 each label's F1 on the tuning data at its threshold (0 for labels without gold positives)
     * @param support each label's gold positives in the tuning data
     */
    public record Result(float[] thresholds, double[] f1, long[] support) {
        public Result {
            thresholds = thresholds.clone();
            f1 = f1.clone();
            support = support.clone();
        }

        @Override
        public float[] thresholds() {
            return thresholds.clone();
        }

        @Override
        public double[] f1() {
            return f1.clone();
        }

        @Override
        public long[] support() {
            return support.clone();
        }
    }

    private ThresholdTuner() {}

    /**
     * Tunes on word rows.
     *
     * @param probabilities {@code [words][labels]}, each in [0, 1]; a {@code null} row is a word with no
     *     prediction (negative for every label at any threshold)
     * @param gold {@code [words][labels]}
     */
    public static Result tune(float[][] probabilities, boolean[][] gold) {
        if (probabilities.length != gold.length) {
            throw new IllegalArgumentException(probabilities.length + " probability rows but " + gold.length
                    + " gold rows");
        }
        int labels = -1;
        for (int w = 0; w < gold.length; w++) {
            if (labels < 0) {
                labels = gold[w].length;
            }
            if (gold[w].length != labels || (probabilities[w] != null && probabilities[w].length != labels)) {
                throw new IllegalArgumentException("row " + w + " has a different number of labels");
            }
            if (probabilities[w] != null) {
                for (float p : probabilities[w]) {
                    if (!(p >= 0f && p <= 1f)) {
                        throw new IllegalArgumentException("probability " + p + " in row " + w + " is not in [0, 1]");
                    }
                }
            }
        }
        return tune(probabilities, gold, Math.max(labels, 0));
    }

    /**
     * Tunes on word rows with gold label index sets.
     *
     * @param labels the number of labels
     */
    public static Result tune(float[][] probabilities, List<int[]> gold, int labels) {
        boolean[][] rows = new boolean[gold.size()][labels];
        for (int w = 0; w < rows.length; w++) {
            for (int l : gold.get(w)) {
                rows[w][l] = true;
            }
        }
        if (rows.length == 0) {
            return tune(probabilities, rows, labels);
        }
        return tune(probabilities, rows);
    }

    /**
     * Tunes on examples: each word's probabilities are its first sub-token's.
     *
     * @param tokenProbabilities {@code [tokens][labels]} per example, in the same order
     */
    public static Result tune(List<Example> examples, List<float[][]> tokenProbabilities) {
        if (examples.size() != tokenProbabilities.size()) {
            throw new IllegalArgumentException(examples.size() + " examples but " + tokenProbabilities.size()
                    + " probability matrices");
        }
        int labels = examples.isEmpty() ? 0 : examples.get(0).numLabels();
        WordRows rows = WordRows.of(examples, tokenProbabilities);
        return tune(rows.probabilities(), rows.gold(), labels);
    }

    /** Every word of some examples: its first sub-token's probabilities (null when cut off) and its gold labels. */
    record WordRows(float[][] probabilities, List<int[]> gold) {

        static WordRows of(List<Example> examples, List<float[][]> tokenProbabilities) {
            List<float[]> rows = new ArrayList<>();
            List<int[]> gold = new ArrayList<>();
            for (int e = 0; e < examples.size(); e++) {
                Example ex = examples.get(e);
                rows.addAll(Arrays.asList(ex.wordProbabilities(tokenProbabilities.get(e))));
                for (int w = 0; w < ex.wordCount(); w++) {
                    gold.add(ex.wordLabels(w));
                }
            }
            return new WordRows(rows.toArray(new float[0][]), gold);
        }
    }

    private static Result tune(float[][] probabilities, boolean[][] gold, int labels) {
        return tune(probabilities, gold, labels, Objective.LABEL_F1);
    }

    /**
     * Tunes on word rows for an objective.
     *
     * @param labels the number of labels
     */
    public static Result tune(float[][] probabilities, List<int[]> gold, int labels, Objective objective) {
        boolean[][] rows = new boolean[gold.size()][labels];
        for (int w = 0; w < rows.length; w++) {
            for (int l : gold.get(w)) {
                rows[w][l] = true;
            }
        }
        if (probabilities.length != rows.length) {
            throw new IllegalArgumentException(probabilities.length + " probability rows but " + rows.length
                    + " gold rows");
        }
        return tune(probabilities, rows, labels, objective);
    }

    /** What the thresholds maximise. */
    public enum Objective {
        /** Each label's own F1 (best for macro-F1; a rare label may take a low threshold and many false positives). */
        LABEL_F1,
        /**
         * The micro-F1 over all labels: coordinate ascent from 0.5, each label's threshold chosen for the pooled
         * F1 with the other labels' counts fixed, {@value #MICRO_PASSES} passes; never below micro-F1 at 0.5.
         */
        MICRO_F1
    }

    /** Passes over the labels of the micro-F1 coordinate ascent (a third pass changed nothing on UD EWT dev). */
    static final int MICRO_PASSES = 2;

    private static Result tune(float[][] probabilities, boolean[][] gold, int labels, Objective objective) {
        float[] thresholds = new float[labels];
        double[] f1 = new double[labels];
        long[] support = new long[labels];
        float[][] pos = new float[labels][];
        float[][] neg = new float[labels][];
        for (int l = 0; l < labels; l++) {
            int np = 0;
            int nn = 0;
            long positives = 0;
            float[] p1 = new float[gold.length];
            float[] n1 = new float[gold.length];
            for (int w = 0; w < gold.length; w++) {
                float[] row = probabilities[w];
                if (gold[w][l]) {
                    positives++;
                }
                if (row != null) {
                    float p = row[l] == 0f ? 0f : row[l]; // -0.0 -> 0.0
                    if (gold[w][l]) {
                        p1[np++] = p;
                    } else {
                        n1[nn++] = p;
                    }
                }
            }
            support[l] = positives;
            pos[l] = Arrays.copyOf(p1, np);
            neg[l] = Arrays.copyOf(n1, nn);
            Arrays.sort(pos[l]);
            Arrays.sort(neg[l]);
        }
        if (objective == Objective.LABEL_F1) {
            for (int l = 0; l < labels; l++) {
                if (support[l] == 0) {
                    thresholds[l] = DEFAULT;
                    continue;
                }
                thresholds[l] = best(pos[l], neg[l], support[l], 0, 0, 0, false).threshold;
            }
        } else {
            Arrays.fill(thresholds, DEFAULT);
            long[] tp = new long[labels];
            long[] fp = new long[labels];
            long allTp = 0;
            long allFp = 0;
            long allPositives = 0;
            for (int l = 0; l < labels; l++) {
                tp[l] = countAtLeast(pos[l], pos[l].length, DEFAULT, true);
                fp[l] = countAtLeast(neg[l], neg[l].length, DEFAULT, true);
                allTp += tp[l];
                allFp += fp[l];
                allPositives += support[l];
            }
            for (int pass = 0; pass < MICRO_PASSES; pass++) {
                for (int l = 0; l < labels; l++) {
                    long otherTp = allTp - tp[l];
                    long otherFp = allFp - fp[l];
                    Candidate c = best(pos[l], neg[l], support[l], otherTp, otherFp, allPositives - support[l],
                            true);
                    thresholds[l] = c.threshold;
                    tp[l] = c.tp - otherTp;
                    fp[l] = c.fp - otherFp;
                    allTp = c.tp;
                    allFp = c.fp;
                }
            }
        }
        for (int l = 0; l < labels; l++) {
            long tp = countAtLeast(pos[l], pos[l].length, thresholds[l], true);
            long fp = countAtLeast(neg[l], neg[l].length, thresholds[l], true);
            f1[l] = support[l] == 0 && objective == Objective.LABEL_F1 ? Ratios.f1(0, fp, 0)
                    : Ratios.f1(tp, tp + fp, support[l]);
        }
        return new Result(thresholds, f1, support);
    }

    /**
     * The best threshold for one label whose sorted probabilities are {@code pos} (gold on) and {@code neg}, the
     * F1 counted with the other labels' {@code otherTp}, {@code otherFp}, {@code otherPositives} added (all 0: the
     * label's own F1). Candidates: the distinct probabilities, 0.5, and with {@code allowNone} a threshold above
     * every probability.
     */
    private static Candidate best(float[] pos, float[] neg, long positives, long otherTp, long otherFp,
            long otherPositives, boolean allowNone) {
        long all = positives + otherPositives;
        Candidate best = null;
        // Walk the distinct values from the top: counts of p >= t grow as t falls.
        int ip = pos.length - 1;
        int in = neg.length - 1;
        long tp = 0;
        long fp = 0;
        if (allowNone) {
            float max = Math.max(ip >= 0 ? pos[ip] : 0f, in >= 0 ? neg[in] : 0f);
            if (max < 1f) {
                best = new Candidate(Math.nextUp(max), otherTp, otherFp, all);
            }
        }
        while (ip >= 0 || in >= 0) {
            float t = ip < 0 ? neg[in] : in < 0 ? pos[ip] : Math.max(pos[ip], neg[in]);
            while (ip >= 0 && pos[ip] == t) {
                tp++;
                ip--;
            }
            while (in >= 0 && neg[in] == t) {
                fp++;
                in--;
            }
            best = Candidate.better(best, new Candidate(t, otherTp + tp, otherFp + fp, all));
        }
        return Candidate.better(best, new Candidate(DEFAULT, otherTp + countAtLeast(pos, pos.length, DEFAULT, true),
                otherFp + countAtLeast(neg, neg.length, DEFAULT, true), all));
    }

    /** How many of {@code a[0, n)} are {@code >= t} ({@code a} sorted ascending when {@code sorted}). */
    private static long countAtLeast(float[] a, int n, float t, boolean sorted) {
        if (!sorted) {
            long c = 0;
            for (int i = 0; i < n; i++) {
                c += a[i] >= t ? 1 : 0;
            }
            return c;
        }
        int lo = 0;
        int hi = n;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return n - lo;
    }

    /** One threshold with its counts. */
    private record Candidate(float threshold, long tp, long fp, long positives) {

        /** The better of two candidates (higher F1, then closer to 0.5, then higher threshold). */
        static Candidate better(Candidate a, Candidate b) {
            if (a == null) {
                return b;
            }
            // F1 = 2tp / (2tp + fp + fn) = 2tp / (tp + fp + positives); compare the fractions exactly.
            long na = 2 * a.tp;
            long da = a.tp + a.fp + a.positives;
            long nb = 2 * b.tp;
            long db = b.tp + b.fp + b.positives;
            // Exact 128-bit products: na * db against nb * da.
            int byF1 = Long.compare(Math.multiplyHigh(na, db), Math.multiplyHigh(nb, da));
            if (byF1 == 0) {
                byF1 = Long.compareUnsigned(na * db, nb * da);
            }
            if (byF1 != 0) {
                return byF1 > 0 ? a : b;
            }
            int byDistance = Double.compare(Math.abs((double) a.threshold - DEFAULT),
                    Math.abs((double) b.threshold - DEFAULT));
            if (byDistance != 0) {
                return byDistance < 0 ? a : b;
            }
            return a.threshold >= b.threshold ? a : b;
        }
    }
}
