package org.multitag.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.multitag.core.LabelSet;
import org.multitag.data.Example;
import org.multitag.data.TrainingData;
import org.multitag.model.MultiLabelHead;
import org.multitag.model.Thresholds;
import org.multitag.model.TokenScorer;
import org.multitag.model.decoding.Decoding;
import org.multitag.model.decoding.DecodingMode;
import org.multitag.model.decoding.LabelGroups;
import org.multitag.model.kernels.NativeArrays;
import org.multitag.model.nn.BertEncoder;
import org.multitag.model.nn.BertWeights;
import org.multitag.model.nn.TokenClassifier;
import org.multitag.weights.BertConfig;
import org.multitag.weights.HfBertNames;
import org.multitag.weights.StateDict;
import org.multitag.weights.Tensor;

/** Scorer + data → report, on probabilities whose report is worked out by hand. */
class EvaluatorTest {

    static final double EPS = 1e-12;
    static final LabelSet ABC = LabelSet.of(List.of("A", "B", "C"));

    /**
     * Two sentences. The first: [CLS] t1 t2 t3 [SEP], word 0 = t1 t2 (gold A), word 1 = t3 (gold B C). The second:
     * [CLS] t1 [SEP], word 0 gold none.
     */
    static final List<Example> EXAMPLES = List.of(
            example(new int[] {-1, 0, 0, 1, -1}, new int[][] {{0}, {1, 2}}),
            example(new int[] {-1, 0, -1}, new int[][] {{}}));

    static Example example(int[] tokenWords, int[][] wordLabels) {
        int n = tokenWords.length;
        int[][] tokenLabels = new int[n][];
        int[] mask = new int[n];
        for (int i = 0; i < n; i++) {
            tokenLabels[i] = tokenWords[i] < 0 ? new int[0] : wordLabels[tokenWords[i]];
        }
        return new Example("hand:1", new int[n], new int[n], tokenLabels, mask, 3, tokenWords, wordLabels, false,
                null, null, null, null);
    }

    /** Per token; the second sub-token of sentence 1's first word would say B C, and must not be read. */
    static final List<float[][]> TABLE = List.of(
            new float[][] {{0, 0, 0}, {0.9f, 0.1f, 0.2f}, {0.1f, 0.9f, 0.9f}, {0.6f, 0.7f, 0.4f}, {0, 0, 0}},
            new float[][] {{0, 0, 0}, {0.2f, 0.3f, 0.55f}, {0, 0, 0}});

    @Test
    void independentDecisionsAtEachLabelsThreshold() {
        Evaluator ev = Evaluator.of(ABC, EXAMPLES, TABLE);
        // at 0.5: word {A} -> {A} right; {B, C} -> {A, B} (A extra, C missed); {} -> {C} (C extra)
        EvaluationReport r = ev.evaluate(new float[] {0.5f, 0.5f, 0.5f});
        assertEquals(3, r.nWords());
        assertScores(r.perLabel().get("A"), 0.5, 1, 2.0 / 3, 1);
        assertScores(r.perLabel().get("B"), 1, 1, 1, 1);
        assertScores(r.perLabel().get("C"), 0, 0, 0, 1);
        assertEquals(0.5, r.microPrecision(), EPS);      // tp 2 of 4 predicted
        assertEquals(2.0 / 3, r.microRecall(), EPS);     // of 3 gold
        assertEquals(4.0 / 7, r.microF1(), EPS);
        assertEquals(3.0 / 9, r.hammingLoss(), EPS);
        assertEquals(1.0 / 3, r.subsetAccuracy(), EPS);

        // A at 0.7, C at 0.3: the second word is now exactly {B, C}; the third still gets C
        EvaluationReport tuned = ev.evaluate(new float[] {0.7f, 0.5f, 0.3f});
        assertEquals(0.75, tuned.microPrecision(), EPS);
        assertEquals(1.0, tuned.microRecall(), EPS);
        assertEquals(6.0 / 7, tuned.microF1(), EPS);
        assertEquals(2.0 / 3, tuned.subsetAccuracy(), EPS);
        assertEquals(0.3f, tuned.perLabel().get("C").threshold().floatValue(), "the thresholds used are reported");
    }

