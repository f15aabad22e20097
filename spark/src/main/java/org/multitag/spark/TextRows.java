package org.multitag.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.multitag.tokenizer.Encoding;
import org.multitag.tokenizer.Tokenizer;

/**
 * Reads what to tag out of a row and checks it, the way {@code multitag predict} checks a line: a {@code text}
 * string, or {@code tokens} (an array of strings), never both; an {@code error} already set (by the reader)
 * passes through. A row that fails a check is not dropped: it becomes an {@link Item} with an error reason.
 */
final class TextRows implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Column names the integration reads and writes. */
    static final String TEXT = "text";
    static final String TOKENS = "tokens";
    static final String ERROR = "error";

    /** One row to tag: a text or pre-split words, or the reason it cannot be tagged. */
    record Item(String text, List<String> words, String error) {
        static Item failed(String reason) {
            return new Item(null, null, reason);
        }

        boolean ok() {
            return error == null;
        }
    }

    private final int text;
    private final int tokens;
    private final int error;

    private TextRows(int text, int tokens, int error) {
        this.text = text;
        this.tokens = tokens;
        this.error = error;
    }

    /**
     * The reader of rows of {@code schema}: it needs a string column {@code text} or a string-array column
     * {@code tokens}; an {@code error} string column is optional.
     *
     * @throws IllegalArgumentException when the schema has neither, or one of the wrong type
     */
    static TextRows of(StructType schema) {
        int t = index(schema, TEXT);
        int k = index(schema, TOKENS);
        int e = index(schema, ERROR);
        if (t < 0 && k < 0) {
            throw new IllegalArgumentException("the input needs a \"" + TEXT + "\" column (string) or a \""
                    + TOKENS + "\" column (array of strings); it has " + String.join(", ", schema.fieldNames()));
        }
        if (t >= 0 && !schema.fields()[t].dataType().equals(DataTypes.StringType)) {
            throw new IllegalArgumentException("column \"" + TEXT + "\" must be a string, not "
                    + schema.fields()[t].dataType().simpleString());
        }
        if (k >= 0 && !(schema.fields()[k].dataType() instanceof ArrayType a
                && a.elementType().equals(DataTypes.StringType))) {
            throw new IllegalArgumentException("column \"" + TOKENS + "\" must be an array of strings, not "
                    + schema.fields()[k].dataType().simpleString());
        }
        if (e >= 0 && !schema.fields()[e].dataType().equals(DataTypes.StringType)) {
            throw new IllegalArgumentException("column \"" + ERROR + "\" must be a string, not "
                    + schema.fields()[e].dataType().simpleString());
        }
        return new TextRows(t, k, e);
    }

    static int index(StructType schema, String name) {
        StructField[] fields = schema.fields();
        for (int i = 0; i < fields.length; i++) {
            if (fields[i].name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** What {@code row} asks to tag, or why it cannot be. */
    Item read(Row row) {
        if (error >= 0 && !row.isNullAt(error)) {
            return Item.failed(row.getString(error));
        }
        boolean hasText = text >= 0 && !row.isNullAt(text);
        boolean hasTokens = tokens >= 0 && !row.isNullAt(tokens);
        if (hasText && hasTokens) {
            return Item.failed("give either \"text\" or \"tokens\", not both");
        }
        if (hasText) {
            return new Item(row.getString(text), null, null);
        }
        if (!hasTokens) {
            return Item.failed(tokens >= 0 ? "expected \"text\" or \"tokens\"" : "missing \"text\"");
        }
        List<Object> raw = row.getList(tokens);
        List<String> words = new ArrayList<>(raw.size());
        for (int i = 0; i < raw.size(); i++) {
            if (!(raw.get(i) instanceof String s)) {
                return Item.failed("\"tokens\"[" + i + "] must be a string, got " + raw.get(i));
            }
            words.add(s);
        }
        return new Item(null, words, null);
    }

    /**
     * Encodes {@code item} with {@code tokenizer} (which carries the truncation settings), or returns the reason
     * it cannot go to the model: a tokenizer error, or more tokens than {@code limit} when longer rows are refused
     * ({@code refuseLonger}: neither truncation nor windows).
     */
    static String check(Tokenizer tokenizer, Item item, int limit, boolean limitIsMaxLength, boolean refuseLonger) {
        Encoding e;
        try {
            e = item.text() != null ? tokenizer.encode(item.text(), null, true)
                    : tokenizer.encodeWords(item.words(), true);
        } catch (IllegalArgumentException ex) {
            return ex.getMessage();
        }
        if (refuseLonger && e.length() > limit) {
            return e.length() + " tokens, more than the limit of " + limit
                    + (limitIsMaxLength ? " (--max-length)" : " (the model's max_position_embeddings)")
                    + "; use --long-text window (or truncate) for long lines";
        }
        return null;
    }
}
