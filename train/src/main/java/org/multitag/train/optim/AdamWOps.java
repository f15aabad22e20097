package org.multitag.train.optim;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.floating.Sqrt;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link AdamW}'s elementwise update made of ND4J ops, for the {@code nd4j} kernels: parameters, gradients and
 * moments are read and written where the backend keeps them (a GPU's memory with ND4J's CUDA backend), never from
 * Java. The operations and their order are the host kernel's; the two multiply-adds the host version fuses
 * ({@code Math.fma}, as torch's CPU kernels) round twice here, so the two agree to float32 rounding.
 */
final class AdamWOps {

    private AdamWOps() {}

    /** Two arrays of one parameter's shape, allocated once per parameter. */
    static final class Scratch {
        final INDArray a;
        final INDArray b;

        Scratch(long[] shape, char order) {
            a = Nd4j.create(DataType.FLOAT, shape, order);
            b = Nd4j.create(DataType.FLOAT, shape, order);
        }
    }

    /**
     * <pre>
     *   p ← p · decay;  m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g·g
     *   p ← p + negStepSize · m / (√v / bc2Sqrt + eps)
     * </pre>
     * Any layout of {@code param} and {@code grad} (views included), updated in place.
     */
    static void update(INDArray param, INDArray grad, INDArray m, INDArray v, Scratch s, float decay, float beta1,
            float oneMinusBeta1, float beta2, float oneMinusBeta2, float bc2Sqrt, float eps, float negStepSize) {
        INDArray a = s.a;
        INDArray b = s.b;
        m.muli(beta1).addi(a.assign(grad).muli(oneMinusBeta1));
        v.muli(beta2).addi(a.assign(grad).muli(oneMinusBeta2).muli(grad));
        Nd4j.exec(new Sqrt(v, b));
        b.divi(bc2Sqrt).addi(eps);
        a.assign(m).muli(negStepSize).divi(b);
        if (decay != 1f) {
            param.muli(decay);
        }
        param.addi(a);
    }
}
