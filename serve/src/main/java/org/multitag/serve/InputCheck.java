package org.multitag.serve;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import org.multitag.core.InputException;
import org.multitag.model.decoding.Decoder;
import org.multitag.model.decoding.Decoding;
import org.multitag.model.decoding.DecodingMode;
import org.multitag.tokenizer.Encoding;
import org.multitag.tokenizer.Tokenizer;

/**
 * What a caller's thread does to an input before it is queued: tokenize it (with the tagger's tokenizer, truncating
 * when the service truncates), check its length and find its decoder, so a bad input is the caller's
 * {@link InputException} at once, naming the input, and never reaches the model thread. The tokenizer is thread-safe;
 * the decoders are only read here (the model thread runs them).
 */
final class InputCheck {

    private final Tokenizer tokenizer;
    private final int maxLength;
    /** Whether inputs over the limit (tag and embedding requests alike) go through windows. */
    private final boolean windows;
    private final Decoding decoding;
    private final Decoder defaultDecoder;
    private final Map<DecodingMode, Decoder> decoders = new EnumMap<>(DecodingMode.class);

    /**
     * @throws IllegalArgumentException when the setup's default mode is one it cannot decode in
     */
    InputCheck(Tokenizer tokenizer, int maxLength, boolean windows, Decoding decoding) {
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
        this.windows = windows;
        this.decoding = decoding;
        for (DecodingMode m : decoding.modes()) {
            decoders.put(m, decoding.decoder(m));
        }
        this.defaultDecoder = decoding.decoder(null);
    }

    int maxLength() {
        return maxLength;
    }

    /** The request's encoding, checked; {@code which} names the input in a message ("input", "input 3"). */
    Encoding encode(String which, TagRequest r) {
        if (r.text() != null) {
            return checkWindowedLength(which, encodeText(which, r.text()));
        }
        try {
            return checkWindowedLength(which, tokenizer.encodeWords(r.words(), true));
        } catch (IllegalArgumentException e) {
            throw new InputException(which, e.getMessage());
        }
    }

    /** A text's encoding, not checked for length. */
    Encoding encodeText(String which, String text) {
        Objects.requireNonNull(text, "text");
        try {
            return tokenizer.encode(text, null, true);
        } catch (IllegalArgumentException e) {
            throw new InputException(which, e.getMessage());
        }
    }

    /** A text to embed, encoded and checked (as a text to tag). */
    Encoding encodeEmbedding(String which, String text) {
        return checkWindowedLength(which, encodeText(which, text));
    }

    /** {@code e}, checked against the limit unless longer inputs go through windows. */
    private Encoding checkWindowedLength(String which, Encoding e) {
        return windows ? e : checkLength(which, e);
    }

    private Encoding checkLength(String which, Encoding e) {
        if (e.length() > maxLength) {
            throw new InputException(which, e.length() + " tokens, more than the limit of " + maxLength
                    + " (shorten it, or ask for truncation)");
        }
        return e;
    }

    /** The decoder of {@code mode} (null: the setup's default). */
    Decoder decoder(String which, DecodingMode mode) {
        if (mode == null) {
            return defaultDecoder;
        }
        Decoder d = decoders.get(mode);
        if (d == null) {
            try {
                decoding.decoder(mode); // says why the setup lacks it
            } catch (IllegalArgumentException e) {
                throw new InputException(which, e.getMessage());
            }
            throw new IllegalStateException("no decoder for " + mode);
        }
        return d;
    }
}
