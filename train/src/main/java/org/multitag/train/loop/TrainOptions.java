package org.multitag.train.loop;

import org.multitag.train.model.Freeze;

/**
 * The knobs of a training run, with Hugging Face Trainer-like defaults.
 *
 * @param epochs passes over the training data
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
 */
public record TrainOptions(int epochs, double lr, int batchSize, int gradAccum, double warmupRatio,
        double weightDecay, double clip, long seed, String posWeight, Freeze freeze, int threads,
        boolean groupByLength) {

    public static final TrainOptions DEFAULT = new TrainOptions(3, 5e-5, 16, 1, 0.1, 0.01, 1.0, 42, "none",
            Freeze.none(), 0, true);

    public TrainOptions {
        if (epochs < 1 || batchSize < 1 || gradAccum < 1) {
            throw new IllegalArgumentException("epochs, batch size and gradient accumulation must be >= 1");
        }
        if (!(lr > 0) || !(warmupRatio >= 0 && warmupRatio <= 1) || !(weightDecay >= 0) || !(clip >= 0)) {
            throw new IllegalArgumentException("need lr > 0, warmup ratio in [0, 1], weight decay >= 0, clip >= 0");
        }
        if (!posWeight.equals("auto") && !posWeight.equals("none")) {
            throw new IllegalArgumentException("pos weight must be auto or none, not " + posWeight);
        }
    }

    public TrainOptions withEpochs(int n) {
        return new TrainOptions(n, lr, batchSize, gradAccum, warmupRatio, weightDecay, clip, seed, posWeight, freeze,
                threads, groupByLength);
    }
}
