package org.multitag.model;

import java.util.List;

/**
 * One input longer than the limit split into windows by the scorer's own rule ({@link TokenScorer#scoreWords}), for
 * the code outside the scorer that must window the same way: the trainer (each labelled token trained once, in the
 * window it takes its probabilities from) and the embedders (each token's vector from that same window). The windows
 * are cut between words and overlap by at least the stride; every input token has exactly one <em>source</em> window,
 * the one where its word is most central (see {@link LongText#WINDOW}).
 */
public final class LongTextSplit {

    private final LongTextWindows windows;
    private final int length;
    /** For each window, the input token at each of its positions. */
    private final int[][] inputTokens;

    private LongTextSplit(LongTextWindows windows, int length) {
        this.windows = windows;
        this.length = length;
        int size = windows.size();
        this.inputTokens = new int[size][];
        // the leading special tokens sit before the first window's content, at the same places in every window
        int prefix = windows.span(0)[0];
        int to = windows.span(size - 1)[1];
        for (int k = 0; k < size; k++) {
            int[] span = windows.span(k);
            int width = span[1] - span[0];
            int[] map = new int[windows.ids(k).length];
            for (int j = 0; j < map.length; j++) {
                map[j] = j < prefix ? j : j < prefix + width ? span[0] + j - prefix : to + j - prefix - width;
            }
            inputTokens[k] = map;
        }
    }

    /**
     * Splits one input into windows of at most {@code maxLength} tokens.
     *
     * @param ids the input's token ids, special tokens included
     * @param types its type ids (null: all 0)
     * @param words for each token its word's index, or -1 for a special token (repeated around every window)
     * @param stride tokens consecutive windows share, at least, where word boundaries allow (negative:
     *     {@link LongText#defaultStride})
     * @throws IllegalArgumentException when the special tokens leave no room or the stride does not fit the window
     */
    public static LongTextSplit of(int[] ids, int[] types, int[] words, int maxLength, int stride) {
        int s = stride < 0 ? LongText.defaultStride(maxLength) : stride;
        return new LongTextSplit(LongTextWindows.split(ids, types, words, maxLength, s), ids.length);
    }

    /** Tokens of the input. */
    public int length() {
        return length;
    }

    /** Number of windows. */
    public int size() {
        return windows.size();
    }

    /** Window {@code k}'s token ids, special tokens included. */
    public int[] ids(int k) {
        return windows.ids(k).clone();
    }

    /** Window {@code k}'s type ids (null when the input had none). */
    public int[] types(int k) {
        int[] t = windows.types(k);
        return t == null ? null : t.clone();
    }

    /** For each position of window {@code k}, the input token there. */
    public int[] inputTokens(int k) {
        return inputTokens[k].clone();
    }

    /** The window input token {@code t} takes its probabilities (and its embedding) from. */
    public int sourceWindow(int t) {
        return windows.sourceWindow(t);
    }

    /**
     * For each position of window {@code k}, the input token whose row comes from there, or -1 where the token takes
     * its row from another window.
     */
    public int[] sourceTokens(int k) {
        int[] map = inputTokens[k].clone();
        for (int j = 0; j < map.length; j++) {
            if (windows.sourceWindow(map[j]) != k) {
                map[j] = -1;
            }
        }
        return map;
    }

    /**
     * The input's per-token rows, each taken from its source window ({@code perWindow}: one {@code [tokens][...]}
     * array per window, in window order; rows are shared, not copied).
     */
    public float[][] stitch(List<float[][]> perWindow) {
        return windows.stitch(perWindow);
    }
}
