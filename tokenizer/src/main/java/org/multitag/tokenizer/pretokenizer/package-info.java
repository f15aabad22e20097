/**
 * HF's {@code BertPreTokenizer}: split on whitespace, each punctuation character its own word, offsets kept.
 * Words go to a {@link org.multitag.tokenizer.pretokenizer.WordSink}; uses the normalizer's tables only.
 */
package org.multitag.tokenizer.pretokenizer;
