package org.multitag.model.kernels;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The compute kernels of the BERT blocks: matrix products, fused elementwise steps, the attention core, dropout,
 * and the backward of each.
 * Every array is a contiguous row-major float32 {@link INDArray} of the shape given; the kernels read and write
 * the memory of the arrays they are given, so an implementation decides where that memory lives: the two here
 * read host memory ({@link #create} picks the Java Vector API one, {@link #scalar} is the plain-Java reference),
 * and the third is made of ND4J's own ops alone, so it runs on any ND4J backend (CUDA included).
 *
 * <p>The matrix products ({@link #gemm}) go to ND4J's gemm, which runs on every ND4J backend; in {@code bf16}
 * precision ({@link #bf16}) with bfloat16 inputs.
 *
 * <p>Conventions: {@code N} token rows, {@code H} hidden columns; a null optional argument means "skip it"; the
 * backward methods accumulate into parameter gradients ({@code +=}) and write input gradients. Implementations
 * are safe for one caller at a time and give results that do not depend on their thread count.
 */
public interface Kernels extends AutoCloseable {

    // ------------------------------------------------------------------------------------------ forward

    /**
     * {@code c = alpha · op(a) · op(b) + beta · c} for 2-d arrays, {@code op} transposing when asked: the matrix
     * products of every block, forward and backward ({@code beta = 1} accumulates a gradient).
     */
    void gemm(INDArray a, INDArray b, INDArray c, boolean transposeA, boolean transposeB, double alpha, double beta);

    /**
     * {@code c[r] = a[r] · bᵀ} for {@code a [N, K]}, {@code b [M, K]}, {@code c [N, M]}: a product whose every row
     * comes out the same, bit for bit, whatever the number of rows. BLAS picks its kernel by shape, and a gemm with
     * few output columns sums differently below some row count (OpenBLAS here: under 16 rows), so a token's logits
     * would depend on the batch it ran in; the head's few columns cost little this way. This default runs a one-row
     * gemm per row (any backend); the host kernels sum in Java.
     */
    default void rowProducts(INDArray a, INDArray b, INDArray c) {
        for (long r = 0; r < a.size(0); r++) {
            gemm(a.getRow(r, true), b, c.getRow(r, true), false, true, 1.0, 0.0);
        }
    }

    /** {@code y[r][c] += bias[c]} for {@code y [N, C]}. */
    void addBias(INDArray y, INDArray bias);

    /**
     * {@code x = act(x + bias)} in place over {@code x [N, C]} ({@code bias [C]} or null); with {@code derivative}
     * not null ({@code [N, C]}), also {@code derivative = act'(x + bias)}, what the activation's backward needs.
     */
    void biasActivation(INDArray x, INDArray bias, Activation act, INDArray derivative);

    /**
     * {@code out[r] = LayerNorm((x[r] + bias) + residual[r]) · gamma + beta} over the columns of {@code [N, H]}
     * arrays, with the biased variance and {@code eps} inside the square root, as torch. {@code bias} and
     * {@code residual} may be null. {@code out} may be {@code residual} or {@code x}. With {@code xhat} ({@code [N,
     * H]}) and {@code rstd} ({@code [N]}) not null they receive the normalized rows and {@code 1/√(var + eps)} for
     * the backward and {@code x} is left as it was; without them {@code x} may be overwritten (it is scratch).
     */
    void layerNorm(INDArray x, INDArray bias, INDArray residual, INDArray gamma, INDArray beta, float eps,
            INDArray out, INDArray xhat, INDArray rstd);

    /**
     * {@code out[b·T + i] = (word[ids[b][i]] + type[types[b][i]]) + position[positions[b][i]]}, summed in Hugging
     * Face's order, into {@code out [B·T, H]}.
     */
    void embeddings(int[][] ids, int[][] types, int[][] positions, INDArray word, INDArray type, INDArray position,
            INDArray out);

    /**
     * Self-attention from the query/key/value projection to the merged context, per row b and head:
     * <pre>
     *   q, k, v = qkv[b, :, part of head] + bias[part of head]       [T, d] each
     *   p       = softmax(q · k[keys]ᵀ · scale)                       [T, |keys|]   (uniform rows: 1/|keys|)
     *   out[b·T + i, head·d ...] = (dropout(p) · v[keys])[i]           heads merged in place
     * </pre>
     * Every query row is computed, masked ones too, as transformers does; masked keys are left out, which is what
     * adding the float32 minimum to their scores gives. A packed shape (when {@link #attendsPackedRows()}) has only
     * real rows, {@code [N, ·]} arrays, and takes neither {@code keep} nor {@code probs}.
     *
     * @param qkv [B·T, 3H], the projection without its bias (columns query | key | value)
     * @param bias [3H], or null
     * @param keep the dropout mask of p over {@link AttentionShape#probsLength()} (null: no dropout)
     * @param probs when not null, receives p (before dropout) in the shape's key order, [B, heads, T, T]
     * @param merged [B·T, H]
     */
    void attention(INDArray qkv, INDArray bias, AttentionShape shape, DropoutMask keep, INDArray probs,
            INDArray merged);

    /**
     * Whether {@link #attention} takes packed shapes ({@link AttentionShape#packed}): rows of real tokens alone, so
     * an inference pass computes no padding. The host kernels do; the ND4J-op ones, whose attention is batched over
     * padded rows, do not.
     */
    default boolean attendsPackedRows() {
        return false;
    }

    /**
     * Probabilities written by {@link #attention} (keys in the shape's order) moved to their key positions with 0
     * at masked keys: transformers' attention maps. A no-op for rows whose keys are a prefix.
     */
    void attentionMaps(INDArray probs, AttentionShape shape);

    /**
     * A dropout keep mask of {@code count} elements: element {@code i} is kept when the {@code i}-th draw of
     * SplitMix64 seeded with {@code seed} is at least {@code rate}, so the mask depends on the seed alone (not on
     * threads). {@code reuse} (a mask from this implementation, or null) may be recycled.
     */
    DropoutMask dropoutMask(DropoutMask reuse, long seed, float rate, int count);

    /** {@code out = in ⊙ keep / (1 − rate)}; {@code out} may be {@code in}. */
    void dropout(INDArray in, DropoutMask keep, INDArray out);

    // ------------------------------------------------------------------------------------------ backward

    /** {@code acc[c] += Σ_r a[r][c] · w[r][c]} for {@code [N, C]} arrays ({@code w} null: the plain column sums). */
    void addColumnSums(INDArray a, INDArray w, INDArray acc);

    /**
     * The backward of {@link #layerNorm}: {@code dGamma += Σ_r dy ⊙ xhat}, {@code dBeta += Σ_r dy} (both skipped
     * when null) and {@code dx = rstd · (g − mean(g) − xhat · mean(g ⊙ xhat))} with {@code g = dy ⊙ gamma}
     * (skipped when {@code dx} is null).
     */
    void layerNormBackward(INDArray dy, INDArray xhat, INDArray rstd, INDArray gamma, INDArray dx, INDArray dGamma,
            INDArray dBeta);

    /**
     * The backward of {@link #attention}, from {@code dMerged [B·T, H]} to {@code dQkv [B·T, 3H]} (every element
     * written; keys that were left out get 0), with {@code probs} as {@link #attention} saved them. The softmax
     * backward is {@code ds = p ⊙ (dp − Σ_j dp ⊙ p)}.
     */
    void attentionBackward(INDArray qkv, INDArray bias, INDArray probs, AttentionShape shape, DropoutMask keep,
            INDArray dMerged, INDArray dQkv);

    /**
     * The backward of {@link #embeddings}: {@code dOut [B·T, H]} scatter-added into the three tables (repeated ids
     * accumulate); the word row of {@code padTokenId} gets nothing, as {@code nn.Embedding(padding_idx)}. A null
     * table is skipped.
     */
    void embeddingsBackward(int[][] ids, int[][] types, int[][] positions, INDArray dOut, INDArray dWord,
            INDArray dType, INDArray dPosition, int padTokenId);

    // ------------------------------------------------------------------------------------------ weights

    /**
     * Marks {@code weights} as arrays that stay unchanged until {@link #weightsChanged}: kernels that compute in
     * another number format ({@code bf16}) may keep converted copies of them. The float32 kernels ignore it.
     */
    default void registerWeights(java.util.Collection<INDArray> weights) {}

    /**
     * Says the registered weights were written (an optimizer step, weights put back from a file): copies made
     * from them are dropped, so the next product reads the new values.
     */
    default void weightsChanged() {}

    /** The Java threads these kernels use, idle between calls (an optimizer may share them). */
    Parallel parallel();

    /** Stops the threads. */
    @Override
    void close();

    // ------------------------------------------------------------------------------------------ choosing

    /**
     * The fastest kernels this JVM runs, with {@code threads} Java threads, as the process default setting asks
     * ({@link ComputeSetting#defaults()}).
     */
    static Kernels create(int threads) {
        return create(ComputeSetting.defaults().withThreads(threads));
    }

    /**
     * The kernels {@code setting} asks for: for {@code nd4j}, the ones made of ND4J ops; for {@code java}, the Vector
     * API ones when the JVM has the {@code jdk.incubator.vector} module (and {@code -Dmultitag.scalarKernels} is not
     * set), else the scalar ones.
     *
     * @throws IllegalArgumentException when the setting cannot run in this process (the Java kernels on a backend
     *     whose arrays are not in host memory, say)
     */
    static Kernels create(ComputeSetting setting) {
        // first: enabling AMX must come before oneDNN's first primitive, whichever kernels run
        Precision precision = setting.resolvedPrecision();
        KernelChoice k = setting.resolvedKernels();
        if (k == KernelChoice.JAVA && !ComputeSetting.cpuBackend()) {
            throw new IllegalArgumentException("the java kernels read host memory and run on ND4J's CPU backend only;"
                    + " this process runs " + org.nd4j.linalg.factory.Nd4j.getBackend().getClass().getSimpleName()
                    + ": use --kernels nd4j or auto");
        }
        int threads = setting.effectiveThreads();
        Kernels fp32 = k == KernelChoice.ND4J ? new Nd4jKernels(new Parallel(threads))
                : vectorized() ? new VectorKernels(new Parallel(threads)) : scalar(threads);
        return precision == Precision.BF16 ? bf16(fp32) : fp32;
    }

    /** The plain-Java kernels, computed in double and rounded once: the reference in the tests. */
    static Kernels scalar(int threads) {
        return new ScalarKernels(new Parallel(threads));
    }

    /**
     * {@code fp32} computing its matrix products in bfloat16 (inputs rounded to nearest even, alpha and beta
     * applied in float32), everything else unchanged: PyTorch's CPU autocast.
     */
    static Kernels bf16(Kernels fp32) {
        return new Bf16Kernels(fp32);
    }

    /** Whether the Java kernels are the Vector API ones on this JVM. */
    static boolean vectorized() {
        return VectorSupport.AVAILABLE;
    }
}
