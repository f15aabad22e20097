/**
 * The WordPiece model: greedy longest-match-first over a vocabulary held in a code-point trie, {@code ##}
 * continuation prefix, the unknown token for words past {@code max_input_chars_per_word} or with no match, as HF's
 * {@code WordPiece}. Tokens go to a {@link org.multitag.tokenizer.model.TokenSink}, so no list is built per word.
 */
package org.multitag.tokenizer.model;
