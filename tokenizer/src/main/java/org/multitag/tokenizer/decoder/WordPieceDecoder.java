package org.multitag.tokenizer.decoder;

import java.util.List;

/**
 * Turns WordPiece tokens back into text as HF's {@code WordPiece} decoder: continuation pieces lose their
 * prefix and join the previous piece, other tokens are preceded by a space, and with {@code cleanup} the
 * spaces BERT put before punctuation and contractions are removed.
 */
public final class WordPieceDecoder {

    private final String prefix;
    private final boolean cleanup;

    public WordPieceDecoder(String prefix, boolean cleanup) {
        this.prefix = prefix;
        this.cleanup = cleanup;
    }

    public String decode(List<String> tokens) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i);
            if (i != 0) {
                token = token.startsWith(prefix) ? token.substring(prefix.length()) : " " + token;
            }
            if (cleanup) {
                token = cleanup(token);
            }
            sb.append(token);
        }
        return sb.toString();
    }

    /** The same replacements, in the same order, as HF's {@code decoders::wordpiece::cleanup}. */
    static String cleanup(String s) {
        return s.replace(" .", ".").replace(" ?", "?").replace(" !", "!").replace(" ,", ",")
                .replace(" ' ", "'").replace(" n't", "n't").replace(" 'm", "'m").replace(" do not", " don't")
                .replace(" 's", "'s").replace(" 've", "'ve").replace(" 're", "'re");
    }
}
