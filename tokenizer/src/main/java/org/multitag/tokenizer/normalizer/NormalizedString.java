package org.multitag.tokenizer.normalizer;

import java.util.Arrays;

/**
 * Text being normalized, kept as code points, each aligned to the range of the original Java string it came
 * from (UTF-16 indices, end exclusive).
 *
 * <p>This is what keeps offsets right: every normalization step rewrites the code points and their alignment
 * together, so a token found in the normalized text maps back to the exact characters of the input, as in
 * Hugging Face's {@code NormalizedString}. Buffers are reused across calls (one instance per thread); nothing
 * is allocated per character.
 */
public final class NormalizedString {

    private String original = "";
    private int[] cps = new int[64];
    private int[] starts = new int[64];
    private int[] ends = new int[64];
    private int length;

    // Write side of a transformation; swapped with the read side on commit.
    private int[] nCps = new int[64];
    private int[] nStarts = new int[64];
    private int[] nEnds = new int[64];
    private int nLength;
    private int maxCodePoint;

    /** Loads {@code original[from, to)} as the text to normalize, each code point aligned to itself. */
    public NormalizedString reset(String original, int from, int to) {
        this.original = original;
        ensure(to - from);
        int n = 0;
        int max = 0;
        for (int i = from; i < to; ) {
            char c = original.charAt(i);
            int cp = c;
            int next = i + 1;
            if (Character.isHighSurrogate(c) && next < to && Character.isLowSurrogate(original.charAt(next))) {
                cp = Character.toCodePoint(c, original.charAt(next));
                next++;
            }
            cps[n] = cp;
            starts[n] = i;
            ends[n] = next;
            if (cp > max) {
                max = cp;
            }
            n++;
            i = next;
        }
        length = n;
        maxCodePoint = max;
        return this;
    }

    public String original() {
        return original;
    }

    /** Number of code points in the normalized text. */
    public int length() {
        return length;
    }

    public int codePoint(int i) {
        return cps[i];
    }

    /** Start of the original range (UTF-16 index) that code point {@code i} came from. */
    public int originalStart(int i) {
        return starts[i];
    }

    /** End (exclusive) of the original range that code point {@code i} came from. */
    public int originalEnd(int i) {
        return ends[i];
    }

    /** Largest code point in the current text; lets normalizers skip work on plain ASCII. */
    public int maxCodePoint() {
        return maxCodePoint;
    }

    /** Direct read access to the code points (valid up to {@link #length()}); do not modify. */
    public int[] codePoints() {
        return cps;
    }

    /** Starts a transformation: the next {@link #emit} calls build the new text. */
    void beginTransform() {
        nLength = 0;
    }

    /** Appends one code point, aligned to {@code [start, end)} of the original. */
    void emit(int cp, int start, int end) {
        if (nLength == nCps.length) {
            int cap = nCps.length * 2;
            nCps = Arrays.copyOf(nCps, cap);
            nStarts = Arrays.copyOf(nStarts, cap);
            nEnds = Arrays.copyOf(nEnds, cap);
        }
        nCps[nLength] = cp;
        nStarts[nLength] = start;
        nEnds[nLength] = end;
        nLength++;
    }

    /** Replaces the text with what was emitted since {@link #beginTransform()}. */
    void commitTransform() {
        int[] t = cps;
        cps = nCps;
        nCps = t;
        t = starts;
        starts = nStarts;
        nStarts = t;
        t = ends;
        ends = nEnds;
        nEnds = t;
        length = nLength;
        int max = 0;
        for (int i = 0; i < length; i++) {
            if (cps[i] > max) {
                max = cps[i];
            }
        }
        maxCodePoint = max;
    }

    private void ensure(int n) {
        if (cps.length < n) {
            int cap = Math.max(n, cps.length * 2);
            cps = new int[cap];
            starts = new int[cap];
            ends = new int[cap];
            nCps = new int[cap];
            nStarts = new int[cap];
            nEnds = new int[cap];
        }
    }

    /** The normalized text as a Java string (for tests and debugging). */
    @Override
    public String toString() {
        return new String(cps, 0, length);
    }
}
