/**
 * Fine-tuning's front door: {@link org.multitag.train.FineTuner} reads a model folder (a {@link
 * org.multitag.model.TaggingModel}), turns records or data files into examples aligned to one label set, starts the
 * head from the folder's or a new one, and runs the loop ({@code org.multitag.train.loop}).
 *
 * <p>May use core, tokenizer, weights-import, dataset, model, eval and the sub-packages {@code loop}, {@code loss},
 * {@code optim}. Nothing below it may use it: model, eval and dataset never import training code, so scoring a model
 * does not pull in the trainer.
 */
package org.multitag.train;
