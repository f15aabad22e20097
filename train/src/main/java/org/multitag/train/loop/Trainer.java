package org.multitag.train.loop;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.multitag.core.LabelSet;
import org.multitag.data.Example;
import org.multitag.data.TrainingData;
import org.multitag.eval.DecodingTuner;
import org.multitag.eval.EvaluationReport;
import org.multitag.eval.Evaluator;
import org.multitag.model.LongText;
import org.multitag.model.Thresholds;
import org.multitag.model.TokenScorer;
import org.multitag.model.decoding.Decoding;
import org.multitag.model.decoding.LabelGroups;
import org.multitag.model.decoding.SeenLabelSets;
import org.multitag.model.kernels.KernelChoice;
import org.multitag.model.kernels.NativeArrays;
import org.multitag.model.nn.Batch;
import org.multitag.model.nn.Parameter;
import org.multitag.model.nn.Pass;
import org.multitag.model.nn.TokenClassifier;
import org.multitag.train.loss.BceWithLogitsLoss;
import org.multitag.train.optim.AdamW;
import org.multitag.train.optim.GradientClipping;
import org.multitag.train.optim.LinearWarmupDecay;
import org.multitag.weights.BertConfig;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The training loop:
 * <pre>
 *   for each epoch: shuffle (seeded by seed and epoch), cut into batches
 *     for each batch: logits = model(batch, dropout)          [B·T, L]
 *                     loss = BCE(logits, targets, mask) / gradAccum; backward into the gradients
 *       every gradAccum batches: clip by global norm, AdamW step at the scheduled lr, zero the gradients
 *     evaluate on dev (eval mode, thresholds 0.5): micro-F1 picks the best model (saved to out/best)
 *     checkpoint (out/checkpoint: parameters, AdamW moments, position)
 *   finally: reload the best, tune one threshold per label on dev, write out/model (+ thresholds.json)
 * </pre>
 * Data order and dropout masks derive from the seed and the position in the run, so a resumed run
 * repeats the uninterrupted one exactly. Events go to out/metrics.jsonl; the curve to out/training-curve.png.
 */
public final class Trainer {

    /** Batches per length-sorting window when {@link TrainOptions#groupByLength()} is on. */
    static final int LENGTH_WINDOW = 50;

    /**
     * What a finished run produced.
     *
     * @param devReport the dev scores of the saved model in its default decoding mode (null without dev data)
     * @param decoding every mode's tuned thresholds and dev scores (null without dev data)
     */
    public record Result(Path modelDir, EvaluationReport devReport, double bestDevF1, long steps, double seconds,
            DecodingTuner.Result decoding) {}

    private final TokenClassifier model;
    private final BertConfig baseConfig;
    private final Map<String, byte[]> tokenizerFiles;
    private final TrainingData train;
    private final TrainingData dev;
    private final TrainOptions options;
    private final String epochsLine;
    private final Path out;
    private final PrintStream progress;
    private final boolean terminal;
    private final BceWithLogitsLoss loss;
    private final LabelGroups groups;
    private final int maxLength;
    private final int stride;
    /** The model's kernels: with {@code nd4j} the loss, clipping and AdamW run as ND4J ops too (the whole step). */
    private final KernelChoice kernels;

    /**
     * A trainer of {@code model} (a classifier made with {@link TokenClassifier#trainable}) on {@code train}, scored
     * on {@code dev}, writing into {@code out}; {@code baseConfig} and {@code tokenizerFiles} go into the written
     * model folders. The rest has defaults: {@link TrainOptions#DEFAULT}, no progress lines, no label groups, dev
     * scored up to the model's length limit.
     */
    public static Builder builder(TokenClassifier model, BertConfig baseConfig, Map<String, byte[]> tokenizerFiles,
            TrainingData train, TrainingData dev, Path out) {
        return new Builder(model, baseConfig, tokenizerFiles, train, dev, out);
    }

