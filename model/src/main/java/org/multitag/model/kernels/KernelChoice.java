package org.multitag.model.kernels;

import java.util.Locale;

/**
 * Which implementation of {@link Kernels} runs the model: {@code java} (the Java Vector API or scalar kernels over
 * host memory: ND4J's CPU backend only), {@code nd4j} (kernels made of ND4J ops alone: any ND4J backend, CUDA
 * included), or {@code auto} ({@code java} on the CPU backend, {@code nd4j} on any other).
 */
public enum KernelChoice {
    AUTO, JAVA, ND4J;

    /** {@code auto}, {@code java} or {@code nd4j}, any case; an {@link IllegalArgumentException} naming the choices. */
    public static KernelChoice parse(String s) {
        for (KernelChoice k : values()) {
            if (k.name().equalsIgnoreCase(s.trim())) {
                return k;
            }
        }
        throw new IllegalArgumentException("kernels must be auto, java or nd4j, not \"" + s + "\"");
    }

    /** The name as written on the command line. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
