package org.multitag.model.kernels;

import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Mixed precision as PyTorch's CPU autocast: kernels that run every matrix product with bfloat16 inputs and hand
 * everything else to the float32 kernels they wrap (LayerNorm, softmax, residuals, GELU, the head's row products,
 * so a token's logits still do not depend on its batch).
 *
 * <p>A product rounds {@code a} and {@code b} to bfloat16 (round to nearest even), multiplies them with ND4J's
 * bfloat16 gemm (the only bfloat16 product that reaches oneDNN in ND4J 1.0.0-M2.1: its inputs and output must
 * share one type), and applies {@code alpha} and {@code beta} in float32, so a gradient accumulated with {@code
 * beta = 1} stays float32. The weights registered with {@link #registerWeights} are rounded once and the copies
 * kept until {@link #weightsChanged}; other operands are rounded into reused buffers on every call. Only ND4J ops
 * touch the arrays, so the wrapper runs on any backend.
 */
final class Bf16Kernels extends DelegatingKernels {

    /** Registered weights and their bfloat16 copies (null until first used). Identity: arrays are not values. */
    private final Map<INDArray, INDArray> weights = new IdentityHashMap<>();
    /** The weights whose copy holds their current values; emptied by {@link #weightsChanged}. */
    private final Set<INDArray> current = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Reused storage by role ("a", "b", "c", "c32"), grown to the largest product seen. */
    private final Map<String, INDArray> storage = new HashMap<>();

    Bf16Kernels(Kernels inner) {
        super(inner);
    }

    @Override
    public void gemm(INDArray a, INDArray b, INDArray c, boolean transposeA, boolean transposeB, double alpha,
            double beta) {
        INDArray a16 = rounded(a, "a");
        INDArray b16 = rounded(b, "b");
        INDArray c16 = buffer("c", DataType.BFLOAT16, c.shape());
        Nd4j.gemm(a16, b16, c16, transposeA, transposeB, 1.0, 0.0);
        if (alpha == 1.0 && beta == 0.0) {
            c.assign(c16);
            return;
        }
        INDArray product = buffer("c32", DataType.FLOAT, c.shape());
        product.assign(c16);
        if (alpha != 1.0) {
            product.muli(alpha);
        }
        if (beta == 0.0) {
            c.assign(product);
        } else {
            if (beta != 1.0) {
                c.muli(beta);
            }
            c.addi(product);
        }
    }

    @Override
    public void registerWeights(Collection<INDArray> arrays) {
        for (INDArray w : arrays) {
            weights.putIfAbsent(w, null);
        }
    }

    @Override
    public void weightsChanged() {
        current.clear();
    }

    /** The bfloat16 copy of a registered weight (made on first use), else {@code x} rounded into a reused buffer. */
    private INDArray rounded(INDArray x, String role) {
        if (weights.containsKey(x)) {
            INDArray copy = weights.get(x);
            if (copy == null) {
                copy = x.castTo(DataType.BFLOAT16);
                weights.put(x, copy);
            } else if (!current.contains(x)) {
                copy.assign(x); // rounded again into the same memory: no allocation per training step
            }
            current.add(x);
            return copy;
        }
        INDArray r = buffer(role, DataType.BFLOAT16, x.shape());
        r.assign(x);
        return r;
    }

    /** A row-major view of {@code shape} over the reused storage of {@code role}, grown when too small. */
    private INDArray buffer(String role, DataType type, long[] shape) {
        long n = 1;
        long[] stride = new long[shape.length];
        for (int i = shape.length - 1; i >= 0; i--) {
            stride[i] = n;
            n *= shape[i];
        }
        INDArray s = storage.get(role);
        if (s == null || s.length() < n) {
            s = Nd4j.createUninitialized(type, Math.max(n, 1));
            storage.put(role, s);
        }
        return Nd4j.create(s.data(), shape, stride, 0, 'c', type);
    }

    @Override
    public void close() {
        weights.clear();
        current.clear();
        storage.clear();
        super.close();
    }
}
