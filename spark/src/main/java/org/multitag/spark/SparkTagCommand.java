package org.multitag.spark;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.multitag.core.InputException;
import org.multitag.model.LongText;
import org.multitag.model.TaggingModel;
import org.multitag.model.decoding.DecodingMode;
import org.multitag.model.kernels.KernelChoice;
import org.multitag.model.kernels.Precision;
import org.multitag.weights.NamedModels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code multitag spark-tag}: tags a corpus on Spark and writes one row out per row in. The main class for
 * {@code ./multitag spark-tag} (local) and for {@code spark-submit --class org.multitag.spark.SparkTagCommand}
 * (a cluster; the master then comes from spark-submit).
 */
@Command(name = "multitag spark-tag", mixinStandardHelpOptions = true, versionProvider = SparkTagCommand.Version.class,
        description = {"Tag words of a corpus on Apache Spark with a multi-label token classification model.",
            "Input: JSONL lines {\"text\": ...} or {\"tokens\": [...]}, Parquet with a \"text\" (or \"tokens\") "
                + "column, or plain text (one row per line); by extension, or --input-format.",
            "Output: a Spark folder of JSONL (default) or Parquet part files in input order, one row per input row: "
                + "row_id, words (text, start, end, labels, scores; as predict writes them) or error (the reason "
                + "the row could not be tagged). Parquet input keeps its other columns."})
public final class SparkTagCommand implements Callable<Integer> {

    /** Exit code for bad input (files, options), as the multitag command uses. */
    public static final int EXIT_BAD_INPUT = 2;

    @Option(names = "--input", required = true, paramLabel = "PATH", description = "File or folder to tag.")
    String input;

    @Option(names = "--output", required = true, paramLabel = "PATH", description = "Output folder.")
    String output;

    @Option(names = "--model", required = true, paramLabel = "NAME|DIR",
            description = "Model folder with a token head, or a model name.")
    String model;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master (default: spark-submit's, else local[*]).")
    String master;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "0",
            description = "Partitions to tag in (default 0: at least Spark's default parallelism).")
    int partitions;

