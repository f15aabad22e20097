package org.multitag.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The result of tokenizing one input (or pair): parallel arrays, one entry per token, as Hugging Face's
 * {@code Encoding}.
 *
 * <p>Offsets index the original Java string in UTF-16 code units, end exclusive; special and padding tokens
 * get {@code [0, 0)}. Word ids and sequence ids are {@link #NONE} (-1) where HF has {@code None}. Immutable:
 * accessors return copies.
 */
public final class Encoding {

    /** Word id / sequence id of tokens that belong to no word (special tokens, padding). */
    public static final int NONE = -1;

    private final int[] ids;
    private final int[] typeIds;
    private final String[] tokens;
    private final int[] offsetStarts;
    private final int[] offsetEnds;
    private final int[] wordIds;
    private final int[] specialTokensMask;
    private final int[] attentionMask;
    private final int[] sequenceIds;
    private final List<Encoding> overflowing;

    Encoding(int[] ids, int[] typeIds, String[] tokens, int[] offsetStarts, int[] offsetEnds, int[] wordIds,
            int[] specialTokensMask, int[] attentionMask, int[] sequenceIds, List<Encoding> overflowing) {
        this.ids = ids;
        this.typeIds = typeIds;
        this.tokens = tokens;
        this.offsetStarts = offsetStarts;
        this.offsetEnds = offsetEnds;
        this.wordIds = wordIds;
        this.specialTokensMask = specialTokensMask;
        this.attentionMask = attentionMask;
        this.sequenceIds = sequenceIds;
        this.overflowing = List.copyOf(overflowing);
    }

    static Encoding empty() {
        int[] none = new int[0];
        return new Encoding(none, none, new String[0], none, none, none, none, none, none, List.of());
    }

    public int length() {
        return ids.length;
    }

    public int[] ids() {
        return ids.clone();
    }

    public int id(int i) {
        return ids[i];
    }

    public int[] typeIds() {
        return typeIds.clone();
    }

    public String[] tokens() {
        return tokens.clone();
    }

    public String token(int i) {
        return tokens[i];
    }

    public int[] offsetStarts() {
        return offsetStarts.clone();
    }

    public int[] offsetEnds() {
        return offsetEnds.clone();
    }

    public int offsetStart(int i) {
        return offsetStarts[i];
    }

    public int offsetEnd(int i) {
        return offsetEnds[i];
    }

    /** Word index of each token within its sequence, {@link #NONE} for special and padding tokens. */
    public int[] wordIds() {
        return wordIds.clone();
    }

    public int wordId(int i) {
        return wordIds[i];
    }

    public int[] specialTokensMask() {
        return specialTokensMask.clone();
    }

    public int[] attentionMask() {
        return attentionMask.clone();
    }

    /** 0 for the first sequence, 1 for the pair, {@link #NONE} for special and padding tokens. */
    public int[] sequenceIds() {
        return sequenceIds.clone();
    }

    /** The windows cut off by truncation (each with the same special tokens and padding as this one). */
    public List<Encoding> overflowing() {
        return overflowing;
    }

    // ---- operations used by the tokenizer (all return new encodings) ----

    Encoding withTypeId(int typeId) {
        int[] t = new int[ids.length];
        Arrays.fill(t, typeId);
        return new Encoding(ids, t, tokens, offsetStarts, offsetEnds, wordIds, specialTokensMask, attentionMask,
                sequenceIds, overflowing);
    }

    Encoding withSequenceId(int sequenceId) {
        int[] s = new int[ids.length];
        Arrays.fill(s, sequenceId);
        return new Encoding(ids, typeIds, tokens, offsetStarts, offsetEnds, wordIds, specialTokensMask,
                attentionMask, s, overflowing);
    }

    Encoding withOverflowing(List<Encoding> overflow) {
        return new Encoding(ids, typeIds, tokens, offsetStarts, offsetEnds, wordIds, specialTokensMask,
                attentionMask, sequenceIds, overflow);
    }

    /** Tokens {@code [from, to)}, with no sequence ids (HF drops sequence ranges when truncating). */
    private Encoding slice(int from, int to) {
        int[] noSeq = new int[to - from];
        Arrays.fill(noSeq, NONE);
        return new Encoding(Arrays.copyOfRange(ids, from, to), Arrays.copyOfRange(typeIds, from, to),
                Arrays.copyOfRange(tokens, from, to), Arrays.copyOfRange(offsetStarts, from, to),
                Arrays.copyOfRange(offsetEnds, from, to), Arrays.copyOfRange(wordIds, from, to),
                Arrays.copyOfRange(specialTokensMask, from, to), Arrays.copyOfRange(attentionMask, from, to),
                noSeq, List.of());
    }

    /**
     * Keeps at most {@code maxLength} tokens; the rest goes to overflowing windows that overlap by
     * {@code stride} tokens (HF {@code Encoding::truncate}).
     */
    Encoding truncate(int maxLength, int stride, TruncationParams.Direction direction) {
        int n = ids.length;
        if (maxLength >= n) {
            return this;
        }
        if (maxLength == 0) {
            return empty().withOverflowing(List.of(this));
        }
        if (stride >= maxLength) {
            throw new IllegalArgumentException("stride (" + stride + ") must be smaller than the length left for "
                    + "the sequence (" + maxLength + ", special tokens excluded)");
        }
        int step = maxLength - stride;
        List<int[]> parts = new ArrayList<>();
        if (direction == TruncationParams.Direction.RIGHT) {
            for (int start = 0; start < n; start += step) {
                int stop = Math.min(start + maxLength, n);
                parts.add(new int[] {start, stop});
                if (stop == n) {
                    break;
                }
            }
        } else {
            for (int last = n - 1; last >= 0; last -= step) {
                int stop = last + 1;
                int start = Math.max(0, stop - maxLength);
                parts.add(new int[] {start, stop});
                if (start == 0) {
                    break;
                }
            }
        }
        List<Encoding> overflow = new ArrayList<>();
        for (int i = 1; i < parts.size(); i++) {
            overflow.add(slice(parts.get(i)[0], parts.get(i)[1]));
        }
        return slice(parts.get(0)[0], parts.get(0)[1]).withOverflowing(overflow);
    }

    /**
     * Concatenates encodings; overflowing windows are combined exactly as HF's {@code Encoding::merge_with} does
     * (each of ours with the other and with each of its windows, then ours with each of its windows; the copies
     * keep their own windows, so with two overflowing sequences HF nests windows inside windows, and so do we).
     */
    static Encoding merge(List<Encoding> parts) {
        Encoding acc = parts.get(0);
        for (int i = 1; i < parts.size(); i++) {
            acc = acc.mergeWith(parts.get(i));
        }
        return acc;
    }

    private Encoding mergeWith(Encoding pair) {
        List<Encoding> overflow = overflowing.isEmpty() && pair.overflowing.isEmpty() ? List.of() : new ArrayList<>();
        for (Encoding mine : overflowing) {
            overflow.add(mine.mergeWith(pair));
            for (Encoding theirs : pair.overflowing) {
                overflow.add(mine.mergeWith(theirs));
            }
        }
        for (Encoding theirs : pair.overflowing) {
            overflow.add(this.mergeWith(theirs));
        }
        return new Encoding(concat(ids, pair.ids), concat(typeIds, pair.typeIds), concat(tokens, pair.tokens),
                concat(offsetStarts, pair.offsetStarts), concat(offsetEnds, pair.offsetEnds),
                concat(wordIds, pair.wordIds), concat(specialTokensMask, pair.specialTokensMask),
                concat(attentionMask, pair.attentionMask), concat(sequenceIds, pair.sequenceIds), overflow);
    }

    /** Pads to {@code targetLength} (overflowing windows too), as HF {@code Encoding::pad}. */
    Encoding pad(int targetLength, int padId, int padTypeId, String padToken, PaddingParams.Direction direction) {
        List<Encoding> overflow = overflowing;
        if (!overflowing.isEmpty()) {
            overflow = new ArrayList<>();
            for (Encoding o : overflowing) {
                overflow.add(o.pad(targetLength, padId, padTypeId, padToken, direction));
            }
        }
        int n = ids.length;
        if (n >= targetLength) {
            return withOverflowing(overflow);
        }
        int p = targetLength - n;
        boolean left = direction == PaddingParams.Direction.LEFT;
        String[] padTokens = new String[p];
        Arrays.fill(padTokens, padToken);
        return new Encoding(padded(ids, p, padId, left), padded(typeIds, p, padTypeId, left),
                padded(tokens, padTokens, left), padded(offsetStarts, p, 0, left), padded(offsetEnds, p, 0, left),
                padded(wordIds, p, NONE, left), padded(specialTokensMask, p, 1, left),
                padded(attentionMask, p, 0, left), padded(sequenceIds, p, NONE, left), overflow);
    }

    private static int[] padded(int[] a, int p, int value, boolean left) {
        int[] out = new int[a.length + p];
        Arrays.fill(out, value);
        System.arraycopy(a, 0, out, left ? p : 0, a.length);
        return out;
    }

    private static String[] padded(String[] a, String[] pad, boolean left) {
        return left ? concat(pad, a) : concat(a, pad);
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Override
    public String toString() {
        return "Encoding" + Arrays.toString(tokens) + " ids=" + Arrays.toString(ids)
                + (overflowing.isEmpty() ? "" : " +" + overflowing.size() + " overflowing");
    }
}
