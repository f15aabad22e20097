package org.multitag.serve;

import org.multitag.tokenizer.Encoding;

/**
 * A text's token embeddings: its encoding and the encoder's last hidden state, one row per token ([CLS] and [SEP]
 * included).
 *
 * @param encoding the text's tokenization (special tokens added)
 * @param lastHiddenState {@code [tokens][hidden]}
 */
public record Embedding(Encoding encoding, float[][] lastHiddenState) {
}
