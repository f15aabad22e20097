package org.multitag.tokenizer;

/**
 * A token matched in the raw text before normalization and never split ({@code [CLS]}, {@code [MASK]}, ...),
 * as in tokenizer.json's {@code added_tokens}.
 *
 * @param normalized match against the normalized text instead of the raw text
 * @param singleWord only match when not inside a word
 * @param lstrip also swallow whitespace on the left
 * @param rstrip also swallow whitespace on the right
 */
public record AddedToken(String content, int id, boolean special, boolean singleWord, boolean lstrip,
        boolean rstrip, boolean normalized) {

    public AddedToken {
        if (content == null || content.isEmpty()) {
            throw new IllegalArgumentException("added token content must not be empty");
        }
    }

    /** A special token as BERT tokenizers declare them (not normalized, no stripping). */
    public static AddedToken special(String content, int id) {
        return new AddedToken(content, id, true, false, false, false, false);
    }
}
