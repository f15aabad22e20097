package org.multitag.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.multitag.core.InputException;
import org.multitag.core.LabelSet;
import org.multitag.data.Example;
import org.multitag.data.ExampleReader;
import org.multitag.data.SkippedLine;
import org.multitag.data.TrainingData;
import org.multitag.eval.DecodingTuner;
import org.multitag.eval.EvaluationReport;
import org.multitag.eval.LabelScores;
import org.multitag.eval.Evaluator;
import org.multitag.eval.UdMetrics;
import org.multitag.model.MultiLabelHead;
import org.multitag.model.Thresholds;
import org.multitag.model.TokenScorer;
import org.multitag.model.decoding.Decoder;
import org.multitag.model.decoding.Decoding;
import org.multitag.model.decoding.DecodingMode;
import org.multitag.model.nn.BertEncoder;
import org.multitag.model.nn.BertWeights;
import org.multitag.model.nn.Freeze;
import org.multitag.model.nn.TokenClassifier;
import org.multitag.tokenizer.Tokenizer;
import org.multitag.train.FineTuner;
import org.multitag.weights.BertConfig;
import org.multitag.weights.HfBertNames;
import org.multitag.weights.ImportedModel;
import org.multitag.weights.ModelFolder;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** What train, eval, tune-thresholds and grads share: model folders with a head, data, probabilities, tables. */
final class TrainingInputs {

    /** Per-label rows the tables show. */
    static final int TOP_LABELS = 20;

    private TrainingInputs() {}

    /** A model folder read whole, with its head's label set (empty without a head). */
    record Model(Path folder, ImportedModel imported, LabelSet labels) {

        BertConfig config() {
            return imported.config();
        }

        boolean hasHead() {
            return labels.size() > 0 && HfBertNames.hasHead(imported.weights());
        }

        /** The encoder weights as native arrays (the caller closes them); a bad tensor is an error naming the folder. */
        BertWeights encoderWeights(BertConfig config) {
            try {
                return BertWeights.of(config, imported.weights());
            } catch (IllegalArgumentException e) {
                throw new InputException(folder.toString(), e.getMessage());
            }
        }

        /**
         * The folder's classifier ({@code weight [L, H]}, {@code bias [L]}) as new native arrays, rows in the order
         * of {@code order} (the head's labels, maybe reordered).
         */
        INDArray[] headArrays(LabelSet order) {
            return FineTuner.classifierArrays(imported, labels, order);
        }

        /** The folder's tokenizer, without padding or truncation. */
        Tokenizer tokenizer() throws IOException {
            try {
                return Tokenizer.load(folder).withPadding(null).withTruncation(null);
            } catch (IllegalArgumentException e) {
                throw new InputException(folder.toString(), e.getMessage());
            }
        }
    }

    /** Resolves {@code --model} (a name or a folder) and reads it. */
    static Model readModel(String nameOrPath) throws IOException {
        Path folder = ModelArgument.resolve(nameOrPath);
        ImportedModel m = ModelFolder.read(folder);
        LabelSet labels;
        try {
            labels = LabelSet.of(new ArrayList<>(m.config().id2label().values()));
        } catch (IllegalArgumentException e) {
            throw new InputException(folder.resolve(BertConfig.FILE).toString(), "id2label: " + e.getMessage());
        }
        return new Model(folder, m, labels);
    }

    /** Like {@link #readModel}, but a folder without a token head is an error. */
    static Model readModelWithHead(String nameOrPath) throws IOException {
        Model m = readModel(nameOrPath);
        if (!m.hasHead()) {
            throw new InputException(m.folder().toString(), "the model has no token head (config.json id2label and "
                    + "classifier.weight / classifier.bias): train one first with 'multitag train'");
        }
        return m;
    }

    /**
     * The trainable model over {@code weights} and {@code head} ({weight, bias}); a model training does not
     * support is an error naming the folder (and the arrays are closed).
     */
    static TokenClassifier trainable(Model m, BertWeights weights, INDArray[] head, Freeze freeze, int threads) {
        try {
            return TokenClassifier.trainable(weights, head[0], head[1], freeze, threads);
        } catch (IllegalArgumentException e) {
            close(weights, head);
            throw new InputException(m.folder().toString(), "cannot train this model: " + e.getMessage());
        }
    }

    /** Closes what {@link #trainable} was made of (TokenClassifier leaves its weights and head open). */
    static void close(BertWeights weights, INDArray[] head) {
        weights.close();
        head[0].close();
        head[1].close();
    }

    /** Checks {@code --threads}; applies a positive count to ND4J's gemm; returns the Java kernel threads. */
    static int threads(int requested) {
        if (requested < 0) {
            throw new InputException("--threads must be >= 0, not " + requested);
        }
        if (requested > 0) {
            Nd4j.getEnvironment().setMaxMasterThreads(requested);
            Nd4j.getEnvironment().setMaxThreads(requested);
            return requested;
        }
        return Runtime.getRuntime().availableProcessors();
    }

