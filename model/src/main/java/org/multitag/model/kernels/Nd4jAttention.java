package org.multitag.model.kernels;

import static org.multitag.model.kernels.Nd4jKernels.free;
import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.SubOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The attention core of {@link Kernels#attention} and its backward from ND4J ops, all heads and rows at once in
 * position order ({@code [B, heads, T, T]} batched matmuls), as transformers computes it:
 * <pre>
 *   forward:  p  = softmax(q · kᵀ · scale + mask)     mask: 0 at a row's keys, the float32 minimum elsewhere
 *             pd = p ⊙ keep / (1 − rate);  ctx = pd · v
 *   backward: dp = (dctx · vᵀ) ⊙ keep / (1 − rate);  ds = p ⊙ (dp − Σ dp ⊙ p)
 *             dq = ds · k · scale;  dk = dsᵀ · q · scale;  dv = pdᵀ · dctx
 * </pre>
 * A row with no key gets the minimum on every score, so its softmax is uniform; a masked key's probability is 0, so
 * its key and value get no gradient. Saved probabilities and dropout masks are in the shape's key order ({@link
 * AttentionShape}): rows whose keys are not a prefix go between the two orders with one {@code gather} per row (keys
 * first, then the masked positions, whose probabilities are 0).
 */
final class Nd4jAttention {

    /** The last shape seen and what was uploaded for it (forward and backward of a layer share one shape). */
    private AttentionShape shape;
    private INDArray maskAdd;
    /** Per row: key order → positions, positions → key order; null for rows whose keys are a prefix. */
    private INDArray[] toKeys;
    private INDArray[] toPositions;

    void forward(INDArray qkv, INDArray bias, AttentionShape s, Nd4jDropoutMask keep, INDArray probs,
            INDArray merged) {
        s.checkPadded("the ND4J-op attention");
        prepare(s);
        INDArray[] qkvHeads = heads(qkv, bias, s);
        INDArray p = Nd4j.matmul(qkvHeads[0], qkvHeads[1], false, true, false).muli(s.scale());
        Nd4j.exec(new AddOp(p, maskAdd, p));
        Nd4j.exec(new SoftMax(p, p, 3));
        if (probs != null) {
            reorder(p, probs.reshape(p.shape()), toKeys);
        }
        INDArray kept = keep == null ? null : keepInPositions(keep, s);
        INDArray pd = kept == null ? p : p.mul(kept);
        INDArray ctx = Nd4j.matmul(pd, qkvHeads[2]);
        merged.reshape(s.batch(), s.t(), s.heads(), s.d()).assign(ctx.permute(0, 2, 1, 3));
        free(qkvHeads);
        free(p, kept, kept == null ? null : pd, ctx);
    }

    void backward(INDArray qkv, INDArray bias, INDArray probs, AttentionShape s, Nd4jDropoutMask keep,
            INDArray dMerged, INDArray dQkv) {
        prepare(s);
        INDArray[] qkvHeads = heads(qkv, bias, s);
        INDArray saved = probs.reshape(s.batch(), s.heads(), s.t(), s.t());
        INDArray p = saved;
        if (!s.prefixOnly()) {
            p = saved.dup();
            reorder(saved, p, toPositions);
        }
        INDArray kept = keep == null ? null : keepInPositions(keep, s);
        INDArray pd = kept == null ? p : p.mul(kept);
        INDArray dctx = dMerged.reshape(s.batch(), s.t(), s.heads(), s.d()).permute(0, 2, 1, 3).dup('c');
        INDArray dv = Nd4j.matmul(pd, dctx, true, false, false);
        INDArray ds = Nd4j.matmul(dctx, qkvHeads[2], false, true, false);
        if (kept != null) {
            ds.muli(kept);
        }
        INDArray dsp = ds.mul(p);
        INDArray dot = dsp.sum(true, 3);
        Nd4j.exec(new SubOp(ds, dot, ds));
        ds.muli(p);
        free(dsp, dot);
        INDArray dq = Nd4j.matmul(ds, qkvHeads[1]).muli(s.scale());
        INDArray dk = Nd4j.matmul(ds, qkvHeads[0], true, false, false).muli(s.scale());
        INDArray parts = dQkv.reshape(s.batch(), s.t(), 3, s.heads(), s.d());
        INDArray[] grads = {dq, dk, dv};
        for (int part = 0; part < 3; part++) {
            parts.get(all(), all(), point(part), all(), all()).assign(grads[part].permute(0, 2, 1, 3));
        }
        free(qkvHeads);
        free(grads);
        free(p == saved ? null : p, kept, kept == null ? null : pd, dctx, ds);
    }

