/**
 * Options several commands share, as picocli mixins with one help text each: {@link
 * org.multitag.cli.options.ModelOption} ({@code --model NAME|DIR}), {@link org.multitag.cli.options.ComputeOptions}
 * ({@code --threads}), {@link org.multitag.cli.options.LengthOptions} ({@code --max-length}, {@code --truncate}),
 * {@link org.multitag.cli.options.BatchOptions} ({@code --batch-size} of the forward-only commands). Each checks its
 * own values; a bad one is an {@link org.multitag.core.InputException} naming the option.
 *
 * <p>May use core, weights-import (model names), dataset (reader options), model ({@code TaggingModel}) and ND4J
 * (the thread setting). Must not use the command classes: a command composes mixins, never the other way round.
 */
package org.multitag.cli.options;
