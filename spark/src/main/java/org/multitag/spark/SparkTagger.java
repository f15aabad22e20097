package org.multitag.spark;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.multitag.model.LongText;
import org.multitag.model.MultiLabelTagger;
import org.multitag.model.decoding.DecodingMode;
import org.multitag.model.kernels.ComputeSetting;
import org.multitag.model.kernels.KernelChoice;
import org.multitag.model.kernels.Precision;

/**
 * Tags or embeds a {@code Dataset<Row>} on Spark with a multitag model.
 *
 * <p>The input needs a {@code text} string column (or a {@code tokens} array-of-strings column, words given
 * as {@code multitag predict}'s {@code {"tokens": [...]}} lines); every other column is kept. {@link #tag} adds
 * {@code words} (the same fields as predict's JSON words: text, start, end, labels, scores) and {@code error};
 * {@link #embed} adds {@code embedding} or {@code token_embeddings} and {@code error}. A row that cannot be
 * processed (null text, too long with {@link LongText#ERROR}, a tokenizer or model failure, or an {@code error} the
 * input already carried) gets its reason in {@code error} and null results: rows are never dropped, and
 * the output has exactly the input's rows, in the input's partitions and order.
 *
 * <p>The model is loaded once per executor JVM ({@link ExecutorModels}) from a broadcast {@link ModelSource};
 * each partition runs its rows through the encoder in chunks of {@link Options#rowsPerChunk()} rows, batched
 * by length, and frees its native scratch when it ends. Transformations are lazy, as Spark's are.
 *
 * <pre>{@code
 * SparkTagger tagger = SparkTagger.of(spark, Path.of("runs/my-model"));
 * Dataset<Row> tagged = tagger.tag(spark.read().parquet("docs.parquet"));
 * tagged.write().parquet("tagged.parquet");
 * }</pre>
 */
public final class SparkTagger {

    /** Column with an {@link Pooling#MEAN} embedding. */
    public static final String EMBEDDING = "embedding";
    /** Column with {@link Pooling#TOKENS} embeddings. */
    public static final String TOKEN_EMBEDDINGS = "token_embeddings";

    /** What {@link #embed} returns per row. */
    public enum Pooling {
        /** The mean of the last hidden state over the row's tokens (special tokens included). */
        MEAN,
        /** The last hidden state of every token. */
        TOKENS
    }

