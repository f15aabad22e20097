package org.multitag.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.multitag.cli.options.BatchOptions;
import org.multitag.cli.options.ComputeOptions;
import org.multitag.cli.options.LengthOptions;
import org.multitag.cli.options.ModelOption;
import org.multitag.core.InputException;
import org.multitag.core.LabelSet;
import org.multitag.data.ExampleReader;
import org.multitag.data.TrainingData;
import org.multitag.eval.DecodingTuner;
import org.multitag.eval.EvaluationReport;
import org.multitag.eval.Evaluator;
import org.multitag.model.MultiLabelTagger;
import org.multitag.model.TaggingModel;
import org.multitag.model.Thresholds;
import org.multitag.model.decoding.Decoding;
import org.multitag.model.decoding.DecodingMode;
import org.multitag.model.decoding.LabelGroups;
import org.multitag.model.decoding.SeenLabelSets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code multitag tune-thresholds}: one decision threshold per label, tuned on development data. */
@Command(name = "tune-thresholds", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Choose the decision thresholds of a model with a token head for the best micro-F1 on "
                + "labelled data (words scored at their first sub-token), for every decoding mode, and write them: "
                + "thresholds.json (independent), and with label groups label_groups.json, label_sets.json and "
                + "decoding.json, whose default is the mode that gets the most words' whole label set right here. "
                + "Prints each mode's scores.",
            "Where (one is required): --out DIR writes a new model folder, the model's files with the tuned ones "
                + "(weights hard-linked where the file system allows, else copied; built in a temporary folder and "
                + "renamed, so DIR is complete or absent; DIR must not exist or be empty), the model folder left "
                + "as it was; --in-place rewrites the model folder's decoding files, keeping each file it replaces "
                + "or removes as FILE.bak.",
            "Tune on DEVELOPMENT data only, never on the test set: thresholds fitted to the test data make its "
                + "scores optimistic. Labels without a gold occurrence in the data keep 0.5."})
final class TuneThresholdsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOption.Required model;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Write the tuned model to this new folder (absent or empty); the model folder is not "
                    + "changed.")
    Path outDir;

    @Option(names = "--in-place",
            description = "Rewrite the model folder's decoding files, keeping each replaced file as FILE.bak.")
    boolean inPlace;

    @Option(names = "--data", required = true, paramLabel = "DEV",
            description = "Development data (repeat for several files); never the test set.")
    List<Path> data;

    @Option(names = "--label-groups", paramLabel = "model|auto|none|FILE", defaultValue = "model",
            description = "Label groups for the groups and label-sets modes: model = the folder's label_groups.json "
                    + "(auto when it has none), auto = UPOS= exactly-one and every other Key= at-most-one, none = "
                    + "independent only, or a label_groups.json file (default: ${DEFAULT-VALUE}).")
    String labelGroups;

    @Option(names = "--train", paramLabel = "FILE",
            description = "Training data whose label sets label-sets may choose (repeat for several files; default: "
                    + "the folder's label_sets.json; without either, label-sets is not tuned).")
    List<Path> train;

    @Mixin
    BatchOptions batching;

    @Mixin
    LengthOptions lengths;

    @Mixin
    ComputeOptions compute;

    @Override
    public Integer call() throws IOException {
        int batchSize = batching.batchSize();
        int threads = compute.apply();
        if (outDir == null && !inPlace || outDir != null && inPlace) {
            throw new InputException("tune-thresholds writes a tuned model: give either --out DIR (a new model "
                    + "folder; the model's stays as it is) or --in-place (rewrite the model's decoding files, keeping "
                    + "each replaced file as FILE.bak)" + (inPlace ? ", not both" : ""));
        }
        TaggingModel m = model.read().requireHead();
        if (outDir != null) {
            TunedModelWriter.checkNewFolder(outDir, m.folder());
        }
        LabelSet labels = m.labels();
        List<String> names = labels.names();
        Decoding existing;
        try {
            existing = m.decoding();
        } catch (InputException e) {
            // the files are about to be replaced: say so, do not fail
            spec.commandLine().getErr().println("warning: " + e.getMessage() + " (it will be replaced)");
            existing = Decoding.independent(Thresholds.uniform(names, Thresholds.DEFAULT));
        }
        Thresholds before = Files.isRegularFile(m.folder().resolve(Thresholds.FILE))
                ? existing.thresholds(DecodingMode.INDEPENDENT) : null;
        TrainingData d = new ExampleReader(m.tokenizer(), labels,
                lengths.readerOptions(m.config()).withKeepUnknownLabels(true)).read(data);
        d.checkIds(m.config());
        LabelGroups groups = labelGroups.equals("model")
                ? (existing.groups().isEmpty() ? LabelGroups.auto(names) : existing.groups())
                : LabelGroups.fromSpec(labelGroups, names);
        SeenLabelSets seen = null;
        if (!groups.isEmpty()) {
            if (train != null) {
                ExampleReader trainReader = new ExampleReader(m.tokenizer(), labels,
                        new ExampleReader.Options(m.config().maxPositionEmbeddings(), true, false, false));
                seen = SeenLabelSets.collect(groups, trainReader.read(train).goldWordLabels());
            } else if (existing.seen() != null && existing.groups().equals(groups)) {
                seen = existing.seen();
            }
        }

        int limit = lengths.limit(m.config());
        Evaluator dev = Evaluator.score(m, d, new MultiLabelTagger.Options(threads, batchSize, limit,
                lengths.longText(), lengths.stride(limit), null));
        DecodingTuner.Result tuned = DecodingTuner.tune(dev, groups, seen);
        EvaluationReport atHalf = dev.evaluate(Thresholds.uniform(names, 0.5f).values());
        EvaluationReport old = before == null ? null : dev.evaluate(before.values());
        Path written = inPlace ? m.folder() : outDir;
        TunedModelWriter.Written w = inPlace ? TunedModelWriter.inPlace(m.folder(), tuned.decoding())
                : TunedModelWriter.newFolder(m.folder(), outDir, tuned.decoding());

        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "%s: %s%n", data.size() == 1 ? data.get(0) : data.size() + " files", d.summary());
        out.printf(Locale.ROOT, "label groups: %s; label sets: %s%n", groups,
                seen == null ? "none" : seen.size() + " seen in training");
        EvaluationReport now = tuned.modes().get(DecodingMode.INDEPENDENT).dev();
        out.printf(Locale.ROOT, "micro-F1 %.4f (0.5) -> %.4f (tuned); macro-F1 %.4f -> %.4f%n", atHalf.microF1(),
                now.microF1(), atHalf.macroF1(), now.macroF1());
        if (old != null) {
            out.printf(Locale.ROOT, "(the model's thresholds.json gave micro-F1 %.4f)%n", old.microF1());
        }
        ReportTables.printModes(out, tuned);
        out.printf(Locale.ROOT, "default decoding: %s; wrote thresholds to %s%s%n", tuned.decoding().defaultMode(),
                written, inPlace ? (w.backups().isEmpty() ? "" : " (replaced files kept as *.bak: "
                        + String.join(", ", w.backups().stream().map(b -> b.getFileName().toString()).toList()) + ")")
                        : String.format(Locale.ROOT, " (a new model folder: %d file%s hard-linked, %d copied)",
                                w.linked(), w.linked() == 1 ? "" : "s", w.copied()));
        ReportTables.printReport(out, tuned.modes().get(tuned.decoding().defaultMode()).dev(),
                ReportTables.TOP_LABELS);
        out.flush();
        return 0;
    }
}
