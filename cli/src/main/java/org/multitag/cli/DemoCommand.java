package org.multitag.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.multitag.cli.options.ComputeOptions;
import org.multitag.cli.options.ModelOption;
import org.multitag.core.AtomicFiles;
import org.multitag.core.InputException;
import org.multitag.core.LabelSet;
import org.multitag.data.Example;
import org.multitag.data.LabelFile;
import org.multitag.data.TrainingData;
import org.multitag.eval.Baselines;
import org.multitag.eval.EvaluationReport;
import org.multitag.eval.Evaluator;
import org.multitag.model.MultiLabelTagger;
import org.multitag.model.TaggingModel;
import org.multitag.model.decoding.Decoding;
import org.multitag.model.nn.Freeze;
import org.multitag.tokenizer.labels.WordPrediction;
import org.multitag.train.FineTuner;
import org.multitag.train.loop.TrainOptions;
import org.multitag.train.loop.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code multitag demo}: the whole job on the bundled Brown corpus with no arguments. Fine-tunes all-MiniLM-L6-v2
 * with a 63-label head on a spread-out subset of the training files, tunes one threshold per label on dev,
 * evaluates on the test files next to trivial baselines, tags two sentences, and leaves the model, the report and
 * the training curve in {@code runs/demo-<timestamp>/}.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Fine-tune, evaluate and tag on the bundled Brown corpus (data/brown: 63 labels per word: "
                + "word class, features, Brown's flags).",
            "Trains MiniLM-L6 on sentences spread over the training files (a few minutes on 2 cores), tunes thresholds on dev, "
                + "scores the test set next to the all-negative and most-frequent baselines, tags two sentences, "
                + "and writes model/, report.json, metrics.jsonl and training-curve.png under --out."})
final class DemoCommand implements Callable<Integer> {

    /** Brown-style words (contractions and possessives kept whole, as the corpus prints them). */
    static final List<List<String>> EXAMPLES = List.of(
            List.of("The", "jury", "wasn't", "told", "about", "the", "mayor's", "two", "older", "brothers", "."),
            List.of("She", "had", "been", "reading", "Faulkner's", "novels", "in", "Paris", "since", "1958", "."));

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOption.WithDefault model;

    @Option(names = "--full", description = "Train on all 45,570 training sentences and tune on all of dev "
            + "(MiniLM-L6: about 13 minutes per epoch on 2 cores).")
    boolean full;

    @Option(names = "--train-sentences", paramLabel = "N", defaultValue = "8000",
            description = "Training sentences, spread evenly over the training files (default: ${DEFAULT-VALUE}).")
    int trainSentences;

    @Option(names = "--dev-sentences", paramLabel = "N", defaultValue = "1500",
            description = "Dev sentences for model selection and thresholds (default: ${DEFAULT-VALUE}).")
    int devSentences;

