package org.multitag.model;

/**
 * What every block needs to run: the kernels, the Java threads they use and the reusable scratch buffers.
 * One per encoder; not thread-safe (one forward at a time).
 */
public record Compute(Kernels kernels, Parallel parallel, Buffers buffers) implements AutoCloseable {

    /** The best kernels with {@code threads} Java threads (ND4J's gemm threads are set separately). */
    public static Compute create(int threads) {
        return new Compute(Kernels.get(), new Parallel(threads), new Buffers());
    }

    @Override
    public void close() {
        parallel.close();
        buffers.close();
    }
}