    /** The options of a {@link Trainer}; {@link #build()} checks them. */
    public static final class Builder {
        private final TokenClassifier model;
        private final BertConfig baseConfig;
        private final Map<String, byte[]> tokenizerFiles;
        private final TrainingData train;
        private final TrainingData dev;
        private final Path out;
        private TrainOptions options = TrainOptions.DEFAULT;
        private PrintStream progress = new PrintStream(java.io.OutputStream.nullOutputStream());
        private boolean terminal;
        private LabelGroups groups;
        private int maxLength;
        private int stride = -1;

        private Builder(TokenClassifier model, BertConfig baseConfig, Map<String, byte[]> tokenizerFiles,
                TrainingData train, TrainingData dev, Path out) {
            this.model = model;
            this.baseConfig = baseConfig;
            this.tokenizerFiles = tokenizerFiles;
            this.train = train;
            this.dev = dev;
            this.out = out;
        }

        /** Epochs, learning rates, batch size, seed and the rest (default {@link TrainOptions#DEFAULT}). */
        public Builder options(TrainOptions options) {
            this.options = options;
            return this;
        }

        /**
         * Where progress lines go (default: nowhere); with {@code terminal} a line is rewritten in place as steps
         * go, else one line per epoch.
         */
        public Builder progress(PrintStream progress, boolean terminal) {
            this.progress = progress;
            this.terminal = terminal;
            return this;
        }

        /**
         * The label groups of the trained model (default: none): its decoding modes are tuned on dev, the best
         * becomes its default, and the label sets of {@code train} are kept for {@code label-sets}.
         */
        public Builder groups(LabelGroups groups) {
            this.groups = groups;
            return this;
        }

        /**
         * The longest input of the dev evaluation (default 0: the model's max_position_embeddings); a longer dev
         * example is scored through windows sharing {@code stride} tokens (negative: a quarter of the window), as
         * {@code eval} scores it.
         */
        public Builder devWindows(int maxLength, int stride) {
            this.maxLength = maxLength;
            this.stride = stride;
            return this;
        }

        public Trainer build() {
            return new Trainer(this);
        }
    }

    private Trainer(Builder b) {
        TokenClassifier model = b.model;
        TrainingData train = b.train;
        TrainOptions options = b.options;
        LabelGroups groups = b.groups != null ? b.groups : LabelGroups.none(train.labels().names());
        if (train.examples().isEmpty()) {
            throw new IllegalArgumentException("no training examples");
        }
        this.model = model;
        this.baseConfig = b.baseConfig;
        this.tokenizerFiles = b.tokenizerFiles;
        this.train = train;
        this.dev = b.dev;
        // auto epochs become a fixed count here, so the schedule, the checkpoint's fingerprint and a resume agree
        this.options = options.forExamples(train.examples().size());
        this.epochsLine = options.describeEpochs(train.examples().size());
        this.out = b.out;
        this.progress = b.progress;
        this.terminal = b.terminal;
        this.groups = groups;
        this.maxLength = b.maxLength;
        this.stride = b.stride;
        // (a trainer without a model only answers questions about its data order: java then, it computes nothing)
        this.kernels = model == null ? KernelChoice.JAVA : model.encoder().computeSetting().resolvedKernels();
        this.loss = new BceWithLogitsLoss(options.loss() == TrainOptions.LossReduction.TOKEN_MEAN, kernels);
    }

    public Path bestDir() {
        return out.resolve("best");
    }

    public Path checkpointDir() {
        return out.resolve("checkpoint");
    }

    public Path modelDir() {
        return out.resolve("model");
    }

    /** Batches per epoch (the last may be smaller). */
    int batchesPerEpoch() {
        return (train.examples().size() + options.batchSize() - 1) / options.batchSize();
    }

    /** Optimizer steps in the whole run (a partial accumulation at an epoch's end still steps). */
    public long totalSteps() {
        return (long) options.epochs() * ((batchesPerEpoch() + options.gradAccum() - 1) / options.gradAccum());
    }