    static void positive(String option, int value) {
        if (value < 1) {
            throw new InputException(option + " must be >= 1, not " + value);
        }
    }

    /** An output file option that must not name a folder. */
    static void requireFileTarget(Path file) {
        if (file != null && Files.isDirectory(file)) {
            throw new InputException(file.toString(), "is a folder, not a file");
        }
    }

    /**
     * Reader options: {@code maxLength} null means the model's max_position_embeddings; more than that is an
     * error (the position table has no row for it).
     */
    static ExampleReader.Options readerOptions(BertConfig config, Integer maxLength, boolean truncate,
            boolean labelAllSubtokens, boolean skipBad) {
        int positions = config.maxPositionEmbeddings();
        int limit = maxLength == null ? positions : maxLength;
        if (maxLength != null && (maxLength < 3 || maxLength > positions)) {
            throw new InputException("--max-length must be in [3, " + positions + "] (the model's "
                    + "max_position_embeddings), not " + maxLength);
        }
        return new ExampleReader.Options(limit, truncate, labelAllSubtokens, skipBad);
    }

    /** Reports the lines {@code --skip-bad} left out: a count and the first few reasons. */
    static void reportSkipped(PrintWriter err, String what, TrainingData data) {
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

    /**
     * {@code data} scored by a model folder with a head, through the inference path (its own encoder and head,
     * closed afterwards); the head's thresholds do not change probabilities.
     */
    static Evaluator score(Model m, TrainingData data, int batchSize, int threads) {
        try (BertEncoder encoder = new BertEncoder(m.encoderWeights(m.config()), threads);
                MultiLabelHead head = head(m, Thresholds.uniform(m.labels().names(), Thresholds.DEFAULT));
                TokenClassifier classifier = new TokenClassifier(encoder, head.weight(), head.bias())) {
            return Evaluator.score(new TokenScorer(classifier, batchSize, 0), data);
        }
    }

    /** The folder's classifier as an inference head; a bad tensor is an error naming the folder. */
    static MultiLabelHead head(Model m, Thresholds th) {
        try {
            return MultiLabelHead.of(m.config(), m.imported().weights(), th);
        } catch (IllegalArgumentException e) {
            throw new InputException(m.folder().toString(), e.getMessage());
        }
    }

    /** Checks {@code --lr}. */
    static double learningRate(double lr) {
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new InputException("--lr must be > 0, not " + lr);
        }
        return lr;
    }

    /** Checks {@code --pos-weight}; returns it in lower case. */
    static String posWeight(String value) {
        String pw = value.toLowerCase(Locale.ROOT);
        if (!pw.equals("auto") && !pw.equals("none")) {
            throw new InputException("--pos-weight must be auto or none, not " + value);
        }
        return pw;
    }

    /**
     * The model folder's decoding setup; with {@code uniform}, every mode's thresholds replaced by that value.
     * A broken decoding file is an error naming it.
     */
    static Decoding decoding(Model m, Float uniform) throws IOException {
        List<String> names = m.labels().names();
        Decoding d = Decoding.read(m.folder(), names);
        if (uniform == null) {
            return d;
        }
        Map<DecodingMode, Thresholds> th = new java.util.EnumMap<>(DecodingMode.class);
        for (DecodingMode mode : DecodingMode.values()) {
            th.put(mode, Thresholds.uniform(names, uniform));
        }
        return new Decoding(d.groups(), d.seen(), th, d.defaultMode());
    }

