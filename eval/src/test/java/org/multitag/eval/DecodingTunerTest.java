package org.multitag.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.multitag.core.LabelSet;
import org.multitag.data.Example;
import org.multitag.model.decoding.Decoder;
import org.multitag.model.decoding.DecodingMode;
import org.multitag.model.decoding.LabelGroups;
import org.multitag.model.decoding.SeenLabelSets;

/** Every mode tuned on dev, the default the one with the most words exactly right. */
class DecodingTunerTest {

    // sorted: Number=Plur 0, Number=Sing 1, UPOS=NOUN 2, UPOS=VERB 3
    static final LabelSet LABELS = LabelSet.sorted(List.of("UPOS=NOUN", "UPOS=VERB", "Number=Sing", "Number=Plur"));

    /** One example: [CLS] words [SEP], each word one token with its probability row. */
    static Example example(List<int[]> gold, List<float[]> rows, List<float[][]> probsOut) {
        int n = gold.size() + 2;
        int[][] tokenLabels = new int[n][];
        int[] mask = new int[n];
        int[] words = new int[n];
        float[][] p = new float[n][];
        tokenLabels[0] = new int[0];
        tokenLabels[n - 1] = new int[0];
        words[0] = -1;
        words[n - 1] = -1;
        p[0] = new float[4];
        p[n - 1] = new float[4];
        for (int w = 0; w < gold.size(); w++) {
            tokenLabels[w + 1] = gold.get(w);
            mask[w + 1] = 1;
            words[w + 1] = w;
            p[w + 1] = rows.get(w);
        }
        probsOut.add(p);
        return new Example("t:1", new int[n], new int[n], tokenLabels, mask, 4, words, gold.toArray(new int[0][]),
                false, null, null, null, null);
    }

    @Test
    void structuredModesWinWhenLabelsDependOnEachOther() {
        Random r = new Random(1);
        List<int[]> gold = new ArrayList<>();
        List<float[]> rows = new ArrayList<>();
        List<int[]> train = new ArrayList<>();
        for (int w = 0; w < 400; w++) {
            boolean noun = r.nextBoolean();
            boolean plural = noun && r.nextInt(3) == 0;
            int[] g = noun ? new int[] {plural ? 0 : 1, 2} : new int[] {3};
            gold.add(g);
            train.add(g);
            // both UPOS often above 0.5 (independent decisions put two on), verbs get a stray Number
            float pn = noun ? 0.55f + 0.4f * r.nextFloat() : 0.3f + 0.4f * r.nextFloat();
            float pv = noun ? 0.3f + 0.4f * r.nextFloat() : 0.55f + 0.4f * r.nextFloat();
            float sing = noun && !plural ? 0.6f + 0.3f * r.nextFloat() : 0.2f + 0.5f * r.nextFloat();
            float plur = plural ? 0.6f + 0.3f * r.nextFloat() : 0.1f + 0.3f * r.nextFloat();
            rows.add(new float[] {plur, sing, pn, pv});
        }
        List<float[][]> probs = new ArrayList<>();
        List<Example> dev = List.of(example(gold, rows, probs));
        LabelGroups groups = LabelGroups.auto(LABELS.names());
        SeenLabelSets seen = SeenLabelSets.collect(groups, train);
        DecodingTuner.Result result = DecodingTuner.tune(Evaluator.of(LABELS, dev, probs), groups, seen);

        assertEquals(List.of(DecodingMode.values()), List.copyOf(result.modes().keySet()));
        double best = -1;
        for (DecodingTuner.ModeResult m : result.modes().values()) {
            best = Math.max(best, m.dev().subsetAccuracy());
            // each mode's report is what its decoder gives with its thresholds
            MultiLabelMetrics check = new MultiLabelMetrics(LABELS);
            check.addExample(dev.get(0), probs.get(0), Decoder.of(m.mode(), groups, seen, m.thresholds().values()));
            assertEquals(check.report().subsetAccuracy(), m.dev().subsetAccuracy(), 0.0, m.mode().id());
            assertEquals(check.report().microF1(), m.dev().microF1(), 0.0, m.mode().id());
        }
        DecodingMode chosen = result.decoding().defaultMode();
        assertEquals(best, result.modes().get(chosen).dev().subsetAccuracy(), 0.0);
        assertTrue(chosen != DecodingMode.INDEPENDENT, "structured decoding wins here: " + chosen);
        assertTrue(result.modes().get(DecodingMode.LABEL_SETS).dev().subsetAccuracy()
                > result.modes().get(DecodingMode.INDEPENDENT).dev().subsetAccuracy());
        // independent's thresholds are ThresholdTuner's (micro-F1) on the same words
        float[][] wordRows = rows.toArray(new float[0][]);
        assertArrayEquals(ThresholdTuner.tune(wordRows, gold, 4, ThresholdTuner.Objective.MICRO_F1).thresholds(),
                result.modes().get(DecodingMode.INDEPENDENT).thresholds().values());
        // at-most-one thresholds stay above 0, so a label that is not its group's argmax stays off
        float[] g = result.modes().get(DecodingMode.GROUPS).thresholds().values();
        assertTrue(g[0] > 0 && g[1] > 0);
    }

    @Test
    void withoutGroupsOnlyIndependent() {
        List<float[][]> probs = new ArrayList<>();
        List<Example> dev = List.of(example(List.of(new int[] {2}, new int[] {3}),
                List.of(new float[] {0, 0, 0.9f, 0.1f}, new float[] {0, 0, 0.2f, 0.7f}), probs));
        DecodingTuner.Result result = DecodingTuner.tune(Evaluator.of(LABELS, dev, probs),
                LabelGroups.none(LABELS.names()), null);
        assertEquals(List.of(DecodingMode.INDEPENDENT), List.copyOf(result.modes().keySet()));
        assertEquals(DecodingMode.INDEPENDENT, result.decoding().defaultMode());
        assertEquals(1.0, result.modes().get(DecodingMode.INDEPENDENT).dev().subsetAccuracy(), 0.0);
    }
}
