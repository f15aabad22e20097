package org.multitag.model.nn;

import org.multitag.model.kernels.Kernels;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What every block needs to run: the kernels and the scratch buffers shared by all blocks of one model (names
 * reused from layer to layer). One per model; not thread-safe.
 */
record Compute(Kernels kernels, Buffers scratch) implements AutoCloseable {

    /**
     * The array a block writes {@code name} into: its own saved buffer when the pass keeps it for backward, else
     * the shared scratch buffer of that name.
     */
    INDArray output(Pass pass, Buffers saved, String name, long... shape) {
        return pass.saves() ? saved.get(name, shape) : scratch.get(name, shape);
    }

    @Override
    public void close() {
        kernels.close();
        scratch.close();
    }
}
