package org.multitag.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The window plan alone, no model: on seeded random word lengths, every window fits, repeats the special tokens,
 * holds a contiguous run of the input, cuts only between words (unless a word is longer than a window), overlaps
 * its neighbour by the stride where it can, and every token is read back from a window that holds it, the one
 * where its word is most central.
 */
class LongTextWindowsSplitTest {

    static final int CLS = 101;
    static final int SEP = 102;

    /** [CLS], then each word's sub-tokens (ids 1000 + position, so every token is distinct), [SEP]. */
    static int[][] input(int[] wordLengths) {
        int n = 2 + Arrays.stream(wordLengths).sum();
        int[] ids = new int[n];
        int[] words = new int[n];
        ids[0] = CLS;
        words[0] = -1;
        int t = 1;
        for (int w = 0; w < wordLengths.length; w++) {
            for (int k = 0; k < wordLengths[w]; k++) {
                ids[t] = 1000 + t;
                words[t++] = w;
            }
        }
        ids[t] = SEP;
        words[t] = -1;
        return new int[][] {ids, words};
    }

    /** Per window a table whose row i is the single value {@code k * 1000 + i}: where a stitched row came from. */
    static List<float[][]> tagged(LongTextWindows w) {
        List<float[][]> out = new ArrayList<>();
        for (int k = 0; k < w.size(); k++) {
            float[][] rows = new float[w.ids(k).length][];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = new float[] {k * 1000 + i};
            }
            out.add(rows);
        }
        return out;
    }

    @Test
    void randomInputsKeepEveryPromise() {
        Random r = new Random(3);
        int[][] settings = {{8, 1}, {8, 0}, {8, 5}, {16, 4}, {16, 13}, {32, 8}, {12, 2}};
        int cutWords = 0;
        for (int trial = 0; trial < 300; trial++) {
            int maxLength = settings[trial % settings.length][0];
            int stride = settings[trial % settings.length][1];
            int[] lengths = new int[5 + r.nextInt(40)];
            for (int w = 0; w < lengths.length; w++) {
                lengths[w] = r.nextInt(10) == 0 ? 1 + r.nextInt(maxLength + 4) : 1 + r.nextInt(3);
            }
            int[][] in = input(lengths);
            int[] ids = in[0];
            int[] words = in[1];
            int n = ids.length;
            int budget = maxLength - 2;
            LongTextWindows w = LongTextWindows.split(ids, new int[n], words, maxLength, stride);
            String where = "trial " + trial + " lengths " + Arrays.toString(lengths);

            int covered = 1;
            for (int k = 0; k < w.size(); k++) {
                int[] win = w.ids(k);
                int[] span = w.span(k);
                assertTrue(win.length <= maxLength, where);
                assertEquals(CLS, win[0], where);
                assertEquals(SEP, win[win.length - 1], where);
                assertArrayEquals(Arrays.copyOfRange(ids, span[0], span[1]), Arrays.copyOfRange(win, 1,
                        win.length - 1), where);
                assertArrayEquals(new int[win.length], w.types(k), where);
                assertTrue(span[0] <= covered, "no gap before window " + k + ", " + where);
                covered = Math.max(covered, span[1]);
                boolean cutsAWord = span[1] < n - 1 && words[span[1]] == words[span[1] - 1];
                if (cutsAWord) {
                    assertTrue(lengths[words[span[1]]] > budget, "only a word longer than a window is cut, " + where);
                    cutWords++;
                }
                if (k > 0 && !cutsAWord) {
                    int[] prev = w.span(k - 1);
                    assertTrue(span[0] > prev[0] && span[1] > prev[1], "windows move on, " + where);
                }
            }
            assertEquals(n - 1, covered, "the windows cover the input, " + where);

            float[][] stitched = w.stitch(tagged(w));
            for (int t = 0; t < n; t++) {
                int k = (int) stitched[t][0] / 1000;
                int i = (int) stitched[t][0] % 1000;
                assertEquals(ids[t], w.ids(k)[i], "token " + t + " read back from a window that holds it, " + where);
                if (words[t] >= 0 && lengths[words[t]] <= budget) {
                    int a = t;
                    while (words[a - 1] == words[t]) {
                        a--;
                    }
                    int b = a + lengths[words[t]];
                    int best = -1;
                    for (int j = 0; j < w.size(); j++) {
                        int[] s = w.span(j);
                        if (s[0] <= a && b <= s[1] && (best < 0
                                || Math.min(a - s[0], s[1] - b) > Math.min(a - w.span(best)[0], w.span(best)[1] - b))) {
                            best = j;
                        }
                    }
                    assertEquals(best, k, "token " + t + " from the window where its word is most central, " + where);
                }
            }
        }
        assertTrue(cutWords > 0, "some trials had a word longer than a window");
    }

    @Test
    void strideIsTheOverlapWhereWordsAllowIt() {
        int[] lengths = new int[30];
        Arrays.fill(lengths, 1);
        int[][] in = input(lengths);
        for (int stride : new int[] {0, 1, 3, 5}) {
            LongTextWindows w = LongTextWindows.split(in[0], null, in[1], 10, stride);
            for (int k = 1; k < w.size() - 1; k++) {
                assertEquals(stride, w.span(k - 1)[1] - w.span(k)[0], "stride " + stride + " window " + k);
            }
            assertSame(null, w.types(0));
        }
    }

    @Test
    void specialTokensInTheMiddleAreUnitsOfTheirOwnAndImpossiblePlansAreRefused() {
        int[] ids = {CLS, 1, 2, SEP, 3, 4, 5, 6, SEP};
        int[] words = {-1, 0, 1, -1, 2, 3, 4, 5, -1};
        LongTextWindows w = LongTextWindows.split(ids, null, words, 5, 1);
        float[][] stitched = w.stitch(tagged(w));
        for (int t = 0; t < ids.length; t++) {
            assertEquals(ids[t], w.ids((int) stitched[t][0] / 1000)[(int) stitched[t][0] % 1000]);
        }
        assertThrows(IllegalArgumentException.class, () -> LongTextWindows.split(ids, null, words, 2, 0),
                "no room besides [CLS] and [SEP]");
        assertThrows(IllegalArgumentException.class, () -> LongTextWindows.split(ids, null, words, 5, 3),
                "a stride of the whole content");
        assertThrows(IllegalArgumentException.class, () -> LongTextWindows.split(ids, null, new int[3], 5, 1));
    }
}