    /**
     * @param batchSize sequences per forward pass
     * @param maxLength longest row in tokens, special tokens included (0: the model's max_position_embeddings)
     * @param longText what happens to a longer row: {@link LongText#WINDOW} tags it through overlapping windows (and
     *     embeds each token from the window its word is tagged from), as {@code multitag predict} does;
     *     {@link LongText#TRUNCATE} cuts it; {@link LongText#ERROR} reports it in {@code error}
     * @param stride tokens consecutive windows share (negative: a quarter of the window)
     * @param threshold one threshold for every label instead of the model's thresholds.json ({@code null}: those)
     * @param threads compute threads per task (0: the task's {@code spark.task.cpus})
     * @param rowsPerChunk rows a partition hands to the model at once (they are sorted by length into batches)
     * @param decoding the decoding mode ({@code null}: the model folder's default)
     */
    public record Options(int batchSize, int maxLength, LongText longText, int stride, Float threshold, int threads,
            int rowsPerChunk, DecodingMode decoding, KernelChoice kernels, Precision precision) implements Serializable {

        /**
         * Batches of 32, the model's length limit (longer rows through windows) and decoding, one thread per task
         * cpu, chunks of 1024.
         */
        public static final Options DEFAULT = new Options(32, 0, LongText.WINDOW, -1, null, 0, 1024, null, null, null);

        /** Options computing as each executor's process default says ({@link ComputeSetting#defaults()}). */
        public Options(int batchSize, int maxLength, LongText longText, int stride, Float threshold, int threads,
                int rowsPerChunk, DecodingMode decoding) {
            this(batchSize, maxLength, longText, stride, threshold, threads, rowsPerChunk, decoding, null, null);
        }

        /** Options that cut longer rows ({@code truncate}) or report them in {@code error}, as before windows. */
        public Options(int batchSize, int maxLength, boolean truncate, Float threshold, int threads,
                int rowsPerChunk, DecodingMode decoding) {
            this(batchSize, maxLength, truncate ? LongText.TRUNCATE : LongText.ERROR, -1, threshold, threads,
                    rowsPerChunk, decoding);
        }

        /** As the options above, with the model's default decoding. */
        public Options(int batchSize, int maxLength, boolean truncate, Float threshold, int threads,
                int rowsPerChunk) {
            this(batchSize, maxLength, truncate, threshold, threads, rowsPerChunk, null);
        }

        /** Whether longer rows are cut at the maximum length. */
        public boolean truncate() {
            return longText == LongText.TRUNCATE;
        }

        public Options {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be >= 1, not " + batchSize);
            }
            if (maxLength < 0) {
                throw new IllegalArgumentException("max length must be >= 0, not " + maxLength);
            }
            if (longText == null) {
                throw new IllegalArgumentException("the long-text rule must be given");
            }
            if (threshold != null && !(threshold >= 0 && threshold <= 1)) {
                throw new IllegalArgumentException("threshold must be in [0, 1], not " + threshold);
            }
            if (threads < 0) {
                throw new IllegalArgumentException("threads must be >= 0, not " + threads);
            }
            if (rowsPerChunk < 1) {
                throw new IllegalArgumentException("rows per chunk must be >= 1, not " + rowsPerChunk);
            }
        }

        public Options withBatchSize(int n) {
            return new Options(n, maxLength, longText, stride, threshold, threads, rowsPerChunk, decoding, kernels,
                    precision);
        }

        /** These options with another maximum length that cuts longer rows ({@code cut}) or reports them. */
        public Options withMaxLength(int n, boolean cut) {
            return new Options(batchSize, n, cut ? LongText.TRUNCATE : LongText.ERROR, -1, threshold, threads,
                    rowsPerChunk, decoding, kernels, precision);
        }

        /** These options with another maximum length (0: the model's), longer rows as {@link #longText()} says. */
        public Options withMaxLength(int n) {
            return new Options(batchSize, n, longText, stride, threshold, threads, rowsPerChunk, decoding, kernels,
                    precision);
        }

        /** These options with another long-text rule and stride (negative: a quarter of the window). */
        public Options withLongText(LongText value, int strideTokens) {
            return new Options(batchSize, maxLength, value, strideTokens, threshold, threads, rowsPerChunk, decoding,
                    kernels, precision);
        }

        public Options withThreshold(Float t) {
            return new Options(batchSize, maxLength, longText, stride, t, threads, rowsPerChunk, decoding, kernels,
                    precision);
        }

        public Options withThreads(int n) {
            return new Options(batchSize, maxLength, longText, stride, threshold, n, rowsPerChunk, decoding, kernels,
                    precision);
        }

        public Options withRowsPerChunk(int n) {
            return new Options(batchSize, maxLength, longText, stride, threshold, threads, n, decoding, kernels,
                    precision);
        }

        /** These options with another decoding mode ({@code null}: the model's default). */
        public Options withDecoding(DecodingMode mode) {
            return new Options(batchSize, maxLength, longText, stride, threshold, threads, rowsPerChunk, mode,
                    kernels, precision);
        }

        /**
         * These options computing with other kernels and precision ({@code null}: each executor's process default, from
         * its {@code MULTITAG_KERNELS} and {@code MULTITAG_PRECISION}).
         */
        public Options withCompute(KernelChoice k, Precision p) {
            return new Options(batchSize, maxLength, longText, stride, threshold, threads, rowsPerChunk, decoding, k,
                    p);
        }

