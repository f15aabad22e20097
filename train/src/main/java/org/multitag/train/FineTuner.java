package org.multitag.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.multitag.core.InputException;
import org.multitag.core.LabelSet;
import org.multitag.data.Example;
import org.multitag.data.ExampleReader;
import org.multitag.data.SourceRecord;
import org.multitag.data.TrainingData;
import org.multitag.model.LongText;
import org.multitag.model.TaggingModel;
import org.multitag.model.decoding.LabelGroups;
import org.multitag.model.kernels.NativeArrays;
import org.multitag.model.nn.BertWeights;
import org.multitag.model.nn.TokenClassifier;
import org.multitag.tokenizer.Tokenizer;
import org.multitag.train.loop.TrainOptions;
import org.multitag.train.loop.Trainer;
import org.multitag.weights.BertConfig;
import org.multitag.weights.HfBertNames;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Fine-tunes a model folder with a multi-label token head: the one entry point the {@code train} and {@code demo}
 * commands and library users share. It reads the folder once, turns records or files into examples aligned to one
 * label set, and runs a {@link Trainer}; native memory lives only inside {@link #fit}.
 * <pre>{@code
 * FineTuner tuner = FineTuner.builder(modelFolder).labels(labels).options(TrainOptions.DEFAULT.withEpochs(2)).build();
 * TrainingData train = tuner.examples(records);   // or tuner.read(file)
 * Trainer.Result r = tuner.fit(train, dev, outDir); // r.modelDir(): an HF folder with thresholds.json
 * }</pre>
 */
public final class FineTuner {

    private final TaggingModel model;
    private final BertConfig config;
    private final LabelSet labels;
    private final ExampleReader reader;
    private final int maxLength;
    private final LongText longText;
    private final int stride;
    private final TrainOptions options;
    private final LabelGroups groups;
    private final int threads;
    private final int layerMix;
    private final PrintStream progress;
    private final boolean terminal;

    private FineTuner(Builder b) throws IOException {
        this.model = b.model != null ? b.model : TaggingModel.read(b.folder);
        this.config = b.dropout == null ? model.config() : withDropout(model.config(), b.dropout);
        this.labels = b.labels != null ? b.labels : model.labels();
        if (labels.size() == 0) {
            throw new InputException(model.folder().toString(), "the model has no token head: give the label set");
        }
        Tokenizer tokenizer = model.tokenizer();
        int positions = config.maxPositionEmbeddings();
        if (b.maxLength != null && (b.maxLength < 3 || b.maxLength > positions)) {
            throw new InputException("max length must be in [3, " + positions + "] (the model's "
                    + "max_position_embeddings), not " + b.maxLength);
        }
        this.maxLength = b.maxLength == null ? positions : b.maxLength;
        this.longText = b.longText;
        this.stride = b.stride < 0 ? LongText.defaultStride(maxLength) : b.stride;
        if (longText == LongText.WINDOW && stride > maxLength - 3) {
            // [CLS] and [SEP] take two places and a window must move on by at least one token
            throw new InputException("the stride must be in [0, " + (maxLength - 3) + "] (windows of " + maxLength
                    + " tokens), not " + stride);
        }
        // with windows the reader takes any length: read() splits the longer training examples, the dev scorer
        // windows the longer dev examples
        this.reader = new ExampleReader(tokenizer, labels, new ExampleReader.Options(
                longText == LongText.WINDOW ? 0 : maxLength, longText == LongText.TRUNCATE, b.labelAllSubtokens,
                b.skipBad));
        this.options = b.options;
        this.groups = LabelGroups.fromSpec(b.labelGroups, labels.names());
        this.threads = b.threads > 0 ? b.threads : Runtime.getRuntime().availableProcessors();
        int layers = config.numHiddenLayers();
        this.layerMix = b.layerMix != null ? b.layerMix : startsFromHead() ? HfBertNames.layerMix(model.config()) : 0;
        if (layerMix < 0 || layerMix > layers) {
            throw new InputException("the layer mix must take 0 to " + layers + " layers (the model's), not "
                    + layerMix);
        }
        this.progress = b.progress;
        this.terminal = b.terminal;
    }

    /** Starts a fine-tuning setup from a model folder (an HF folder; see {@code multitag import}). */
    public static Builder builder(Path modelFolder) {
        return new Builder(Objects.requireNonNull(modelFolder, "model folder"), null);
    }

    /** Starts a fine-tuning setup from a model folder already read. */
    public static Builder builder(TaggingModel model) {
        return new Builder(null, Objects.requireNonNull(model, "model"));
    }

    /** The labels the head is trained for, in output order. */
    public LabelSet labels() {
        return labels;
    }

    /** The label groups the trained model's decoding uses. */
    public LabelGroups labelGroups() {
        return groups;
    }

    /** The model's config (with the dropout override, if any): what the trained model folder will carry. */
    public BertConfig config() {
        return config;
    }

    /** The reader that turns data lines into examples aligned to {@link #labels()}. */
    public ExampleReader reader() {
        return reader;
    }

    /** What happens to an example longer than the limit (default {@link LongText#WINDOW}). */
    public LongText longText() {
        return longText;
    }

    /**
     * Training examples from records in memory (words with label sets, texts with spans, token ids); with
     * {@link LongText#WINDOW} a longer one is split into windows ({@link TrainingData#windowedCount()}).
     */
    public TrainingData examples(List<? extends SourceRecord> records) {
        List<Example> out = new ArrayList<>(records.size());
        for (SourceRecord r : records) {
            out.add(reader.toExample(r));
        }
        return training(new TrainingData(labels, out, List.of()));
    }

    /**
     * Training examples from data files (JSONL in any of the three forms, CoNLL-U; gzip looked through); with
     * {@link LongText#WINDOW} a longer one is split into windows ({@link TrainingData#windowedCount()}).
     */
    public TrainingData read(List<Path> files) throws IOException {
        return training(reader.read(files));
    }

    private TrainingData training(TrainingData data) {
        data.checkIds(config);
        return longText == LongText.WINDOW ? TrainingWindows.split(data, maxLength, stride) : data;
    }

    /**
     * Evaluation examples from data files: like {@link #read(List)}, but a gold label outside {@link #labels()} is
     * kept aside and scored as a miss ({@link Example#unknownWordLabels}) instead of failing, and a longer example
     * is kept whole (with {@link LongText#WINDOW} the dev evaluation scores it through windows).
     */
    public TrainingData readDev(List<Path> files) throws IOException {
        TrainingData data = new ExampleReader(reader.tokenizer(), labels, reader.options().withKeepUnknownLabels(true))
                .read(files);
        data.checkIds(config);
        return data;
    }

    /** Examples from one data file. */
    public TrainingData read(Path file) throws IOException {
        return read(List.of(file));
    }

    /**
     * Trains on {@code train}, evaluates on {@code dev} each epoch, and writes {@code out/model} (the best epoch,
     * thresholds tuned on dev), {@code out/metrics.jsonl}, {@code out/training-curve.png} and the checkpoint.
     * The head starts from the folder's when its labels are exactly {@link #labels()}, else new (seeded).
     *
     * @param resume continue from {@code out/checkpoint} when it is there
     */
    public Trainer.Result fit(TrainingData train, TrainingData dev, Path out, boolean resume) throws IOException {
        BertWeights weights = model.encoderWeights(config);
        INDArray[] head;
        try {
            head = startsFromHead() ? model.classifier(labels) : newHead(train);
        } catch (RuntimeException | IOException e) {
            weights.close();
            throw e;
        }
        INDArray[] mix = null;
        try {
            // the folder's own mix when the head continues and the mix is the same size, else a new even one
            boolean sameMix = startsFromHead() && HfBertNames.layerMix(model.config()) == layerMix;
            mix = layerMix == 0 ? null : sameMix ? model.layerMix() : TokenClassifier.layerMix(layerMix);
            try (TokenClassifier trainable = model.trainable(weights, head, mix, options.freeze(), threads)) {
                return Trainer.builder(trainable, config, model.tokenizerFiles(), train, dev, out).options(options)
                        .progress(progress, terminal).groups(groups).devWindows(maxLength, stride).build().run(resume);
            }
        } finally {
            weights.close();
            head[0].close();
            head[1].close();
            if (mix != null) {
                mix[0].close();
                mix[1].close();
            }
        }
    }

    /** How many top layers the trained head mixes (0: it reads the last layer, as Hugging Face's head). */
    public int layerMix() {
        return layerMix;
    }

    /** A new head: seeded weights; biases at zero or at the label priors of {@code train}. */
    private INDArray[] newHead(TrainingData train) {
        INDArray[] head = TokenClassifier.newClassifier(config, labels.size(), options.seed());
        if (options.headInit() == TrainOptions.HeadInit.PRIOR) {
            long[][] counts = train.labelCounts();
            float[] pw = Trainer.posWeights(options, train);
            float[] bias = new float[labels.size()];
            for (int l = 0; l < bias.length; l++) {
                // the constant that minimises the (pos-weighted) BCE of label l: log(pw·pos / neg); +0.5 keeps a
                // label that is always or never on finite
                double w = pw == null ? 1 : pw[l];
                bias[l] = (float) Math.log(w * (counts[0][l] + 0.5) / (counts[1][l] + 0.5));
            }
            head[1].close();
            head[1] = NativeArrays.of(bias, bias.length);
        }
        return head;
    }

    /** {@link #fit(TrainingData, TrainingData, Path, boolean)} from the start. */
    public Trainer.Result fit(TrainingData train, TrainingData dev, Path out) throws IOException {
        return fit(train, dev, out, false);
    }

    /** Whether training continues the folder's own head (its labels are the training labels, in any order). */
    public boolean startsFromHead() {
        LabelSet own = model.labels();
        return model.hasHead() && own.size() == labels.size() && own.names().containsAll(labels.names());
    }

    /** {@code c} with hidden and attention dropout set to {@code p} (what TokenClassifier reads). */
    private static BertConfig withDropout(BertConfig c, double p) {
        ObjectNode extra = c.extra().deepCopy();
        extra.put("hidden_dropout_prob", p);
        extra.put("attention_probs_dropout_prob", p);
        return new BertConfig(c.vocabSize(), c.hiddenSize(), c.numHiddenLayers(), c.numAttentionHeads(),
                c.intermediateSize(), c.hiddenAct(), c.maxPositionEmbeddings(), c.typeVocabSize(), c.layerNormEps(),
                c.padTokenId(), c.id2label(), c.problemType(), c.architectures(), extra);
    }

    /** Options of a {@link FineTuner}; everything but the model folder has a default. */
    public static final class Builder {
        private final Path folder;
        private final TaggingModel model;
        private LabelSet labels;
        private TrainOptions options = TrainOptions.DEFAULT;
        private Integer maxLength;
        private LongText longText = LongText.WINDOW;
        private int stride = -1;
        private boolean labelAllSubtokens;
        private boolean skipBad;
        private Double dropout;
        private Integer layerMix;
        private String labelGroups = "auto";
        private int threads;
        private PrintStream progress = new PrintStream(OutputStream.nullOutputStream());
        private boolean terminal;

        private Builder(Path folder, TaggingModel model) {
            this.folder = folder;
            this.model = model;
        }

        /** The label set, in output order (default: the folder's head labels). */
        public Builder labels(LabelSet value) {
            this.labels = value;
            return this;
        }

        /** The label set of some records: every label they use, sorted. */
        public Builder labelsOf(List<? extends SourceRecord> records) {
            Set<String> names = new LinkedHashSet<>();
            records.forEach(r -> names.addAll(r.labelNames()));
            return labels(LabelSet.sorted(new ArrayList<>(names)));
        }

        /** Epochs, learning rate, batch size, schedule, seed, freezing (default {@link TrainOptions#DEFAULT}). */
        public Builder options(TrainOptions value) {
            this.options = Objects.requireNonNull(value);
            return this;
        }

        /** Longest example in tokens (default, or null: the model's max_position_embeddings). */
        public Builder maxLength(Integer tokens) {
            this.maxLength = tokens;
            return this;
        }

        /**
         * Cut longer examples to the maximum length (the words cut off are not trained on) instead of splitting them
         * into windows; false: windows (the default).
         */
        public Builder truncate(boolean value) {
            return longText(value ? LongText.TRUNCATE : LongText.WINDOW, -1);
        }

        /**
         * What happens to an example longer than the maximum length: {@link LongText#WINDOW} (the default) splits a
         * training example into windows as the scorer does, each labelled word trained once, in the window where it
         * is most central, and scores a dev example through windows; {@link LongText#TRUNCATE} cuts it;
         * {@link LongText#ERROR} refuses it (an error naming the line).
         *
         * @param strideTokens tokens consecutive windows share (negative: a quarter of the window)
         */
        public Builder longText(LongText mode, int strideTokens) {
            this.longText = Objects.requireNonNull(mode, "mode");
            this.stride = strideTokens;
            return this;
        }

        /** Train a word's labels on all of its sub-tokens (default: the first only). */
        public Builder labelAllSubtokens(boolean value) {
            this.labelAllSubtokens = value;
            return this;
        }

        /** Skip bad data lines, keeping them in {@link TrainingData#skipped()} (default: fail on the first). */
        public Builder skipBad(boolean value) {
            this.skipBad = value;
            return this;
        }

        /** Hidden and attention dropout instead of the config's (null: the config's). */
        /**
         * The head reads a learned scalar mix of the top {@code k} layers' outputs (UDify, Stanza) instead of the last
         * layer alone; 0: the last layer, as Hugging Face's head (null, the default: the folder head's own mix when
         * training continues it, else 0). The mix is saved with the model ({@code multitag_layer_mix} in
         * config.json); transformers would ignore it and read the last layer.
         */
        public Builder layerMix(Integer k) {
            this.layerMix = k;
            return this;
        }

        public Builder dropout(Double value) {
            if (value != null && !(value >= 0 && value < 1)) {
                throw new InputException("dropout must be in [0, 1), not " + value);
            }
            this.dropout = value;
            return this;
        }

        /**
         * The label groups of the trained model: {@code auto} (the default: {@code UPOS=} exactly-one, every other
         * {@code Key=} at-most-one), {@code none}, or a {@code label_groups.json} file. With groups, training tunes
         * every decoding mode on dev and keeps the best as the model's default.
         */
        public Builder labelGroups(String spec) {
            this.labelGroups = Objects.requireNonNull(spec, "label groups");
            return this;
        }

        /** Java compute threads (default 0: all cores). */
        public Builder threads(int value) {
            this.threads = value;
            return this;
        }

        /** Where the progress bar and epoch lines go (default: nowhere); {@code terminal}: redraw in place. */
        public Builder progress(PrintStream value, boolean terminal) {
            this.progress = Objects.requireNonNull(value);
            this.terminal = terminal;
            return this;
        }

        /** Reads the model folder. */
        public FineTuner build() throws IOException {
            return new FineTuner(this);
        }
    }
}
