package org.multitag.train.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.multitag.train.data.Example;

/**
 * Chooses one decision threshold per label (a label is predicted when {@code p >= threshold}) to maximise that
 * label's F1 on development data. Tune on dev only, never on the test set.
 *
 * <p>For each label the candidates are the distinct probabilities of that label plus 0.5; the winner has the
 * highest F1 ({@code 2tp / (2tp + fp + fn)}, compared exactly on the counts), then the smallest distance to 0.5,
 * then the higher threshold. A label with no gold positive in the data keeps {@link #DEFAULT}. Each label's
 * probabilities are sorted once: O(n log n) per label for n words.
 */
public final class ThresholdTuner {

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
        List<float[]> rows = new ArrayList<>();
        List<int[]> gold = new ArrayList<>();
        for (int e = 0; e < examples.size(); e++) {
            Example ex = examples.get(e);
            rows.addAll(Arrays.asList(ex.wordProbabilities(tokenProbabilities.get(e))));
            for (int w = 0; w < ex.wordCount(); w++) {
                gold.add(ex.wordLabels(w));
            }
        }
        return tune(rows.toArray(new float[0][]), gold, labels);
    }

    private static Result tune(float[][] probabilities, boolean[][] gold, int labels) {
        float[] thresholds = new float[labels];
        double[] f1 = new double[labels];
        long[] support = new long[labels];
        float[] pos = new float[gold.length];
        float[] neg = new float[gold.length];
        for (int l = 0; l < labels; l++) {
            int np = 0;
            int nn = 0;
            long positives = 0;
            for (int w = 0; w < gold.length; w++) {
                float[] row = probabilities[w];
                if (gold[w][l]) {
                    positives++;
                }
                if (row != null) {
                    float p = row[l] == 0f ? 0f : row[l]; // -0.0 -> 0.0
                    if (gold[w][l]) {
                        pos[np++] = p;
                    } else {
                        neg[nn++] = p;
                    }
                }
            }
            support[l] = positives;
            if (positives == 0) {
                thresholds[l] = DEFAULT;
                long fp = countAtLeast(neg, nn, DEFAULT, false);
                f1[l] = Ratios.f1(0, fp, 0);
                continue;
            }
            Arrays.sort(pos, 0, np);
            Arrays.sort(neg, 0, nn);
            Candidate best = null;
            // Walk the distinct values from the top: counts of p >= t grow as t falls.
            int ip = np - 1;
            int in = nn - 1;
            long tp = 0;
            long fp = 0;
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
                best = Candidate.better(best, new Candidate(t, tp, fp, positives));
            }
            best = Candidate.better(best, new Candidate(DEFAULT, countAtLeast(pos, np, DEFAULT, true),
                    countAtLeast(neg, nn, DEFAULT, true), positives));
            thresholds[l] = best.threshold;
            f1[l] = Ratios.f1(best.tp, best.tp + best.fp, positives);
        }
        return new Result(thresholds, f1, support);
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