    /** Probabilities from key order to position order, 0 at masked keys, in place. */
    void maps(INDArray probs, AttentionShape s) {
        if (s.prefixOnly()) {
            return;
        }
        prepare(s);
        INDArray p = probs.reshape(s.batch(), s.heads(), s.t(), s.t());
        INDArray keyOrder = p.dup();
        reorder(keyOrder, p, toPositions);
        free(keyOrder);
    }

    /** q, k, v with their bias, {@code [B, heads, T, d]} each. */
    private static INDArray[] heads(INDArray qkv, INDArray bias, AttentionShape s) {
        INDArray biased = bias == null ? qkv : qkv.addRowVector(bias);
        INDArray parts = biased.reshape(s.batch(), s.t(), 3, s.heads(), s.d());
        INDArray[] out = new INDArray[3];
        for (int part = 0; part < 3; part++) {
            out[part] = parts.get(all(), all(), point(part), all(), all()).permute(0, 2, 1, 3).dup('c');
        }
        if (biased != qkv) {
            free(biased);
        }
        return out;
    }

    /** The mask's 0/1 flags times {@code 1/(1 − rate)}, moved from key order to positions. */
    private INDArray keepInPositions(Nd4jDropoutMask keep, AttentionShape s) {
        INDArray k = keep.keep().reshape(s.batch(), s.heads(), s.t(), s.t()).mul(keep.scale());
        if (s.prefixOnly()) {
            return k;
        }
        INDArray positions = k.dup();
        reorder(k, positions, toPositions);
        free(k);
        return positions;
    }

    /** {@code to[b] = from[b]} with the last axis gathered by {@code order[b]}; rows without an order copied. */
    private static void reorder(INDArray from, INDArray to, INDArray[] order) {
        for (int b = 0; b < order.length; b++) {
            if (order[b] == null) {
                if (from != to) {
                    to.slice(b).assign(from.slice(b));
                }
            } else {
                Nd4j.exec(DynamicCustomOp.builder("gather").addInputs(from.slice(b), order[b])
                        .addOutputs(to.slice(b)).addIntegerArguments(2).build());
            }
        }
    }

    /** Drops what was uploaded for the last shape. */
    void release() {
        shape = null;
        maskAdd = null;
        toKeys = null;
        toPositions = null;
    }

    /** Uploads the additive mask and the key orders of {@code s} unless they are the last shape's. */
    private void prepare(AttentionShape s) {
        if (s == shape) {
            return;
        }
        int batch = s.batch();
        int t = s.t();
        float[] add = new float[batch * t];
        java.util.Arrays.fill(add, -Float.MAX_VALUE);
        toKeys = new INDArray[batch];
        toPositions = new INDArray[batch];
        for (int b = 0; b < batch; b++) {
            int[] keys = s.keys(b);
            boolean prefix = true;
            boolean[] isKey = new boolean[t];
            for (int jj = 0; jj < keys.length; jj++) {
                prefix &= keys[jj] == jj;
                isKey[keys[jj]] = true;
                if (!s.uniform(b)) {
                    add[b * t + keys[jj]] = 0f;
                }
            }
            if (!prefix) {
                int[] order = java.util.Arrays.copyOf(keys, t);
                int n = keys.length;
                for (int j = 0; j < t; j++) {
                    if (!isKey[j]) {
                        order[n++] = j;
                    }
                }
                int[] inverse = new int[t];
                for (int jj = 0; jj < t; jj++) {
                    inverse[order[jj]] = jj;
                }
                toKeys[b] = Nd4j.createFromArray(order);
                toPositions[b] = Nd4j.createFromArray(inverse);
            }
        }
        maskAdd = Nd4j.createFromArray(add).reshape(batch, 1, 1, t);
        shape = s;
    }
}
