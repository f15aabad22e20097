package org.multitag.model;

import java.nio.ByteBuffer;

/**
 * The fused elementwise steps of the encoder, in place over native float32 buffers (row-major, element
 * indices). The gemms leave their output without bias; these kernels add the bias together with the step
 * that follows, so each activation is read and written once.
 *
 * <p>{@link #get()} picks {@link VectorKernels} when the JVM runs with {@code --add-modules
 * jdk.incubator.vector}, else {@link ScalarKernels}, which is also the reference in the tests.
 */
public interface Kernels {

    /** {@code x[r][c] = act(x[r][c] + bias[c])}. */
    void biasActivation(ByteBuffer x, int rows, int cols, ByteBuffer bias, Activation act, Parallel par);

    /**
     * {@code out[r] = LayerNorm(x[r] + bias + residual[r]) · gamma + beta} over {@code cols}, with the
     * variance biased (divided by cols) and {@code eps} inside the square root, as torch. {@code x} is
     * scratch (overwritten); {@code out} may be {@code residual}. A null {@code bias} or {@code residual}
     * is skipped.
     */
    void biasResidualLayerNorm(ByteBuffer x, ByteBuffer bias, ByteBuffer residual, ByteBuffer gamma,
            ByteBuffer beta, float eps, ByteBuffer out, int rows, int cols, Parallel par);

    /**
     * {@code out[b·t + i] = word[ids[b][i]] + type[types[b][i]] + pos[i]} over rows of {@code h}, summed in
     * Hugging Face's order ((word + type) + position).
     */
    void embeddingSum(int[][] ids, int[][] types, ByteBuffer word, ByteBuffer type, ByteBuffer pos, ByteBuffer out,
            int h, Parallel par);

    /**
     * Fused self-attention from the query/key/value projection to the merged context, per (row, head):
     * <pre>
     *   q, k, v = qkv[b, :, part] + bias[part]            each [T, d] for this head
     *   p       = softmax(q · kᵀ · scale + mask[b])       [T, T]
     *   out[b·T + i, head·d ...] = (p · v)[i]             heads merged in place
     * </pre>
     *
     * @param qkv [B·T, 3·heads·d], the projection without its bias
     * @param probs when not null, receives p as [B, heads, T, T]
     * @param out [B·T, heads·d]
     */
    void attention(ByteBuffer qkv, ByteBuffer bias, int batch, int t, int heads, int d, float scale, float[] mask,
            ByteBuffer probs, ByteBuffer out, Parallel par);

    /** The fastest kernels this JVM can run. */
    static Kernels get() {
        return Holder.BEST;
    }

    /** Whether the Vector API is available (the JVM was started with the incubator module). */
    static boolean vectorized() {
        return Holder.BEST instanceof VectorKernels;
    }

    /** Lazily picks the implementation so VectorKernels is never loaded without its module. */
    final class Holder {
        static final Kernels BEST = pick();

        private Holder() {}

        private static Kernels pick() {
            if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
                    && !Boolean.getBoolean("multitag.scalarKernels")) {
                try {
                    // The incubator API changes between JDKs (Java 20+ dropped the ByteBuffer loads we use
                    // on 17): try one call and fall back if this JDK lacks it.
                    Kernels v = new VectorKernels();
                    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(64 * 4)
                            .order(java.nio.ByteOrder.LITTLE_ENDIAN);
                    try (Parallel one = new Parallel(1)) {
                        v.biasActivation(b, 1, 64, null, Activation.GELU, one);
                    }
                    return v;
                } catch (LinkageError | RuntimeException e) {
                    return new ScalarKernels();
                }
            }
            return new ScalarKernels();
        }
    }
}
