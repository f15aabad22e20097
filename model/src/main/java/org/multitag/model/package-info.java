/**
 * Multi-label token tagging on top of the network: a model folder read in one place ({@link
 * org.multitag.model.TaggingModel}: config, the head's labels, decoding setup, tokenizer, tensors), the head's labels
 * and thresholds ({@link org.multitag.model.MultiLabelHead}, {@link org.multitag.model.Thresholds}), the one batched
 * scorer from token ids to per-label probabilities ({@link org.multitag.model.TokenScorer}), which takes an input
 * longer than the limit through overlapping windows ({@link org.multitag.model.LongText}), and the tagger from text
 * or words to label sets ({@link org.multitag.model.MultiLabelTagger}), with decoding in
 * {@code org.multitag.model.decoding}. The same window plan serves the code outside the scorer ({@link
 * org.multitag.model.LongTextSplit}: the trainer's windowed examples) and the embedders ({@link
 * org.multitag.model.TokenEmbeddings}: each token's vector from the window its word is tagged from).
 *
 * <p>Uses the network ({@code org.multitag.model.nn}), the tokenizer and the weights module; no data files, no
 * evaluation, no training code.
 */
package org.multitag.model;
