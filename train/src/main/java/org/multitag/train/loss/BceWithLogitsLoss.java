package org.multitag.train.loss;

import java.nio.FloatBuffer;
import org.multitag.model.kernels.KernelChoice;
import org.multitag.model.kernels.NativeArrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Binary cross-entropy on logits for multi-label token tagging, averaged over labelled tokens × labels, as
 * {@code torch.nn.BCEWithLogitsLoss(pos_weight=pw)} would be on the labelled rows only:
 * <pre>
 *   ℓ(z, y)  = −(pw·y·log σ(z) + (1 − y)·log(1 − σ(z)))
 *            = (1 − y)·z + (1 + (pw − 1)·y)·(log(1 + e^(−|z|)) + max(−z, 0))     (the stable form)
 *   loss     = Σ_{n labelled} Σ_l ℓ(z[n,l], y[n,l]) / (#labelled · L)
 *   ∂loss/∂z = ((1 + (pw − 1)·y)·σ(z) − pw·y) / (#labelled · L)               (torch's backward)
 * </pre>
 * Without {@code pos_weight}, pw = 1 and the gradient is (σ(z) − y) / (#labelled · L).
 *
 * <p>A token counts when its mask entry is 1; tokens with 0 (special tokens, padding, continuation pieces) are
 * skipped entirely: their logits are never read (they may hold anything, even NaN) and their gradient is 0.
 * The mask is used as a weight (the denominator is Σmask · L), so give it 0/1 values. A batch without labelled
 * tokens has loss 0 and a zero gradient rather than torch's 0/0 = NaN.
 *
 * <p>Arrays are contiguous row-major float32 ({@code [N, L]} logits and targets, {@code [N]} mask, {@code [L]}
 * pos_weight). Sums are taken in double. {@link #forward} keeps references to its inputs for
 * {@link #backward}; nothing is allocated.
 *
 * <p>With the {@code nd4j} kernels the same loss runs as ND4J ops ({@code BceWithLogitsOps}, float32): nothing is
 * read from host memory but the loss itself.
 *
 * <p>{@code new BceWithLogitsLoss(true)} sums over labels instead of averaging (loss and gradient L times the
 * mean: a softmax head's scale per token); the default is torch's mean.
 */
public final class BceWithLogitsLoss {

    /** Default cap of {@link #autoPosWeight}. */
    public static final double DEFAULT_POS_WEIGHT_CAP = 100;

    /** The ND4J-op version ({@link BceWithLogitsOps}) instead of the loops over host memory. */
    private final boolean ops;
    private double tokens;

    private INDArray logits;
    private INDArray targets;
    private INDArray tokenMask;
    private INDArray posWeight;
    private final boolean sumOverLabels;

    /** torch's mean over labelled tokens × labels. */
    public BceWithLogitsLoss() {
        this(false);
    }

    /** @param sumOverLabels sum over labels, mean over labelled tokens (else the mean over both) */
    public BceWithLogitsLoss(boolean sumOverLabels) {
        this(sumOverLabels, KernelChoice.JAVA);
    }

    /**
     * @param sumOverLabels sum over labels, mean over labelled tokens (else the mean over both)
     * @param kernels the model's kernels ({@code auto} resolved as {@link KernelChoice#resolved()} does):
     *     {@code java} computes in Java loops over host memory (in double), {@code nd4j} with ND4J ops (in float32),
     *     which keeps the arrays on the backend's device and returns only the loss
     */
    public BceWithLogitsLoss(boolean sumOverLabels, KernelChoice kernels) {
        this.sumOverLabels = sumOverLabels;
        this.ops = kernels.resolved() == KernelChoice.ND4J;
    }

    /**
     * The mean loss over labelled tokens × labels.
     *
     * @param logits [N, L]
     * @param targets [N, L], 0 or 1
     * @param tokenMask [N], 1 for a labelled token, 0 otherwise
     * @param posWeight [L] weight of the positive term per label, or null for 1
     */
    public double forward(INDArray logits, INDArray targets, INDArray tokenMask, INDArray posWeight) {
        check(logits, targets, tokenMask, posWeight);
        this.logits = logits;
        this.targets = targets;
        this.tokenMask = tokenMask;
        this.posWeight = posWeight;
        int labels = (int) logits.size(1);
        if (ops) {
            double[] sumAndTokens = BceWithLogitsOps.forward(logits, targets, tokenMask, posWeight);
            tokens = sumAndTokens[1];
            return tokens == 0 ? 0 : sumAndTokens[0] / (tokens * (sumOverLabels ? 1 : labels));
        }
        int n = (int) logits.size(0);
        FloatBuffer z = floats(logits);
        FloatBuffer y = floats(targets);
        FloatBuffer mask = floats(tokenMask);
        FloatBuffer pw = posWeight == null ? null : floats(posWeight);
        double sum = 0;
        double tokens = 0;
        for (int t = 0; t < n; t++) {
            double w = mask.get(t);
            if (w == 0) {
                continue;
            }
            tokens += w;
            double row = 0;
            for (int l = 0, i = t * labels; l < labels; l++, i++) {
                double zi = z.get(i);
                double yi = y.get(i);
                double logWeight = pw == null ? 1 : 1 + (pw.get(l) - 1) * yi;
                row += (1 - yi) * zi + logWeight * (Math.log1p(Math.exp(-Math.abs(zi))) + Math.max(-zi, 0));
            }
            sum += w * row;
        }
        NativeArrays.keepAlive(logits, targets, tokenMask, posWeight);
        this.tokens = tokens;
        return tokens == 0 ? 0 : sum / (tokens * (sumOverLabels ? 1 : labels));
    }

    /** Writes ∂loss/∂logits of the last {@link #forward} into {@code dLogits} [N, L]. */
    public void backward(INDArray dLogits) {
        backward(dLogits, 1);
    }

    /**
     * Writes {@code scale · ∂loss/∂logits} of the last {@link #forward} into {@code dLogits} [N, L] (e.g.
     * {@code scale = 1 / accumulationSteps}). Rows of unlabelled tokens are set to 0.
     */
    public void backward(INDArray dLogits, double scale) {
        if (logits == null) {
            throw new IllegalStateException("backward before forward");
        }
        if (!java.util.Arrays.equals(dLogits.shape(), logits.shape())) {
            throw new IllegalArgumentException("dLogits has shape " + java.util.Arrays.toString(dLogits.shape())
                    + ", the logits " + java.util.Arrays.toString(logits.shape()));
        }
        int n = (int) logits.size(0);
        int labels = (int) logits.size(1);
        // the labelled tokens as forward counted them
        double norm = tokens == 0 ? 0 : scale / (tokens * (sumOverLabels ? 1 : labels));
        if (ops) {
            BceWithLogitsOps.backward(logits, targets, tokenMask, posWeight, norm, dLogits);
            return;
        }
        FloatBuffer z = floats(logits);
        FloatBuffer y = floats(targets);
        FloatBuffer mask = floats(tokenMask);
        FloatBuffer pw = posWeight == null ? null : floats(posWeight);
        FloatBuffer out = floats(dLogits);
        for (int t = 0; t < n; t++) {
            double w = mask.get(t);
            for (int l = 0, i = t * labels; l < labels; l++, i++) {
                if (w == 0) {
                    out.put(i, 0f);
                    continue;
                }
                double zi = z.get(i);
                double yi = y.get(i);
                double pwy = pw == null ? yi : pw.get(l) * yi;
                out.put(i, (float) (w * norm * ((1 + pwy - yi) * sigmoid(zi) - pwy)));
            }
        }
        NativeArrays.keepAlive(logits, targets, tokenMask, posWeight, dLogits);
    }

    /**
     * pos_weight "auto": per label, the number of labelled tokens without the label divided by the number with
     * it, capped at {@code cap}. A label that is never positive or never negative gets 1 (a ratio of ∞ or 0
     * would make its positive or negative term vanish).
     *
     * @param targets [N, L], 0 or 1
     * @param tokenMask [N], only tokens with a nonzero entry are counted
     * @param cap the largest weight, {@code >= 1} ({@link #DEFAULT_POS_WEIGHT_CAP} is usual)
     * @return [L] weights, e.g. for {@link #forward}
     */
    public static float[] autoPosWeight(INDArray targets, INDArray tokenMask, double cap) {
        if (targets.rank() != 2 || tokenMask.rank() != 1 || tokenMask.size(0) != targets.size(0)) {
            throw new IllegalArgumentException("need targets [N, L] and a mask [N]");
        }
        int n = (int) targets.size(0);
        int labels = (int) targets.size(1);
        FloatBuffer y = floats(targets);
        FloatBuffer mask = floats(tokenMask);
        long[] positives = new long[labels];
        long[] negatives = new long[labels];
        for (int t = 0; t < n; t++) {
            if (mask.get(t) == 0) {
                continue;
            }
            for (int l = 0; l < labels; l++) {
                if (y.get(t * labels + l) != 0) {
                    positives[l]++;
                } else {
                    negatives[l]++;
                }
            }
        }
        NativeArrays.keepAlive(targets, tokenMask);
        return autoPosWeight(positives, negatives, cap);
    }

    /**
     * pos_weight "auto" from counts gathered over a whole data set: {@code min(cap, negatives / positives)}
     * per label; 1 where either count is 0. See {@link #autoPosWeight(INDArray, INDArray, double)}.
     */
    public static float[] autoPosWeight(long[] positives, long[] negatives, double cap) {
        if (positives.length != negatives.length) {
            throw new IllegalArgumentException("count arrays differ in length");
        }
        if (!(cap >= 1)) {
            throw new IllegalArgumentException("cap must be >= 1, not " + cap);
        }
        float[] w = new float[positives.length];
        for (int l = 0; l < w.length; l++) {
            w[l] = positives[l] == 0 || negatives[l] == 0
                    ? 1f
                    : (float) Math.min(cap, (double) negatives[l] / positives[l]);
        }
        return w;
    }

    private static double sigmoid(double z) {
        // exp of a non-positive argument only, so neither branch overflows
        if (z >= 0) {
            return 1 / (1 + Math.exp(-z));
        }
        double e = Math.exp(z);
        return e / (1 + e);
    }

    private static void check(INDArray logits, INDArray targets, INDArray tokenMask, INDArray posWeight) {
        if (logits.rank() != 2) {
            throw new IllegalArgumentException("logits must be [N, L], got " + java.util.Arrays.toString(
                    logits.shape()));
        }
        if (!java.util.Arrays.equals(targets.shape(), logits.shape())) {
            throw new IllegalArgumentException("targets have shape " + java.util.Arrays.toString(targets.shape())
                    + ", the logits " + java.util.Arrays.toString(logits.shape()));
        }
        if (tokenMask.rank() != 1 || tokenMask.size(0) != logits.size(0)) {
            throw new IllegalArgumentException("token mask must be [" + logits.size(0) + "], got "
                    + java.util.Arrays.toString(tokenMask.shape()));
        }
        if (posWeight != null && (posWeight.rank() != 1 || posWeight.size(0) != logits.size(1))) {
            throw new IllegalArgumentException("pos_weight must be [" + logits.size(1) + "], got "
                    + java.util.Arrays.toString(posWeight.shape()));
        }
    }

    private static FloatBuffer floats(INDArray a) {
        return NativeArrays.bytes(a).asFloatBuffer();
    }
}