    @Option(names = "--test-sentences", paramLabel = "N", defaultValue = "0",
            description = "Test sentences to score, spread evenly (default 0: all 5,762).")
    int testSentences;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "1", description = "Epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--lr", paramLabel = "X", defaultValue = "3e-4",
            description = "Peak learning rate (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--pos-weight", paramLabel = "auto|none", defaultValue = "auto",
            description = "Positive-term weight per label: auto = negatives / positives (capped at 100), "
                    + "none = 1 (default: ${DEFAULT-VALUE}).")
    String posWeight;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--data", paramLabel = "DIR",
            description = "Folder with train/dev/test.jsonl.gz and labels.txt (default: the bundled data/brown).")
    Path data;

    @Option(names = "--out", paramLabel = "DIR", description = "Run folder (default: runs/demo-<timestamp>).")
    Path out;

    @Mixin
    ComputeOptions compute;

    @Override
    public Integer call() throws IOException {
        long t0 = System.nanoTime();
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        Checks.positive("--epochs", epochs);
        Checks.positive("--train-sentences", trainSentences);
        Checks.positive("--dev-sentences", devSentences);
        if (testSentences < 0) {
            throw new InputException("--test-sentences must be >= 0, not " + testSentences);
        }
        String pw = Checks.posWeight(posWeight);
        Checks.learningRate("--lr", lr);
        int threads = compute.apply();
        Path dataDir = data != null ? data : bundledData();
        Path runDir = out != null ? out : Path.of("runs", "demo-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        if (Files.exists(runDir)) {
            throw new InputException(runDir.toString(), "exists already: give another --out");
        }

        stdout.println("multitag demo: multi-label token classification on the Brown corpus");
        stdout.flush();
        TaggingModel base = model.read();
        LabelSet labels = LabelFile.read(dataDir.resolve("labels.txt"));
        PrintStream progress = WriterStream.of(stderr);
        // the demo's own recipe (one rate for encoder and head, zero head biases), measured as the README says
        TrainOptions options = new TrainOptions(epochs, lr, 16, 1, 0.1, 0.01, 1.0, seed, pw, Freeze.none(),
                0, true, lr, TrainOptions.LossReduction.MEAN, TrainOptions.HeadInit.ZERO);
        FineTuner tuner = FineTuner.builder(base).labels(labels).options(options).maxLength(128).truncate(true)
                .threads(threads).progress(progress, System.console() != null).build();
        TrainingData allTrain = tuner.read(dataDir.resolve("train.jsonl.gz"));
        TrainingData train = full ? allTrain : everyKth(allTrain, trainSentences);
        TrainingData dev = full ? tuner.read(dataDir.resolve("dev.jsonl.gz"))
                : everyKth(tuner.read(dataDir.resolve("dev.jsonl.gz")), devSentences);
        TrainingData test = everyKth(tuner.read(dataDir.resolve("test.jsonl.gz")),
                testSentences == 0 ? Integer.MAX_VALUE : testSentences);
        stdout.printf(Locale.ROOT, "model: %s (%s); %d labels%n", model.value(), base.folder(), labels.size());
        stdout.printf(Locale.ROOT, "train: %s%ndev:   %s%ntest:  %s%n", train.summary(), dev.summary(),
                test.summary());
        stdout.flush();

        Trainer.Result result;
        try {
            result = tuner.fit(train, dev, runDir);
        } finally {
            progress.flush();
        }
        // The checkpoint (weights + AdamW moments) and best/ copy only serve resuming: the demo keeps model/.
        AtomicFiles.deleteRecursively(runDir.resolve("checkpoint"));
        AtomicFiles.deleteRecursively(runDir.resolve("best"));
        double trainSeconds = result.seconds();

        long e0 = System.nanoTime();
        TaggingModel trained = TaggingModel.read(result.modelDir());
        // scored the way the tagger below decodes: the model's default mode, tuned on dev
        Decoding decoding = trained.decoding();
        EvaluationReport report = Evaluator.score(trained, test, threads, 32).evaluate(decoding.decoder(null));
        double evalSeconds = (System.nanoTime() - e0) / 1e9;
        Map<String, EvaluationReport> baselines = new LinkedHashMap<>();
        List<int[]> reference = train.goldWordLabels();
        List<int[]> gold = test.goldWordLabels();
        baselines.put("most-frequent label set", Baselines.mostFrequentLabelSet(labels, reference, gold));
        baselines.put("most-frequent label", Baselines.mostFrequentLabel(labels, reference, gold));
        baselines.put("all-negative", Baselines.allNegative(labels, gold));

        List<List<WordPrediction>> tagged;
        try (MultiLabelTagger tagger = MultiLabelTagger.of(trained, decoding,
                new MultiLabelTagger.Options(threads, 8, 128, true))) {
            tagged = tagger.tagWords(EXAMPLES);
        }

        stdout.println();
        stdout.printf(Locale.ROOT, "test set: %,d words, decoding %s tuned on dev (%d steps, %.0f s training, "
                + "%.0f s scoring)%n", report.nWords(), decoding.defaultMode(), result.steps(), trainSeconds,
                evalSeconds);
        ReportTables.printComparison(stdout, report, baselines);
        stdout.println();
        ReportTables.printTopLabels(stdout, report, baselines.get("most-frequent label set"), 10);
        stdout.println();
        stdout.println("tagged with the fine-tuned model (each word's label set):");
        stdout.print(ReportTables.tagged(tagged, "  "));

        Path reportFile = runDir.resolve("report.json");
        writeReport(reportFile, base.folder(), dataDir, train, dev, test, options, result, report, baselines, tagged,
                trainSeconds, evalSeconds);
        stdout.println("model:  " + result.modelDir() + " (Hugging Face folder + thresholds and decoding)");
        stdout.println("report: " + reportFile);
        stdout.println("curve:  " + runDir.resolve("training-curve.png"));
        stdout.printf(Locale.ROOT, "demo finished in %.0f s%n", (System.nanoTime() - t0) / 1e9);
        stdout.flush();
        return 0;
    }

    /** The bundled data: data/brown under the multitag folder (the launcher says where), else under the cwd. */
    static Path bundledData() {
        String home = System.getProperty("multitag.home");
        Path dir = (home == null ? Path.of("") : Path.of(home)).resolve("data").resolve("brown");
        if (!Files.isRegularFile(dir.resolve("train.jsonl.gz"))) {
            throw new InputException(dir.toAbsolutePath().toString(), "bundled Brown data not found: run from the "
                    + "multitag folder (./multitag demo) or pass --data DIR");
        }
        return dir;
    }

    /** {@code n} examples evenly spread over the corpus order (every size/n-th), so a subset covers all files. */
    static TrainingData everyKth(TrainingData d, int n) {
        List<Example> all = d.examples();
        if (n >= all.size()) {
            return d;
        }
        List<Example> some = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            some.add(all.get((int) ((long) i * all.size() / n)));
        }
        return new TrainingData(d.labels(), some, d.skipped());
    }

    private static void writeReport(Path file, Path model, Path dataDir, TrainingData train, TrainingData dev,
            TrainingData test, TrainOptions options, Trainer.Result result, EvaluationReport report,
            Map<String, EvaluationReport> baselines, List<List<WordPrediction>> tagged, double trainSeconds,
            double evalSeconds) throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.put("model", model.toString());
        root.put("data", dataDir.toString());
        ObjectNode sizes = root.putObject("sentences");
        sizes.put("train", train.examples().size());
        sizes.put("dev", dev.examples().size());
        sizes.put("test", test.examples().size());
        ObjectNode opt = root.putObject("options");
        opt.put("epochs", options.epochs());
        opt.put("lr", options.lr());
        opt.put("batch_size", options.batchSize());
        opt.put("seed", options.seed());
        opt.put("pos_weight", options.posWeight());
        opt.put("max_length", 128);
        root.put("steps", result.steps());
        root.put("train_seconds", trainSeconds);
        root.put("test_seconds", evalSeconds);
        root.put("best_dev_micro_f1_at_0.5", result.bestDevF1());
        root.set("test", json.readTree(report.toJson()));
        ObjectNode base = root.putObject("baselines");
        for (Map.Entry<String, EvaluationReport> e : baselines.entrySet()) {
            base.set(e.getKey().replace(' ', '_').replace('-', '_'), json.readTree(e.getValue().toJson()));
        }
        ArrayNode examples = root.putArray("examples");
        for (List<WordPrediction> sentence : tagged) {
            ArrayNode words = examples.addArray();
            for (WordPrediction w : sentence) {
                ObjectNode o = words.addObject();
                o.put("text", w.text());
                ArrayNode l = o.putArray("labels");
                w.labels().forEach(l::add);
            }
        }
        byte[] bytes = (json.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file, o -> o.write(bytes));
    }
}
