package org.multitag.eval;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The scores of one label: precision, recall and F1 (0 where a ratio has a zero denominator, as scikit-learn's
 * {@code zero_division=0}), support (gold positives), predicted positives and, for word-level scores of a
 * model, the decision threshold used.
 *
 * @param threshold {@code null} when no threshold applies (spans, baselines); left out of JSON then
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"precision", "recall", "f1", "support", "predicted", "threshold"})
public record LabelScores(double precision, double recall, double f1, long support, long predicted,
        Double threshold) {

    /** Scores from counts: true positives, predicted positives ({@code tp + fp}) and gold positives. */
    public static LabelScores of(long truePositives, long predicted, long support, Double threshold) {
        return new LabelScores(Ratios.precision(truePositives, predicted), Ratios.recall(truePositives, support),
                Ratios.f1(truePositives, predicted, support), support, predicted, threshold);
    }
}
