package org.multitag.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Jackson's syntax errors, each in our words with its line and column and none of Jackson's internals. */
class JsonErrorsTest {

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    /** The error reading {@code line} token by token, as a line of {@code in.jsonl} line 3. */
    private static String error(String line) throws IOException {
        try (JsonParser p = JSON.createParser(line)) {
            while (p.nextToken() != null) {
                // read to the end
            }
        } catch (JsonProcessingException e) {
            String m = JsonErrors.line("in.jsonl", 3, e).getMessage();
            assertFalse(m.contains("Source") || m.contains("REDACTED") || m.contains("`"), m);
            return m;
        }
        fail("valid: " + line);
        return null;
    }

    @Test
    void eachCommonErrorInOurWords() throws IOException {
        assertEquals("in.jsonl:3:1: not valid JSON: unrecognized token 'Margaret' (text must be in double quotes)",
                error("Margaret ran."));
        assertEquals("in.jsonl:3:14: not valid JSON: unexpected end of input (a truncated line?)",
                error("{\"text\": \"ok\""));
        assertEquals("in.jsonl:3:13: not valid JSON: unexpected end of input (a truncated line?)",
                error("{\"text\": \"ok"));
        assertEquals("in.jsonl:3:8: not valid JSON: unexpected '}': expected a field name in double quotes",
                error("{\"a\":1,}"));
        assertEquals("in.jsonl:3:6: not valid JSON: unexpected '1': expected ':' after a field name",
                error("{\"a\" 1}"));
        assertEquals("in.jsonl:3:8: not valid JSON: unescaped control character (code 9) in a string (write it as "
                + "\\n, \\t, \\u00XX...)", error("{\"a\":\"x\ty\"}"));
        assertEquals("in.jsonl:3:11: not valid JSON: duplicate field \"a\"", error("{\"a\":1,\"a\":2}"));
        assertEquals("in.jsonl:3:8: not valid JSON: unknown escape \\q in a string", error("{\"a\":\"\\q\"}"));
        assertEquals("in.jsonl:3:10: not valid JSON: 'NaN' is not a JSON value", error("{\"a\": NaN}"));
        assertEquals("in.jsonl:3:7: not valid JSON: invalid numeric value: Leading zeroes not allowed",
                error("{\"a\":01}"));
    }

    @Test
    void wholeFilesUseJacksonsLineAndColumn() throws IOException {
        try (JsonParser p = JSON.createParser("{\n  \"a\": 1,\n  \"b\": [1, 2\n")) {
            while (p.nextToken() != JsonToken.NOT_AVAILABLE && p.currentToken() != null) {
                p.nextToken();
            }
            fail("valid");
        } catch (JsonProcessingException e) {
            assertEquals("thresholds.json:4:1: not valid JSON: unexpected end of input (a truncated file?)",
                    JsonErrors.file("thresholds.json", e).getMessage());
        }
    }

    @Test
    void emptyInputsAndLocations() {
        assertEquals("<stdin>: no input: empty, or only blank lines", InputException.empty(null).getMessage());
        assertEquals("a.jsonl: no input: empty, or only blank lines", InputException.empty("a.jsonl").getMessage());
        assertEquals("a.jsonl:2:7", InputException.at("a.jsonl", 2, 7));
    }
}
