package org.multitag.train.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The schedule against values computed by hand from transformers' {@code get_linear_schedule_with_warmup}. */
class LinearWarmupDecayTest {

    @Test
    void warmupThenLinearDecay() {
        LinearWarmupDecay s = new LinearWarmupDecay(2e-5, 4, 10);
        double[] want = {0, 0.25, 0.5, 0.75, 1, 5 / 6.0, 4 / 6.0, 3 / 6.0, 2 / 6.0, 1 / 6.0, 0, 0};
        for (int step = 0; step < want.length; step++) {
            assertEquals(want[step], s.multiplier(step), 1e-15, "step " + step);
            assertEquals(2e-5 * want[step], s.lr(step), 1e-20, "step " + step);
        }
    }

    @Test
    void edgeCases() {
        // no warmup: full rate at step 0
        assertEquals(1.0, new LinearWarmupDecay(1, 0, 10).multiplier(0));
        // warmup covering everything: max(1, total − warmup) keeps the division finite
        LinearWarmupDecay all = new LinearWarmupDecay(1, 3, 3);
        assertEquals(2 / 3.0, all.multiplier(2), 1e-15);
        assertEquals(0.0, all.multiplier(3));
        assertEquals(0.0, new LinearWarmupDecay(1, 0, 0).multiplier(0));
        assertThrows(IllegalArgumentException.class, () -> new LinearWarmupDecay(1, -1, 3));
    }

    @Test
    void warmupStepsFromRatioRoundUpLikeTrainingArguments() {
        assertEquals(100, LinearWarmupDecay.warmupSteps(0.1, 1000));
        assertEquals(2, LinearWarmupDecay.warmupSteps(0.3, 5));    // ceil(1.5)
        assertEquals(8, LinearWarmupDecay.warmupSteps(0.07, 100)); // 0.07 · 100 = 7.000000000000001 in double
        assertEquals(0, LinearWarmupDecay.warmupSteps(0, 100));
        assertEquals(8, LinearWarmupDecay.withRatio(1e-3, 0.07, 100).warmupSteps());
        assertThrows(IllegalArgumentException.class, () -> LinearWarmupDecay.warmupSteps(1.5, 10));
    }
}
