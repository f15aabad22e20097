package org.multitag.model.kernels;

import java.util.Collection;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Kernels that pass every call to other kernels: the base of a wrapper that changes a few of them. */
abstract class DelegatingKernels implements Kernels {

    final Kernels inner;

    DelegatingKernels(Kernels inner) {
        this.inner = inner;
    }

    @Override
    public void gemm(INDArray a, INDArray b, INDArray c, boolean transposeA, boolean transposeB, double alpha,
            double beta) {
        inner.gemm(a, b, c, transposeA, transposeB, alpha, beta);
    }

    @Override
    public void rowProducts(INDArray a, INDArray b, INDArray c) {
        inner.rowProducts(a, b, c);
    }

    @Override
    public void addBias(INDArray y, INDArray bias) {
        inner.addBias(y, bias);
    }

    @Override
    public void biasActivation(INDArray x, INDArray bias, Activation act, INDArray derivative) {
        inner.biasActivation(x, bias, act, derivative);
    }

    @Override
    public void layerNorm(INDArray x, INDArray bias, INDArray residual, INDArray gamma, INDArray beta, float eps,
            INDArray out, INDArray xhat, INDArray rstd) {
        inner.layerNorm(x, bias, residual, gamma, beta, eps, out, xhat, rstd);
    }

    @Override
    public void embeddings(int[][] ids, int[][] types, int[][] positions, INDArray word, INDArray type,
            INDArray position, INDArray out) {
        inner.embeddings(ids, types, positions, word, type, position, out);
    }

    @Override
    public void attention(INDArray qkv, INDArray bias, AttentionShape shape, DropoutMask keep, INDArray probs,
            INDArray merged) {
        inner.attention(qkv, bias, shape, keep, probs, merged);
    }

    @Override
    public boolean attendsPackedRows() {
        return inner.attendsPackedRows();
    }

    @Override
    public void attentionMaps(INDArray probs, AttentionShape shape) {
        inner.attentionMaps(probs, shape);
    }

    @Override
    public DropoutMask dropoutMask(DropoutMask reuse, long seed, float rate, int count) {
        return inner.dropoutMask(reuse, seed, rate, count);
    }

    @Override
    public void dropout(INDArray in, DropoutMask keep, INDArray out) {
        inner.dropout(in, keep, out);
    }

    @Override
    public void addColumnSums(INDArray a, INDArray w, INDArray acc) {
        inner.addColumnSums(a, w, acc);
    }

    @Override
    public void layerNormBackward(INDArray dy, INDArray xhat, INDArray rstd, INDArray gamma, INDArray dx,
            INDArray dGamma, INDArray dBeta) {
        inner.layerNormBackward(dy, xhat, rstd, gamma, dx, dGamma, dBeta);
    }

    @Override
    public void attentionBackward(INDArray qkv, INDArray bias, INDArray probs, AttentionShape shape,
            DropoutMask keep, INDArray dMerged, INDArray dQkv) {
        inner.attentionBackward(qkv, bias, probs, shape, keep, dMerged, dQkv);
    }

    @Override
    public void embeddingsBackward(int[][] ids, int[][] types, int[][] positions, INDArray dOut, INDArray dWord,
            INDArray dType, INDArray dPosition, int padTokenId) {
        inner.embeddingsBackward(ids, types, positions, dOut, dWord, dType, dPosition, padTokenId);
    }

    @Override
    public void registerWeights(Collection<INDArray> weights) {
        inner.registerWeights(weights);
    }

    @Override
    public void weightsChanged() {
        inner.weightsChanged();
    }

    @Override
    public Parallel parallel() {
        return inner.parallel();
    }

    @Override
    public void close() {
        inner.close();
    }
}
