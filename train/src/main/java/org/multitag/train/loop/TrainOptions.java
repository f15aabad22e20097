package org.multitag.train.loop;

import org.multitag.model.nn.Freeze;

/**
 * The knobs of a training run, with Hugging Face Trainer-like defaults.
 *
 * @param epochs passes over the training data; with {@code minSteps > 0} the fewest passes (see {@link #epochsFor})
 * @param lr peak learning rate (after warmup)
 * @param batchSize sequences per forward/backward pass
 * @param gradAccum passes per optimizer step (the effective batch is batchSize × gradAccum)
 * @param warmupRatio fraction of the steps with a linearly rising learning rate; then linear decay to 0
 * @param weightDecay AdamW's decoupled weight decay (not on biases and LayerNorm weights)
 * @param clip global gradient-norm limit (0: no clipping)
 * @param seed seeds data order, dropout and the new head; the same seed gives the same run
 * @param posWeight "auto" (negatives/positives per label, capped at 100) or "none"
 * @param freeze which parts stay fixed
 * @param threads compute threads (0: all cores)
 * @param groupByLength batch examples of similar length (less padding, same examples per epoch): within
 *     windows of 50 batches of the shuffled order, sort by length, cut batches, shuffle the batches
 * @param headLr peak learning rate of the token head (classifier weight and bias), same schedule as {@code lr}
 * @param loss how the BCE is reduced (see {@link LossReduction})
 * @param headInit how a new head's biases start (see {@link HeadInit})
 * @param minSteps 0: exactly {@code epochs} passes; above 0 ("auto" epochs), more passes when {@code epochs} would
 *     give fewer optimizer steps than this, up to {@link #MAX_AUTO_EPOCHS}
 */
