package org.multitag.model.kernels;

/**
 * The number format of the matrix products: {@code fp32} everywhere, or {@code bf16} mixed precision as PyTorch's
 * CPU autocast (the gemms' inputs in bfloat16, everything else and the master weights in float32), or {@code auto}:
 * bf16 where the CPU runs it faster than float32, float32 elsewhere. A setting of the process that computes, never
 * saved with a model: a model folder stays float32.
 */
public enum Precision {
    FP32, BF16, AUTO;

    /** {@code fp32}, {@code bf16} or {@code auto}, any case; an {@link IllegalArgumentException} naming the choices. */
    public static Precision parse(String s) {
        return ChoiceNames.parse(Precision.class, "precision", s);
    }

    /** The name as written on the command line. */
    public String label() {
        return ChoiceNames.label(this);
    }
}
