package org.multitag.tokenizer.model;

/** Receives the tokens a model produces: id, and the original range (UTF-16, end exclusive) it covers. */
public interface TokenSink {
    void token(int id, int originalStart, int originalEnd);

    /** Drops the last {@code n} tokens received (a word that turned out not to match). */
    void discard(int n);
}
