package org.multitag.train.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.multitag.model.Parallel;

/** The parallel mask is the sequential one: element i kept iff the i-th nextDouble() of SplittableRandom(seed) ≥ rate. */
class DropoutTest {

    @Test
    void maskIsTheSequentialDrawOfTheSitesSeed() {
        for (double rate : new double[] {0.1, 0.5, 0.9}) {
            for (int threads : new int[] {1, 2, 3}) {
                try (Parallel par = new Parallel(threads)) {
                    int n = 100_003;
                    Dropout d = new Dropout(rate);
                    SplittableRandom stepRng = new SplittableRandom(42);
                    boolean[] keep = d.sample(n, new Pass(1, n, new int[] {n}, true, stepRng), par).clone();
                    long seed = new SplittableRandom(42).nextLong();
                    SplittableRandom site = new SplittableRandom(seed);
                    for (int i = 0; i < n; i++) {
                        boolean expected = site.nextDouble() >= rate;
                        assertEquals(expected, keep[i], "rate " + rate + ", element " + i);
                    }
                }
            }
        }
    }
}
