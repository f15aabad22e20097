package org.multitag.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.multitag.cli.options.ComputeOptions;
import org.multitag.cli.options.LengthOptions;
import org.multitag.cli.options.ModelOption;
import org.multitag.core.InputException;
import org.multitag.core.LabelSet;
import org.multitag.data.ExampleReader;
import org.multitag.data.LabelFile;
import org.multitag.data.SkippedLine;
import org.multitag.data.TrainingData;
import org.multitag.model.TaggingModel;
import org.multitag.model.nn.Freeze;
import org.multitag.train.FineTuner;
import org.multitag.train.loop.Checkpoint;
import org.multitag.train.loop.TrainOptions;
import org.multitag.train.loop.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code multitag train}: fine-tunes BERT with a multi-label token head on labelled data. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Fine-tune a BERT model with a multi-label token classification head (sigmoid per label, "
                + "binary cross-entropy, AdamW with linear warmup and decay).",
            "Data: JSON Lines, one of {\"tokens\": [...], \"labels\": [[...], ...]} (a label set per word), "
                + "{\"text\": ..., \"spans\": [{\"start\", \"end\", \"label\"}, ...]} or {\"input_ids\": [...], "
                + "\"labels\": [[0,1,...], ...], \"label_mask\": [...]} (needs --labels), or CoNLL-U (UPOS + FEATS).",
            "The model to start from is a model folder or a name. A folder whose head has exactly the training label "
                + "set starts from that head; otherwise a new head is initialized (N(0, initializer_range²), seeded).",
            "Each epoch ends with a dev evaluation (micro-F1 at thresholds 0.5 picks the best model) and a "
                + "checkpoint (OUT/checkpoint, written atomically; --resume continues from it). At the end the best "
                + "model, with one threshold per label tuned on dev, is written to OUT/model; the run's metrics to "
                + "OUT/metrics.jsonl and its curve to OUT/training-curve.png. Progress goes to stderr."})
