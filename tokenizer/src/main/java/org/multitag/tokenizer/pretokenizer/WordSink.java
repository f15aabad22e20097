package org.multitag.tokenizer.pretokenizer;

/** Receives the words a pre-tokenizer finds, as code point ranges {@code [from, to)} of the normalized text. */
public interface WordSink {
    void word(int from, int to);
}
