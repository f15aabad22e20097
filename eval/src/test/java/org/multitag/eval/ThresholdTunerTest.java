package org.multitag.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.multitag.core.LabelSet;
import org.multitag.data.Example;
import org.multitag.data.ExampleReader;
import org.multitag.data.TestData;

class ThresholdTunerTest {

    @Test
    void matchesBruteForceOverEveryCandidate() {
        Random random = new Random(7);
        for (int trial = 0; trial < 200; trial++) {
            int labels = 1 + random.nextInt(5);
            int words = 1 + random.nextInt(120);
            int style = trial % 3; // 0: continuous, 1: coarse (many ties), 2: very coarse around 0.5
            float[][] p = new float[words][];
            boolean[][] y = new boolean[words][labels];
            for (int i = 0; i < words; i++) {
                if (random.nextInt(25) == 0) {
                    p[i] = null; // a word with no prediction (cut off by truncation)
                } else {
                    p[i] = new float[labels];
                }
                for (int j = 0; j < labels; j++) {
                    y[i][j] = j != 0 && random.nextDouble() < 0.1 + 0.6 * j / labels; // label 0: never gold
                    if (p[i] != null) {
                        double base = y[i][j] ? 0.25 + 0.75 * random.nextDouble() : 0.8 * random.nextDouble();
                        p[i][j] = switch (style) {
                            case 0 -> (float) base;
                            case 1 -> Math.round(base * 10) / 10f;
                            default -> Math.round(base * 4) / 4f;
                        };
                    }
                }
            }
            ThresholdTuner.Result r = ThresholdTuner.tune(p, y);
            for (int j = 0; j < labels; j++) {
                double[] expected = bruteForce(p, y, j);
                assertEquals((float) expected[0], r.thresholds()[j], "trial " + trial + " label " + j);
                assertEquals(expected[1], r.f1()[j], 1e-12, "trial " + trial + " label " + j);
            }
            assertEquals(0.5f, r.thresholds()[0], "a label never gold keeps 0.5");
        }
    }

    /** {threshold, F1}: every distinct probability and 0.5 tried; best F1, then closest to 0.5, then higher. */
    static double[] bruteForce(float[][] p, boolean[][] y, int j) {
        long positives = 0;
        TreeSet<Float> candidates = new TreeSet<>();
        candidates.add(0.5f);
        for (int i = 0; i < p.length; i++) {
            positives += y[i][j] ? 1 : 0;
            if (p[i] != null) {
                candidates.add(p[i][j]);
            }
        }
        if (positives == 0) {
            return new double[] {0.5f, 0};
        }
        float best = Float.NaN;
        double bestF1 = -1;
        for (float t : candidates) {
            long tp = 0;
            long fp = 0;
            for (int i = 0; i < p.length; i++) {
                boolean predicted = p[i] != null && p[i][j] >= t;
                tp += predicted && y[i][j] ? 1 : 0;
                fp += predicted && !y[i][j] ? 1 : 0;
            }
            double f1 = 2.0 * tp / (2 * tp + fp + (positives - tp));
            double d = Math.abs(t - 0.5);
            double bestD = Math.abs(best - 0.5);
            if (f1 > bestF1 || (f1 == bestF1 && (d < bestD || (d == bestD && t > best)))) {
                best = t;
                bestF1 = f1;
            }
        }
        return new double[] {best, bestF1};
    }

    @Test
    void tiesGoToTheThresholdClosestToHalfThenTheHigher() {
        // pos 0.9, neg 0.2: 0.9 and 0.5 both give F1 1 -> 0.5
        assertEquals(0.5f, tuneOne(new float[] {0.9f, 0.2f}, new boolean[] {true, false}));
        // pos {0.45, 0.1}, neg {0.3, 0.2}: 0.45 -> tp1 fp0 fn1 = 2/3; 0.1 -> tp2 fp2 = 4/6 = 2/3; 0.5 -> 0 -> 0.45
        assertEquals(0.45f, tuneOne(new float[] {0.45f, 0.1f, 0.3f, 0.2f}, new boolean[] {true, true, false, false}));
        // pos {0.75, 0.25}, neg {0.5, 0.3}: 0.75 -> 2/3, 0.5 -> 1/2, 0.3 -> 2/5, 0.25 -> 4/6 = 2/3;
        // 0.75 and 0.25 are equally far from 0.5 -> the higher
        assertEquals(0.75f, tuneOne(new float[] {0.75f, 0.25f, 0.5f, 0.3f}, new boolean[] {true, true, false, false}));
        // pos {0.3, 0.35}, neg {0.9}: 0.3 catches both positives -> 4/5 beats everything
        assertEquals(0.3f, tuneOne(new float[] {0.3f, 0.35f, 0.9f}, new boolean[] {true, true, false}));
    }

