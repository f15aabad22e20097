package org.multitag.model.kernels;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Kernels that time the calls of other kernels while switched on ({@link #enable}): wall time and calls per
 * kernel, the matrix products per shape (so their GFLOP/s can be set against the gemm's ceiling). Off, each call
 * costs one branch. The model's blocks always call through one, so any model can be profiled as it runs.
 */
public final class KernelProfile extends DelegatingKernels {

    /** One kernel's (or one gemm shape's) totals. */
    public record Entry(long nanos, long calls, double flop) {

        /** GFLOP/s of a matrix product (0 for the other kernels). */
        public double gflops() {
            return nanos == 0 ? 0 : flop / nanos;
        }
    }

    private final Map<String, long[]> nanos = new LinkedHashMap<>();
    private final Map<String, Double> flops = new LinkedHashMap<>();
    private boolean enabled;

    public KernelProfile(Kernels inner) {
        super(inner);
    }

    /** Starts (true) or stops (false) the timing; the totals so far stay. */
    public void enable(boolean on) {
        enabled = on;
    }

    /** Forgets the totals. */
    public void reset() {
        nanos.clear();
        flops.clear();
    }

    /** The kernels timed. */
    public Kernels inner() {
        return inner;
    }

    /** The totals by name, in the order first called. */
    public Map<String, Entry> entries() {
        Map<String, Entry> m = new LinkedHashMap<>();
        nanos.forEach((k, v) -> m.put(k, new Entry(v[0], v[1], flops.getOrDefault(k, 0.0))));
        return Collections.unmodifiableMap(m);
    }

    private long start() {
        return enabled ? System.nanoTime() : 0;
    }

    private void stop(String name, long t0) {
        if (enabled) {
            long[] e = nanos.computeIfAbsent(name, k -> new long[2]);
            e[0] += System.nanoTime() - t0;
            e[1]++;
        }
    }

    @Override
    public void gemm(INDArray a, INDArray b, INDArray c, boolean transposeA, boolean transposeB, double alpha,
            double beta) {
        long t0 = start();
        inner.gemm(a, b, c, transposeA, transposeB, alpha, beta);
        if (enabled) {
            long m = c.size(0);
            long n = c.size(1);
            long k = transposeA ? a.size(0) : a.size(1);
            String name = String.format(Locale.ROOT, "gemm %d×%d·%d×%d%s", m, k, k, n,
                    transposeA ? " (aᵀ)" : transposeB ? " (bᵀ)" : "");
            flops.merge(name, 2.0 * m * n * k, Double::sum);
            stop(name, t0);
        }
    }

    @Override
    public void rowProducts(INDArray a, INDArray b, INDArray c) {
        long t0 = start();
        inner.rowProducts(a, b, c);
        stop("row products", t0);
    }

    @Override
    public void addBias(INDArray y, INDArray bias) {
        long t0 = start();
        inner.addBias(y, bias);
        stop("bias", t0);
    }

    @Override
    public void biasActivation(INDArray x, INDArray bias, Activation act, INDArray derivative) {
        long t0 = start();
        inner.biasActivation(x, bias, act, derivative);
        stop("bias + " + act.name().toLowerCase(Locale.ROOT) + (derivative == null ? "" : " (+ derivative)"), t0);
    }

    @Override
    public void layerNorm(INDArray x, INDArray bias, INDArray residual, INDArray gamma, INDArray beta, float eps,
            INDArray out, INDArray xhat, INDArray rstd) {
        long t0 = start();
        inner.layerNorm(x, bias, residual, gamma, beta, eps, out, xhat, rstd);
        stop("layernorm", t0);
    }

    @Override
    public void embeddings(int[][] ids, int[][] types, int[][] positions, INDArray word, INDArray type,
            INDArray position, INDArray out) {
        long t0 = start();
        inner.embeddings(ids, types, positions, word, type, position, out);
        stop("embeddings", t0);
    }

    @Override
    public void attention(INDArray qkv, INDArray bias, AttentionShape shape, DropoutMask keep, INDArray probs,
            INDArray merged) {
        long t0 = start();
        inner.attention(qkv, bias, shape, keep, probs, merged);
        stop("attention", t0);
    }

    @Override
    public void attentionMaps(INDArray probs, AttentionShape shape) {
        long t0 = start();
        inner.attentionMaps(probs, shape);
        stop("attention maps", t0);
    }

    @Override
    public DropoutMask dropoutMask(DropoutMask reuse, long seed, float rate, int count) {
        long t0 = start();
        DropoutMask m = inner.dropoutMask(reuse, seed, rate, count);
        stop("dropout mask", t0);
        return m;
    }

    @Override
    public void dropout(INDArray in, DropoutMask keep, INDArray out) {
        long t0 = start();
        inner.dropout(in, keep, out);
        stop("dropout", t0);
    }

    @Override
    public void addColumnSums(INDArray a, INDArray w, INDArray acc) {
        long t0 = start();
        inner.addColumnSums(a, w, acc);
        stop("column sums", t0);
    }

    @Override
    public void layerNormBackward(INDArray dy, INDArray xhat, INDArray rstd, INDArray gamma, INDArray dx,
            INDArray dGamma, INDArray dBeta) {
        long t0 = start();
        inner.layerNormBackward(dy, xhat, rstd, gamma, dx, dGamma, dBeta);
        stop("layernorm backward", t0);
    }

    @Override
    public void attentionBackward(INDArray qkv, INDArray bias, INDArray probs, AttentionShape shape, DropoutMask keep,
            INDArray dMerged, INDArray dQkv) {
        long t0 = start();
        inner.attentionBackward(qkv, bias, probs, shape, keep, dMerged, dQkv);
        stop("attention backward", t0);
    }

    @Override
    public void embeddingsBackward(int[][] ids, int[][] types, int[][] positions, INDArray dOut, INDArray dWord,
            INDArray dType, INDArray dPosition, int padTokenId) {
        long t0 = start();
        inner.embeddingsBackward(ids, types, positions, dOut, dWord, dType, dPosition, padTokenId);
        stop("embeddings backward", t0);
    }
}
