package org.multitag.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.multitag.core.InputException;
import org.multitag.core.LineReader;

/** Reads JSON Lines input (a file or stdin) strictly: every bad line is an error naming file and line. */
final class JsonlInput {

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

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonlInput() {}

    /** All non-blank lines of {@code file} ({@code null}: stdin), each a JSON object. */
    static List<Line> readAll(Path file, InputStream stdin) throws IOException {
        String name = file == null ? "<stdin>" : file.toString();
        List<String> raw = readLines(file, stdin);
        List<Line> lines = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            String s = raw.get(i);
            if (s.isBlank()) {
                continue;
            }
            String where = InputException.at(name, i + 1);
            JsonNode node;
            try {
                node = JSON.readTree(s);
            } catch (JsonProcessingException e) {
                throw new InputException(where, "not valid JSON: " + e.getOriginalMessage());
            }
            if (node == null || !node.isObject()) {
                throw new InputException(where, "expected a JSON object");
            }
            lines.add(new Line(i + 1, node, where));
        }
        return lines;
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
