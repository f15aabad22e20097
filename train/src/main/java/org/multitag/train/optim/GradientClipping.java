package org.multitag.train.optim;

import org.multitag.model.kernels.KernelChoice;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.floating.SquaredNorm;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Clipping by the global L2 norm, as {@code torch.nn.utils.clip_grad_norm_(params, maxNorm)} (norm type 2):
 * the norm is taken over all gradients as if they were one vector, and when
 * {@code maxNorm / (norm + 1e-6) < 1} every gradient is multiplied by that factor, so the clipped norm ends
 * just under {@code maxNorm}. The norm is accumulated in double (torch sums in float32; the two agree to about
 * 1e-7 relative); the factor is computed in float32 the way torch does ({@code (1 / (norm + 1e-6)) · maxNorm}).
 *
 * <p>With the {@code nd4j} kernels the norm is taken with ND4J ops instead ({@code SquaredNorm} per gradient,
 * float32, summed on the backend's device): one scalar comes back to Java, and the gradients are scaled in place
 * where they live.
 */
public final class GradientClipping {

    /** torch adds this to the norm before dividing. */
    public static final float EPS = 1e-6f;

    private GradientClipping() {}

    /** The global L2 norm of the gradients, in double. Any array layout is accepted. */
    public static double globalNorm(Iterable<INDArray> gradients) {
        return globalNorm(gradients, KernelChoice.JAVA);
    }

    /**
     * The global L2 norm of the gradients: with the {@code java} kernels summed over host memory in double, with the
     * {@code nd4j} kernels by ND4J ops in float32 ({@code auto} resolved as {@link KernelChoice#resolved()}).
     */
    public static double globalNorm(Iterable<INDArray> gradients, KernelChoice kernels) {
        if (kernels.resolved() == KernelChoice.ND4J) {
            // each gradient's sum in float32 (as torch), their total in double
            try (INDArray sum = Nd4j.scalar(0.0)) {
                for (INDArray g : gradients) {
                    try (INDArray s = Nd4j.getExecutioner().exec(new SquaredNorm(g));
                            INDArray d = s.castTo(DataType.DOUBLE)) {
                        sum.addi(d);
                    }
                }
                return Math.sqrt(sum.getDouble(0));
            }
        }
        double sum = 0;
        for (INDArray g : gradients) {
            sum += DenseBuffers.sumOfSquares(g);
        }
        return Math.sqrt(sum);
    }

    /**
     * Scales the gradients in place so their global norm is at most about {@code maxNorm}.
     *
     * @return the global norm before clipping. When it is not finite the caller should skip the step: an
     *     infinite norm scales every gradient by 0 (as torch), a NaN norm leaves them unchanged (torch would
     *     turn them all into NaN).
     */
    public static double clip(Iterable<INDArray> gradients, double maxNorm) {
        return clip(gradients, maxNorm, KernelChoice.JAVA);
    }

    /** {@link #clip(Iterable, double)} with the norm taken as {@link #globalNorm(Iterable, KernelChoice)} does. */
    public static double clip(Iterable<INDArray> gradients, double maxNorm, KernelChoice kernels) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("maxNorm must be > 0, not " + maxNorm);
        }
        double norm = globalNorm(gradients, kernels);
        float factor = (1f / ((float) norm + EPS)) * (float) maxNorm;
        if (factor < 1f) {
            for (INDArray g : gradients) {
                g.muli(factor);
            }
        }
        return norm;
    }
}
