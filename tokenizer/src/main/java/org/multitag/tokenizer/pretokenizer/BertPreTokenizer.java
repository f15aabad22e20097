package org.multitag.tokenizer.pretokenizer;

import static org.multitag.tokenizer.normalizer.UnicodeTables.PUNCTUATION;
import static org.multitag.tokenizer.normalizer.UnicodeTables.WHITESPACE;

import org.multitag.tokenizer.normalizer.NormalizedString;
import org.multitag.tokenizer.normalizer.UnicodeTables;

/**
 * BERT's pre-tokenizer, as Hugging Face's {@code BertPreTokenizer}: split on whitespace (dropped), then make
 * every punctuation character a word of its own.
 */
public final class BertPreTokenizer implements PreTokenizer {

    @Override
    public void preTokenize(NormalizedString text, int from, int to, WordSink words) {
        int[] cps = text.codePoints();
        int start = -1;
        for (int i = from; i < to; i++) {
            int f = UnicodeTables.flags(cps[i]);
            if ((f & (WHITESPACE | PUNCTUATION)) == 0) {
                if (start < 0) {
                    start = i;
                }
                continue;
            }
            if (start >= 0) {
                words.word(start, i);
                start = -1;
            }
            if ((f & WHITESPACE) == 0) {
                words.word(i, i + 1);
            }
        }
        if (start >= 0) {
            words.word(start, to);
        }
    }
}