    /** The examples of one epoch in training order. */
    List<List<Example>> epochBatches(int epoch) {
        List<Example> order = new ArrayList<>(train.examples());
        SplittableRandom r = new SplittableRandom(options.seed() * 1_000_003L + epoch);
        for (int i = order.size() - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            Example t = order.get(i);
            order.set(i, order.get(j));
            order.set(j, t);
        }
        if (options.groupByLength()) {
            // Sorting within windows keeps most of the shuffle's randomness while a batch pads to similar lengths.
            int window = LENGTH_WINDOW * options.batchSize();
            for (int w = 0; w < order.size(); w += window) {
                order.subList(w, Math.min(order.size(), w + window)).sort(Comparator.comparingInt(Example::length));
            }
        }
        List<List<Example>> batches = new ArrayList<>();
        for (int i = 0; i < order.size(); i += options.batchSize()) {
            batches.add(order.subList(i, Math.min(order.size(), i + options.batchSize())));
        }
        if (options.groupByLength()) {
            for (int i = batches.size() - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                List<Example> t = batches.get(i);
                batches.set(i, batches.get(j));
                batches.set(j, t);
            }
        }
        return batches;
    }

    /** What must match for a resume to repeat the run (threads may differ: results do not depend on them). */
    private String fingerprint() {
        TrainOptions o = options;
        return String.format(java.util.Locale.ROOT,
                "epochs=%d lr=%s batch=%d accum=%d warmup=%s wd=%s clip=%s seed=%d pos_weight=%s freeze=%s "
                        + "group_by_length=%s train=%d labels=%d head_lr=%s loss=%s head_init=%s",
                o.epochs(), o.lr(), o.batchSize(), o.gradAccum(), o.warmupRatio(), o.weightDecay(), o.clip(), o.seed(),
                o.posWeight(), o.freeze(), o.groupByLength(), train.examples().size(), train.labels().size(),
                o.headLr(), o.loss(), o.headInit());
    }

    /** Runs (or, with {@code resume} and a checkpoint in out, continues) the training. */
    public Result run(boolean resume) throws IOException {
        return run(resume, options.epochs());
    }

    /**
     * Trains from scratch and stops after {@code epochs} epochs, leaving the checkpoint as an interrupted run
     * would (for resume tests and for splitting a long run); returns null.
     */
    public Result runUntilEpoch(int epochs) throws IOException {
        return run(false, epochs);
    }

