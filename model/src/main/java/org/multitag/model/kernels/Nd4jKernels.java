package org.multitag.model.kernels;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Erf;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The kernels made of ND4J ops alone: no host view of an array's memory, no Java loop over elements, so they run
 * wherever ND4J's backend keeps its arrays (a GPU with the CUDA backend). What comes from Java is uploaded as a new
 * array: token ids, the attention mask as an additive row, key orders, dropout masks. The backward of each kernel is
 * written here from forward ops, as in the Java kernels, not taken from SameDiff (several of its gradients are
 * broken in ND4J 1.0.0-M2.1).
 *
 * <p>Every sum runs in float32 through ND4J's reductions and gemm, where the scalar reference sums in double: results
 * match it to float rounding, not bit for bit.
 *
 * <p>Every temporary is closed as soon as it is used ({@link #free}): ND4J frees an array's memory only when its Java
 * object is collected, and these objects are small, so a training step's temporaries (gigabytes over a few steps)
 * would otherwise pile up until a collection that the small Java heap seldom needs.
 */
final class Nd4jKernels implements Kernels {

    private static final double INV_SQRT2 = 1 / Math.sqrt(2);
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
    private static final double TANH_C = 0.044715;

    private final Parallel par;
    private final Nd4jAttention attention = new Nd4jAttention();

    Nd4jKernels(Parallel par) {
        this.par = par;
    }

    /** Threads for an optimizer to share; these kernels run on ND4J's own threads and leave them idle. */
    @Override
    public Parallel parallel() {
        return par;
    }

    @Override
    public void close() {
        attention.release();
        par.close();
    }

    /** Releases the memory of arrays this class made and no longer needs (views and nulls skipped). */
    static void free(INDArray... arrays) {
        for (INDArray a : arrays) {
            if (a != null && a.closeable()) {
                a.close();
            }
        }
    }

    @Override
    public void gemm(INDArray a, INDArray b, INDArray c, boolean transposeA, boolean transposeB, double alpha,
            double beta) {
        Nd4j.gemm(a, b, c, transposeA, transposeB, alpha, beta);
    }

    @Override
    public void addBias(INDArray y, INDArray bias) {
        y.addiRowVector(bias);
    }

    @Override
    public void biasActivation(INDArray x, INDArray bias, Activation act, INDArray derivative) {
        if (bias != null) {
            x.addiRowVector(bias);
        }
        switch (act) {
            case GELU -> {
                INDArray e = x.mul(INV_SQRT2);
                Nd4j.exec(new Erf(e, e));
                if (derivative != null) {
                    // 0.5·(1 + erf(u/√2)) + u·e^(−u²/2)/√(2π)
                    INDArray g = x.mul(x).muli(-0.5);
                    Transforms.exp(g, false).muli(x).muli(INV_SQRT_2PI);
                    INDArray d = e.add(1).muli(0.5).addi(g);
                    derivative.assign(d);
                    free(g, d);
                }
                x.muli(e.addi(1)).muli(0.5);
                free(e);
            }
            case GELU_TANH -> {
                INDArray u2 = x.mul(x);
                INDArray th = Transforms.tanh(u2.mul(TANH_C).addi(1).muli(x).muli(SQRT_2_OVER_PI), false);
                if (derivative != null) {
                    // 0.5·(1 + th) + 0.5·u·(1 − th²)·k·(1 + 3·0.044715·u²)
                    INDArray g = th.mul(th).rsubi(1).muli(x).muli(0.5 * SQRT_2_OVER_PI)
                            .muli(u2.muli(3 * TANH_C).addi(1));
                    INDArray d = th.add(1).muli(0.5).addi(g);
                    derivative.assign(d);
                    free(g, d);
                }
                x.muli(th.addi(1)).muli(0.5);
                free(u2, th);
            }
            case RELU -> {
                if (derivative != null) {
                    INDArray positive = x.gt(0);
                    INDArray d = positive.castTo(DataType.FLOAT);
                    derivative.assign(d);
                    free(positive, d);
                }
                Transforms.relu(x, false);
            }
        }
    }

    @Override
    public void layerNorm(INDArray x, INDArray bias, INDArray residual, INDArray gamma, INDArray beta, float eps,
            INDArray out, INDArray xhat, INDArray rstd) {
        // s = (x + bias) + residual in torch's order, built in xhat when it is saved, else over x (scratch then)
        INDArray s = xhat != null ? xhat.assign(x) : x;
        if (bias != null) {
            s.addiRowVector(bias);
        }
        if (residual != null) {
            s.addi(residual);
        }
        INDArray mean = s.mean(true, 1);
        s.subiColumnVector(mean);
        INDArray squares = s.mul(s);
        INDArray inv = Transforms.sqrt(squares.mean(true, 1).addi(eps), false).rdivi(1);
        s.muliColumnVector(inv);
        free(mean, squares);
        if (rstd != null) {
            rstd.reshape(rstd.length(), 1).assign(inv);
        }
        if (out != s) {
            out.assign(s);
        }
        out.muliRowVector(gamma).addiRowVector(beta);
        free(inv);
    }

    @Override
    public void embeddings(int[][] ids, int[][] types, int[][] positions, INDArray word, INDArray type,
            INDArray position, INDArray out) {
        INDArray[] idx = {indices(ids), indices(types), indices(positions)};
        gatherRows(word, idx[0], out);
        INDArray t = gatherRows(type, idx[1], null);
        INDArray p = gatherRows(position, idx[2], null);
        out.addi(t).addi(p);
        free(t, p);
        free(idx);
    }

    /** {@code out[r] = table[idx[r]]}; a new array when {@code out} is null. */
    private static INDArray gatherRows(INDArray table, INDArray idx, INDArray out) {
        INDArray o = out != null ? out : Nd4j.createUninitialized(DataType.FLOAT, idx.length(), table.size(1));
        Nd4j.exec(DynamicCustomOp.builder("gather").addInputs(table, idx).addOutputs(o).addIntegerArguments(0)
                .build());
        return o;
    }

    /** The ids of a batch, row-major, uploaded as an int32 vector. */
    private static INDArray indices(int[][] ids) {
        int t = ids[0].length;
        int[] flat = new int[ids.length * t];
        for (int b = 0; b < ids.length; b++) {
            System.arraycopy(ids[b], 0, flat, b * t, t);
        }
        return Nd4j.createFromArray(flat);
    }

    @Override
    public void attention(INDArray qkv, INDArray bias, AttentionShape shape, DropoutMask keep, INDArray probs,
            INDArray merged) {
        attention.forward(qkv, bias, shape, (Nd4jDropoutMask) keep, probs, merged);
    }

    @Override
    public void attentionMaps(INDArray probs, AttentionShape shape) {
        attention.maps(probs, shape);
    }

    @Override
    public DropoutMask dropoutMask(DropoutMask reuse, long seed, float rate, int count) {
        return Nd4jDropoutMask.draw(reuse, seed, rate, count);
    }

    @Override
    public void dropout(INDArray in, DropoutMask keep, INDArray out) {
        Nd4jDropoutMask m = (Nd4jDropoutMask) keep;
        INDArray k = m.keep().reshape(in.shape());
        if (out != in) {
            out.assign(in);
        }
        out.muli(m.scale()).muli(k);
        if (k != m.keep()) {
            free(k);
        }
    }

    @Override
    public void addColumnSums(INDArray a, INDArray w, INDArray acc) {
        INDArray product = w == null ? null : a.mul(w);
        INDArray sums = (w == null ? a : product).sum(0);
        acc.addi(sums.reshape(acc.shape()));
        free(product, sums);
    }

    @Override
    public void layerNormBackward(INDArray dy, INDArray xhat, INDArray rstd, INDArray gamma, INDArray dx,
            INDArray dGamma, INDArray dBeta) {
        if (dGamma != null) {
            INDArray product = dy.mul(xhat);
            INDArray sums = product.sum(0);
            dGamma.addi(sums.reshape(dGamma.shape()));
            free(product, sums);
        }
        if (dBeta != null) {
            INDArray sums = dy.sum(0);
            dBeta.addi(sums.reshape(dBeta.shape()));
            free(sums);
        }
        if (dx != null) {
            // rstd · (g − mean(g) − xhat · mean(g ⊙ xhat)), g = dy ⊙ gamma
            INDArray g = dy.mulRowVector(gamma);
            INDArray gx = g.mul(xhat);
            INDArray m2 = gx.mean(true, 1);
            INDArray m1 = g.mean(true, 1);
            INDArray xm2 = xhat.mulColumnVector(m2);
            g.subiColumnVector(m1).subi(xm2);
            dx.assign(g.muliColumnVector(rstd.reshape(rstd.length(), 1)));
            free(g, gx, m2, m1, xm2);
        }
    }

    @Override
    public void attentionBackward(INDArray qkv, INDArray bias, INDArray probs, AttentionShape shape,
            DropoutMask keep, INDArray dMerged, INDArray dQkv) {
        attention.backward(qkv, bias, probs, shape, (Nd4jDropoutMask) keep, dMerged, dQkv);
    }

    @Override
    public void embeddingsBackward(int[][] ids, int[][] types, int[][] positions, INDArray dOut, INDArray dWord,
            INDArray dType, INDArray dPosition, int padTokenId) {
        if (dWord != null) {
            // nn.Embedding(padding_idx) gives its row nothing: put the row back as it was after the scatter
            boolean pad = padTokenId >= 0 && padTokenId < dWord.size(0);
            INDArray padRow = pad ? dWord.getRow(padTokenId).dup() : null;
            scatterAdd(dWord, ids, dOut);
            if (pad) {
                dWord.getRow(padTokenId).assign(padRow);
            }
            free(padRow);
        }
        if (dType != null) {
            scatterAdd(dType, types, dOut);
        }
        if (dPosition != null) {
            scatterAdd(dPosition, positions, dOut);
        }
    }

    /** {@code table[idx[r]] += updates[r]}, repeated indices accumulating (the lock makes it one writer). */
    private static void scatterAdd(INDArray table, int[][] ids, INDArray updates) {
        INDArray idx = indices(ids);
        Nd4j.exec(DynamicCustomOp.builder("scatter_add").addInputs(table, idx, updates).addOutputs(table)
                .addBooleanArguments(true, false).build());
        free(idx);
    }

}
