/**
 * The {@code multitag} command line (picocli). {@link org.multitag.cli.Multitag} is the entry point and the error
 * contract: bad input is one {@code error:} line naming the file and line (or option) and exit code 2. Then one
 * package-private class per command: it reads its options, calls the library, prints. What several commands share
 * is either an option ({@code org.multitag.cli.options}), a printed table ({@code ReportTables}), strict JSON Lines
 * input ({@code JsonlInput}) or an option check ({@code Checks}).
 *
 * <p>May use every module below it: core, tokenizer, weights-import, dataset, model, eval, train. Must not hold
 * library work (reading model folders, scoring, evaluating, training steps): that lives in {@code model}
 * ({@link org.multitag.model.TaggingModel}, {@link org.multitag.model.MultiLabelTagger}), {@code eval}
 * ({@link org.multitag.eval.Evaluator}) and {@code train} ({@link org.multitag.train.FineTuner}), so the Java API
 * does whatever a command does.
 */
package org.multitag.cli;