    private Result run(boolean resume, int stopAfter) throws IOException {
        long t0 = System.nanoTime();
        LabelSet labels = train.labels();
        List<Parameter> params = model.parameters();
        Map<String, INDArray> values = new LinkedHashMap<>();
        Map<String, INDArray> grads = new LinkedHashMap<>();
        for (Parameter p : params) {
            values.put(p.name(), p.value());
            grads.put(p.name(), p.grad());
        }
        AdamW adam = new AdamW(values, 0.9, 0.999, 1e-8, options.weightDecay(), AdamW::decays, model.parallel(),
                kernels);
        LinearWarmupDecay schedule = LinearWarmupDecay.withRatio(options.lr(), options.warmupRatio(), totalSteps());
        INDArray posWeight = posWeight(labels.size());
        MetricsLog log = new MetricsLog(out.resolve("metrics.jsonl"));

        Checkpoint.Position pos = new Checkpoint.Position(0, 0, 0, -1, 0, 0);
        if (resume && Checkpoint.exists(checkpointDir())) {
            var loaded = Checkpoint.load(checkpointDir(), params, fingerprint());
            model.weightsChanged();
            pos = loaded.getKey();
            adam.restore(loaded.getValue(), pos.adamSteps());
            log.truncateAfter(pos.step());
            if (pos.epoch() >= options.epochs()) {
                progress.printf("the checkpoint has finished all %d epochs (step %d): nothing left to train%n",
                        options.epochs(), pos.step());
            } else {
                progress.printf("resuming at step %d (epoch %d, batch %d)%n", pos.step(), pos.epoch() + 1,
                        pos.batchInEpoch());
            }
        } else {
            log.truncateAfter(-1);
            progress.println(epochsLine);
        }
        long step = pos.step();
        double bestF1 = pos.bestF1();
        long bestStep = pos.bestStep();
        ProgressBar bar = new ProgressBar(progress, totalSteps(), terminal, 250, Math.max(1, totalSteps() / 20), step);
        model.zeroGradients();
        EvaluationReport lastReport = null;
        for (int epoch = pos.epoch(); epoch < options.epochs(); epoch++) {
            List<List<Example>> batches = epochBatches(epoch);
            int startBatch = epoch == pos.epoch() ? pos.batchInEpoch() : 0;
            double lossSum = 0;
            long tokens = 0;
            int inAccum = 0;
            for (int bi = startBatch; bi < batches.size(); bi++) {
                List<Example> batch = batches.get(bi);
                long microStep = (long) epoch * batches.size() + bi;
                lossSum += trainBatch(batch, labels.size(), posWeight, microStep);
                tokens += batch.stream().mapToLong(Example::length).sum();
                inAccum++;
                boolean last = bi == batches.size() - 1;
                if (inAccum == options.gradAccum() || last) {
                    double norm = options.clip() > 0
                            ? GradientClipping.clip(grads.values(), options.clip(), kernels)
                            : GradientClipping.globalNorm(grads.values(), kernels);
                    double lr = schedule.lr(step);
                    double headLr = lr * (options.headLr() / options.lr());
                    adam.step(grads, name -> TokenClassifier.isHead(name) ? headLr : lr);
                    model.zeroGradients();
                    step++;
                    double meanLoss = lossSum / inAccum;
                    log.append(log.event("step", step).put("epoch", epoch + 1).put("loss", meanLoss).put("lr", lr)
                            .put("head_lr", headLr).put("grad_norm", norm).put("tokens", tokens));
                    bar.step(step, meanLoss, tokens);
                    lossSum = 0;
                    tokens = 0;
                    inAccum = 0;
                }
            }
            // end of epoch: dev evaluation, best model, checkpoint
            if (!dev.examples().isEmpty()) {
                lastReport = Evaluator.score(scorer(), dev).evaluate(Thresholds.uniform(labels.names(), 0.5f)
                        .values());
                log.append(log.event("dev", step).put("epoch", epoch + 1).put("micro_f1", lastReport.microF1())
                        .put("macro_f1", lastReport.macroF1()).put("hamming_loss", lastReport.hammingLoss())
                        .put("subset_accuracy", lastReport.subsetAccuracy()));
                bar.endLine();
                progress.printf("epoch %d: dev micro-F1 %.4f, macro-F1 %.4f, Hamming loss %.5f (thresholds 0.5; tuned "
                        + "after training)%n", epoch + 1, lastReport.microF1(), lastReport.macroF1(),
                        lastReport.hammingLoss());
                if (lastReport.microF1() > bestF1) {
                    bestF1 = lastReport.microF1();
                    bestStep = step;
                    saveModel(bestDir(), Thresholds.uniform(labels.names(), 0.5f));
                }
            } else {
                bestStep = step;
                saveModel(bestDir(), Thresholds.uniform(labels.names(), 0.5f));
            }
            Checkpoint.save(checkpointDir(), params, adam.state(),
                    new Checkpoint.Position(step, epoch + 1, 0, bestF1, bestStep, adam.steps()), fingerprint());
            if (epoch + 1 == stopAfter && stopAfter < options.epochs()) {
                return null;
            }
        }

        // the best model, its thresholds tuned on dev
        if (bestStep != step) {
            restoreFrom(bestDir());
        }
        Decoding decoding = Decoding.independent(Thresholds.uniform(labels.names(), 0.5f));
        EvaluationReport devReport = lastReport;
        DecodingTuner.Result tuned = null;
        if (!dev.examples().isEmpty()) {
            SeenLabelSets seen = groups.isEmpty() ? null
                    : SeenLabelSets.collect(groups, train.goldWordLabels());
            tuned = DecodingTuner.tune(Evaluator.score(scorer(), dev), groups, seen);
            decoding = tuned.decoding();
            devReport = tuned.modes().get(decoding.defaultMode()).dev();
            ObjectNode event = log.event("tuned", step).put("micro_f1", devReport.microF1())
                    .put("macro_f1", devReport.macroF1()).put("decoding", decoding.defaultMode().id());
            for (DecodingTuner.ModeResult m : tuned.modes().values()) {
                event.put("micro_f1_" + m.mode().id(), m.dev().microF1());
            }
            log.append(event);
        }
        saveModel(modelDir(), decoding);
        writeCurve(log);
        if (posWeight != null) {
            posWeight.close();
        }
        return new Result(modelDir(), devReport, bestF1, step, (System.nanoTime() - t0) / 1e9, tuned);
    }

