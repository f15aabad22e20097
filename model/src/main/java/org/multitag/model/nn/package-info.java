/**
 * The BERT network, one forward and one backward for inference and training (llm.c style): each block ({@code
 * Embeddings}, {@code Dense}, {@code LayerNorm}, {@code SelfAttention}, {@code AddNorm}, {@code FeedForward},
 * {@code EncoderLayer}, {@code TokenHead}, {@code Dropout}) has a {@code forward} that saves what its backward
 * needs when the {@link org.multitag.model.nn.Pass} asks for it, and a {@code backward} that accumulates into
 * {@link org.multitag.model.nn.Gradients}. Blocks are package-private; the public types are the inputs ({@link
 * org.multitag.model.nn.Batch}: Hugging Face's input_ids, token_type_ids, attention_mask, position_ids), the weights
 * ({@link org.multitag.model.nn.BertWeights}), the two models ({@link org.multitag.model.nn.BertEncoder}, {@link
 * org.multitag.model.nn.TokenClassifier}) and what training reads from them (gradients, parameters, freezing).
 *
 * <p>Uses the kernels ({@code org.multitag.model.kernels}), ND4J's gemm and the weights module's names and
 * configs; nothing of tokenizers, labels, data files, losses or optimizers.
 */
package org.multitag.model.nn;
