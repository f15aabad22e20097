package org.multitag.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.multitag.core.InputException;

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
        String name = file == null ? "<stdin>" : file.toString();
        InputStream in = file == null ? stdin : Files.newInputStream(file);
        var decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, decoder))) {
            String s;
            while ((s = r.readLine()) != null) {
                lines.add(s);
            }
        } catch (CharacterCodingException e) {
            // the reader decodes ahead of the line it hands out, so find the bad line from the raw bytes
            throw new InputException(InputException.at(name, file == null ? lines.size() + 1
                    : badUtf8Line(file)), "not valid UTF-8");
        }
        return lines;
    }

    /** The 1-based number of the first line of {@code file} that is not valid UTF-8. */
    private static long badUtf8Line(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        long line = 1;
        int start = 0;
        for (int i = 0; i <= bytes.length; i++) {
            if (i == bytes.length || bytes[i] == '\n') {
                try {
                    StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                            .decode(java.nio.ByteBuffer.wrap(bytes, start, i - start));
                } catch (CharacterCodingException e) {
                    return line;
                }
                line++;
                start = i + 1;
            }
        }
        return line;
    }
}
