package org.multitag.tokenizer.normalizer;

/** One normalization stage: rewrites a {@link NormalizedString} in place, keeping its alignment. */
public interface Normalizer {
    void normalize(NormalizedString text);
}
