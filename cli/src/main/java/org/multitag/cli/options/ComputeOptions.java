package org.multitag.cli.options;

import org.multitag.core.InputException;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Option;

/** {@code --threads N}: how many threads compute, for every command that runs the model. */
public final class ComputeOptions {

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "Compute threads: ND4J's matrix products and the Java kernels (default 0: all cores).")
    int threads;

    /**
     * Checks the count and sets ND4J's threads to it when it is positive; ND4J's setting is process-wide, so it is set
     * here once rather than by each model built later.
     *
     * @return the Java kernel threads for the library (0: all cores, as the library reads 0)
     */
    public int apply() {
        if (threads < 0) {
            throw new InputException("--threads must be >= 0, not " + threads);
        }
        if (threads > 0) {
            Nd4j.getEnvironment().setMaxMasterThreads(threads);
            Nd4j.getEnvironment().setMaxThreads(threads);
        }
        return threads;
    }
}
