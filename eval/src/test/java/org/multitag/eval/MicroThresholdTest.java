package org.multitag.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link ThresholdTuner.Objective#MICRO_F1}: a coordinate-wise optimum of the pooled F1, never below 0.5's. */
class MicroThresholdTest {

    /** Pooled F1 of the decisions {@code p >= t}. */
    static double microF1(float[][] p, List<int[]> gold, float[] t) {
        long tp = 0;
        long fp = 0;
        long positives = 0;
        for (int w = 0; w < p.length; w++) {
            boolean[] g = new boolean[t.length];
            for (int l : gold.get(w)) {
                g[l] = true;
                positives++;
            }
            for (int l = 0; l < t.length; l++) {
                boolean on = p[w] != null && p[w][l] >= t[l];
                tp += on && g[l] ? 1 : 0;
                fp += on && !g[l] ? 1 : 0;
            }
        }
        return Ratios.f1(tp, tp + fp, positives);
    }

    static List<int[]> randomData(Random r, float[][] p, int labels) {
        List<int[]> gold = new ArrayList<>();
        for (int w = 0; w < p.length; w++) {
            List<Integer> on = new ArrayList<>();
            p[w] = new float[labels];
            for (int l = 0; l < labels; l++) {
                boolean g = r.nextDouble() < 0.05 + 0.4 * l / labels;
                if (g) {
                    on.add(l);
                }
                // miscalibrated on purpose: label 0 scores too low, the last too high
                double shift = (l == 0 ? -0.3 : l == labels - 1 ? 0.3 : 0);
                p[w][l] = (float) Math.min(1, Math.max(0, (g ? 0.6 : 0.35) + shift + 0.25 * r.nextGaussian()));
            }
            gold.add(on.stream().mapToInt(Integer::intValue).toArray());
        }
        return gold;
    }

    @Test
    void neverBelowHalfAndNoSingleChangeImproves() {
        Random r = new Random(3);
        for (int trial = 0; trial < 30; trial++) {
            int labels = 2 + r.nextInt(5);
            float[][] p = new float[50 + r.nextInt(200)][];
            List<int[]> gold = randomData(r, p, labels);
            float[] t = ThresholdTuner.tune(p, gold, labels, ThresholdTuner.Objective.MICRO_F1).thresholds();
            float[] half = new float[labels];
            java.util.Arrays.fill(half, 0.5f);
            double tuned = microF1(p, gold, t);
            assertTrue(tuned >= microF1(p, gold, half), "trial " + trial);
            // after the last pass, moving one threshold to any observed probability gains at most what a further
            // pass would (the ascent converges): check the final label, whose pass came last, exactly
            int last = labels - 1;
            for (float[] row : p) {
                float[] u = t.clone();
                u[last] = row[last];
                assertTrue(microF1(p, gold, u) <= tuned + 1e-12, "trial " + trial + ": threshold " + row[last]);
            }
        }
    }

    @Test
    void aRareNoisyLabelDoesNotFloodThePredictions() {
        // label 0: frequent and well separated; label 1: one positive at p = 0.010 among 300 negatives in
        // [0.005, 0.02]. For its own F1 the best threshold is 0.010 (F1 > 0, dozens of false positives); for the
        // pooled F1 the best is to predict it nowhere.
        Random r = new Random(5);
        int n = 301;
        float[][] p = new float[n][];
        List<int[]> gold = new ArrayList<>();
        for (int w = 0; w < n; w++) {
            boolean frequent = w % 2 == 0;
            p[w] = new float[] {frequent ? 0.9f : 0.1f, w == 0 ? 0.010f : (float) (0.005 + 0.015 * r.nextDouble())};
            gold.add(w == 0 ? new int[] {0, 1} : frequent ? new int[] {0} : new int[0]);
        }
        float[] own = ThresholdTuner.tune(p, gold, 2, ThresholdTuner.Objective.LABEL_F1).thresholds();
        float[] micro = ThresholdTuner.tune(p, gold, 2, ThresholdTuner.Objective.MICRO_F1).thresholds();
        assertTrue(own[1] <= 0.010f, "label F1 takes the low threshold: " + own[1]);
        assertTrue(micro[1] > 0.02f, "micro-F1 predicts the rare label nowhere: " + micro[1]);
        assertTrue(microF1(p, gold, micro) > microF1(p, gold, own));
        assertEquals(1.0, microF1(p, gold, new float[] {micro[0], 1f}) / microF1(p, gold, micro), 1e-12);
    }
}