    @Test
    void labelsUnseenInDevKeepHalf() {
        float[][] p = {{0.99f, 0.2f}, {0.98f, 0.9f}, {0.97f, 0.1f}};
        boolean[][] y = {{false, false}, {false, true}, {false, false}};
        ThresholdTuner.Result r = ThresholdTuner.tune(p, y);
        assertArrayEquals(new float[] {0.5f, 0.5f}, r.thresholds());
        assertArrayEquals(new long[] {0, 1}, r.support());
        assertEquals(1.0, r.f1()[1]);
        assertEquals(0.0, r.f1()[0]);
    }

    @Test
    void nullRowsAreWordsNeverPredicted() {
        // gold positives: 0.6 (row), and a cut-off word; negatives 0.4 -> best 0.6: tp1 fp0 fn1 = 2/3
        float[][] p = {{0.6f}, null, {0.4f}};
        boolean[][] y = {{true}, {true}, {false}};
        ThresholdTuner.Result r = ThresholdTuner.tune(p, y);
        assertEquals(0.5f, r.thresholds()[0]); // 0.6 and 0.5 tie at 2/3
        assertEquals(2.0 / 3, r.f1()[0], 1e-12);
    }

    @Test
    void badInputIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> ThresholdTuner.tune(new float[][] {{Float.NaN}},
                new boolean[][] {{true}}));
        assertThrows(IllegalArgumentException.class, () -> ThresholdTuner.tune(new float[][] {{1.5f}},
                new boolean[][] {{true}}));
        assertThrows(IllegalArgumentException.class, () -> ThresholdTuner.tune(new float[][] {{0.5f}},
                new boolean[][] {{true}, {false}}));
    }

    @Test
    void tunesFromExamplesFirstSubtokens() throws IOException {
        LabelSet labels = LabelSet.of(List.of("ADJ", "DET", "NOUN", "Number=Plur", "Number=Sing", "VERB"));
        List<Example> examples = new ExampleReader(TestData.tokenizer(), labels,
                ExampleReader.Options.DEFAULT).read(TestData.resource("words.jsonl")).examples();
        // example 1: [CLS] the fox ##es jumps [SEP]; example 2: [CLS] un ##aff ##able cat [SEP]
        // NOUN (column 2) is gold on "foxes" (token 2) and "cat" (token 4 of example 2), not on "the"/"jumps"
        float[][] p1 = new float[6][6];
        float[][] p2 = new float[6][6];
        p1[1][2] = 0.3f;  // the
        p1[2][2] = 0.4f;  // foxes (first sub-token)
        p1[3][2] = 0.99f; // ##es: ignored
        p1[4][2] = 0.2f;  // jumps
        p2[1][2] = 0.1f;  // unaffable
        p2[4][2] = 0.35f; // cat
        ThresholdTuner.Result r = ThresholdTuner.tune(examples, List.of(p1, p2));
        // candidates 0.4 (tp1 fp0 fn1: 2/3), 0.35 (tp2 fp0: 1) -> 0.35
        assertEquals(0.35f, r.thresholds()[2]);
        assertEquals(1.0, r.f1()[2]);
        // ADJ (column 0) is gold on "unaffable" but every probability is 0: predicting it everywhere (threshold
        // 0: tp 1, fp 4 -> F1 1/3) beats never predicting it (F1 0)
        assertEquals(0f, r.thresholds()[0]);
        assertEquals(1.0 / 3, r.f1()[0], 1e-12);
        assertEquals(2, r.support()[2]);
    }

    @Test
    void largeInputsAreFast() {
        Random random = new Random(1);
        int words = 300_000;
        int labels = 4;
        float[][] p = new float[words][labels];
        boolean[][] y = new boolean[words][labels];
        for (int i = 0; i < words; i++) {
            for (int j = 0; j < labels; j++) {
                y[i][j] = random.nextDouble() < 0.3;
                p[i][j] = (float) Math.min(1, Math.max(0, (y[i][j] ? 0.6 : 0.4) + random.nextGaussian() * 0.2));
            }
        }
        List<float[]> keep = new ArrayList<>();
        ThresholdTuner.Result r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> ThresholdTuner.tune(p, y));
        keep.add(r.thresholds());
        for (float t : r.thresholds()) {
            assertEquals(0.45, t, 0.1);
        }
    }

    static float tuneOne(float[] p, boolean[] y) {
        float[][] rows = new float[p.length][];
        boolean[][] gold = new boolean[p.length][];
        for (int i = 0; i < p.length; i++) {
            rows[i] = new float[] {p[i]};
            gold[i] = new boolean[] {y[i]};
        }
        return ThresholdTuner.tune(rows, gold).thresholds()[0];
    }
}
