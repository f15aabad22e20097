package org.multitag.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.multitag.core.InputException;
import org.multitag.core.JsonErrors;
import org.multitag.core.LineReader;

/**
 * Reads line input (a file or stdin) strictly: JSON Lines, plain text, or either decided from the first non-blank
 * line ({@link Format#AUTO}); every bad line is an error naming file, line and (for JSON) column, and an input with
 * no non-blank line is an error naming the file.
 */
final class JsonlInput {

    /** What the lines of an input are. */
    enum Format {
        /** JSON Lines when the first non-blank line starts with '{', else plain text: decided once per input. */
        AUTO,
        /** One JSON object a line. */
        JSONL,
        /** One text a line, read as {@code {"text": LINE}}. */
        TEXT;

        /** {@code auto}, {@code jsonl} or {@code text}, in any case; anything else is an error naming the option. */
        static Format parse(String value, String option) {
            return switch (value.toLowerCase(Locale.ROOT)) {
                case "auto" -> AUTO;
                case "jsonl" -> JSONL;
                case "text" -> TEXT;
                default -> throw new InputException(option + " must be auto, jsonl or text, not '" + value + "'");
            };
        }
    }

    /** One parsed line and where it came from. */
    record Line(long number, JsonNode json, String location) {

        /** A required string field. */
        String text(String field) {
            JsonNode v = json.get(field);
            if (v == null || v.isNull()) {
                throw new InputException(location, "missing \"" + field + "\"");
            }
            if (!v.isTextual()) {
                throw new InputException(location, "\"" + field + "\" must be a string, got " + v.getNodeType()
                        .toString().toLowerCase());
            }
            return v.asText();
        }

        /** An optional string field, {@code null} when absent. */
        String optionalText(String field) {
            JsonNode v = json.get(field);
            return v == null || v.isNull() ? null : text(field);
        }
    }

    // As strict as the data files' reader: a repeated key or a second value on the line is an error, not dropped.
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private JsonlInput() {}

    /** All non-blank lines of {@code file} ({@code null}: stdin), each a JSON object. */
    static List<Line> readAll(Path file, InputStream stdin) throws IOException {
        return read(file, stdin, Format.JSONL);
    }

    /**
     * All non-blank lines of {@code file} ({@code null}: stdin) as JSON objects, text lines as {@code {"text":
     * LINE}}.
     *
     * @throws InputException for a line that is not a JSON object when the input is JSON Lines, or for an input
     *     with no non-blank line
     */
    static List<Line> read(Path file, InputStream stdin, Format format) throws IOException {
        String name = file == null ? "<stdin>" : file.toString();
        List<String> raw = readLines(file, stdin);
        List<Line> lines = new ArrayList<>();
        Format chosen = format;
        for (int i = 0; i < raw.size(); i++) {
            String s = raw.get(i);
            if (s.isBlank()) {
                continue;
            }
            if (chosen == Format.AUTO) {
                chosen = s.stripLeading().startsWith("{") ? Format.JSONL : Format.TEXT;
            }
            String where = InputException.at(name, i + 1);
            JsonNode node = chosen == Format.TEXT ? JsonNodeFactory.instance.objectNode().put("text", s)
                    : parse(s, name, i + 1, format == Format.AUTO);
            lines.add(new Line(i + 1, node, where));
        }
        if (lines.isEmpty()) {
            throw InputException.empty(file == null ? null : file.toString());
        }
        return lines;
    }

    /** Line {@code number} as a JSON object; the error says how to read text when the line does not look like JSON. */
    private static JsonNode parse(String s, String name, long number, boolean auto) {
        JsonNode node;
        try {
            node = JSON.readTree(s);
        } catch (JsonProcessingException e) {
            if (s.stripLeading().startsWith("{")) {
                throw JsonErrors.line(name, number, e);
            }
            throw new InputException(JsonErrors.location(name, number, e), "not valid JSON: "
                    + JsonErrors.describe(e, "line") + (auto ? "; the first line made this input JSON Lines:" : ";")
                    + " for plain text lines give --input-format text");
        }
        if (node == null || !node.isObject()) {
            throw new InputException(InputException.at(name, number), "expected a JSON object");
        }
        return node;
    }

    /**
     * Every line of {@code file} ({@code null}: stdin) as UTF-8 text, without terminators; bytes that are not
     * UTF-8 are an error naming their line.
     */
    static List<String> readLines(Path file, InputStream stdin) throws IOException {
        List<String> lines = new ArrayList<>();
        try (LineReader r = new LineReader(file == null ? stdin : Files.newInputStream(file),
                file == null ? null : file.toString())) {
            for (String s; (s = r.next()) != null; ) {
                lines.add(s);
            }
        }
        return lines;
    }
}
