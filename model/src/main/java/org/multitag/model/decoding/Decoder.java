package org.multitag.model.decoding;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns one word's label probabilities into its label set, in one of the {@link DecodingMode}s. Immutable and
 * thread-safe (no scratch is shared between calls).
 *
 * <p>{@code label-sets} scores a seen set S over the grouped labels G by the model's own probabilities,
 * {@code Σ_{l∈S} log p_l + Σ_{l∈G∖S} log(1 − p_l)} = {@code Σ_{l∈G} log(1 − p_l) + Σ_{l∈S} logit(p_l)}; the first
 * sum is the same for every set, so the best set is the one with the largest sum of its labels' log-odds.
 * Probabilities are clamped to [{@value #P_MIN}, 1 − {@value #P_MIN}] first, so a saturated sigmoid (p = 1 in
 * float) stays finite. The search is exact but pruned: the sets are bucketed by their label of the first
 * exactly-one group, a bucket's best score is at most that label's log-odds plus the sum of the positive
 * log-odds of the other grouped labels, and buckets are visited best bound first until a bound falls below the
 * best score found. Ties go to the set listed first (the more frequent one), as a plain scan would.
 */
public final class Decoder {

    /** Probabilities are clamped to [P_MIN, 1 − P_MIN] before their log-odds are taken. */
    public static final double P_MIN = 1e-7;

    private final DecodingMode mode;
    private final LabelGroups groups;
    private final float[] thresholds;
    private final int labels;
    // label-sets: the sets, their bucket per label of the pivot group, the grouped labels outside the pivot
    private final int[][] sets;
    private final int[] pivotLabels;
    private final int[][] buckets;
    private final int[] otherGrouped;
    private final boolean prune;
    // groups: each group's members and rule, read once (Group.labels() copies)
    private final int[][] members;
    private final boolean[] exactlyOne;
    private final int[] groupedLabels;
    private final SeenLabelSets seen;

    private Decoder(DecodingMode mode, LabelGroups groups, SeenLabelSets seen, float[] thresholds) {
        this.mode = mode;
        this.groups = groups;
        this.thresholds = thresholds.clone();
        this.seen = seen;
        this.labels = thresholds.length;
        if (groups.labels().size() != labels) {
            throw new IllegalArgumentException(thresholds.length + " thresholds for " + groups.labels().size()
                    + " labels");
        }
        members = new int[groups.groups().size()][];
        exactlyOne = new boolean[members.length];
        for (int g = 0; g < members.length; g++) {
            members[g] = groups.groups().get(g).labels();
            exactlyOne[g] = groups.groups().get(g).rule() == LabelGroups.Rule.EXACTLY_ONE;
        }
        groupedLabels = java.util.stream.IntStream.range(0, labels).filter(groups::grouped).toArray();
        if (mode == DecodingMode.LABEL_SETS && seen != null && seen.size() > 0) {
            sets = seen.sets().toArray(new int[0][]);
            LabelGroups.Group first = groups.groups().stream().filter(g -> g.rule() == LabelGroups.Rule.EXACTLY_ONE)
                    .findFirst().orElse(null);
            // sets that break the group's rule: no bound holds, so scan them all
            LabelGroups.Group pivot = first != null && Arrays.stream(sets).anyMatch(s -> overlap(s, first.labels()) > 1)
                    ? null : first;
            pivotLabels = pivot == null ? new int[0] : pivot.labels();
            int[] bucketOf = new int[labels];
            Arrays.fill(bucketOf, pivotLabels.length); // the last bucket: sets without a pivot label
            for (int b = 0; b < pivotLabels.length; b++) {
                bucketOf[pivotLabels[b]] = b;
            }
            List<List<Integer>> members = new ArrayList<>();
            for (int b = 0; b <= pivotLabels.length; b++) {
                members.add(new ArrayList<>());
            }
            for (int i = 0; i < sets.length; i++) {
                int b = pivotLabels.length;
                for (int l : sets[i]) {
                    if (bucketOf[l] < pivotLabels.length) {
                        b = bucketOf[l];
                    }
                }
                members.get(b).add(i);
            }
            buckets = new int[members.size()][];
            for (int b = 0; b < buckets.length; b++) {
                buckets[b] = members.get(b).stream().mapToInt(Integer::intValue).toArray();
            }
            boolean[] inPivot = new boolean[labels];
            for (int l : pivotLabels) {
                inPivot[l] = true;
            }
            otherGrouped = java.util.stream.IntStream.range(0, labels)
                    .filter(l -> groups.grouped(l) && !inPivot[l]).toArray();
            prune = pivot != null;
        } else {
            sets = null;
            pivotLabels = null;
            buckets = null;
            otherGrouped = null;
            prune = false;
        }
    }

    private static int overlap(int[] set, int[] labels) {
        int n = 0;
        for (int l : set) {
            for (int m : labels) {
                n += l == m ? 1 : 0;
            }
        }
        return n;
    }

    /** Today's per-label decisions: a label is on when {@code p >= threshold}. */
    public static Decoder independent(List<String> labels, float[] thresholds) {
        return new Decoder(DecodingMode.INDEPENDENT, LabelGroups.none(labels), null, thresholds);
    }

    /**
     * A decoder in {@code mode}.
     *
     * @param seen the seen label sets ({@code label-sets} only; null or empty: the grouped labels are decoded as in
     *     {@code groups})
     * @param thresholds one per label: all labels' in {@code independent}; free and at-most-one labels' in
     *     {@code groups}; free labels' in {@code label-sets}
     */
    public static Decoder of(DecodingMode mode, LabelGroups groups, SeenLabelSets seen, float[] thresholds) {
        return new Decoder(mode, mode == DecodingMode.INDEPENDENT ? LabelGroups.none(groups.labels()) : groups, seen,
                thresholds);
    }

    public DecodingMode mode() {
        return mode;
    }

    /** The same decoding (mode, groups, seen sets) at other thresholds, one per label. */
    public Decoder withThresholds(float[] values) {
        return new Decoder(mode, groups, seen, values);
    }

    /** The thresholds this decoder uses (a copy). */
    public float[] thresholds() {
        return thresholds.clone();
    }

    /** The decisions for one word ({@code null} probabilities, a word without prediction: no label). */
    public boolean[] decide(float[] p) {
        boolean[] on = new boolean[labels];
        decide(p, on);
        return on;
    }

    /** The decisions for one word into {@code on} (length: the number of labels). */
    public void decide(float[] p, boolean[] on) {
        Arrays.fill(on, false);
        if (p == null) {
            return;
        }
        if (p.length != labels || on.length != labels) {
            throw new IllegalArgumentException("rows of " + p.length + " and " + on.length + " for " + labels
                    + " labels");
        }
        for (int l = 0; l < labels; l++) {
            if (!groups.grouped(l)) {
                on[l] = p[l] >= thresholds[l];
            }
        }
        if (groups.isEmpty()) {
            return;
        }
        if (sets != null) {
            for (int l : sets[bestSet(p)]) {
                on[l] = true;
            }
            return;
        }
        for (int g = 0; g < members.length; g++) {
            int best = argmax(p, members[g]);
            if (best >= 0 && (exactlyOne[g] || p[best] >= thresholds[best])) {
                on[best] = true;
            }
        }
    }

    /** The member of {@code labels} with the highest probability (ties: the first listed), or -1 for none. */
    public static int argmax(float[] p, int[] labels) {
        int best = -1;
        for (int l : labels) {
            if (best < 0 || p[l] > p[best]) {
                best = l;
            }
        }
        return best;
    }

    /** The label indices that are on (ascending). */
    public int[] labels(float[] p) {
        boolean[] on = decide(p);
        return java.util.stream.IntStream.range(0, labels).filter(l -> on[l]).toArray();
    }

    /** The log-odds of a probability, clamped (see the class comment). */
    public static double logOdds(float p) {
        double q = Math.min(Math.max(p, P_MIN), 1 - P_MIN);
        return Math.log(q) - Math.log1p(-q);
    }

    /** The index of the best seen set for {@code p}. */
    int bestSet(float[] p) {
        double[] lo = new double[labels];
        for (int l : groupedLabels) {
            lo[l] = logOdds(p[l]);
        }
        double positive = 0;
        for (int l : otherGrouped) {
            positive += Math.max(0, lo[l]);
        }
        int nb = buckets.length;
        double[] bound = new double[nb];
        int[] order = new int[nb];
        for (int b = 0; b < nb; b++) {
            bound[b] = positive + (b < pivotLabels.length ? lo[pivotLabels[b]] : 0);
            // insertion by descending bound (a few dozen buckets; no boxing)
            int k = b;
            while (k > 0 && bound[order[k - 1]] < bound[b]) {
                order[k] = order[k - 1];
                k--;
            }
            order[k] = b;
        }
        double best = Double.NEGATIVE_INFINITY;
        int bestIndex = Integer.MAX_VALUE;
        for (int b : order) {
            if (prune && bound[b] < best) {
                break;
            }
            for (int i : buckets[b]) {
                double s = score(sets[i], lo);
                if (s > best || (s == best && i < bestIndex)) {
                    best = s;
                    bestIndex = i;
                }
            }
        }
        return bestIndex;
    }

    /** Σ log-odds over a set's labels, in its (ascending) order. */
    static double score(int[] set, double[] logOdds) {
        double s = 0;
        for (int l : set) {
            s += logOdds[l];
        }
        return s;
    }
}