public record TrainOptions(int epochs, double lr, int batchSize, int gradAccum, double warmupRatio,
        double weightDecay, double clip, long seed, String posWeight, Freeze freeze, int threads,
        boolean groupByLength, double headLr, LossReduction loss, HeadInit headInit, int minSteps) {

    /**
     * The optimizer steps auto epochs train at least. Measured on the 60-sentence span set in data/people-places
     * (MiniLM-L6, batch 16, 4 steps per epoch, dev micro-F1 at 0.5): 12 steps scored 0, 40 reached 0.96 on its dev
     * but 0.86 on a dev of unseen names, 60 and 100 reached 0.99 on both, 160 no more; 100 keeps a margin over 60
     * for harder data (the figures are in docs/training.md).
     */
    public static final int AUTO_MIN_STEPS = 100;

    /** The most epochs auto gives: a tiny data set would otherwise run for hundreds, each ending in a checkpoint. */
    public static final int MAX_AUTO_EPOCHS = 50;

    /**
     * How the per-(token, label) BCE terms become one loss. With AdamW the scale of the loss barely matters
     * (the update divides by the gradient's own size), but gradient clipping sees it.
     */
    public enum LossReduction {
        /** The mean over labelled tokens × labels: {@code torch.nn.BCEWithLogitsLoss()} exactly. */
        MEAN,
        /** Summed over labels, mean over labelled tokens: a softmax head's scale, L times the mean. */
        TOKEN_MEAN
    }

    /** How a new head's biases start (its weights are always N(0, initializer_range²)). */
    public enum HeadInit {
        /** Zero biases: every label starts at probability 0.5 (Hugging Face's initialisation). */
        ZERO,
        /**
         * Each label's bias at the log-odds of its (pos-weighted) frequency in the training data, the loss's
         * optimum for a constant prediction: training starts past the all-negative plateau.
         */
        PRIOR
    }

    /**
     * Defaults chosen on UD English EWT dev (the measurements are in the README): the encoder at 5e-5, the new
     * head at 1e-3 starting from the label priors, no pos-weight (it trades precision for recall and lowered
     * micro-F1 at 0.5 from 0.89 to 0.64 in the 1,500-sentence test). Epochs are auto: 3, or more on data too small
     * to give {@link #AUTO_MIN_STEPS} steps in 3 (EWT's 12,544 sentences give 784 steps per epoch and keep 3).
     */
    public static final TrainOptions DEFAULT = new TrainOptions(3, 5e-5, 16, 1, 0.1, 0.01, 1.0, 42, "none",
            Freeze.none(), 0, true, 1e-3, LossReduction.MEAN, HeadInit.PRIOR, AUTO_MIN_STEPS);

    public TrainOptions {
        if (epochs < 1 || batchSize < 1 || gradAccum < 1) {
            throw new IllegalArgumentException("epochs, batch size and gradient accumulation must be >= 1");
        }
        if (minSteps < 0) {
            throw new IllegalArgumentException("the minimum step count must be >= 0, not " + minSteps);
        }
        if (!(lr > 0) || !(warmupRatio >= 0 && warmupRatio <= 1) || !(weightDecay >= 0) || !(clip >= 0)) {
            throw new IllegalArgumentException("need lr > 0, warmup ratio in [0, 1], weight decay >= 0, clip >= 0");
        }
        if (!(headLr > 0) || Double.isInfinite(headLr)) {
            throw new IllegalArgumentException("head lr must be > 0, not " + headLr);
        }
        java.util.Objects.requireNonNull(loss, "loss reduction");
        java.util.Objects.requireNonNull(headInit, "head init");
        if (!posWeight.equals("auto") && !posWeight.equals("none")) {
            throw new IllegalArgumentException("pos weight must be auto or none, not " + posWeight);
        }
    }

    /** Options that train exactly {@code epochs} passes, whatever the data size. */
    public TrainOptions(int epochs, double lr, int batchSize, int gradAccum, double warmupRatio, double weightDecay,
            double clip, long seed, String posWeight, Freeze freeze, int threads, boolean groupByLength, double headLr,
            LossReduction loss, HeadInit headInit) {
        this(epochs, lr, batchSize, gradAccum, warmupRatio, weightDecay, clip, seed, posWeight, freeze, threads,
                groupByLength, headLr, loss, headInit, 0);
    }

    /** These options with exactly {@code n} epochs (auto epochs off). */
    public TrainOptions withEpochs(int n) {
        return new TrainOptions(n, lr, batchSize, gradAccum, warmupRatio, weightDecay, clip, seed, posWeight, freeze,
                threads, groupByLength, headLr, loss, headInit, 0);
    }

    /**
     * These options with auto epochs: at least {@code epochs} passes, more when they give fewer than {@code steps}
     * optimizer steps ({@link #epochsFor}); {@code steps} 0: exactly {@code epochs}.
     */
    public TrainOptions withMinSteps(int steps) {
        return new TrainOptions(epochs, lr, batchSize, gradAccum, warmupRatio, weightDecay, clip, seed, posWeight,
                freeze, threads, groupByLength, headLr, loss, headInit, steps);
    }

    /** Whether the epoch count follows the data size ({@code minSteps > 0}). */
    public boolean autoEpochs() {
        return minSteps > 0;
    }

    /** Optimizer steps per pass over {@code examples} (a partial batch or accumulation at the end still steps). */
    public long stepsPerEpoch(int examples) {
        long batches = (examples + (long) batchSize - 1) / batchSize;
        return (batches + gradAccum - 1) / gradAccum;
    }

    /**
     * The epochs a run on {@code examples} training examples takes: {@code epochs}, or with auto epochs
     * {@code max(epochs, min(MAX_AUTO_EPOCHS, ceil(minSteps / stepsPerEpoch)))}. A large data set (thousands of
     * steps per epoch) keeps {@code epochs}; 60 sentences in batches of 16 (4 steps per epoch) get 25.
     */
    public int epochsFor(int examples) {
        long perEpoch = stepsPerEpoch(examples);
        if (minSteps == 0 || perEpoch == 0 || perEpoch * epochs >= minSteps) {
            return epochs;
        }
        long needed = (minSteps + perEpoch - 1) / perEpoch;
        return (int) Math.max(epochs, Math.min(MAX_AUTO_EPOCHS, needed));
    }

    /** These options with the epochs of a run on {@code examples} examples fixed ({@link #epochsFor}; auto off). */
    public TrainOptions forExamples(int examples) {
        return withEpochs(epochsFor(examples));
    }

    /**
     * One line saying how many epochs a run on {@code examples} takes and why, e.g. {@code epochs: auto -> 25 (60
     * examples, batch 16: 4 optimizer steps per epoch; auto trains at least 100 steps)}.
     */
    public String describeEpochs(int examples) {
        long perEpoch = stepsPerEpoch(examples);
        int n = epochsFor(examples);
        String data = String.format(java.util.Locale.ROOT, "%d examples, batch %d%s: %d optimizer step%s per epoch",
                examples, batchSize, gradAccum == 1 ? "" : " x " + gradAccum + " accumulated", perEpoch,
                perEpoch == 1 ? "" : "s");
        if (!autoEpochs()) {
            String line = String.format(java.util.Locale.ROOT, "epochs: %d (%s, %d in all)", n, data, perEpoch * n);
            int auto = withMinSteps(AUTO_MIN_STEPS).epochsFor(examples);
            return auto > n ? line + "; few to learn from: --epochs auto would train " + auto : line;
        }
        if (n == epochs) {
            return String.format(java.util.Locale.ROOT, "epochs: auto -> %d (%s)", n, data);
        }
        String why = perEpoch * n >= minSteps ? "auto trains at least " + minSteps + " steps"
                : "auto trains at least " + minSteps + " steps, in at most " + MAX_AUTO_EPOCHS + " epochs";
        return String.format(java.util.Locale.ROOT, "epochs: auto -> %d (%s; %s)", n, data, why);
    }

    /** These options with the encoder's and the head's peak learning rates. */
    public TrainOptions withLearningRates(double encoder, double head) {
        return new TrainOptions(epochs, encoder, batchSize, gradAccum, warmupRatio, weightDecay, clip, seed, posWeight,
                freeze, threads, groupByLength, head, loss, headInit, minSteps);
    }

    /** These options with pos-weight "auto" or "none". */
    public TrainOptions withPosWeight(String value) {
        return new TrainOptions(epochs, lr, batchSize, gradAccum, warmupRatio, weightDecay, clip, seed, value,
                freeze, threads, groupByLength, headLr, loss, headInit, minSteps);
    }

    /** These options with another loss reduction and head initialisation. */
    public TrainOptions withLoss(LossReduction reduction, HeadInit init) {
        return new TrainOptions(epochs, lr, batchSize, gradAccum, warmupRatio, weightDecay, clip, seed, posWeight,
                freeze, threads, groupByLength, headLr, reduction, init, minSteps);
    }
}