        /** The compute setting of an encoder with {@code n} threads on an executor. */
        ComputeSetting computeSetting(int n) {
            ComputeSetting c = ComputeSetting.defaults().withThreads(n);
            c = kernels == null ? c : c.withKernels(kernels);
            return precision == null ? c : c.withPrecision(precision);
        }

        MultiLabelTagger.Options taggerOptions() {
            // Threads are the encoder's (set when the partition opens it); the tagger only batches.
            return new MultiLabelTagger.Options(0, batchSize, maxLength, longText, stride, decoding);
        }
    }

    private final Broadcast<ModelSource> model;
    private final Options options;
    private final LongAccumulator rows;
    private final LongAccumulator errors;

    /** A tagger whose executors get the model from {@code source} (broadcast here). */
    public SparkTagger(SparkSession spark, ModelSource source, Options options) {
        this.model = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(source);
        this.options = options;
        this.rows = spark.sparkContext().longAccumulator("multitag rows");
        this.errors = spark.sparkContext().longAccumulator("multitag rows with an error");
    }

    /** A tagger with default options over a model folder every executor can read at the same path. */
    public static SparkTagger of(SparkSession spark, Path folder) {
        return new SparkTagger(spark, ModelSource.path(folder), Options.DEFAULT);
    }

    public Options options() {
        return options;
    }

    /** Adds {@code words} and {@code error} (replacing input columns of those names; an input error is kept). */
    public Dataset<Row> tag(Dataset<Row> input) {
        return apply(input, List.of(DataTypes.createStructField(WordRows.WORDS, WordRows.TYPE, true)),
                (reader, kept) -> new TagPartition(model, reader, kept, options, rows, errors));
    }

    /** {@link #embed(Dataset, Pooling)} with mean pooling. */
    public Dataset<Row> embed(Dataset<Row> input) {
        return embed(input, Pooling.MEAN);
    }

    /** Adds {@code embedding} ({@code MEAN}) or {@code token_embeddings} ({@code TOKENS}), and {@code error}. */
    public Dataset<Row> embed(Dataset<Row> input, Pooling pooling) {
        DataType vector = DataTypes.createArrayType(DataTypes.FloatType, false);
        StructField added = pooling == Pooling.MEAN
                ? DataTypes.createStructField(EMBEDDING, vector, true)
                : DataTypes.createStructField(TOKEN_EMBEDDINGS, DataTypes.createArrayType(vector, false), true);
        return apply(input, List.of(added),
                (reader, kept) -> new EmbedPartition(model, reader, kept, options, rows, errors, pooling));
    }

    /** Rows processed so far by this tagger's jobs (a Spark accumulator: retried tasks may count twice). */
    public long rowsProcessed() {
        return rows.value();
    }

    /** Rows given an error so far (same caveat as {@link #rowsProcessed()}). */
    public long rowsWithErrors() {
        return errors.value();
    }

    private interface TaskFactory {
        PartitionTask create(TextRows reader, int[] kept);
    }

    private Dataset<Row> apply(Dataset<Row> input, List<StructField> added, TaskFactory factory) {
        StructType in = input.schema();
        TextRows reader = TextRows.of(in);
        List<String> replaced = new ArrayList<>();
        for (StructField f : added) {
            replaced.add(f.name());
        }
        replaced.add(TextRows.ERROR);
        List<Integer> kept = new ArrayList<>();
        StructType out = new StructType();
        for (int i = 0; i < in.fields().length; i++) {
            if (!replaced.contains(in.fields()[i].name())) {
                kept.add(i);
                out = out.add(in.fields()[i]);
            }
        }
        for (StructField f : added) {
            out = out.add(f);
        }
        out = out.add(TextRows.ERROR, DataTypes.StringType, true);
        int[] keptIndexes = kept.stream().mapToInt(Integer::intValue).toArray();
        return input.mapPartitions(factory.create(reader, keptIndexes), Encoders.row(out));
    }
}
