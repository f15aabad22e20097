package org.multitag.model.kernels;

/**
 * Which elements a dropout keeps, made by {@link Kernels#dropoutMask} and read only by the same implementation
 * (which keeps it where its arrays live).
 */
public interface DropoutMask {

    /** Elements covered. */
    int size();

    /** {@code 1/(1 − rate)}, the factor of kept elements. */
    float scale();

    /** Whether element {@code i} is kept (for tests and references; slow on a device). */
    boolean kept(int i);
}
