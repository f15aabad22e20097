package org.multitag.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.multitag.core.LabelSet;

class BaselinesTest {

    static final double EPS = 1e-12;
    static final LabelSet ABC = LabelSet.of(List.of("A", "B", "C"));
    // gold: {A}, {A,B}, {}, {A}
    static final List<int[]> GOLD = List.of(new int[] {0}, new int[] {0, 1}, new int[] {}, new int[] {0});

    @Test
    void allNegative() {
        EvaluationReport r = Baselines.allNegative(ABC, GOLD);
        assertEquals(0.0, r.microPrecision());
        assertEquals(0.0, r.microRecall());
        assertEquals(0.0, r.microF1());
        // 4 gold positives wrong of 4 words x 3 labels; only the empty word is exactly right
        assertEquals(4.0 / 12, r.hammingLoss(), EPS);
        assertEquals(0.25, r.subsetAccuracy(), EPS);
    }

    @Test
    void mostFrequentLabelAndSet() {
        // reference label counts: A 3, B 1 -> {A}; sets: {A} twice -> {A}
        assertArrayEquals(new int[] {0}, Baselines.mostFrequentLabel(3, GOLD));
        assertArrayEquals(new int[] {0}, Baselines.mostFrequentSet(GOLD));
        EvaluationReport r = Baselines.mostFrequentLabel(ABC, GOLD, GOLD);
        // A: tp 3, predicted 4, support 3 -> P 3/4, R 1, F1 6/7; micro tp 3, predicted 4, gold 4 -> 3/4
        assertEquals(0.75, r.perLabel().get("A").precision(), EPS);
        assertEquals(6.0 / 7, r.perLabel().get("A").f1(), EPS);
        assertEquals(0.75, r.microF1(), EPS);
        // wrong: w2 misses B, w3 gets A -> 2/12; exact: w1, w4 -> 1/2
        assertEquals(2.0 / 12, r.hammingLoss(), EPS);
        assertEquals(0.5, r.subsetAccuracy(), EPS);
        assertEquals(r, Baselines.mostFrequentLabelSet(ABC, GOLD, GOLD));

        // label counts A 2, B 3, C 2 -> {B}; set {B,C} twice -> {B,C}
        List<int[]> reference = List.of(new int[] {2, 1}, new int[] {1, 2}, new int[] {0}, new int[] {0, 1});
        assertArrayEquals(new int[] {1}, Baselines.mostFrequentLabel(3, reference));
        assertArrayEquals(new int[] {1, 2}, Baselines.mostFrequentSet(reference));
        EvaluationReport s = Baselines.mostFrequentLabelSet(ABC, reference, GOLD);
        // predicted {B,C} everywhere: B tp 1, C tp 0 -> micro tp 1, predicted 8, gold 4 -> P 1/8, R 1/4
        assertEquals(1.0 / 8, s.microPrecision(), EPS);
        assertEquals(0.25, s.microRecall(), EPS);
        assertEquals(0.0, s.subsetAccuracy(), EPS);
    }

    @Test
    void tiesAreBrokenByLabelOrder() {
        assertArrayEquals(new int[] {1}, Baselines.mostFrequentSet(List.of(new int[] {2}, new int[] {1})));
        assertArrayEquals(new int[] {}, Baselines.mostFrequentSet(List.of(new int[] {0}, new int[] {})));
        assertArrayEquals(new int[] {1}, Baselines.mostFrequentLabel(3, List.of(new int[] {2}, new int[] {1})));
        assertArrayEquals(new int[] {}, Baselines.mostFrequentLabel(3, List.of(new int[] {})));
        assertArrayEquals(new int[] {}, Baselines.mostFrequentSet(List.of()));
    }
}