    @Test
    void everyModeOfADecodingSetupInTheOrderAsked() {
        // B and C exactly one of them: the group's argmax is always on, A is decided alone
        LabelGroups groups = LabelGroups.of(ABC.names(),
                List.of(new LabelGroups.Group("BC", LabelGroups.Rule.EXACTLY_ONE, new int[] {1, 2})));
        Thresholds half = Thresholds.uniform(ABC.names(), 0.5f);
        Decoding decoding = new Decoding(groups, null, Map.of(DecodingMode.INDEPENDENT, half), DecodingMode.GROUPS);
        Evaluator ev = Evaluator.of(ABC, EXAMPLES, TABLE);

        Map<DecodingMode, EvaluationReport> reports = ev.evaluate(decoding,
                List.of(DecodingMode.GROUPS, DecodingMode.INDEPENDENT));
        assertEquals(List.of(DecodingMode.GROUPS, DecodingMode.INDEPENDENT), List.copyOf(reports.keySet()));
        // groups: {A} -> {A, C}; {B, C} -> {A, B}; {} -> {C}: nothing exactly right
        EvaluationReport g = reports.get(DecodingMode.GROUPS);
        assertEquals(0.4, g.microPrecision(), EPS);      // tp 2 of 5 predicted
        assertEquals(2.0 / 3, g.microRecall(), EPS);
        assertEquals(0.5, g.microF1(), EPS);
        assertEquals(4.0 / 9, g.hammingLoss(), EPS);
        assertEquals(0.0, g.subsetAccuracy(), EPS);
        assertEquals(4.0 / 7, reports.get(DecodingMode.INDEPENDENT).microF1(), EPS);
        assertThrows(IllegalArgumentException.class, () -> ev.evaluate(decoding, List.of(DecodingMode.LABEL_SETS)),
                "label-sets needs seen label sets");
    }

    /**
     * A real scorer made by hand: an encoder whose weights are all zero under a head whose weights are zero, so
     * every token's logits are the head's biases and its probabilities the same known row.
     */
    @Test
    void scoresTheDataOnceThroughTheScorer() {
        BertConfig config = BertConfig.encoder(8, 4, 1, 1, 8, 16, 2);
        StateDict zeros = new StateDict();
        HfBertNames.expected(config, false).forEach((name, shape) -> {
            int n = 1;
            for (int d : shape) {
                n *= d;
            }
            zeros.put(Tensor.ofFloats(name, shape, new float[n]));
        });
        float[] p = {0.9f, 0.2f, 0.6f};
        float[] bias = new float[3];
        for (int l = 0; l < 3; l++) {
            bias[l] = (float) Math.log(p[l] / (1 - p[l]));
        }
        try (BertEncoder encoder = new BertEncoder(BertWeights.of(config, zeros), 1);
                TokenClassifier classifier = new TokenClassifier(encoder, NativeArrays.of(new float[3 * 4], 3, 4),
                        NativeArrays.of(bias, 3))) {
            Evaluator ev = Evaluator.score(new TokenScorer(classifier, 1, 0),
                    new TrainingData(ABC, EXAMPLES, List.of()));
            assertEquals(List.of(5, 3), ev.probabilities().stream().map(t -> t.length).toList(), "input order");
            float[] row = {MultiLabelHead.sigmoid(bias[0]), MultiLabelHead.sigmoid(bias[1]),
                MultiLabelHead.sigmoid(bias[2])};
            for (float[][] table : ev.probabilities()) {
                for (float[] token : table) {
                    assertArrayEquals(row, token);
                }
            }
            // every word gets {A, C}: {A} -> C extra; {B, C} -> A extra, B missed; {} -> A and C extra
            EvaluationReport r = ev.evaluate(new float[] {0.5f, 0.5f, 0.5f});
            assertEquals(1.0 / 3, r.microPrecision(), EPS);
            assertEquals(2.0 / 3, r.microRecall(), EPS);
            assertEquals(4.0 / 9, r.microF1(), EPS);
            assertEquals(5.0 / 9, r.hammingLoss(), EPS);
            assertEquals(0.0, r.subsetAccuracy(), EPS);

            LabelSet two = LabelSet.of(List.of("A", "B"));
            assertThrows(IllegalArgumentException.class, () -> Evaluator.score(new TokenScorer(classifier, 1, 0),
                    new TrainingData(two, List.of(), List.of())), "a head of 3 labels for data of 2");
        }
    }

    static void assertScores(LabelScores s, double precision, double recall, double f1, long support) {
        assertEquals(precision, s.precision(), EPS);
        assertEquals(recall, s.recall(), EPS);
        assertEquals(f1, s.f1(), EPS);
        assertEquals(support, s.support());
    }
}
