package org.multitag.core;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Jackson's syntax errors in our words, located as {@code FILE:LINE:COLUMN}: every JSON input (JSON Lines data,
 * {@code predict}/{@code embed}/{@code tokenize} input, the JSON files of a model folder) reports a broken line
 * the same way, e.g. {@code in.jsonl:3:42: not valid JSON: unexpected end of input (a truncated line?)}.
 *
 * <p>Jackson's own messages name its internals ({@code [Source: REDACTED (StreamReadFeature...)]}, feature
 * names, "JSON String, Number, Array, Object or token 'null'..."); the common ones are reworded here, and any
 * other keeps its text with the internals cut out.
 */
public final class JsonErrors {

    private static final Pattern SOURCE = Pattern.compile("\\s*\\(start marker at \\[Source:[^\\]]*\\]\\)"
            + "|\\s*\\[Source:[^\\]]*\\]|\\s*\\(through reference chain:[^)]*\\)");
    private static final Pattern UNRECOGNIZED = Pattern.compile("Unrecognized token '(.*)': was expecting.*",
            Pattern.DOTALL);
    private static final Pattern UNEXPECTED = Pattern.compile("Unexpected character \\('(.*)' \\(code (\\d+)\\)\\)"
            + "(?::\\s*(.*))?", Pattern.DOTALL);
    private static final Pattern CONTROL = Pattern.compile("Illegal unquoted character \\(\\(CTRL-CHAR, code (\\d+)"
            + "\\)\\).*", Pattern.DOTALL);
    private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '(.*)'", Pattern.DOTALL);
    private static final Pattern ESCAPE = Pattern.compile("Unrecognized character escape '(.*)' \\(code \\d+\\)",
            Pattern.DOTALL);
    private static final Pattern NON_STANDARD = Pattern.compile("Non-standard token '(.*)'.*", Pattern.DOTALL);
    private static final Pattern FEATURE = Pattern.compile(":?\\s*(?:enable|disable) `[^`]*`[^.;:]*|"
            + "\\s*\\(bound as `[^`]*`\\)|:\\s*not allowed as per `[^`]*`");

    private JsonErrors() {}

    /**
     * The error for line {@code line} of {@code source} (one JSON value a line): {@code SOURCE:LINE:COLUMN: not
     * valid JSON: ...}.
     *
     * @param source the file name ({@code null}: {@code <stdin>})
     */
    public static InputException line(String source, long line, JsonProcessingException e) {
        return new InputException(location(source, line, e), "not valid JSON: " + describe(e, "line"));
    }

    /** The error for a whole JSON file: {@code FILE:LINE:COLUMN: not valid JSON: ...}, from Jackson's location. */
    public static InputException file(String file, JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        long line = at == null ? -1 : at.getLineNr();
        String where = line < 1 ? file : at.getColumnNr() < 1 ? InputException.at(file, line)
                : InputException.at(file, line, at.getColumnNr());
        return new InputException(where, "not valid JSON: " + describe(e, "file"));
    }

    /**
     * {@code SOURCE:LINE:COLUMN} of the error on line {@code line} (a one-line JSON value), or {@code SOURCE:LINE}
     * when Jackson does not know the column. Columns count characters (UTF-16 code units) from 1.
     */
    public static String location(String source, long line, JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        int column = at == null ? -1 : at.getColumnNr();
        return column < 1 ? InputException.at(source, line) : InputException.at(source, line, column);
    }

    /**
     * What is wrong, without location and without Jackson's internals: e.g. {@code unexpected end of input (a
     * truncated line?)}, {@code unrecognized token 'Margaret' (text must be in double quotes)}.
     *
     * @param unit what the JSON value is read from ("line", "file"), for the truncation hint
     */
    public static String describe(JsonProcessingException e, String unit) {
        if (e instanceof JsonEOFException) {
            return "unexpected end of input (a truncated " + unit + "?)";
        }
        String m = e.getOriginalMessage();
        if (m == null) {
            return "syntax error";
        }
        m = SOURCE.matcher(m).replaceAll("").strip();
        Matcher x;
        if ((x = UNRECOGNIZED.matcher(m)).matches()) {
            return "unrecognized token '" + x.group(1) + "' (text must be in double quotes)";
        }
        if ((x = UNEXPECTED.matcher(m)).matches()) {
            int code = Integer.parseInt(x.group(2));
            String what = code < 0x20 ? "control character (code " + code + ")" : "'" + x.group(1) + "'";
            return "unexpected " + what + (x.group(3) == null ? "" : ": " + expected(x.group(3)));
        }
        if ((x = CONTROL.matcher(m)).matches()) {
            return "unescaped control character (code " + x.group(1) + ") in a string (write it as \\n, \\t, "
                    + "\\u00XX...)";
        }
        if ((x = DUPLICATE.matcher(m)).matches()) {
            return "duplicate field \"" + x.group(1) + "\"";
        }
        if ((x = ESCAPE.matcher(m)).matches()) {
            return "unknown escape \\" + x.group(1) + " in a string";
        }
        if ((x = NON_STANDARD.matcher(m)).matches()) {
            return "'" + x.group(1) + "' is not a JSON value";
        }
        if (m.startsWith("Trailing token")) {
            return "more after the JSON value (two values on one " + unit + "?)";
        }
        m = FEATURE.matcher(m).replaceAll("").strip();
        return m.isEmpty() ? "syntax error" : m.substring(0, 1).toLowerCase(Locale.ROOT) + m.substring(1);
    }

    /** Jackson's "was expecting ..." in our words. */
    private static String expected(String rest) {
        String r = rest.strip();
        if (r.startsWith("was expecting double-quote to start field name")) {
            return "expected a field name in double quotes";
        }
        if (r.startsWith("was expecting a colon")) {
            return "expected ':' after a field name";
        }
        if (r.startsWith("was expecting comma to separate Object entries")) {
            return "expected ',' or '}'";
        }
        if (r.startsWith("was expecting comma to separate Array entries")) {
            return "expected ',' or ']'";
        }
        if (r.startsWith("expected a valid value")) {
            return "expected a value (a string in double quotes, a number, an object, an array, true, false or "
                    + "null)";
        }
        return r.replace("was expecting", "expected");
    }
}
