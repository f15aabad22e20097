package org.multitag.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multitag.tokenizer.Encoding;
import org.multitag.tokenizer.labels.WordPrediction;

/**
 * Texts longer than the limit through windows: tinybert (from tribuo's test jar) with a seeded 3-label head, run
 * at {@code maxLength} 16 so a 26-token text takes three windows.
 */
class LongTextWindowsTest {

    static final int MAX = 16;
    static final List<String> LABELS = List.of("A", "B", "C");
    /** 26 tokens in tinybert's vocabulary; "Zyxwvuts" is one word of many sub-tokens, placed where a window edge falls. */
    static final String LONG = "The quick brown fox jumps over the Zyxwvuts into the old dark forest .";
    static final String SHORT = "The fox runs .";

    @TempDir
    static Path dir;

    static MultiLabelTagger windows;
    static MultiLabelTagger refusing;

    @BeforeAll
    static void load() throws Exception {
        TaggingModel model = TaggingModel.read(TestTaggers.write(TestTaggers.tinybert(),
                new TestTaggers.Head(LABELS, 11, 0.3, 0), dir.resolve("tiny")));
        windows = MultiLabelTagger.of(model, new MultiLabelTagger.Options(1, 4, MAX, LongText.WINDOW, -1, null));
        refusing = MultiLabelTagger.of(model, new MultiLabelTagger.Options(1, 4, MAX, false));
    }

    @AfterAll
    static void close() {
        windows.close();
        refusing.close();
    }

    static Encoding encode(String text) {
        return windows.tokenizer().encode(text, null, true);
    }

    static LongTextWindows split(Encoding e) {
        return LongTextWindows.split(e.ids(), e.typeIds(), e.wordIds(), MAX, windows.scorer().stride());
    }

    /** Each window's probabilities, scored on its own in a batch of one. */
    static List<float[][]> alone(LongTextWindows w) {
        List<float[][]> out = new ArrayList<>();
        for (int k = 0; k < w.size(); k++) {
            out.add(refusing.scorer().score(List.of(w.ids(k)), null).get(0));
        }
        return out;
    }

    @Test
    void aLongTextTakesThreeWindowsThatFitAndOverlap() {
        Encoding e = encode(LONG);
        LongTextWindows w = split(e);
        assertEquals(3, w.size(), "windows of a " + e.length() + "-token text");
        assertEquals(MAX / 4, windows.scorer().stride());
        int[] ids = e.ids();
        for (int k = 0; k < w.size(); k++) {
            int[] win = w.ids(k);
            assertTrue(win.length <= MAX, "window " + k + " has " + win.length + " tokens");
            assertEquals(ids[0], win[0], "[CLS] opens window " + k);
            assertEquals(ids[ids.length - 1], win[win.length - 1], "[SEP] closes window " + k);
            int[] span = w.span(k);
            assertArrayEquals(Arrays.copyOfRange(ids, span[0], span[1]),
                    Arrays.copyOfRange(win, 1, win.length - 1));
            if (k > 0) {
                int[] prev = w.span(k - 1);
                assertTrue(prev[1] - span[0] >= windows.scorer().stride(), "windows " + (k - 1) + " and " + k
                        + " share at least the stride");
            }
        }
        assertEquals(1, w.span(0)[0]);
        assertEquals(e.length() - 1, w.span(w.size() - 1)[1]);
    }

    @Test
    void noWordIsSplitAcrossAWindowEdge() {
        Encoding e = encode(LONG);
        int[] words = e.wordIds();
        LongTextWindows w = split(e);
        boolean edgeInsideAWord = false;
        int longWord = words[1];
        int[] pieces = new int[e.length()];
        for (int t = 1; t < e.length() - 1; t++) {
            if (++pieces[words[t]] > pieces[longWord]) {
                longWord = words[t];
            }
        }
        assertTrue(pieces[longWord] >= 5, "the long word gives many sub-tokens: " + pieces[longWord]);
        for (int k = 0; k < w.size(); k++) {
            int[] span = w.span(k);
            assertTrue(span[0] == 1 || words[span[0]] != words[span[0] - 1], "window " + k + " starts mid-word");
            assertTrue(words[span[1]] < 0 || words[span[1]] != words[span[1] - 1], "window " + k + " ends mid-word");
            int naiveEnd = span[0] + MAX - 2;
            if (naiveEnd < e.length() - 1 && words[naiveEnd] == words[naiveEnd - 1]) {
                edgeInsideAWord = true;
                assertEquals(longWord, words[naiveEnd], "the edge a token count would cut falls in the long word");
            }
        }
        assertTrue(edgeInsideAWord, "a window edge by token count alone would have split the long word");
    }

