package org.multitag.eval;

/**
 * A literal re-implementation of scikit-learn's multi-label metrics on indicator matrices (rows = samples, columns
 * = labels) with {@code zero_division=0}, written independently of {@link MultiLabelMetrics}: F-score as
 * {@code 2PR/(P+R)} from the rounded ratios, averages over every column.
 */
final class SklearnReference {

    private SklearnReference() {}

    /** {@code precision_recall_fscore_support(y, p, average=None, zero_division=0)}: rows P, R, F, support. */
    static double[][] perLabel(boolean[][] y, boolean[][] p, int labels) {
        double[][] out = new double[4][labels];
        for (int j = 0; j < labels; j++) {
            double tp = 0;
            double predicted = 0;
            double actual = 0;
            for (int i = 0; i < y.length; i++) {
                tp += y[i][j] && p[i][j] ? 1 : 0;
                predicted += p[i][j] ? 1 : 0;
                actual += y[i][j] ? 1 : 0;
            }
            double precision = predicted == 0 ? 0 : tp / predicted;
            double recall = actual == 0 ? 0 : tp / actual;
            out[0][j] = precision;
            out[1][j] = recall;
            out[2][j] = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            out[3][j] = actual;
        }
        return out;
    }

    /** {@code average='micro'}: P, R, F of the pooled counts. */
    static double[] micro(boolean[][] y, boolean[][] p, int labels) {
        double tp = 0;
        double predicted = 0;
        double actual = 0;
        for (int i = 0; i < y.length; i++) {
            for (int j = 0; j < labels; j++) {
                tp += y[i][j] && p[i][j] ? 1 : 0;
                predicted += p[i][j] ? 1 : 0;
                actual += y[i][j] ? 1 : 0;
            }
        }
        double precision = predicted == 0 ? 0 : tp / predicted;
        double recall = actual == 0 ? 0 : tp / actual;
        return new double[] {precision, recall,
            precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)};
    }

    /** {@code average='macro'}: P, R, F means over all columns. */
    static double[] macro(boolean[][] y, boolean[][] p, int labels) {
        double[][] per = perLabel(y, p, labels);
        double[] out = new double[3];
        for (int k = 0; k < 3; k++) {
            for (int j = 0; j < labels; j++) {
                out[k] += per[k][j] / labels;
            }
        }
        return out;
    }

    /** {@code hamming_loss}. */
    static double hammingLoss(boolean[][] y, boolean[][] p, int labels) {
        double wrong = 0;
        for (int i = 0; i < y.length; i++) {
            for (int j = 0; j < labels; j++) {
                wrong += y[i][j] != p[i][j] ? 1 : 0;
            }
        }
        return wrong / (y.length * (double) labels);
    }

    /** {@code accuracy_score} on multi-label data (subset accuracy). */
    static double subsetAccuracy(boolean[][] y, boolean[][] p) {
        double right = 0;
        for (int i = 0; i < y.length; i++) {
            right += java.util.Arrays.equals(y[i], p[i]) ? 1 : 0;
        }
        return right / y.length;
    }
}
