package org.multitag.spark;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.multitag.core.InputException;

/**
 * Reads {@code spark-tag}'s input into rows with a {@code row_id} (the 0-based position of the row in the input,
 * for text and JSONL the line index) and {@code text}/{@code tokens}/{@code error} columns:
 * <ul>
 *   <li>{@code jsonl}: {@code {"text": ...}} or {@code {"tokens": [...]}} lines; blank lines are skipped (as
 *       predict does), a malformed line becomes a row with an error;</li>
 *   <li>{@code parquet}: a {@code text} string column (or {@code tokens}); other columns are kept;</li>
 *   <li>{@code text}: one row per line, blank lines included.</li>
 * </ul>
 * A text or JSONL line that is not valid UTF-8 becomes a row with the error {@code not valid UTF-8}.
 * Gzip-compressed text and JSONL ({@code .gz}) are read as Spark reads them.
 */
final class SparkInputs {

    static final String ROW_ID = "row_id";

    /** The error of a text or JSONL line whose bytes are not UTF-8 (its {@code row_id} says which line). */
    static final String NOT_UTF8 = "not valid UTF-8";

    /** Input formats. */
    enum Format {
        JSONL, PARQUET, TEXT;

        static Format parse(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "jsonl", "json", "ndjson" -> JSONL;
                case "parquet" -> PARQUET;
                case "text", "txt" -> TEXT;
                default -> throw new InputException("unknown format '" + s + "' (jsonl, parquet or text)");
            };
        }

        /** The format a file name's extension names, {@code null} when none. */
        static Format ofName(String name) {
            String n = name.toLowerCase(Locale.ROOT);
            if (n.endsWith(".gz")) {
                n = n.substring(0, n.length() - 3);
            }
            if (n.endsWith(".jsonl") || n.endsWith(".json") || n.endsWith(".ndjson")) {
                return JSONL;
            }
            if (n.endsWith(".parquet")) {
                return PARQUET;
            }
            if (n.endsWith(".txt") || n.endsWith(".text")) {
                return TEXT;
            }
            return null;
        }
    }

    private static final StructType PARSED = new StructType()
            .add(ROW_ID, DataTypes.LongType, false)
            .add(TextRows.TEXT, DataTypes.StringType, true)
            .add(TextRows.TOKENS, DataTypes.createArrayType(DataTypes.StringType, true), true)
            .add(TextRows.ERROR, DataTypes.StringType, true);

    private SparkInputs() {}

    /**
     * The format of {@code path}: its extension, or for a folder the extension of its first visible file;
     * plain text when nothing tells.
     */
    static Format detect(SparkSession spark, String path) throws IOException {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
        Format f = Format.ofName(p.getName());
        if (f != null) {
            return f;
        }
        FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
        if (fs.getFileStatus(p).isDirectory()) {
            for (FileStatus s : fs.listStatus(p)) {
                String name = s.getPath().getName();
                if (s.isFile() && !name.startsWith(".") && !name.startsWith("_")) {
                    Format inner = Format.ofName(name);
                    if (inner != null) {
                        return inner;
                    }
                }
            }
        }
        return Format.TEXT;
    }

    /** The rows of {@code path} read as {@code format}, each with its {@code row_id}. */
    static Dataset<Row> read(SparkSession spark, String path, Format format) throws IOException {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
        if (!p.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(p)) {
            throw new InputException(path, "no such file");
        }
        return switch (format) {
            case TEXT -> spark.createDataFrame(lines(spark, path)
                    .map(t -> t._1() == null ? RowFactory.create(t._2(), null, null, NOT_UTF8)
                            : RowFactory.create(t._2(), t._1(), null, null)), PARSED);
            case JSONL -> spark.createDataFrame(lines(spark, path)
                    .filter(t -> t._1() == null || !t._1().isBlank())
                    .map(t -> {
                        JsonLines.Parsed j = t._1() == null ? JsonLines.Parsed.failed(NOT_UTF8)
                                : JsonLines.parse(t._1());
                        return RowFactory.create(t._2(), j.text(),
                                j.tokens() == null ? null : WordRows.seq(j.tokens()), j.error());
                    }), PARSED);
            case PARQUET -> parquet(spark, path);
        };
    }

    /**
     * Each line of {@code path} with its index: its text, or {@code null} when it is not valid UTF-8. Spark's
     * text source hands out a line's bytes unchecked (turned into a {@code String}, bad bytes would silently
     * become U+FFFD), so the lines are read as bytes and decoded strictly here.
     */
    private static org.apache.spark.api.java.JavaPairRDD<String, Long> lines(SparkSession spark, String path) {
        return spark.read().text(path).select(functions.col("value").cast(DataTypes.BinaryType)).javaRDD()
                .map(r -> utf8((byte[]) r.get(0))).zipWithIndex();
    }

    /** {@code bytes} as UTF-8, {@code null} when they are not valid UTF-8. */
    static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static Dataset<Row> parquet(SparkSession spark, String path) {
        Dataset<Row> df = spark.read().parquet(path);
        try {
            TextRows.of(df.schema());
        } catch (IllegalArgumentException e) {
            throw new InputException(path, e.getMessage());
        }
        if (TextRows.index(df.schema(), ROW_ID) >= 0) {
            throw new InputException(path, "has a \"" + ROW_ID + "\" column, which spark-tag adds itself");
        }
        List<StructField> fields = new ArrayList<>();
        fields.add(DataTypes.createStructField(ROW_ID, DataTypes.LongType, false));
        fields.addAll(List.of(df.schema().fields()));
        StructType schema = DataTypes.createStructType(fields);
        JavaRDD<Row> rows = df.javaRDD().zipWithIndex().map(t -> {
            Row r = t._1();
            Object[] values = new Object[r.length() + 1];
            values[0] = t._2();
            for (int i = 0; i < r.length(); i++) {
                values[i + 1] = r.get(i);
            }
            return RowFactory.create(values);
        });
        return spark.createDataFrame(rows, schema);
    }

    /**
     * Spreads rows over {@code partitions} partitions by {@code row_id} ranges, each sorted by {@code row_id},
     * so that partition order is input order; 0 means at least Spark's default parallelism (a small file
     * would otherwise be one partition on one core).
     */
    static Dataset<Row> partition(SparkSession spark, Dataset<Row> rows, int partitions) {
        int current = rows.rdd().getNumPartitions();
        int n = partitions > 0 ? partitions : Math.max(current, spark.sparkContext().defaultParallelism());
        if (n == current) {
            return rows;
        }
        return rows.repartitionByRange(n, functions.col(ROW_ID)).sortWithinPartitions(ROW_ID);
    }
}
