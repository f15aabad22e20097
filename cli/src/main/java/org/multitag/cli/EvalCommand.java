package org.multitag.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.multitag.core.AtomicFiles;
import org.multitag.core.InputException;
import org.multitag.data.ExampleReader;
import org.multitag.data.TrainingData;
import org.multitag.eval.EvaluationReport;
import org.multitag.model.decoding.Decoding;
import org.multitag.model.decoding.DecodingMode;
import picocli.CommandLine.Command;
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
                + "missed, and their number is reported."})
final class EvalCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model folder with a token head.")
    String model;

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

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "32",
            description = "Sequences per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--max-length", paramLabel = "N",
            description = "Longest example in tokens, special tokens included (default: the model's "
                    + "max_position_embeddings). A longer line is an error unless --truncate.")
    Integer maxLength;

    @Option(names = "--truncate", description = "Cut longer examples; the words cut off count as predicted with no "
            + "label.")
    boolean truncate;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "Compute threads (default 0: all cores).")
    int threads;

    @Override
    public Integer call() throws IOException {
        TrainingInputs.positive("--batch-size", batchSize);
        TrainingInputs.requireFileTarget(report);
        Float uniform = parseThresholds(thresholds);
        int t = TrainingInputs.threads(threads);
        TrainingInputs.Model m = TrainingInputs.readModelWithHead(model);
        List<String> names = m.labels().names();
        Decoding decoding = TrainingInputs.decoding(m, uniform);
        List<DecodingMode> modes = TrainingInputs.decodingModes(decode, decoding);
        ExampleReader reader = new ExampleReader(m.tokenizer(), m.labels(),
                TrainingInputs.readerOptions(m.config(), maxLength, truncate, false, false)
                        .withKeepUnknownLabels(true));
        TrainingData d = reader.read(data);
        d.checkIds(m.config());

        Map<DecodingMode, EvaluationReport> reports = TrainingInputs.score(m, d, batchSize, t)
                .evaluate(decoding, modes);

        if (report != null) {
            String json = modes.size() == 1 ? reports.get(modes.get(0)).toJson(modes.get(0))
                    : EvaluationReport.toJson(reports);
            byte[] bytes = (json + "\n").getBytes(StandardCharsets.UTF_8);
            AtomicFiles.write(report, o -> o.write(bytes));
        }
        PrintWriter out = spec.commandLine().getOut();
        DecodingMode shown = modes.size() == 1 ? modes.get(0) : decoding.defaultMode();
        out.printf(Locale.ROOT, "%s: %s; thresholds: %s; decoding: %s%n", data.size() == 1 ? data.get(0)
                : data.size() + " files", d.summary(),
                uniform == null ? "tuned (thresholds.json)" : "uniform " + uniform,
                shown + (modes.size() > 1 ? " (the model's default; every mode below)" : ""));
        TrainingInputs.printReport(out, reports.get(shown), TrainingInputs.TOP_LABELS);
        if (modes.size() > 1) {
            TrainingInputs.printModes(out, reports, decoding.defaultMode());
        }
        if (report != null) {
            out.println("report: " + report);
        }
        out.flush();
        return 0;
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
}