    @Option(names = "--input-format", paramLabel = "FORMAT", description = "jsonl, parquet or text.")
    String inputFormat;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "Output format: jsonl or parquet (default: parquet when --output ends in .parquet).")
    String format;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "32",
            description = "Sequences per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--max-length", paramLabel = "N",
            description = "Longest row in tokens, special tokens included (default: the model's "
                    + "max_position_embeddings). What happens to a longer one: --long-text.")
    Integer maxLength;

    @Option(names = "--long-text", paramLabel = "window|truncate|error",
            description = "What happens to a row longer than --max-length, as in predict: window (the default) tags "
                    + "it through overlapping windows, each word from the window where it is most central; truncate "
                    + "cuts it (the words cut off get no labels); error gives it an error row.")
    String longText;

    @Option(names = "--stride", paramLabel = "N",
            description = "Tokens that consecutive windows share, at least where word boundaries allow (default: a "
                    + "quarter of --max-length; at most --max-length - 3).")
    Integer stride;

    @Option(names = "--truncate", description = "The same as --long-text truncate: cut longer rows to the maximum "
            + "length.")
    boolean truncate;

    @Option(names = "--threshold", paramLabel = "X", description = "One threshold in [0, 1] for every label.")
    Float threshold;

    @Option(names = "--decode", paramLabel = "MODE",
            description = "independent, groups or label-sets (default: the model's, decoding.json, else "
                    + "independent).")
    String decode;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "Compute threads per task (default 0: spark.task.cpus).")
    int threads;

    @Option(names = "--kernels", paramLabel = "auto|java|nd4j",
            description = "Kernel implementation on the executors, as in predict (default: each executor's "
                    + "MULTITAG_KERNELS, else auto).")
    String kernels;

    @Option(names = "--precision", paramLabel = "fp32|bf16|auto",
            description = "Matrix products on the executors in float32 or bf16 mixed precision, as in predict "
                    + "(default: each executor's MULTITAG_PRECISION, else fp32).")
    String precision;

    @Option(names = "--ship-model", description = "Send the model's files to the executors with the job (for "
            + "executors that cannot read the model folder; default when the master is not local).")
    Boolean shipModel;

    @Option(names = "--overwrite", description = "Replace an existing output.")
    boolean overwrite;

    @Option(names = "--debug", description = "Show stack traces on errors, and Spark's INFO log.")
    boolean debug;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // Quiet console unless a log configuration is given (spark-submit's own comes first anyway).
        if (System.getProperty("log4j2.configurationFile") == null) {
            boolean debug = java.util.Arrays.asList(args).contains("--debug");
            System.setProperty("log4j2.configurationFile",
                    debug ? "org/apache/spark/log4j2-defaults.properties" : "multitag-spark-log4j2.properties");
        }
        System.exit(run(args, new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true),
                new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true)));
    }

    /** Runs a command line with the given streams; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        SparkTagCommand command = new SparkTagCommand();
        CommandLine cl = new CommandLine(command);
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (command.debug) {
                ex.printStackTrace(commandLine.getErr());
            }
            commandLine.getErr().println("error: " + describe(ex));
            commandLine.getErr().flush();
            return EXIT_BAD_INPUT;
        });
        cl.setParameterExceptionHandler((ex, ignored) -> {
            ex.getCommandLine().getErr().println("error: " + ex.getMessage());
            ex.getCommandLine().getErr().println("Try 'multitag spark-tag --help' for more information.");
            ex.getCommandLine().getErr().flush();
            return EXIT_BAD_INPUT;
        });
        return cl.execute(args);
    }

    @Override
    public Integer call() throws IOException {
        SparkTagger.Options options = options();
        Path folder = checkModel(model, decodingMode());
        int positions = TaggingModel.read(folder).config().maxPositionEmbeddings();
        int limit = options.maxLength() == 0 ? positions : Math.min(options.maxLength(), positions);
        if (stride != null && stride > limit - 3) {
            throw new InputException("--stride must be in [0, " + (limit - 3) + "] (windows of " + limit + " tokens, "
                    + "2 of them special, must move on), not " + stride);
        }
        SparkInputs.Format in = inputFormat == null ? null : SparkInputs.Format.parse(inputFormat);
        SparkOutputs.Format out = format != null ? SparkOutputs.Format.parse(format)
                : SparkOutputs.Format.ofName(output);

        long started = System.nanoTime();
        SparkSession spark = session();
        try {
            if (!debug) {
                spark.sparkContext().setLogLevel("WARN");
            }
            SparkOutputs.checkTarget(spark, output, overwrite);
            boolean local = spark.sparkContext().isLocal();
            ModelSource source = (shipModel != null ? shipModel : !local) ? ModelSource.shipped(folder)
                    : ModelSource.path(folder);
            SparkTagger tagger = new SparkTagger(spark, source, options);

            Dataset<Row> rows = SparkInputs.read(spark, input, in != null ? in : SparkInputs.detect(spark, input));
            Dataset<Row> tagged = tagger.tag(SparkInputs.partition(spark, rows, partitions));
            List<Column> columns = new ArrayList<>();
            for (String c : tagged.columns()) {
                if (!c.equals(TextRows.TEXT) && !c.equals(TextRows.TOKENS)) {
                    columns.add(functions.col(c));
                }
            }
            SparkOutputs.write(spark, tagged.select(columns.toArray(new Column[0])), output, out, overwrite);
            spec.commandLine().getErr().printf("multitag spark-tag: %d rows (%d with an error) -> %s in %.1f s%n",
                    tagger.rowsProcessed(), tagger.rowsWithErrors(), output, (System.nanoTime() - started) / 1e9);
        } finally {
            spark.stop();
        }
        return 0;
    }

    private SparkTagger.Options options() {
        if (batchSize < 1) {
            throw new InputException("--batch-size must be >= 1, not " + batchSize);
        }
        if (maxLength != null && maxLength < 3) {
            // a word needs [CLS] and [SEP] around it
            throw new InputException("--max-length must be >= 3, not " + maxLength);
        }
        LongText mode = LongText.fromOptions(longText, truncate, stride != null);
        if (stride != null && stride < 0) {
            throw new InputException("--stride must be >= 0, not " + stride);
        }
        if (threshold != null && !(threshold >= 0 && threshold <= 1)) {
            throw new InputException("--threshold must be in [0, 1], not " + threshold);
        }
        if (threads < 0) {
            throw new InputException("--threads must be >= 0, not " + threads);
        }
        if (partitions < 0) {
            throw new InputException("--partitions must be >= 0, not " + partitions);
        }
        KernelChoice kernelChoice;
        Precision precisionChoice;
        try {
            kernelChoice = kernels == null ? null : KernelChoice.parse(kernels);
            precisionChoice = precision == null ? null : Precision.parse(precision);
        } catch (IllegalArgumentException e) {
            throw new InputException("--" + e.getMessage());
        }
        return SparkTagger.Options.DEFAULT.withBatchSize(batchSize).withCompute(kernelChoice, precisionChoice)
                .withMaxLength(maxLength == null ? 0 : maxLength).withLongText(mode, stride == null ? -1 : stride)
                .withThreshold(threshold).withThreads(threads).withDecoding(decodingMode());
    }

    /**
     * The model folder of a name or path, checked on the driver before Spark starts: a head, a readable tokenizer, a
     * decoding setup that has {@code mode} (null: the default). Reads no weights.
     */
    static Path checkModel(String nameOrPath, DecodingMode mode) throws IOException {
        TaggingModel m = TaggingModel.read(NamedModels.fromEnvironment().resolve(nameOrPath)).requireHead();
        m.tokenizer();
        try {
            m.decoding().decoder(mode);
        } catch (IllegalArgumentException e) {
            throw new InputException(m.folder().toString(), e.getMessage());
        }
        return m.folder();
    }

    private SparkSession session() {
        SparkConf conf = new SparkConf().setAppName("multitag spark-tag");
        if (master != null) {
            conf.setMaster(master);
        } else if (!conf.contains("spark.master")) {
            conf.setMaster("local[*]");
        }
        // Small jobs: no UI server, quiet progress bars.
        conf.setIfMissing("spark.ui.enabled", "false");
        conf.setIfMissing("spark.ui.showConsoleProgress", "false");
        return SparkSession.builder().config(conf).getOrCreate();
    }

    /** The multitag module's version and the Spark it runs on. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String own = SparkTagCommand.class.getPackage().getImplementationVersion();
            return new String[] {"multitag spark-tag" + (own == null ? "" : " " + own),
                "Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION() + ", Java "
                    + System.getProperty("java.version")};
        }
    }

    private static String describe(Throwable t) {
        if (t instanceof InputException || t instanceof CommandLine.ParameterException) {
            return t.getMessage();
        }
        if (t instanceof UncheckedIOException u) {
            return describe(u.getCause());
        }
        if (t instanceof java.nio.file.NoSuchFileException e) {
            return e.getFile() + ": no such file";
        }
        if (t instanceof org.apache.spark.sql.AnalysisException a) {
            return a.getSimpleMessage();
        }
        String msg = t.getMessage();
        return t.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
    }

    private DecodingMode decodingMode() {
        if (decode == null) {
            return null;
        }
        DecodingMode m = DecodingMode.parse(decode);
        if (m == null) {
            throw new InputException("--decode must be independent, groups or label-sets, not '" + decode + "'");
        }
        return m;
    }
}
