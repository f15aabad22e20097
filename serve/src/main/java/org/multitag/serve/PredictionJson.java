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
                        g.writeNumber(roundedText(p));
                    }
                }
                g.writeEndObject();
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /**
     * A probability to 4 decimals, without trailing zeros (0.98, 0.0001, 1): the decimal that {@code Double.toString}
     * gives the float, rounded half-even. The definition; {@link #write} writes the same text without it.
     */
    public static BigDecimal round(float p) {
        BigDecimal d = BigDecimal.valueOf(p).setScale(4, RoundingMode.HALF_EVEN).stripTrailingZeros();
        return d.signum() == 0 ? BigDecimal.ZERO : d;
    }

    /**
     * {@code round(p).toPlainString()}, computed in a double instead of a BigDecimal (a tagged word carries one score
     * per label, and building a BigDecimal for each was a tenth of a served sentence's CPU time). Exact: the product by
     * 10^4 is off by less than 1e-7 below 10^5, so only a value within 1e-6 of a rounding tie, or a larger one, takes
     * the BigDecimal path; {@code PredictionJsonTest} compares the two.
     */
    static String roundedText(float p) {
        double a = Math.abs((double) p);
        if (!(a < 100_000)) {
            return round(p).toPlainString();
        }
        double q = a * 10_000;
        double whole = Math.floor(q);
        double frac = q - whole;
        if (Math.abs(frac - 0.5) < 1e-6) {
            return round(p).toPlainString();
        }
        long n = (long) whole + (frac > 0.5 ? 1 : 0);
        if (n == 0) {
            return "0";
        }
        StringBuilder sb = new StringBuilder(12);
        if (p < 0) {
            sb.append('-');
        }
        sb.append(n / 10_000);
        int decimals = (int) (n % 10_000);
        if (decimals != 0) {
            int width = 4;
            while (decimals % 10 == 0) {
                decimals /= 10;
                width--;
            }
            String digits = Integer.toString(decimals);
            sb.append('.');
            for (int i = digits.length(); i < width; i++) {
                sb.append('0');
            }
            sb.append(digits);
        }
        return sb.toString();
    }
}
