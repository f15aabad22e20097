package org.multitag.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One input longer than the limit, split into overlapping windows that each fit, and the rule that puts the
 * windows' probabilities back together. The input's leading and trailing special tokens (word id -1: {@code [CLS]},
 * {@code [SEP]}) are repeated around every window, as Hugging Face's overflowing encodings do; the tokens between
 * them are cut only where a word starts, so a word's sub-tokens stay in one window (a word with more sub-tokens than
 * a window holds is the one exception: it is cut where the window ends). Consecutive windows share at least
 * {@code stride} tokens where word boundaries allow it.
 *
 * <p>Each word takes all its tokens' probabilities from one window ({@link WindowMerge#CENTRAL}, the default):
 * among the windows that hold the whole word, the one where it is most central, that is where the smaller of its
 * left and right context (in tokens, inside the window) is largest; the earlier window on a tie.
 * {@link WindowMerge#AVERAGE}, the mean over every window that holds the word, was the other candidate. The reasons
 * for one window: a word's probabilities then are exactly those of one real forward pass (decoding, thresholds and
 * label-set rules were tuned on such outputs; an average of sigmoids is a different, smoother distribution), the
 * window where a word sits nearest the middle is the one where the bidirectional encoder sees the most of its context
 * on both sides, and an average mixes in windows where the word sits at the very edge. Measured on UD English EWT
 * dev read as documents (318 {@code # newdoc} groups, 25,147 words; all-MiniLM-L6-v2 fine-tuned 1 epoch, groups
 * decoding; official UPOS / UFeats), central against average: windows of 128 tokens (59 documents windowed, 3.8
 * windows each) 94.56 / 93.52 % against 94.50 / 93.47 %; of 64 (99 windowed, 5.3 each) 94.63 / 93.67 % against
 * 94.63 / 93.55 %; of 512 (9 windowed, 2.2 each) 93.80 / 92.23 % against 93.81 / 92.19 %. The two are within a few
 * words of each other and central is never behind by more than 0.01 point, so it stays: one real pass, same or
 * better figures ({@code benchmarks/results/amd-epyc/2026-12-06/long-text-documents.md}).
 */
final class LongTextWindows {

    private final List<int[]> spans;
    private final int[][] windowIds;
    private final int[][] windowTypes;
    /** For each token of the input: the window its probabilities come from, and its index there. */
    private final int[] sourceWindow;
    private final int[] sourceIndex;

    private LongTextWindows(List<int[]> spans, int[][] windowIds, int[][] windowTypes, int[] sourceWindow,
            int[] sourceIndex) {
        this.spans = spans;
        this.windowIds = windowIds;
        this.windowTypes = windowTypes;
        this.sourceWindow = sourceWindow;
        this.sourceIndex = sourceIndex;
    }

    /**
     * Splits one input into windows of at most {@code maxLength} tokens.
     *
     * @param ids the input's token ids, special tokens included
     * @param types its type ids (null: all 0)
     * @param words for each token its word's index, or -1 for a special token
     * @param stride tokens that consecutive windows share (at least, where word boundaries allow)
     * @throws IllegalArgumentException when the special tokens leave no room for content or the stride is not
     *     smaller than the content a window holds
     */
    static LongTextWindows split(int[] ids, int[] types, int[] words, int maxLength, int stride) {
        int n = ids.length;
        if (words.length != n || (types != null && types.length != n)) {
            throw new IllegalArgumentException(n + " ids but " + words.length + " word ids"
                    + (types == null ? "" : " and " + types.length + " type ids"));
        }
        int prefix = 0;
        while (prefix < n && words[prefix] < 0) {
            prefix++;
        }
        int suffix = 0;
        while (suffix < n - prefix && words[n - 1 - suffix] < 0) {
            suffix++;
        }
        int from = prefix;
        int to = n - suffix;
        int budget = maxLength - prefix - suffix;
        if (budget < 1 || from >= to) {
            throw new IllegalArgumentException("an input of " + n + " tokens with " + (prefix + suffix)
                    + " special tokens around it cannot be split into windows of " + maxLength + " tokens");
        }
        if (stride < 0 || stride >= budget) {
            throw new IllegalArgumentException("the stride (" + stride + ") must be in [0, " + budget + "): a window "
                    + "of " + maxLength + " tokens holds " + budget + " besides its special tokens");
        }
        // where a unit (a word's sub-tokens, or one special token in the middle) starts; the end closes the list
        int[] bounds = unitStarts(words, from, to);

        List<int[]> spans = new ArrayList<>();
        int start = from;
        while (true) {
            int end = lastBoundAtMost(bounds, start + budget, start);
            if (end <= start) {
                end = start + budget; // one unit longer than a window: cut inside it
            }
            spans.add(new int[] {start, end});
            if (end >= to) {
                break;
            }
            start = nextStart(bounds, start, end, stride, budget);
        }

        int[][] wIds = new int[spans.size()][];
        int[][] wTypes = types == null ? null : new int[spans.size()][];
        for (int k = 0; k < spans.size(); k++) {
            wIds[k] = window(ids, spans.get(k), prefix, to, n);
            if (types != null) {
                wTypes[k] = window(types, spans.get(k), prefix, to, n);
            }
        }

        int[] srcWindow = new int[n];
        int[] srcIndex = new int[n];
        for (int t = 0; t < prefix; t++) {
            srcWindow[t] = 0;
            srcIndex[t] = t;
        }
        int last = spans.size() - 1;
        int lastWidth = spans.get(last)[1] - spans.get(last)[0];
        for (int t = to; t < n; t++) {
            srcWindow[t] = last;
            srcIndex[t] = prefix + lastWidth + (t - to);
        }
        for (int u = 0; u + 1 < bounds.length; u++) {
            int a = bounds[u];
            int b = bounds[u + 1];
            int k = mostCentral(spans, a, b);
            for (int t = a; t < b; t++) {
                // a unit no window holds whole (cut inside it): each token from its own most central window
                int kt = k >= 0 ? k : mostCentral(spans, t, t + 1);
                srcWindow[t] = kt;
                srcIndex[t] = prefix + t - spans.get(kt)[0];
            }
        }
        return new LongTextWindows(spans, wIds, wTypes, srcWindow, srcIndex);
    }

    private static int[] unitStarts(int[] words, int from, int to) {
        int[] b = new int[to - from + 1];
        int count = 0;
        for (int t = from; t < to; t++) {
            if (t == from || words[t] < 0 || words[t] != words[t - 1]) {
                b[count++] = t;
            }
        }
        b[count++] = to;
        return Arrays.copyOf(b, count);
    }

    /** The largest bound that is at most {@code limit} and more than {@code above}; {@code above} when none. */
    private static int lastBoundAtMost(int[] bounds, int limit, int above) {
        int best = above;
        for (int b : bounds) {
            if (b > limit) {
                break;
            }
            if (b > above) {
                best = b;
            }
        }
        return best;
    }

    /**
     * Where the window after {@code [start, end)} starts: the last word start that leaves at least {@code stride}
     * tokens of overlap, moved right as far as needed for the next window to hold the first word the previous one
     * left out (else windows would creep forward a word at a time in front of a long word).
     */
    private static int nextStart(int[] bounds, int start, int end, int stride, int budget) {
        if (Arrays.binarySearch(bounds, end) < 0) {
            return end; // the previous window cut a word longer than a window: go on where it stopped
        }
        int lowest = firstBoundAfter(bounds, end) - budget;
        int next = lastBoundAtMost(bounds, end - stride, start);
        if (next < lowest) {
            next = Math.min(end, firstBoundAfter(bounds, lowest - 1));
        }
        return next;
    }

    private static int firstBoundAfter(int[] bounds, int above) {
        for (int b : bounds) {
            if (b > above) {
                return b;
            }
        }
        return bounds[bounds.length - 1];
    }

    private static int[] window(int[] row, int[] span, int prefix, int to, int n) {
        int width = span[1] - span[0];
        int[] w = new int[prefix + width + (n - to)];
        System.arraycopy(row, 0, w, 0, prefix);
        System.arraycopy(row, span[0], w, prefix, width);
        System.arraycopy(row, to, w, prefix + width, n - to);
        return w;
    }

    /** The window holding tokens [a, b) whole with the most context on its poorer side; -1 when none holds them. */
    private static int mostCentral(List<int[]> spans, int a, int b) {
        int best = -1;
        int bestContext = -1;
        for (int k = 0; k < spans.size(); k++) {
            int[] s = spans.get(k);
            if (s[0] <= a && b <= s[1]) {
                int context = Math.min(a - s[0], s[1] - b);
                if (context > bestContext) {
                    best = k;
                    bestContext = context;
                }
            }
        }
        return best;
    }

    int size() {
        return windowIds.length;
    }

    /** The input tokens window {@code k} holds besides the special tokens: {@code [from, to)}. */
    int[] span(int k) {
        return spans.get(k).clone();
    }

    /** Window {@code k}'s token ids, special tokens included. */
    int[] ids(int k) {
        return windowIds[k];
    }

    /** Window {@code k}'s type ids (null when the input had none). */
    int[] types(int k) {
        return windowTypes == null ? null : windowTypes[k];
    }

    /** Which window token {@code t} of the input takes its probabilities from. */
    int sourceWindow(int t) {
        return sourceWindow[t];
    }

    /** The input's per-token rows, each taken from its token's window ({@code perWindow} in window order). */
    float[][] stitch(List<float[][]> perWindow) {
        float[][] out = new float[sourceWindow.length][];
        for (int t = 0; t < out.length; t++) {
            out[t] = perWindow.get(sourceWindow[t])[sourceIndex[t]];
        }
        return out;
    }

    /**
     * The input's per-token rows by {@code merge}: {@link #stitch} for {@link WindowMerge#CENTRAL}; for
     * {@link WindowMerge#AVERAGE} each content token's row is the mean of its rows in every window that holds it
     * (windows are cut between words, so those are the windows that hold its word), a row one window holds is that
     * window's row unchanged, and the special tokens around the input come from their window as in {@link #stitch}.
     */
    float[][] stitch(List<float[][]> perWindow, WindowMerge merge) {
        float[][] out = stitch(perWindow);
        if (merge == WindowMerge.CENTRAL) {
            return out;
        }
        // the first window starts right after the leading special tokens, which every window repeats
        int prefix = spans.get(0)[0];
        int from = prefix;
        int to = spans.get(spans.size() - 1)[1];
        for (int t = from; t < to; t++) {
            float[] sum = null;
            int count = 0;
            for (int k = 0; k < spans.size(); k++) {
                int[] s = spans.get(k);
                if (s[0] <= t && t < s[1]) {
                    float[] row = perWindow.get(k)[prefix + t - s[0]];
                    if (sum == null) {
                        sum = row.clone();
                    } else {
                        for (int l = 0; l < sum.length; l++) {
                            sum[l] += row[l];
                        }
                    }
                    count++;
                }
            }
            if (count > 1) {
                for (int l = 0; l < sum.length; l++) {
                    sum[l] /= count;
                }
                out[t] = sum;
            }
        }
        return out;
    }
}
