package org.multitag.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.multitag.model.kernels.ComputeSetting;
import org.multitag.model.kernels.KernelChoice;
import org.multitag.model.kernels.NativeArrays;
import org.multitag.model.nn.Batch;
import org.multitag.model.nn.BertEncoder;
import org.multitag.model.nn.BertWeights;
import org.multitag.model.nn.Freeze;
import org.multitag.model.nn.Pass;
import org.multitag.model.nn.TokenClassifier;
import org.multitag.train.loss.BceWithLogitsLoss;
import org.multitag.train.optim.AdamW;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Tokens per second of a model on the process's compute setting: inference (the forward alone) and a training step
 * (forward with dropout, BCE loss, backward, AdamW), on one batch of random token ids and labels, after at least
 * two warm-up calls and half a second, timed over at least three calls and a second.
 */
final class SpeedProbe {

    /** Labels of the head the step trains, as the benchmarks' train step. */
    static final int LABELS = 16;
    private static final long BUDGET_NANOS = 1_000_000_000L;

    /**
     * @param tokensPerSecond tokens of the batch times calls, over the time they took
     * @param calls how many calls were timed
     */
    record Speed(double tokensPerSecond, int calls) {}

    private SpeedProbe() {}

    /** A batch of {@code rows} sequences of {@code length} random ids below {@code vocab} (the first 5 ids left out). */
    static Batch batch(int rows, int length, int vocab, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<int[]> ids = new ArrayList<>();
        List<int[]> types = new ArrayList<>();
        for (int b = 0; b < rows; b++) {
            int[] row = new int[length];
            for (int i = 0; i < length; i++) {
                row[i] = 5 + r.nextInt(vocab - 5);
            }
            ids.add(row);
            types.add(new int[length]);
        }
        return Batch.of(ids, types);
    }

    /** The forward pass in inference mode over {@code weights} (kept open). */
    static Speed inference(BertWeights weights, INDArray[] head, ComputeSetting setting, Batch batch) {
        try (BertEncoder encoder = new BertEncoder(weights, setting, false);
                TokenClassifier model = new TokenClassifier(encoder, head[0], head[1])) {
            return time(batch.tokens(), () -> model.forward(batch, Pass.inference()));
        }
    }

    /** A training step over {@code weights} and {@code head}, which it changes (AdamW at lr 1e-5). */
    static Speed trainStep(BertWeights weights, INDArray[] head, ComputeSetting setting, Batch batch) {
        int rows = batch.size() * batch.maxLength();
        SplittableRandom r = new SplittableRandom(5);
        float[] y = new float[rows * LABELS];
        for (int i = 0; i < y.length; i++) {
            y[i] = r.nextInt(8) == 0 ? 1f : 0f;
        }
        float[] ones = new float[rows];
        java.util.Arrays.fill(ones, 1f);
        // the loss and AdamW follow the kernels, as in the trainer (ND4J ops with nd4j: nothing on the host)
        KernelChoice kernels = setting.resolvedKernels();
        BceWithLogitsLoss loss = new BceWithLogitsLoss(false, kernels);
        try (TokenClassifier model = TokenClassifier.trainable(weights, head[0], head[1], Freeze.none(), setting);
                INDArray targets = NativeArrays.of(y, rows, LABELS);
                INDArray mask = NativeArrays.of(ones, rows);
                INDArray dLogits = NativeArrays.of(new float[rows * LABELS], rows, LABELS)) {
            AdamW adam = new AdamW(model.namedParameters(), 0.9, 0.999, 1e-8, 0.01, AdamW::decays, model.parallel(),
                    kernels);
            SplittableRandom dropout = new SplittableRandom(9);
            return time(batch.tokens(), () -> {
                model.zeroGradients();
                INDArray logits = model.forward(batch, Pass.training(dropout));
                loss.forward(logits, targets, mask, null);
                loss.backward(dLogits);
                model.backward(dLogits);
                adam.step(model.gradients().named(), 1e-5);
            });
        }
    }

    private static Speed time(int tokens, Runnable call) {
        // warm-up by time: the Java kernels run interpreted until the JIT has compiled them
        long warm = System.nanoTime();
        for (int i = 0; i < 2 || System.nanoTime() - warm < BUDGET_NANOS / 2; i++) {
            call.run();
        }
        long start = System.nanoTime();
        int calls = 0;
        long elapsed;
        do {
            call.run();
            calls++;
            elapsed = System.nanoTime() - start;
        } while (elapsed < BUDGET_NANOS || calls < 3);
        return new Speed((double) tokens * calls / (elapsed / 1e9), calls);
    }
}
