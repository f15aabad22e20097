/**
 * Hugging Face {@code tokenizers} for the BERT family, in Java, giving the same encodings: {@link
 * org.multitag.tokenizer.Tokenizer} runs normalizer, pre-tokenizer, WordPiece model and post-processor in
 * HF's order, with added (special) tokens, truncation with stride and overflow, and padding; {@link
 * org.multitag.tokenizer.Encoding} holds what HF's {@code Encoding} holds (ids, type ids, attention mask, special
 * tokens mask, offsets, word ids, sequence ids, overflowing parts). {@link org.multitag.tokenizer.TokenizerLoader}
 * reads {@code tokenizer.json} (or a {@code vocab.txt} with BERT's defaults) and rejects any component
 * it does not implement, by name.
 *
 * <p>Uses Jackson for the JSON and the core module; no ND4J, no model code. The pipeline stages live in the
 * sub-packages; labels on tokens in {@code labels}.
 */
package org.multitag.tokenizer;
