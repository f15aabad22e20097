package org.multitag.eval;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The result of an evaluation, serializable to JSON with Jackson (snake_case keys, see {@link #toJson()}).
 *
 * <p>Word level: {@code micro_*} pool every label's counts; {@code macro_*} are unweighted means over ALL labels
 * of the label set (scikit-learn {@code average='macro'}, {@code zero_division=0}: a label never seen nor
 * predicted scores 0), {@code macro_*_supported} the same means over the labels with support &gt; 0 only
 * ({@code n_labels_supported} of them); {@code hamming_loss} = wrong label decisions / (words × labels);
 * {@code subset_accuracy} = share of words whose whole label set is right. The {@code span_*} keys are present
 * only when the data had spans: exact-match (same start, end and label) precision, recall and F1.
 * {@code unknown_gold_labels} counts gold labels outside the model's label set (each a miss: in the micro
 * support, and its word's subset is wrong). {@code ud} is present for CoNLL-U label sets: the official CoNLL 2018
 * UPOS and UFeats accuracies and the stricter UPOS+FEATS and all-features measures ({@link UdMetrics}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"n_words", "n_labels", "micro_precision", "micro_recall", "micro_f1", "macro_precision",
    "macro_recall", "macro_f1", "n_labels_supported", "macro_precision_supported", "macro_recall_supported",
    "macro_f1_supported", "hamming_loss", "subset_accuracy", "per_label", "n_gold_spans", "n_predicted_spans",
    "span_micro_precision", "span_micro_recall", "span_micro_f1", "span_macro_f1", "span_per_label",
    "unknown_gold_labels", "ud"})
public record EvaluationReport(
        @JsonProperty("n_words") long nWords,
        @JsonProperty("n_labels") int nLabels,
        @JsonProperty("micro_precision") double microPrecision,
        @JsonProperty("micro_recall") double microRecall,
        @JsonProperty("micro_f1") double microF1,
        @JsonProperty("macro_precision") double macroPrecision,
        @JsonProperty("macro_recall") double macroRecall,
        @JsonProperty("macro_f1") double macroF1,
        @JsonProperty("n_labels_supported") int nLabelsSupported,
        @JsonProperty("macro_precision_supported") double macroPrecisionSupported,
        @JsonProperty("macro_recall_supported") double macroRecallSupported,
        @JsonProperty("macro_f1_supported") double macroF1Supported,
        @JsonProperty("hamming_loss") double hammingLoss,
        @JsonProperty("subset_accuracy") double subsetAccuracy,
        @JsonProperty("per_label") Map<String, LabelScores> perLabel,
        @JsonProperty("n_gold_spans") Long nGoldSpans,
        @JsonProperty("n_predicted_spans") Long nPredictedSpans,
        @JsonProperty("span_micro_precision") Double spanMicroPrecision,
        @JsonProperty("span_micro_recall") Double spanMicroRecall,
        @JsonProperty("span_micro_f1") Double spanMicroF1,
        @JsonProperty("span_macro_f1") Double spanMacroF1,
        @JsonProperty("span_per_label") Map<String, LabelScores> spanPerLabel,
        @JsonProperty("unknown_gold_labels") long unknownGoldLabels,
        @JsonProperty("ud") UdMetrics.Scores ud) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public EvaluationReport {
        perLabel = Collections.unmodifiableMap(new LinkedHashMap<>(perLabel));
        spanPerLabel = spanPerLabel == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(spanPerLabel));
    }

    /** Whether span-level scores are present. */
    public boolean hasSpans() {
        return spanPerLabel != null;
    }

    /** The report as indented JSON with the decoding mode it was made with ({@code "decoding"}) first. */
    public String toJson(org.multitag.model.decoding.DecodingMode mode) {
        com.fasterxml.jackson.databind.node.ObjectNode o = JSON.createObjectNode();
        o.put("decoding", mode.id());
        o.setAll((com.fasterxml.jackson.databind.node.ObjectNode) JSON.valueToTree(this));
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Several modes' reports as one JSON object: {@code {"modes": {mode: report}}}. */
    public static String toJson(Map<org.multitag.model.decoding.DecodingMode, EvaluationReport> reports) {
        com.fasterxml.jackson.databind.node.ObjectNode o = JSON.createObjectNode();
        com.fasterxml.jackson.databind.node.ObjectNode modes = o.putObject("modes");
        reports.forEach((mode, r) -> modes.set(mode.id(), JSON.valueToTree(r)));
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The report as indented JSON. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
