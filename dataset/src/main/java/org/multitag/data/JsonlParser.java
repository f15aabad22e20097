package org.multitag.data;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.multitag.core.InputException;
import org.multitag.core.JsonErrors;
import org.multitag.tokenizer.labels.Span;

/**
 * Parses one JSON line of training data into a {@link SourceRecord}; the form is chosen by the key present:
 * {@code tokens} (words and label sets), {@code text} (text and spans) or {@code input_ids} (token ids and
 * target rows). Other keys are ignored; duplicate keys and trailing content are errors.
 */
final class JsonlParser {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private JsonlParser() {}

    /**
     * The record on {@code line}.
     *
     * @param file the file name ({@code null}: {@code <stdin>}); {@code file:number} is used in errors (with the
     *     column for a JSON syntax error) and as the record's source
     * @param number the line's number, from 1
     * @throws InputException when the line is not a valid record
     */
    static SourceRecord parse(String line, String file, long number) {
        String location = InputException.at(file, number);
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw JsonErrors.line(file, number, e);
        }
        if (node == null || !node.isObject()) {
            throw new InputException(location, "expected a JSON object");
        }
        List<String> forms = new ArrayList<>();
        for (String key : new String[] {"tokens", "text", "input_ids"}) {
            if (node.has(key)) {
                forms.add("\"" + key + "\"");
            }
        }
        if (forms.size() != 1) {
            throw new InputException(location, forms.isEmpty()
                    ? "expected one of \"tokens\" (with \"labels\"), \"text\" (with \"spans\") or \"input_ids\" "
                            + "(with \"labels\")"
                    : "has " + String.join(" and ", forms) + "; a line has exactly one of \"tokens\", \"text\" "
                            + "and \"input_ids\"");
        }
        if (node.has("tokens")) {
            return words(node, location);
        }
        if (node.has("text")) {
            return text(node, location);
        }
        return tokens(node, location);
    }

    // ---------------------------------------------------------------- form 1: words

    private static SourceRecord.Words words(JsonNode node, String at) {
        JsonNode tokens = array(node, "tokens", at);
        JsonNode labels = array(node, "labels", at);
        if (tokens.isEmpty()) {
            throw new InputException(at, "\"tokens\" is empty");
        }
        if (labels.size() != tokens.size()) {
            throw new InputException(at, "\"labels\" has " + labels.size() + " entries but \"tokens\" has "
                    + tokens.size());
        }
        List<String> words = new ArrayList<>(tokens.size());
        List<List<String>> sets = new ArrayList<>(tokens.size());
        for (int w = 0; w < tokens.size(); w++) {
            JsonNode t = tokens.get(w);
            if (!t.isTextual()) {
                throw new InputException(at, "\"tokens\"[" + w + "] must be a string, got " + type(t));
            }
            words.add(t.asText());
            JsonNode set = labels.get(w);
            if (!set.isArray()) {
                throw new InputException(at, "\"labels\"[" + w + "] must be a list of label names, got " + type(set));
            }
            List<String> names = new ArrayList<>(set.size());
            for (int k = 0; k < set.size(); k++) {
                names.add(label(set.get(k), "\"labels\"[" + w + "][" + k + "]", at));
            }
            sets.add(names);
        }
        return new SourceRecord.Words(at, words, sets);
    }

    // ---------------------------------------------------------------- form 2: text and spans

    private static SourceRecord.Text text(JsonNode node, String at) {
        JsonNode t = node.get("text");
        if (!t.isTextual()) {
            throw new InputException(at, "\"text\" must be a string, got " + type(t));
        }
        String text = t.asText();
        JsonNode spans = array(node, "spans", at);
        List<Span> out = new ArrayList<>(spans.size());
        for (int i = 0; i < spans.size(); i++) {
            JsonNode s = spans.get(i);
            String what = "\"spans\"[" + i + "]";
            if (!s.isObject()) {
                throw new InputException(at, what + " must be an object {\"start\", \"end\", \"label\"}, got "
                        + type(s));
            }
            int start = integer(s.get("start"), what + ".start", at);
            int end = integer(s.get("end"), what + ".end", at);
            JsonNode labelNode = s.get("label");
            if (labelNode == null || labelNode.isNull()) {
                throw new InputException(at, what + " has no \"label\"");
            }
            String label = label(labelNode, what + ".label", at);
            if (start < 0 || end > text.length() || start >= end) {
                throw new InputException(at, what + " [" + start + ", " + end + ") is not a non-empty range of the "
                        + "text (length " + text.length() + ", UTF-16 code units)");
            }
            if (splitsSurrogatePair(text, start) || splitsSurrogatePair(text, end)) {
                throw new InputException(at, what + " [" + start + ", " + end + ") cuts a character in two "
                        + "(offsets are UTF-16 code units, not code points)");
            }
            out.add(new Span(start, end, label));
        }
        return new SourceRecord.Text(at, text, out);
    }

    private static boolean splitsSurrogatePair(String text, int i) {
        return i > 0 && i < text.length() && Character.isHighSurrogate(text.charAt(i - 1))
                && Character.isLowSurrogate(text.charAt(i));
    }

    // ---------------------------------------------------------------- form 3: token ids

    private static SourceRecord.Tokens tokens(JsonNode node, String at) {
        JsonNode idsNode = array(node, "input_ids", at);
        int n = idsNode.size();
        if (n == 0) {
            throw new InputException(at, "\"input_ids\" is empty");
        }
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = integer(idsNode.get(i), "\"input_ids\"[" + i + "]", at);
            if (ids[i] < 0) {
                throw new InputException(at, "\"input_ids\"[" + i + "] is negative");
            }
        }
        int[] types = new int[n];
        JsonNode typesNode = node.get("token_type_ids");
        if (typesNode != null && !typesNode.isNull()) {
            typesNode = array(node, "token_type_ids", at);
            requireLength(typesNode, "token_type_ids", n, at);
            for (int i = 0; i < n; i++) {
                types[i] = integer(typesNode.get(i), "\"token_type_ids\"[" + i + "]", at);
                if (types[i] < 0) {
                    throw new InputException(at, "\"token_type_ids\"[" + i + "] is negative");
                }
            }
        }
        JsonNode rows = array(node, "labels", at);
        requireLength(rows, "labels", n, at);
        int width = -1;
        int[][] labels = new int[n][];
        for (int i = 0; i < n; i++) {
            JsonNode row = rows.get(i);
            if (!row.isArray()) {
                throw new InputException(at, "\"labels\"[" + i + "] must be a row of 0/1 values (one per label), got "
                        + type(row));
            }
            if (width < 0) {
                width = row.size();
            } else if (row.size() != width) {
                throw new InputException(at, "\"labels\"[" + i + "] has " + row.size() + " values but \"labels\"[0] "
                        + "has " + width);
            }
            labels[i] = ones(row, "\"labels\"[" + i + "]", at);
        }
        int[] mask = new int[n];
        java.util.Arrays.fill(mask, 1);
        JsonNode maskNode = node.get("label_mask");
        if (maskNode != null && !maskNode.isNull()) {
            maskNode = array(node, "label_mask", at);
            requireLength(maskNode, "label_mask", n, at);
            for (int i = 0; i < n; i++) {
                mask[i] = zeroOne(maskNode.get(i), "\"label_mask\"[" + i + "]", at);
            }
        }
        return new SourceRecord.Tokens(at, ids, types, labels, width, mask);
    }

    /** The positions of the ones in a 0/1 row. */
    private static int[] ones(JsonNode row, String what, String at) {
        int count = 0;
        int[] tmp = new int[row.size()];
        for (int j = 0; j < row.size(); j++) {
            if (zeroOne(row.get(j), what + "[" + j + "]", at) == 1) {
                tmp[count++] = j;
            }
        }
        return java.util.Arrays.copyOf(tmp, count);
    }

    // ---------------------------------------------------------------- helpers

    private static JsonNode array(JsonNode node, String field, String at) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new InputException(at, "missing \"" + field + "\"");
        }
        if (!v.isArray()) {
            throw new InputException(at, "\"" + field + "\" must be a list, got " + type(v));
        }
        return v;
    }

    private static void requireLength(JsonNode array, String field, int n, String at) {
        if (array.size() != n) {
            throw new InputException(at, "\"" + field + "\" has " + array.size() + " entries but \"input_ids\" has "
                    + n);
        }
    }

    private static String label(JsonNode v, String what, String at) {
        if (!v.isTextual()) {
            throw new InputException(at, what + " must be a label name (a string), got " + type(v));
        }
        String s = v.asText();
        if (s.isEmpty()) {
            throw new InputException(at, what + " is an empty label name");
        }
        if (s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0 || !s.strip().equals(s)) {
            throw new InputException(at, what + " label name \"" + s + "\" has line breaks or surrounding "
                    + "whitespace");
        }
        return s;
    }

    private static int integer(JsonNode v, String what, String at) {
        if (v == null || v.isNull()) {
            throw new InputException(at, "missing " + what);
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new InputException(at, what + " must be an integer, got " + (v.isNumber() ? v.asText() : type(v)));
        }
        return v.intValue();
    }

    private static int zeroOne(JsonNode v, String what, String at) {
        if (v.isNumber()) {
            double d = v.doubleValue();
            if (d == 0) {
                return 0;
            }
            if (d == 1) {
                return 1;
            }
        }
        throw new InputException(at, what + " must be 0 or 1, got " + (v.isNumber() ? v.asText() : type(v)));
    }

    private static String type(JsonNode v) {
        return v.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    }
}
