package org.multitag.serve.http;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.multitag.core.JsonErrors;
import org.multitag.model.decoding.DecodingMode;
import org.multitag.serve.TagRequest;

/**
 * Request bodies to requests: JSON that does not parse is a 400, JSON of the wrong shape a 422 naming the field. A
 * body is one input ({@code {"text": ...}}) or several ({@code {"inputs": [input, ...]}}).
 */
final class RequestBodies {

    /** One tagging input and whether its answer carries scores. */
    record TagInput(TagRequest request, boolean scores) {}

    /** A parsed body: its inputs, and whether they came as {@code "inputs"} (answered as {@code "outputs"}). */
    record Parsed<T>(List<T> inputs, boolean batch) {}

    /**
     * Fields that would change a result and that the server does not take: an error, never silently ignored (other
     * fields, an id for instance, are ignored).
     */
    static final Set<String> UNSUPPORTED = Set.of("text_pair", "input_ids", "token_type_ids", "attention_mask",
            "position_ids", "threshold", "thresholds", "truncate", "truncation", "max_length", "decode",
            "parameters", "aggregation_strategy");

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    static {
        // Nesting deeper than any valid request is refused early (the body size already bounds the rest).
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build());
    }

    private final int maxInputs;

    RequestBodies(int maxInputs) {
        this.maxInputs = maxInputs;
    }

    /** A {@code /v1/tag} body. Top-level {@code "decoding"} and {@code "scores"} next to {@code "inputs"} are defaults. */
    Parsed<TagInput> tag(byte[] body) {
        JsonNode root = object(body);
        DecodingMode decoding = decoding(root, "");
        boolean scores = scores(root, "", true);
        if (root.has("inputs")) {
            List<JsonNode> items = inputs(root, "text", "tokens");
            List<TagInput> out = new ArrayList<>(items.size());
            for (int i = 0; i < items.size(); i++) {
                out.add(tagInput(items.get(i), "inputs[" + i + "]", decoding, scores));
            }
            return new Parsed<>(out, true);
        }
        return new Parsed<>(List.of(tagInput(root, "", decoding, scores)), false);
    }

    /** A {@code /v1/embed} or {@code /v1/tokenize} body: texts. */
    Parsed<String> texts(byte[] body) {
        JsonNode root = object(body);
        if (root.has("inputs")) {
            List<JsonNode> items = inputs(root, "text");
            List<String> out = new ArrayList<>(items.size());
            for (int i = 0; i < items.size(); i++) {
                out.add(text(items.get(i), "inputs[" + i + "]"));
            }
            return new Parsed<>(out, true);
        }
        return new Parsed<>(List.of(text(root, "")), false);
    }

    private static JsonNode object(byte[] body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            // the same words as the command line's JSON errors, with the position inside the body
            JsonLocation at = e.getLocation();
            String where = at == null || at.getColumnNr() < 1 ? ""
                    : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw HttpError.badJson("the body is not JSON" + where + ": " + JsonErrors.describe(e, "body"));
        } catch (IOException e) {
            throw HttpError.badJson("the body is not JSON: " + e.getMessage());
        }
        if (root == null || root.isMissingNode()) {
            throw HttpError.badJson("the body is empty: expected a JSON object");
        }
        if (!root.isObject()) {
            throw HttpError.invalid("expected a JSON object, got " + kind(root));
        }
        return root;
    }

    /** The {@code "inputs"} array's objects, after checking that no single-input field sits beside it. */
    private List<JsonNode> inputs(JsonNode root, String... singleFields) {
        for (String f : singleFields) {
            if (root.has(f)) {
                throw HttpError.invalid("give either \"inputs\" or \"" + f + "\", not both");
            }
        }
        JsonNode inputs = root.get("inputs");
        if (!inputs.isArray()) {
            throw HttpError.invalid("\"inputs\" must be an array of objects, got " + kind(inputs));
        }
        if (inputs.isEmpty()) {
            throw HttpError.invalid("\"inputs\" is empty: no input to answer");
        }
        if (inputs.size() > maxInputs) {
            throw HttpError.invalid("\"inputs\" holds " + inputs.size() + " inputs, more than the limit of "
                    + maxInputs + " (--max-inputs-per-request)");
        }
        unsupported(root, "");
        List<JsonNode> out = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            if (!inputs.get(i).isObject()) {
                throw HttpError.invalid("inputs[" + i + "] must be an object, got " + kind(inputs.get(i)));
            }
            out.add(inputs.get(i));
        }
        return out;
    }

    private static TagInput tagInput(JsonNode json, String where, DecodingMode defaultDecoding,
            boolean defaultScores) {
        unsupported(json, where);
        if (!where.isEmpty() && json.has("inputs")) {
            throw HttpError.invalid(where + ": \"inputs\" do not nest");
        }
        DecodingMode decoding = where.isEmpty() ? defaultDecoding : decoding(json, where);
        if (decoding == null) {
            decoding = defaultDecoding;
        }
        boolean scores = where.isEmpty() ? defaultScores : scores(json, where, defaultScores);
        JsonNode text = json.get("text");
        JsonNode tokens = json.get("tokens");
        boolean hasText = text != null && !text.isNull();
        boolean hasTokens = tokens != null && !tokens.isNull();
        if (hasText && hasTokens) {
            throw HttpError.invalid(prefix(where) + "give either \"text\" or \"tokens\", not both");
        }
        if (hasText) {
            if (!text.isTextual()) {
                throw HttpError.invalid(prefix(where) + "\"text\" must be a string, got " + kind(text));
            }
            return new TagInput(TagRequest.text(text.asText()).withDecoding(decoding), scores);
        }
        if (!hasTokens) {
            throw HttpError.invalid(prefix(where) + "expected \"text\" or \"tokens\" (or \"inputs\")");
        }
        if (!tokens.isArray()) {
            throw HttpError.invalid(prefix(where) + "\"tokens\" must be an array of strings, got " + kind(tokens));
        }
        List<String> words = new ArrayList<>(tokens.size());
        for (int i = 0; i < tokens.size(); i++) {
            if (!tokens.get(i).isTextual()) {
                throw HttpError.invalid(prefix(where) + "\"tokens\"[" + i + "] must be a string, got "
                        + kind(tokens.get(i)));
            }
            words.add(tokens.get(i).asText());
        }
        return new TagInput(TagRequest.words(words).withDecoding(decoding), scores);
    }

    private static String text(JsonNode json, String where) {
        unsupported(json, where);
        JsonNode text = json.get("text");
        if (text == null || text.isNull()) {
            throw HttpError.invalid(prefix(where) + "expected \"text\"" + (where.isEmpty() ? " (or \"inputs\")" : ""));
        }
        if (!text.isTextual()) {
            throw HttpError.invalid(prefix(where) + "\"text\" must be a string, got " + kind(text));
        }
        return text.asText();
    }

    private static DecodingMode decoding(JsonNode json, String where) {
        JsonNode d = json.get("decoding");
        if (d == null || d.isNull()) {
            return null;
        }
        DecodingMode mode = d.isTextual() ? DecodingMode.parse(d.asText()) : null;
        if (mode == null) {
            throw HttpError.invalid(prefix(where) + "\"decoding\" must be \"independent\", \"groups\" or "
                    + "\"label-sets\", got " + d);
        }
        return mode;
    }

    private static boolean scores(JsonNode json, String where, boolean fallback) {
        JsonNode s = json.get("scores");
        if (s == null || s.isNull()) {
            return fallback;
        }
        if (!s.isBoolean()) {
            throw HttpError.invalid(prefix(where) + "\"scores\" must be true or false, got " + kind(s));
        }
        return s.booleanValue();
    }

    private static void unsupported(JsonNode json, String where) {
        for (String f : UNSUPPORTED) {
            if (json.has(f)) {
                throw HttpError.invalid(prefix(where) + "\"" + f + "\" is not supported by the server (it would "
                        + "change the result): leave it out");
            }
        }
    }

    private static String prefix(String where) {
        return where.isEmpty() ? "" : where + ": ";
    }

    /** A JSON value's kind for messages: string, number, array, object, boolean. */
    static String kind(JsonNode n) {
        return n.getNodeType().toString().toLowerCase(Locale.ROOT);
    }
}