    /** One forward/backward; returns the batch's loss (before the gradAccum scaling). */
    private double trainBatch(List<Example> batch, int labels, INDArray posWeight, long microStep) {
        return lossAndGradients(model, loss, batch, labels,
                Pass.training(new SplittableRandom(options.seed() * 7_919L + microStep)), posWeight,
                1.0 / options.gradAccum());
    }

    /**
     * The BCE loss of one batch, right-padded, and its gradients, {@code scale}d, added to the model's (a training
     * step's work before the optimizer; {@code multitag grads} runs it once in eval mode).
     *
     * @param pass a pass that saves what backward needs
     * @param posWeight {@code [L]}, or null
     * @return the loss before scaling
     */
    public static double lossAndGradients(TokenClassifier model, BceWithLogitsLoss loss, List<Example> batch,
            int labels, Pass pass, INDArray posWeight, double scale) {
        Batch in = Batches.inputs(batch);
        int t = in.maxLength();
        try (INDArray targets = Batches.targets(batch, t, labels); INDArray mask = Batches.lossMask(batch, t)) {
            INDArray logits = model.forward(in, pass);
            double l = loss.forward(logits, targets, mask, posWeight);
            try (INDArray dLogits = logits.ulike()) {
                loss.backward(dLogits, scale);
                model.backward(dLogits);
            }
            return l;
        }
    }

    private INDArray posWeight(int labels) {
        float[] w = posWeights(options, train);
        return w == null ? null : NativeArrays.of(w, labels);
    }

    /** The BCE pos_weight per label the options ask for ("auto": from the training data), or null for none. */
    public static float[] posWeights(TrainOptions options, TrainingData train) {
        if (!options.posWeight().equals("auto")) {
            return null;
        }
        long[][] counts = train.labelCounts();
        return BceWithLogitsLoss.autoPosWeight(counts[0], counts[1], BceWithLogitsLoss.DEFAULT_POS_WEIGHT_CAP);
    }

    /**
     * The model as it stands, scored in inference mode through the same scorer (and so the same bits) as
     * {@code eval} and {@code predict} on the saved model.
     */
    public TokenScorer scorer() {
        // a dev example within the limit is scored exactly as without windows
        return new TokenScorer(model, options.batchSize(), maxLength, LongText.WINDOW, stride);
    }

    private void saveModel(Path dir, Thresholds thresholds) throws IOException {
        saveModel(dir, Decoding.independent(thresholds));
    }

    private void saveModel(Path dir, Decoding decoding) throws IOException {
        ModelWriter.write(dir, baseConfig, train.labels().names(), model.namedParameters(), tokenizerFiles,
                decoding);
    }

    /** Puts the best model's weights back into the trainable arrays. */
    private void restoreFrom(Path dir) throws IOException {
        var m = org.multitag.weights.ModelFolder.read(dir);
        Map<String, INDArray> named = model.namedParameters();
        for (var t : m.weights().tensors()) {
            INDArray target = named.get(t.name());
            if (target != null) {
                target.assign(NativeArrays.of(t.toFloat32(), target.shape()));
            }
        }
        model.weightsChanged();
    }

    private void writeCurve(MetricsLog log) throws IOException {
        List<TrainingCurve.LossPoint> lossPoints = new ArrayList<>();
        List<TrainingCurve.DevPoint> devPoints = new ArrayList<>();
        for (var e : log.read()) {
            switch (e.path("event").asText()) {
                case "step" -> lossPoints.add(new TrainingCurve.LossPoint(e.get("step").asLong(), e.get("loss").asDouble()));
                case "dev" -> devPoints.add(new TrainingCurve.DevPoint(e.get("step").asLong(), e.get("micro_f1").asDouble()));
                default -> { }
            }
        }
        TrainingCurve.write(out.resolve("training-curve.png"), "multitag training", lossPoints, devPoints, 900, 500);
    }
}
