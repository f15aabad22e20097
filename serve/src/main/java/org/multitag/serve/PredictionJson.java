package org.multitag.serve;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import org.multitag.tokenizer.labels.WordPrediction;

/**
 * The JSON of one tagged input, as {@code multitag predict} writes a line and {@code multitag serve} answers: {@code
 * {"words": [{"text", "start", "end", "labels": [...], "scores": {label: p}}]}}, scores in label order rounded to 4
 * decimals. One writer for both, so the command and the server cannot drift apart.
 */
public final class PredictionJson {

    private PredictionJson() {}

    /**
     * Writes one input's words as a JSON object.
     *
     * @param g a generator; {@link JsonGenerator.Feature#WRITE_BIGDECIMAL_AS_PLAIN} keeps 0.0001 from turning into
     *     1E-4
     * @param labels the model's label names, the order of {@code "scores"}
     * @param scores false leaves {@code "scores"} out
     */
    public static void write(JsonGenerator g, List<WordPrediction> words, List<String> labels, boolean scores)
            throws IOException {
        g.writeStartObject();
        g.writeArrayFieldStart("words");
        for (WordPrediction w : words) {
            g.writeStartObject();
            g.writeStringField("text", w.text());
            g.writeNumberField("start", w.start());
            g.writeNumberField("end", w.end());
            g.writeArrayFieldStart("labels");
            for (String label : w.labels()) {
                g.writeString(label);
            }
            g.writeEndArray();
            if (scores) {
                g.writeObjectFieldStart("scores");
                for (String label : labels) {
                    g.writeFieldName(label);
                    Float p = w.scores().get(label);
                    if (p == null || !Float.isFinite(p)) {
                        g.writeNull();
                    } else {
                        g.writeNumber(round(p));
                    }
                }
                g.writeEndObject();
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /** A probability to 4 decimals, without trailing zeros (0.98, 0.0001, 1). */
    public static BigDecimal round(float p) {
        BigDecimal d = BigDecimal.valueOf(p).setScale(4, RoundingMode.HALF_EVEN).stripTrailingZeros();
        return d.signum() == 0 ? BigDecimal.ZERO : d;
    }
}
