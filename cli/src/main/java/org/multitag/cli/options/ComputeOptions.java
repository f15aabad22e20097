package org.multitag.cli.options;

import org.multitag.core.InputException;
import org.multitag.model.kernels.ComputeSetting;
import org.multitag.model.kernels.KernelChoice;
import org.multitag.model.kernels.Precision;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Option;

/**
 * {@code --threads N}, {@code --kernels} and {@code --precision}: how the model computes, for every command that runs
 * it. The kernels and precision default to the environment's {@code MULTITAG_KERNELS} and {@code MULTITAG_PRECISION}.
 */
public final class ComputeOptions {

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "Compute threads: ND4J's matrix products and the Java kernels (default 0: all cores).")
    int threads;

    @Option(names = "--kernels", paramLabel = "auto|java|nd4j",
            description = "Kernel implementation: java (Vector API, host memory, CPU backend only), nd4j (ND4J ops"
                    + " only, any backend), auto (java on the CPU backend, else nd4j). Default: MULTITAG_KERNELS,"
                    + " else auto.")
    String kernels;

    @Option(names = "--precision", paramLabel = "fp32|bf16|auto",
            description = "Matrix products in float32, or bf16 mixed precision (float32 master weights, norms,"
                    + " softmax, loss); auto: bf16 where the CPU runs it faster. Default: MULTITAG_PRECISION, else"
                    + " fp32.")
    String precision;

    /**
     * Checks the options, sets ND4J's threads when the count is positive (ND4J's setting is process-wide, so it is
     * set here once rather than by each model built later) and makes the kernels and precision the process default
     * every model built later takes.
     *
     * @return the Java kernel threads for the library (0: all cores, as the library reads 0)
     */
    public int apply() {
        if (threads < 0) {
            throw new InputException("--threads must be >= 0, not " + threads);
        }
        ComputeSetting setting;
        try {
            // from the environment, not the process default: an earlier command in this JVM may have set that
            setting = ComputeSetting.fromEnvironment();
        } catch (IllegalArgumentException e) {
            throw new InputException(e.getMessage());
        }
        try {
            if (kernels != null) {
                setting = setting.withKernels(KernelChoice.parse(kernels));
            }
            if (precision != null) {
                setting = setting.withPrecision(Precision.parse(precision));
            }
        } catch (IllegalArgumentException e) {
            throw new InputException("--" + e.getMessage());
        }
        ComputeSetting.setDefaults(setting.withThreads(threads));
        if (threads > 0) {
            Nd4j.getEnvironment().setMaxMasterThreads(threads);
            Nd4j.getEnvironment().setMaxThreads(threads);
        }
        return threads;
    }
}
