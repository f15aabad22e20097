/**
 * Between labels on words or character spans and labels on tokens: {@link
 * org.multitag.tokenizer.labels.LabelAlignment} turns word- or span-level label sets into per-token multi-hot
 * targets and a loss mask (first sub-token, or all sub-tokens), and token predictions back into {@link
 * org.multitag.tokenizer.labels.WordPrediction}s with character offsets. Uses the tokenizer's {@code Encoding}
 * (word ids, offsets); no model code.
 */
package org.multitag.tokenizer.labels;