final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOption.Required model;

    @Option(names = "--train", required = true, paramLabel = "FILE",
            description = "Training data (repeat for several files).")
    List<Path> trainFiles;

    @Option(names = "--dev", required = true, paramLabel = "FILE",
            description = "Development data: evaluated each epoch, picks the best model, tunes the thresholds.")
    Path devFile;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Output folder: model/, best/, checkpoint/, metrics.jsonl, training-curve.png.")
    Path out;

    @Option(names = "--epochs", paramLabel = "N|auto", defaultValue = "auto", description = "Passes over the training "
            + "data; auto = 3, or more when 3 give fewer than " + TrainOptions.AUTO_MIN_STEPS + " optimizer steps "
            + "(small data), up to " + TrainOptions.MAX_AUTO_EPOCHS + " (default: ${DEFAULT-VALUE}).")
    String epochs;

    @Option(names = "--lr", paramLabel = "X", defaultValue = "5e-5",
            description = "Peak learning rate of the encoder (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--head-lr", paramLabel = "X", defaultValue = "1e-3",
            description = "Peak learning rate of the token head, same warmup and decay (default: ${DEFAULT-VALUE}).")
    double headLr;

    @Option(names = "--layer-mix", paramLabel = "K",
            description = "The head reads a learned mix of the top K layers (UDify's scalar mix) instead of the last "
                    + "layer; 0: the last layer, as Hugging Face's head (default: the model's own when its head is "
                    + "continued, else 0). Saved with the model; transformers would read the last layer only.")
    Integer layerMix;

    @Option(names = "--head-init", paramLabel = "prior|zero", defaultValue = "prior",
            converter = HeadInitConverter.class,
            description = "A new head's biases: prior = each label's log-odds in the training data (pos-weighted), "
                    + "zero = Hugging Face's zeros (default: ${DEFAULT-VALUE}).")
    TrainOptions.HeadInit headInit;

    @Option(names = "--loss-reduction", paramLabel = "mean|token-mean", defaultValue = "mean",
            converter = LossReductionConverter.class,
            description = "mean = torch's BCEWithLogitsLoss mean over labelled tokens x labels; token-mean = summed "
                    + "over labels, mean over tokens (default: ${DEFAULT-VALUE}).")
    TrainOptions.LossReduction lossReduction;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "16",
            description = "Sequences per forward/backward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Mixin
    LengthOptions lengths;

    @Option(names = "--warmup-ratio", paramLabel = "X", defaultValue = "0.1",
            description = "Share of the steps with a rising learning rate, then linear decay to 0 "
                    + "(default: ${DEFAULT-VALUE}).")
    double warmupRatio;

    @Option(names = "--weight-decay", paramLabel = "X", defaultValue = "0.01",
            description = "AdamW's decoupled weight decay, not on biases and LayerNorm (default: ${DEFAULT-VALUE}).")
    double weightDecay;

    @Option(names = "--grad-accum", paramLabel = "N", defaultValue = "1",
            description = "Batches per optimizer step (default: ${DEFAULT-VALUE}).")
    int gradAccum;

    @Option(names = "--clip", paramLabel = "X", defaultValue = "1.0",
            description = "Global gradient-norm limit, 0 for none (default: ${DEFAULT-VALUE}).")
    double clip;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
            description = "Seeds data order, dropout and a new head (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--dropout", paramLabel = "X",
            description = "Hidden and attention dropout instead of the config's hidden_dropout_prob / "
                    + "attention_probs_dropout_prob (saved in the trained config). The head uses "
                    + "classifier_dropout when the config sets it, else the hidden rate.")
    Double dropout;

    @Option(names = "--pos-weight", paramLabel = "auto|none", defaultValue = "none",
            description = "Weight of each label's positive term: auto = negatives / positives in the training "
                    + "data (capped at 100), none = 1 (default: ${DEFAULT-VALUE}).")
    String posWeight;

    @Option(names = "--group-by-length", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Batch sentences of similar length (less padding; each epoch still sees every example once, "
                    + "batches in random order). On by default; --no-group-by-length batches in plain shuffled order.")
    boolean groupByLength;

    @Option(names = "--label-groups", paramLabel = "auto|none|FILE", defaultValue = "auto",
            description = "Label groups of the model: auto = UPOS= labels exactly-one, every other Key= at-most-one; "
                    + "none = every label alone; or a label_groups.json file. With groups, every decoding mode "
                    + "(independent, groups, label-sets) is tuned on dev and the best is saved as the model's "
                    + "default (default: ${DEFAULT-VALUE}).")
    String labelGroups;

    @Option(names = "--freeze-encoder", description = "Train the head only; the encoder stays fixed.")
    boolean freezeEncoder;

    @Option(names = "--resume", description = "Continue the run in OUT from OUT/checkpoint (same data and options).")
    boolean resume;

    @Option(names = "--labels", paramLabel = "FILE",
            description = "Label set, one label per line, in output order (default: the labels of the training "
                    + "data, sorted). A training label outside it is an error naming the label and the line; a dev "
                    + "label outside it counts as missed.")
    Path labelsFile;

    @Option(names = "--label-all-subtokens",
            description = "Train a word's labels on all of its sub-tokens (default: the first only).")
    boolean labelAllSubtokens;

    @Option(names = "--skip-bad", description = "Skip bad data lines (reported with their reasons) instead of "
            + "failing on the first.")
    boolean skipBad;

    @Mixin
    ComputeOptions compute;

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        TrainOptions options = options();
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new InputException(out.toString(), "exists and is not a folder");
        }
        if (dropout != null && !(dropout >= 0 && dropout < 1)) {
            throw new InputException("--dropout must be in [0, 1), not " + dropout);
        }
        int threads = compute.apply();
        TaggingModel base = model.read();
        Integer maxLength = lengths.maxLength(base.config());
        LabelSet labels = labelsFile != null ? LabelFile.read(labelsFile)
                : ExampleReader.collectLabels(trainFiles, skipBad);
        PrintStream progress = WriterStream.of(stderr);
        FineTuner tuner = FineTuner.builder(base).labels(labels).options(options).dropout(dropout).layerMix(layerMix)
                .labelAllSubtokens(labelAllSubtokens).skipBad(skipBad).threads(threads)
                .maxLength(maxLength).longText(lengths.longText(), lengths.stride(lengths.limit(base.config())))
                .labelGroups(labelGroups)
                .progress(progress, System.console() != null).build();
        TrainingData train = tuner.read(trainFiles);
        TrainingData dev = tuner.readDev(List.of(devFile));
        reportSkipped(stderr, "train", train);
        reportSkipped(stderr, "dev", dev);
        stderr.println("train: " + train.summary());
        stderr.println("dev:   " + dev.summary());

        Path checkpoint = out.resolve("checkpoint");
        if (resume && !Checkpoint.exists(checkpoint)) {
            stderr.println("note: no checkpoint in " + checkpoint + ": training from the start");
        } else if (!resume && Checkpoint.exists(checkpoint)) {
            stderr.println("note: " + out + " holds a run; starting over (--resume continues it)");
        }
        int epochCount = options.epochsFor(train.examples().size());
        stderr.println((tuner.startsFromHead() ? "head: the model's (" : "head: new (") + labels.size()
                + " labels), " + (freezeEncoder ? "encoder frozen" : "encoder trained") + ", " + epochCount
                + " epoch" + (epochCount == 1 ? "" : "s"));
        stderr.flush();
        Trainer.Result result;
        try {
            result = tuner.fit(train, dev, out, resume);
        } finally {
            progress.flush();
        }

        stdout.printf(Locale.ROOT, "model:   %s (thresholds tuned on dev%s)%n", result.modelDir(),
                result.decoding() == null ? "" : "; default decoding " + result.decoding().decoding().defaultMode());
        stdout.printf(Locale.ROOT, "metrics: %s%n", out.resolve("metrics.jsonl"));
        stdout.printf(Locale.ROOT, "curve:   %s%n", out.resolve("training-curve.png"));
        stdout.printf(Locale.ROOT, "%d steps in %.1f s; best dev micro-F1 %.4f (thresholds 0.5)%n", result.steps(),
                result.seconds(), result.bestDevF1());
        if (result.decoding() != null) {
            stdout.println("label groups: " + tuner.labelGroups());
            ReportTables.printModes(stdout, result.decoding());
        }
        if (result.devReport() != null) {
            stdout.printf(Locale.ROOT, "dev, tuned thresholds: micro-F1 %.4f%n", result.devReport().microF1());
            ReportTables.printReport(stdout, result.devReport(), ReportTables.TOP_LABELS);
        }
        stdout.flush();
        return 0;
    }

    private TrainOptions options() {
        boolean auto = epochs.equalsIgnoreCase("auto");
        int n = auto ? TrainOptions.DEFAULT.epochs() : Checks.positive("--epochs", Checks.integer("--epochs", epochs,
                "a whole number or auto"));
        Checks.positive("--batch-size", batchSize);
        Checks.positive("--grad-accum", gradAccum);
        Checks.learningRate("--lr", lr);
        if (!(warmupRatio >= 0 && warmupRatio <= 1)) {
            throw new InputException("--warmup-ratio must be in [0, 1], not " + warmupRatio);
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new InputException("--weight-decay must be >= 0, not " + weightDecay);
        }
        if (!(clip >= 0) || Double.isInfinite(clip)) {
            throw new InputException("--clip must be >= 0, not " + clip);
        }
        String pw = Checks.posWeight(posWeight);
        // The thread count is left out (0): it does not change the run, and the checkpoint compares the options,
        // so a run may resume with other --threads. TokenClassifier gets the real count.
        Checks.learningRate("--head-lr", headLr);
        return new TrainOptions(n, lr, batchSize, gradAccum, warmupRatio, weightDecay, clip, seed, pw,
                freezeEncoder ? Freeze.headOnly() : Freeze.none(), 0, groupByLength, headLr, lossReduction,
                headInit, auto ? TrainOptions.AUTO_MIN_STEPS : 0);
    }

    /** Reports the lines {@code --skip-bad} left out: a count and the first few reasons. */
    private static void reportSkipped(PrintWriter err, String what, TrainingData data) {
        List<SkippedLine> skipped = data.skipped();
        if (skipped.isEmpty()) {
            return;
        }
        err.printf(Locale.ROOT, "warning: %s: skipped %d bad line%s%n", what, skipped.size(),
                skipped.size() == 1 ? "" : "s");
        int shown = Math.min(5, skipped.size());
        for (int i = 0; i < shown; i++) {
            err.println("  " + skipped.get(i));
        }
        if (skipped.size() > shown) {
            err.println("  ... and " + (skipped.size() - shown) + " more");
        }
        err.flush();
    }

    static final class HeadInitConverter implements picocli.CommandLine.ITypeConverter<TrainOptions.HeadInit> {
        @Override
        public TrainOptions.HeadInit convert(String value) {
            return switch (value.toLowerCase(java.util.Locale.ROOT)) {
                case "prior" -> TrainOptions.HeadInit.PRIOR;
                case "zero" -> TrainOptions.HeadInit.ZERO;
                default -> throw new InputException("--head-init must be prior or zero, not " + value);
            };
        }
    }

    static final class LossReductionConverter
            implements picocli.CommandLine.ITypeConverter<TrainOptions.LossReduction> {
        @Override
        public TrainOptions.LossReduction convert(String value) {
            return switch (value.toLowerCase(java.util.Locale.ROOT)) {
                case "mean" -> TrainOptions.LossReduction.MEAN;
                case "token-mean" -> TrainOptions.LossReduction.TOKEN_MEAN;
                default -> throw new InputException("--loss-reduction must be mean or token-mean, not " + value);
            };
        }
    }
}
