package org.multitag.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.multitag.core.JsonErrors;

/**
 * One JSONL input line read as {@code multitag predict} reads it ({@code {"text": ...}} or
 * {@code {"tokens": [...]}}), except that a bad line becomes an error value instead of stopping the run.
 */
final class JsonLines {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A parsed line: text or words, or the reason the line is malformed. */
    record Parsed(String text, List<String> tokens, String error) {
        static Parsed failed(String reason) {
            return new Parsed(null, null, reason);
        }
    }

    private JsonLines() {}

    static Parsed parse(String line) {
        JsonNode json;
        try {
            json = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            // the row has no file and line to name (its row_id says which line it is): the column is the location
            int column = e.getLocation() == null ? -1 : e.getLocation().getColumnNr();
            return Parsed.failed("not valid JSON" + (column > 0 ? " at column " + column : "") + ": "
                    + JsonErrors.describe(e, "line"));
        }
        if (json == null || !json.isObject()) {
            return Parsed.failed("expected a JSON object");
        }
        JsonNode tokens = json.get("tokens");
        boolean hasTokens = tokens != null && !tokens.isNull();
        JsonNode text = json.get("text");
        if (text != null && !text.isNull()) {
            if (hasTokens) {
                return Parsed.failed("give either \"text\" or \"tokens\", not both");
            }
            if (!text.isTextual()) {
                return Parsed.failed("\"text\" must be a string, got " + type(text));
            }
            return new Parsed(text.asText(), null, null);
        }
        if (!hasTokens) {
            return Parsed.failed("expected \"text\" or \"tokens\"");
        }
        if (!tokens.isArray()) {
            return Parsed.failed("\"tokens\" must be an array of strings, got " + type(tokens));
        }
        List<String> words = new ArrayList<>(tokens.size());
        for (int i = 0; i < tokens.size(); i++) {
            JsonNode w = tokens.get(i);
            if (!w.isTextual()) {
                return Parsed.failed("\"tokens\"[" + i + "] must be a string, got " + w);
            }
            words.add(w.asText());
        }
        return new Parsed(null, words, null);
    }

    private static String type(JsonNode n) {
        return n.getNodeType().toString().toLowerCase(Locale.ROOT);
    }
}
