/**
 * The training loss: {@link org.multitag.train.loss.BceWithLogitsLoss}, torch's {@code BCEWithLogitsLoss} over
 * per-token label rows with a token mask and an optional per-label {@code pos_weight} (forward, and backward into the
 * logits' gradient), checked against PyTorch.
 *
 * <p>Uses ND4J arrays and the model's native array helpers only; knows nothing of models, data or the loop.
 */
package org.multitag.train.loss;
