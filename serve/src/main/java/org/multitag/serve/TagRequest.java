package org.multitag.serve;

import java.util.List;
import org.multitag.model.decoding.DecodingMode;

/**
 * One input to tag: a text (words from the model's pre-tokenizer) or pre-split words, and its decoding.
 *
 * @param text the text, or null for pre-split words
 * @param words the words, or null for a text
 * @param decoding the decoding mode, or null for the service's default
 */
public record TagRequest(String text, List<String> words, DecodingMode decoding) {

    public TagRequest {
        if ((text == null) == (words == null)) {
            throw new IllegalArgumentException("a tag request has a text or words, exactly one of them");
        }
        if (words != null) {
            words = List.copyOf(words);
        }
    }

    /** A text, words from the model's pre-tokenizer, the service's default decoding. */
    public static TagRequest text(String text) {
        return new TagRequest(text, null, null);
    }

    /**
     * Pre-split words, the service's default decoding. Word offsets refer to the words joined by single spaces, as
     * {@link org.multitag.model.MultiLabelTagger#tagWords} gives them.
     */
    public static TagRequest words(List<String> words) {
        return new TagRequest(null, words, null);
    }

    /** This input decoded in {@code mode} ({@code null}: the service's default decoding). */
    public TagRequest withDecoding(DecodingMode mode) {
        return new TagRequest(text, words, mode);
    }
}
