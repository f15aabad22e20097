/**
 * Optimisation: {@link org.multitag.train.optim.AdamW} (torch's, decoupled weight decay, state that a checkpoint
 * saves and restores bit for bit), {@link org.multitag.train.optim.LinearWarmupDecay} (the learning-rate schedule),
 * {@link org.multitag.train.optim.GradientClipping} (global norm); the package-private {@code DenseBuffers} reads a
 * dense array's native memory as one buffer, so the update runs over plain positions.
 *
 * <p>Uses ND4J arrays and the model's native array helpers only; knows nothing of models, losses, data or the loop.
 */
package org.multitag.train.optim;
