/**
 * What every module shares: {@link org.multitag.core.LabelSet} (label names and their indices),
 * {@link org.multitag.core.InputException} (bad input, reported as one {@code error: FILE:LINE: ...} line with
 * exit code 2; {@code InputException.empty} the one error for an input with nothing in it),
 * {@link org.multitag.core.JsonErrors} (JSON syntax errors as {@code FILE:LINE:COLUMN} in our words),
 * {@link org.multitag.core.AtomicFiles} (outputs written to a temporary file and renamed) and
 * {@link org.multitag.core.LineReader} (UTF-8 lines, each numbered the same way everywhere).
 *
 * <p>Plain Java whose only dependency is Jackson's streaming core (for {@code JsonErrors}: every module that
 * reads JSON has it already); must not use any other multitag module or ND4J.
 */
package org.multitag.core;