    /**
     * The modes a {@code --decode} value asks for: null = the model's default; {@code all} = every mode the setup
     * has; else one mode, which must be available.
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
                    + "'multitag tune-thresholds --label-groups auto --train TRAIN')");
        }
        return List.of(mode);
    }

    /**
     * The compact table: micro and macro P/R/F1, Hamming loss, subset accuracy, span scores when present, then
     * the per-label rows by support (largest first), at most {@code top}.
     */
    static void printReport(PrintWriter out, EvaluationReport r, int top) {
        out.printf(Locale.ROOT, "%-14s %9s %9s %9s%n", "", "precision", "recall", "F1");
        out.printf(Locale.ROOT, "%-14s %9.4f %9.4f %9.4f%n", "micro", r.microPrecision(), r.microRecall(),
                r.microF1());
        out.printf(Locale.ROOT, "%-14s %9.4f %9.4f %9.4f%n", "macro", r.macroPrecision(), r.macroRecall(),
                r.macroF1());
        if (r.hasSpans()) {
            out.printf(Locale.ROOT, "%-14s %9.4f %9.4f %9.4f   (exact match; %d gold, %d predicted)%n",
                    "spans (micro)", r.spanMicroPrecision(), r.spanMicroRecall(), r.spanMicroF1(), r.nGoldSpans(),
                    r.nPredictedSpans());
        }
        out.printf(Locale.ROOT, "Hamming loss %.5f, subset accuracy %.4f (%d words, %d labels)%n", r.hammingLoss(),
                r.subsetAccuracy(), r.nWords(), r.nLabels());
        if (r.unknownGoldLabels() > 0) {
            out.printf(Locale.ROOT, "%d gold labels are not labels of the model: counted as missed%n",
                    r.unknownGoldLabels());
        }
        if (r.ud() != null) {
            UdMetrics.Scores u = r.ud();
            out.printf(Locale.ROOT, "CoNLL 2018 (official definitions): UPOS %.2f %%, UFeats %.2f %%; UPOS+FEATS exact "
                    + "%.2f %%, all FEATS exact %.2f %%%s%n", 100 * u.upos(), 100 * u.ufeats(), 100 * u.uposFeats(),
                    100 * u.allFeats(), u.wordsWithoutOneUpos() == 0 ? "" : String.format(Locale.ROOT,
                            " (%d words got no UPOS or several)", u.wordsWithoutOneUpos()));
        }
        List<Map.Entry<String, LabelScores>> rows = new ArrayList<>(r.perLabel().entrySet());
        rows.sort(Comparator.comparingLong((Map.Entry<String, LabelScores> e) -> e.getValue().support()).reversed()
                .thenComparing(Map.Entry::getKey));
        int width = 5;
        for (int i = 0; i < Math.min(top, rows.size()); i++) {
            width = Math.max(width, Math.min(40, rows.get(i).getKey().length()));
        }
        out.printf(Locale.ROOT, "%-" + width + "s %9s %9s %9s %8s %9s%n", "label", "precision", "recall", "F1",
                "support", "threshold");
        for (int i = 0; i < Math.min(top, rows.size()); i++) {
            LabelScores s = rows.get(i).getValue();
            out.printf(Locale.ROOT, "%-" + width + "s %9.4f %9.4f %9.4f %8d %9s%n", rows.get(i).getKey(),
                    s.precision(), s.recall(), s.f1(), s.support(),
                    s.threshold() == null ? "-" : String.format(Locale.ROOT, "%.4f", s.threshold()));
        }
        if (rows.size() > top) {
            out.println("(" + (rows.size() - top) + " more labels, fewer gold occurrences)");
        }
        out.flush();
    }

    /** One row per decoding mode: micro/macro-F1, subset accuracy, and the UD measures for CoNLL-U labels. */
    static void printModes(PrintWriter out, DecodingTuner.Result tuned) {
        Map<DecodingMode, EvaluationReport> reports = new java.util.LinkedHashMap<>();
        tuned.modes().forEach((mode, r) -> reports.put(mode, r.dev()));
        printModes(out, reports, tuned.decoding().defaultMode());
    }

    /** A table of the reports of several decoding modes, the default marked with *. */
    static void printModes(PrintWriter out, Map<DecodingMode, EvaluationReport> reports, DecodingMode marked) {
        boolean ud = reports.values().stream().anyMatch(r -> r.ud() != null);
        out.printf(Locale.ROOT, "%-12s %9s %9s %9s%s%n", "decoding", "micro-F1", "macro-F1", "subset",
                ud ? String.format(Locale.ROOT, " %8s %8s %11s %10s", "UPOS", "UFeats", "UPOS+FEATS", "all FEATS")
                        : "");
        reports.forEach((mode, r) -> {
            String row = String.format(Locale.ROOT, "%-12s %9.4f %9.4f %9.4f", mode.id() + (mode == marked ? " *" : ""),
                    r.microF1(), r.macroF1(), r.subsetAccuracy());
            if (r.ud() != null) {
                row += String.format(Locale.ROOT, " %7.2f%% %7.2f%% %10.2f%% %9.2f%%", 100 * r.ud().upos(),
                        100 * r.ud().ufeats(), 100 * r.ud().uposFeats(), 100 * r.ud().allFeats());
            }
            out.println(row);
        });
        out.flush();
    }

    /**
     * A print stream onto a writer (the Trainer prints to a stream; commands print to picocli's writers), UTF-8,
     * flushing the writer whenever the stream flushes.
     */
    static PrintStream printStream(PrintWriter writer) {
        OutputStream bytes = new OutputStream() {
            private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
            private byte[] pending = new byte[0];

            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public synchronized void write(byte[] b, int off, int len) {
                ByteBuffer in = ByteBuffer.allocate(pending.length + len);
                in.put(pending).put(b, off, len).flip();
                CharBuffer out = CharBuffer.allocate(in.remaining());
                decoder.decode(in, out, false);
                out.flip();
                writer.append(out);
                pending = new byte[in.remaining()]; // an incomplete UTF-8 sequence waits for its next bytes
                in.get(pending);
            }

            @Override
            public void flush() {
                writer.flush();
            }
        };
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}
