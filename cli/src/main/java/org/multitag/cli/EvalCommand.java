package org.multitag.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.multitag.cli.options.BatchOptions;
import org.multitag.cli.options.ComputeOptions;
import org.multitag.cli.options.LengthOptions;
import org.multitag.cli.options.ModelOption;
import org.multitag.core.AtomicFiles;
import org.multitag.core.InputException;
import org.multitag.data.ExampleReader;
import org.multitag.data.TrainingData;
import org.multitag.eval.EvaluationReport;
import org.multitag.eval.Evaluator;
import org.multitag.model.LongText;
import org.multitag.model.MultiLabelTagger;
import org.multitag.model.TaggingModel;
import org.multitag.model.decoding.Decoding;
import org.multitag.model.decoding.DecodingMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code multitag eval}: scores a trained model on labelled data. */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Score a model with a multi-label token head on labelled data (the formats of 'multitag "
                + "train'), word by word: a word's prediction is read at its first sub-token.",
            "Prints micro and macro precision/recall/F1, Hamming loss, subset accuracy, span-level scores (exact "
                + "match) when the data has spans, for CoNLL-U label sets (UPOS=...) the CoNLL 2018 shared task's "
                + "UPOS and UFeats accuracies (the official definitions: UFeats over the universal features only) "
                + "with UPOS+FEATS exact and all-FEATS exact, and the per-label scores of the 20 most frequent "
                + "labels. --report writes every score as JSON (micro_*, macro_*, hamming_loss, subset_accuracy, "
                + "per_label, n_words, span_*, ud, unknown_gold_labels ...).",
            "The labels are the model's (config.json id2label): a gold label the model does not know counts as "
                + "missed, in every data form (a word's label; a span's, on each word the span covers and as a missed "
                + "gold span; a CoNLL-U UPOS or feature), and their number is reported (unknown_gold_labels). Words "
                + "cut off by --truncate count as predicted with no label. An empty data file is an error."})
final class EvalCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOption.Required model;

    @Option(names = "--data", required = true, paramLabel = "FILE",
            description = "Labelled data (repeat for several files).")
    List<Path> data;

    @Option(names = "--thresholds", paramLabel = "tuned|X", defaultValue = "tuned",
            description = "tuned: the model folder's thresholds.json (0.5 for labels it lacks); a number X in "
                    + "[0, 1]: X for every label, e.g. 0.5 (default: ${DEFAULT-VALUE}).")
    String thresholds;

    @Option(names = "--decode", paramLabel = "MODE|all",
            description = "Decoding: independent, groups, label-sets, or all (each side by side; the report then "
                    + "has one entry per mode) (default: the model's, decoding.json, else independent).")
    String decode;

    @Option(names = "--report", paramLabel = "FILE.json", description = "Write the full report as JSON (atomically).")
    Path report;

    @Option(names = "--documents",
            description = "Read CoNLL-U data as documents: each # newdoc group's sentences joined with spaces into "
                    + "one input (one over --max-length goes through windows), every word keeping its gold labels; "
                    + "the scores stay word by word.")
    boolean documents;

    @Mixin
    BatchOptions batching;

    @Mixin
    LengthOptions lengths;

    @Mixin
    ComputeOptions compute;

    @Override
    public Integer call() throws IOException {
        int batchSize = batching.batchSize();
        Checks.outputFile(report);
        Float uniform = parseThresholds(thresholds);
        int threads = compute.apply();
        TaggingModel m = model.read().requireHead();
        Decoding decoding = uniform == null ? m.decoding() : m.decoding().withUniformThresholds(uniform);
        List<DecodingMode> modes = decodingModes(decode, decoding);
        TrainingData d = new ExampleReader(m.tokenizer(), m.labels(),
                lengths.readerOptions(m.config()).withKeepUnknownLabels(true).withDocuments(documents)).read(data);
        d.checkIds(m.config());

        int limit = lengths.limit(m.config());
        Map<DecodingMode, EvaluationReport> reports = Evaluator.score(m, d, new MultiLabelTagger.Options(threads,
                batchSize, limit, lengths.longText(), lengths.stride(limit), null)).evaluate(decoding, modes);

        if (report != null) {
            String json = modes.size() == 1 ? reports.get(modes.get(0)).toJson(modes.get(0))
                    : EvaluationReport.toJson(reports);
            byte[] bytes = (json + "\n").getBytes(StandardCharsets.UTF_8);
            AtomicFiles.write(report, o -> o.write(bytes));
        }
        PrintWriter out = spec.commandLine().getOut();
        DecodingMode shown = modes.size() == 1 ? modes.get(0) : decoding.defaultMode();
        out.printf(Locale.ROOT, "%s: %s; thresholds: %s; decoding: %s%n", data.size() == 1 ? data.get(0)
                : data.size() + " files", d.summary() + (documents ? " (examples are documents)" : "")
                + windowed(d, limit, lengths.longText()),
                uniform == null ? "tuned (thresholds.json)" : "uniform " + uniform,
                shown + (modes.size() > 1 ? " (the model's default; every mode below)" : ""));
        ReportTables.printReport(out, reports.get(shown), ReportTables.TOP_LABELS);
        if (modes.size() > 1) {
            ReportTables.printModes(out, reports, decoding.defaultMode());
        }
        if (report != null) {
            out.println("report: " + report);
        }
        out.flush();
        return 0;
    }

    /** ", K over the limit of N tokens went through windows", or nothing when none did. */
    private static String windowed(TrainingData d, int limit, LongText longText) {
        long over = d.examples().stream().filter(e -> e.length() > limit).count();
        return over == 0 || longText != LongText.WINDOW ? "" : ", " + over + " over the limit of " + limit
                + " tokens went through windows";
    }

    /** null for "tuned", else the uniform threshold. */
    static Float parseThresholds(String value) {
        if (value.equalsIgnoreCase("tuned")) {
            return null;
        }
        float x;
        try {
            x = Float.parseFloat(value);
        } catch (NumberFormatException e) {
            x = Float.NaN;
        }
        if (!(x >= 0 && x <= 1)) {
            throw new InputException("--thresholds must be 'tuned' or a number in [0, 1], not '" + value + "'");
        }
        return x;
    }

    /**
     * The modes a {@code --decode} value asks for: null = the model's default; {@code all} = every mode the setup
     * has; else one mode, which the setup must have.
     */
    static List<DecodingMode> decodingModes(String value, Decoding decoding) {
        if (value == null) {
            return List.of(decoding.defaultMode());
        }
        if (value.equalsIgnoreCase("all")) {
            return decoding.modes();
        }
        DecodingMode mode = DecodingMode.parse(value);
        if (mode == null) {
            throw new InputException("--decode must be independent, groups, label-sets or all, not '" + value + "'");
        }
        if (!decoding.modes().contains(mode)) {
            throw new InputException("--decode " + mode + " needs label groups" + (mode == DecodingMode.LABEL_SETS
                    ? " and the label sets seen in training" : "") + ", and the model has none (add them with "
                    + "'multitag tune-thresholds --label-groups auto --train TRAIN --data DEV --out NEW_MODEL')");
        }
        return List.of(mode);
    }
}
