package org.multitag.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The reference: Hugging Face tokenizers (Rust) through DJL, and a field-by-field comparison of its encodings
 * with ours. DJL reports offsets in code points, ours are UTF-16 units; they are converted before comparing.
 */
final class HfReference {

    private HfReference() {}

    /** HF tokenizer for {@code file}, with no truncation and no padding. */
    static HuggingFaceTokenizer plain(Path file) {
        return build(HuggingFaceTokenizer.builder().optTokenizerPath(file).optTruncation(false).optPadding(false));
    }

    static HuggingFaceTokenizer build(HuggingFaceTokenizer.Builder b) {
        try {
            return b.build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Compares every field (and the overflowing encodings, recursively); returns {@code null} when identical,
     * else a description of the first difference.
     */
    static String diff(String text, String pair, ai.djl.huggingface.tokenizers.Encoding hf, Encoding ours) {
        List<String> problems = new ArrayList<>();
        compare("", text, pair, hf, ours, problems);
        return problems.isEmpty() ? null : String.join("; ", problems);
    }

    private static void compare(String where, String text, String pair, ai.djl.huggingface.tokenizers.Encoding hf,
            Encoding ours, List<String> problems) {
        int[] hfIds = toInt(hf.getIds());
        if (!Arrays.equals(hfIds, ours.ids())) {
            problems.add(where + "ids hf=" + Arrays.toString(hf.getTokens()) + Arrays.toString(hfIds)
                    + " ours=" + Arrays.toString(ours.tokens()) + Arrays.toString(ours.ids()));
            return;
        }
        check(where + "tokens", Arrays.asList(hf.getTokens()), Arrays.asList(ours.tokens()), problems);
        check(where + "type_ids", toInt(hf.getTypeIds()), ours.typeIds(), problems);
        check(where + "word_ids", toInt(hf.getWordIds()), ours.wordIds(), problems);
        check(where + "special_tokens_mask", toInt(hf.getSpecialTokenMask()), ours.specialTokensMask(), problems);
        check(where + "attention_mask", toInt(hf.getAttentionMask()), ours.attentionMask(), problems);
        check(where + "sequence_ids", toInt(hf.getSequenceIds()), ours.sequenceIds(), problems);
        CharSpan[] spans = hf.getCharTokenSpans();
        int[] hfOffsets = new int[spans.length * 2];
        int[] ourOffsets = new int[spans.length * 2];
        int[] seq = ours.sequenceIds();
        int[] type = ours.typeIds();
        for (int i = 0; i < spans.length; i++) {
            hfOffsets[2 * i] = spans[i] == null ? 0 : spans[i].getStart();
            hfOffsets[2 * i + 1] = spans[i] == null ? 0 : spans[i].getEnd();
            // Offsets refer to the text of the token's own sequence.
            String source = pair != null && (seq[i] == 1 || (seq[i] == Encoding.NONE && type[i] == 1)) ? pair : text;
            ourOffsets[2 * i] = source.codePointCount(0, Math.min(ours.offsetStart(i), source.length()));
            ourOffsets[2 * i + 1] = source.codePointCount(0, Math.min(ours.offsetEnd(i), source.length()));
        }
        check(where + "offsets", hfOffsets, ourOffsets, problems);
        ai.djl.huggingface.tokenizers.Encoding[] hfOverflow = hf.getOverflowing();
        int hfN = hfOverflow == null ? 0 : hfOverflow.length;
        if (hfN != ours.overflowing().size()) {
            problems.add(where + "overflowing count hf=" + hfN + " ours=" + ours.overflowing().size());
            return;
        }
        for (int i = 0; i < hfN; i++) {
            compare(where + "overflowing[" + i + "].", text, pair, hfOverflow[i], ours.overflowing().get(i), problems);
        }
    }

    private static void check(String field, Object hf, Object ours, List<String> problems) {
        boolean same = hf instanceof int[] a ? Arrays.equals(a, (int[]) ours) : hf.equals(ours);
        if (!same) {
            problems.add(field + " hf=" + str(hf) + " ours=" + str(ours));
        }
    }

    private static String str(Object o) {
        return o instanceof int[] a ? Arrays.toString(a) : String.valueOf(o);
    }

    static int[] toInt(long[] a) {
        int[] out = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (int) a[i];
        }
        return out;
    }
}
