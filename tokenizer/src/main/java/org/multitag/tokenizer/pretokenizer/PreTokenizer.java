package org.multitag.tokenizer.pretokenizer;

import org.multitag.tokenizer.normalizer.NormalizedString;

/** Splits normalized text into words; the model then tokenizes each word on its own. */
public interface PreTokenizer {
    /** Splits code points {@code [from, to)} of {@code text}. */
    void preTokenize(NormalizedString text, int from, int to, WordSink words);
}
