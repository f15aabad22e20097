package org.multitag.eval;

/**
 * Precision, recall and F1 from counts, with scikit-learn's {@code zero_division=0}: a ratio whose denominator
 * is 0 is 0. F1 is {@code 2 tp / (2 tp + fp + fn)}, which equals {@code 2 P R / (P + R)} whenever that is
 * defined.
 */
final class Ratios {

    private Ratios() {}

    /** {@code tp / predicted}, 0 when nothing was predicted. */
    static double precision(long tp, long predicted) {
        return predicted == 0 ? 0.0 : (double) tp / predicted;
    }

    /** {@code tp / support}, 0 when there are no gold positives. */
    static double recall(long tp, long support) {
        return support == 0 ? 0.0 : (double) tp / support;
    }

    /** {@code 2 tp / (predicted + support)}, 0 when both are 0. */
    static double f1(long tp, long predicted, long support) {
        long d = predicted + support;
        return d == 0 ? 0.0 : 2.0 * tp / d;
    }
}
