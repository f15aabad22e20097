package org.multitag.train.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The epochs rule: auto epochs lengthen a run on small data and leave large data sets (EWT, Brown) as they were. */
class TrainOptionsTest {

    /** UD English EWT train (12,544 sentences) and the Brown demo's train split (45,570). */
    private static final int EWT = 12_544;
    private static final int BROWN = 45_570;

    @Test
    void theDefaultIsAutoEpochsOverThreePasses() {
        assertTrue(TrainOptions.DEFAULT.autoEpochs());
        assertEquals(3, TrainOptions.DEFAULT.epochs());
        assertEquals(TrainOptions.AUTO_MIN_STEPS, TrainOptions.DEFAULT.minSteps());
    }

    @Test
    void smallDataTrainsAtLeastTheMinimumSteps() {
        TrainOptions o = TrainOptions.DEFAULT;
        // 60 sentences in batches of 16: 4 steps per epoch; 3 epochs would be the 12 steps that learned nothing
        assertEquals(4, o.stepsPerEpoch(60));
        int epochs = o.epochsFor(60);
        assertEquals((TrainOptions.AUTO_MIN_STEPS + 3) / 4, epochs);
        assertTrue(epochs * 4L >= TrainOptions.AUTO_MIN_STEPS);
        assertTrue((epochs - 1) * 4L < TrainOptions.AUTO_MIN_STEPS, "no more epochs than the minimum needs");
        TrainOptions fixed = o.forExamples(60);
        assertEquals(epochs, fixed.epochs());
        assertFalse(fixed.autoEpochs());
    }

    @Test
    void largeDataKeepsItsEpochsAndItsOptionsExactly() {
        for (int examples : new int[] {EWT, BROWN}) {
            TrainOptions o = TrainOptions.DEFAULT;
            assertTrue(o.stepsPerEpoch(examples) * 3 >= TrainOptions.AUTO_MIN_STEPS);
            assertEquals(3, o.epochsFor(examples));
            // the run is the one an explicit --epochs 3 gives: same options, so the same fingerprint and schedule
            assertEquals(o.withEpochs(3), o.forExamples(examples));
            assertEquals("epochs: auto -> 3 (" + examples + " examples, batch 16: " + o.stepsPerEpoch(examples)
                    + " optimizer steps per epoch)", o.describeEpochs(examples));
        }
        // one step short of the minimum in 3 epochs gets a 4th; exactly the minimum does not
        TrainOptions o = TrainOptions.DEFAULT.withMinSteps(300);
        assertEquals(3, o.epochsFor(100 * 16));
        assertEquals(4, o.epochsFor(100 * 16 - 16));
    }

    @Test
    void explicitEpochsMeanExactlyThat() {
        TrainOptions two = TrainOptions.DEFAULT.withEpochs(2);
        assertFalse(two.autoEpochs());
        assertEquals(2, two.epochsFor(60));
        assertEquals(2, two.epochsFor(1));
        assertEquals(two, two.forExamples(60));
        // the constructor without a step count (the demo's) is exact too
        TrainOptions demo = new TrainOptions(1, 5e-5, 16, 1, 0.1, 0.01, 1.0, 42, "none",
                org.multitag.model.nn.Freeze.none(), 0, true, 1e-3, TrainOptions.LossReduction.MEAN,
                TrainOptions.HeadInit.PRIOR);
        assertEquals(1, demo.epochsFor(400));
        // and the line says that few steps may not learn, and what auto would do
        assertEquals("epochs: 2 (60 examples, batch 16: 4 optimizer steps per epoch, 8 in all); few to learn from: "
                + "--epochs auto would train " + TrainOptions.DEFAULT.epochsFor(60), two.describeEpochs(60));
    }

    @Test
    void autoEpochsAreCappedAndCountAccumulatedBatches() {
        // 5 examples: 1 step per epoch; twice the cap in steps would need twice the cap in epochs
        TrainOptions o = TrainOptions.DEFAULT.withMinSteps(2 * TrainOptions.MAX_AUTO_EPOCHS);
        assertEquals(1, o.stepsPerEpoch(5));
        assertEquals(TrainOptions.MAX_AUTO_EPOCHS, o.epochsFor(5));
        assertTrue(o.describeEpochs(5).contains("at most " + TrainOptions.MAX_AUTO_EPOCHS + " epochs"),
                o.describeEpochs(5));
        // batch 16 x 2 accumulated: 120 examples are 8 batches, 4 optimizer steps per epoch
        TrainOptions accum = new TrainOptions(3, 5e-5, 16, 2, 0.1, 0.01, 1.0, 42, "none",
                org.multitag.model.nn.Freeze.none(), 0, true, 1e-3, TrainOptions.LossReduction.MEAN,
                TrainOptions.HeadInit.PRIOR, 40);
        assertEquals(4, accum.stepsPerEpoch(120));
        assertEquals(10, accum.epochsFor(120));
        assertEquals("epochs: auto -> 10 (120 examples, batch 16 x 2 accumulated: 4 optimizer steps per epoch; auto "
                + "trains at least 40 steps)", accum.describeEpochs(120));
        assertThrows(IllegalArgumentException.class, () -> TrainOptions.DEFAULT.withMinSteps(-1));
    }
}
