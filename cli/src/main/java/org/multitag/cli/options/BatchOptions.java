package org.multitag.cli.options;

import org.multitag.core.InputException;
import picocli.CommandLine.Option;

/**
 * {@code --batch-size N} of the commands that run the model forward only (embed, predict, eval, tune-thresholds): a
 * speed and memory knob that never changes a result. {@code train}'s batch size is a training setting and its own.
 */
public final class BatchOptions {

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "32",
            description = "Sequences per forward pass; inputs are batched by length (default: ${DEFAULT-VALUE}).")
    int batchSize;

    /** The checked batch size. */
    public int batchSize() {
        if (batchSize < 1) {
            throw new InputException("--batch-size must be >= 1, not " + batchSize);
        }
        return batchSize;
    }
}
