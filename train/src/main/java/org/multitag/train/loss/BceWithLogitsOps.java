package org.multitag.train.loss;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.controlflow.Select;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * {@link BceWithLogitsLoss} made of ND4J ops alone, for the {@code nd4j} kernels: the arrays stay where the backend
 * keeps them (a GPU's memory with ND4J's CUDA backend) and only the loss and the count of labelled tokens come back
 * to Java, as two scalars. The formulas are the host version's, in float32 instead of double (measured against it in
 * {@code BceWithLogitsOpsTest}).
 *
 * <p>Rows whose mask is 0 are replaced by zeros with a select before anything reads them, so a NaN there never
 * reaches the sums, as in the host version.
 */
final class BceWithLogitsOps {

    private BceWithLogitsOps() {}

    /** Σ_t mask[t] · Σ_l ℓ(z[t,l], y[t,l]) and Σ_t mask[t], as {@code {sum, tokens}}. */
    static double[] forward(INDArray logits, INDArray targets, INDArray tokenMask, INDArray posWeight) {
        try (INDArray z = maskedLogits(logits, tokenMask);
                INDArray softplus = Transforms.abs(z, true);
                INDArray relu = z.neg()) {
            // log(1 + e^(−|z|)) + max(−z, 0): the stable form, as the host version
            softplus.negi();
            Transforms.exp(softplus, false);
            Transforms.log1p(softplus, false);
            Transforms.relu(relu, false);
            softplus.addi(relu);
            if (posWeight != null) {
                // (1 + (pw − 1)·y) · softplus
                try (INDArray w = targets.mulRowVector(posWeight.sub(1))) {
                    w.addi(1);
                    softplus.muli(w);
                }
            }
            // + (1 − y)·z
            try (INDArray negative = targets.rsub(1)) {
                negative.muli(z);
                softplus.addi(negative);
            }
            try (INDArray rows = softplus.sum(1)) {
                rows.muli(tokenMask);
                return new double[] {rows.sumNumber().doubleValue(), tokenMask.sumNumber().doubleValue()};
            }
        }
    }

    /**
     * {@code dLogits[t,l] = mask[t] · norm · ((1 + pw·y − y)·σ(z) − pw·y)}; masked rows get 0 (their logits were
     * replaced by 0 first, so even a NaN there gives 0).
     */
    static void backward(INDArray logits, INDArray targets, INDArray tokenMask, INDArray posWeight, double norm,
            INDArray dLogits) {
        try (INDArray z = maskedLogits(logits, tokenMask);
                INDArray pwy = posWeight == null ? targets.dup() : targets.mulRowVector(posWeight)) {
            Transforms.sigmoid(z, false);
            // (1 + pw·y − y) · σ(z) − pw·y
            dLogits.assign(pwy).subi(targets).addi(1).muli(z).subi(pwy);
            dLogits.muliColumnVector(tokenMask.reshape(tokenMask.length(), 1)).muli(norm);
        }
    }

    /** The logits with every row whose mask is 0 replaced by zeros (a new array). */
    private static INDArray maskedLogits(INDArray logits, INDArray tokenMask) {
        INDArray out = logits.ulike();
        try (INDArray keep = tokenMask.neq(0); INDArray zeros = Nd4j.zeros(DataType.FLOAT, logits.shape())) {
            Nd4j.exec(new Select(new INDArray[] {keep, logits, zeros}, new INDArray[] {out}));
        }
        return out;
    }
}
