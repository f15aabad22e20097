/**
 * The training loop: {@link org.multitag.train.loop.Trainer} (shuffled, length-grouped batches; forward and
 * backward through {@link org.multitag.model.nn.TokenClassifier}; clipping, AdamW, the schedule; each epoch's dev
 * evaluation through {@link org.multitag.eval.Evaluator} on the same {@link org.multitag.model.TokenScorer}
 * inference uses; the best epoch kept; the decoding tuned on dev), {@link org.multitag.train.loop.TrainOptions},
 * {@link org.multitag.train.loop.Checkpoint} (bit-exact resume). Package-private helpers: {@code Batches} (padded
 * inputs, targets, loss mask), {@code ModelWriter} (the trained Hugging Face folder), {@code MetricsLog}
 * ({@code metrics.jsonl}), {@code TrainingCurve} (JFreeChart), {@code ProgressBar}.
 *
 * <p>May use dataset, model, eval, weights-import, {@code train.loss}, {@code train.optim} and JFreeChart. Must not
 * run the network any other way than through {@code TokenClassifier} (one forward path for training, evaluation and
 * inference), nor read or write files outside the run folder it is given.
 */
package org.multitag.train.loop;
