package org.multitag.model.kernels;

/**
 * Which implementation of {@link Kernels} runs the model: {@code java} (the Java Vector API or scalar kernels over
 * host memory: ND4J's CPU backend only), {@code nd4j} (kernels made of ND4J ops alone: any ND4J backend, CUDA
 * included), or {@code auto} ({@code java} on the CPU backend, {@code nd4j} on any other).
 */
public enum KernelChoice {
    AUTO, JAVA, ND4J;

    /** {@code auto}, {@code java} or {@code nd4j}, any case; an {@link IllegalArgumentException} naming the choices. */
    public static KernelChoice parse(String s) {
        return ChoiceNames.parse(KernelChoice.class, "kernels", s);
    }

    /** This choice with {@code auto} resolved against the ND4J backend this process loaded. */
    public KernelChoice resolved() {
        if (this != AUTO) {
            return this;
        }
        return ComputeSetting.cpuBackend() ? JAVA : ND4J;
    }

    /** The name as written on the command line. */
    public String label() {
        return ChoiceNames.label(this);
    }
}
