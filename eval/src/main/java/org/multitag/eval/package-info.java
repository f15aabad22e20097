/**
 * Scoring predictions against gold labels. {@link org.multitag.eval.Evaluator} is the front door: a
 * {@link org.multitag.model.TokenScorer} and labelled data in, a report per decoding out. Below it,
 * {@link org.multitag.eval.MultiLabelMetrics} (micro and macro P/R/F1, per-label {@link org.multitag.eval.LabelScores},
 * Hamming loss, subset accuracy) into an {@link org.multitag.eval.EvaluationReport}; the official CoNLL 2018
 * UPOS/UFeats scores ({@link org.multitag.eval.UdMetrics}) and CoNLL-U output ({@link org.multitag.eval.ConlluWriter});
 * trivial {@link org.multitag.eval.Baselines}; tuning each label's threshold (package-private {@code ThresholdTuner})
 * and picking the decoding mode ({@link org.multitag.eval.DecodingTuner}).
 *
 * <p>Works on {@link org.multitag.data.Example}s and the probabilities the scorer it is given computes: may use
 * {@code core}, {@code tokenizer}, {@code data} and {@code model} (the scorer, thresholds and decoding). Must not use
 * training code ({@code org.multitag.train}): scoring a model does not pull in the trainer.
 */
package org.multitag.eval;