    @Test
    void eachWordTakesTheWindowWhereItIsMostCentralBitForBit() {
        Encoding e = encode(LONG);
        int[] words = e.wordIds();
        LongTextWindows w = split(e);
        float[][] stitched = windows.tokenProbabilities(List.of(e)).get(0);
        List<float[][]> alone = alone(w);
        int picksOfLaterWindows = 0;
        for (int t = 1; t < e.length() - 1; t++) {
            int a = t;
            while (a > 1 && words[a - 1] == words[t]) {
                a--;
            }
            int b = t + 1;
            while (b < e.length() - 1 && words[b] == words[t]) {
                b++;
            }
            int best = -1;
            int bestContext = -1;
            for (int k = 0; k < w.size(); k++) {
                int[] s = w.span(k);
                if (s[0] <= a && b <= s[1] && Math.min(a - s[0], s[1] - b) > bestContext) {
                    best = k;
                    bestContext = Math.min(a - s[0], s[1] - b);
                }
            }
            assertTrue(best >= 0, "token " + t + " is in a window whole with its word");
            picksOfLaterWindows += best > 0 ? 1 : 0;
            assertArrayEquals(alone.get(best)[1 + t - w.span(best)[0]], stitched[t], "token " + t + " ("
                    + e.token(t) + ") from window " + best);
        }
        assertTrue(picksOfLaterWindows > 0);
        assertArrayEquals(alone.get(0)[0], stitched[0], "[CLS] from the first window");
        float[][] last = alone.get(w.size() - 1);
        assertArrayEquals(last[last.length - 1], stitched[e.length() - 1], "[SEP] from the last window");
    }

    @Test
    void averagingTakesTheMeanOfEveryWindowThatHoldsAToken() {
        Encoding e = encode(LONG);
        LongTextWindows w = split(e);
        TokenScorer averaging = windows.scorer().withMerge(WindowMerge.AVERAGE);
        assertEquals(WindowMerge.CENTRAL, windows.scorer().merge(), "central stays the default");
        float[][] averaged = averaging.scoreEncodings(List.of(e)).get(0);
        float[][] central = windows.tokenProbabilities(List.of(e)).get(0);
        List<float[][]> alone = alone(w);
        int shared = 0;
        for (int t = 1; t < e.length() - 1; t++) {
            float[] sum = new float[LABELS.size()];
            int count = 0;
            for (int k = 0; k < w.size(); k++) {
                int[] s = w.span(k);
                if (s[0] <= t && t < s[1]) {
                    float[] row = alone.get(k)[1 + t - s[0]];
                    for (int l = 0; l < sum.length; l++) {
                        sum[l] += row[l];
                    }
                    count++;
                }
            }
            assertTrue(count >= 1, "token " + t + " is in some window");
            for (int l = 0; l < sum.length; l++) {
                sum[l] /= count;
            }
            assertArrayEquals(sum, averaged[t], "token " + t + " (" + e.token(t) + "), in " + count + " windows");
            if (count == 1) {
                assertArrayEquals(central[t], averaged[t], "a token one window holds is that window's");
            } else {
                shared++;
            }
        }
        assertTrue(shared > 0, "some tokens are in two windows");
        assertArrayEquals(central[0], averaged[0], "[CLS] from its window");
        Encoding small = encode(SHORT);
        float[][] under = averaging.scoreEncodings(List.of(small)).get(0);
        float[][] before = refusing.tokenProbabilities(List.of(small)).get(0);
        for (int t = 0; t < small.length(); t++) {
            assertArrayEquals(before[t], under[t], "a text under the limit is scored as before");
        }
    }

    @Test
    void everyWordOfALongTextGetsLabels() {
        List<WordPrediction> tagged = windows.tag(LONG);
        int expectedWords = LONG.split(" ").length;
        assertEquals(expectedWords, tagged.size());
        for (int i = 0; i < tagged.size(); i++) {
            assertEquals(i, tagged.get(i).wordId());
            assertEquals(LABELS.size(), tagged.get(i).scores().size());
        }
        List<WordPrediction> asWords = windows.tagWords(List.of(List.of(LONG.split(" ")))).get(0);
        assertEquals(expectedWords, asWords.size(), "pre-split words go through windows too");
    }

    @Test
    void aTextUnderTheLimitIsBitIdenticalToRefusingLongOnes() {
        Encoding e = encode(SHORT);
        assertTrue(e.length() <= MAX);
        float[][] before = refusing.tokenProbabilities(List.of(e)).get(0);
        float[][] now = windows.tokenProbabilities(List.of(e)).get(0);
        float[][] beside = windows.tokenProbabilities(List.of(encode(LONG), e)).get(1);
        for (int t = 0; t < e.length(); t++) {
            assertArrayEquals(before[t], now[t]);
            assertArrayEquals(before[t], beside[t], "batched with the long text's windows");
        }
        assertEquals(refusing.tag(SHORT), windows.tag(SHORT));
    }

    @Test
    void refusingAndTruncatingStillDoWhatTheySay() throws Exception {
        assertThrows(TokenScorer.TooLongException.class, () -> refusing.tag(LONG));
        try (MultiLabelTagger cut = MultiLabelTagger.of(TaggingModel.read(dir.resolve("tiny")),
                new MultiLabelTagger.Options(1, 4, MAX, LongText.TRUNCATE, -1, null))) {
            List<WordPrediction> tagged = cut.tag(LONG);
            assertFalse(tagged.isEmpty());
            assertNotEquals(LONG.split(" ").length, tagged.size(), "the words past the cut get no labels");
        }
    }

    @Test
    void aStrideThatLeavesNoRoomIsRefused() {
        Encoding e = encode(LONG);
        assertThrows(IllegalArgumentException.class,
                () -> LongTextWindows.split(e.ids(), e.typeIds(), e.wordIds(), MAX, MAX - 2));
    }
}
