package org.multitag.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.multitag.core.LabelSet;
import org.multitag.data.Example;
import org.multitag.data.ExampleReader;
import org.multitag.data.TestData;
import org.multitag.tokenizer.labels.Span;

class MultiLabelMetricsTest {

    static final double EPS = 1e-12;
    static final LabelSet ABC = LabelSet.of(List.of("A", "B", "C"));

    @Test
    void handComputedWordScores() {
        MultiLabelMetrics m = new MultiLabelMetrics(ABC);
        m.addWord(new int[] {0, 1}, new int[] {0});    // w1: gold {A,B}, predicted {A}
        m.addWord(new int[] {1}, new int[] {2, 1});    // w2: gold {B},   predicted {B,C}
        m.addWord(new int[] {}, new int[] {});         // w3: gold {},    predicted {}
        m.addWord(new int[] {0, 0}, new int[] {0});    // w4: gold {A},   predicted {A} (repeats count once)
        EvaluationReport r = m.report(new float[] {0.5f, 0.25f, 0.75f});
        // A: tp 2, fp 0, fn 0 -> P 1, R 1, F1 1, support 2
        assertScores(r.perLabel().get("A"), 1, 1, 1, 2, 2);
        // B: tp 1, fp 0, fn 1 -> P 1, R 1/2, F1 2/3, support 2
        assertScores(r.perLabel().get("B"), 1, 0.5, 2.0 / 3, 2, 1);
        // C: tp 0, fp 1, fn 0 -> P 0, R 0 (no support: zero_division=0), F1 0
        assertScores(r.perLabel().get("C"), 0, 0, 0, 0, 1);
        assertEquals(0.25, r.perLabel().get("B").threshold());
        // micro: tp 3, fp 1, fn 1 -> P 3/4, R 3/4, F1 3/4
        assertEquals(0.75, r.microPrecision(), EPS);
        assertEquals(0.75, r.microRecall(), EPS);
        assertEquals(0.75, r.microF1(), EPS);
        // macro over all 3 labels: P (1+1+0)/3 = 2/3, R (1+1/2+0)/3 = 1/2, F1 (1+2/3+0)/3 = 5/9
        assertEquals(2.0 / 3, r.macroPrecision(), EPS);
        assertEquals(0.5, r.macroRecall(), EPS);
        assertEquals(5.0 / 9, r.macroF1(), EPS);
        // macro over the 2 labels with support (A, B): P 1, R 3/4, F1 5/6
        assertEquals(2, r.nLabelsSupported());
        assertEquals(1.0, r.macroPrecisionSupported(), EPS);
        assertEquals(0.75, r.macroRecallSupported(), EPS);
        assertEquals(5.0 / 6, r.macroF1Supported(), EPS);
        // Hamming: w1 misses B, w2 adds C -> 2 wrong of 4 words x 3 labels = 1/6
        assertEquals(1.0 / 6, r.hammingLoss(), EPS);
        // subset accuracy: w3 and w4 exactly right -> 2/4
        assertEquals(0.5, r.subsetAccuracy(), EPS);
        assertEquals(4, r.nWords());
        assertEquals(3, r.nLabels());
        assertFalse(r.hasSpans());
        assertNull(r.spanMicroF1());
    }

    @Test
    void conlluLabelsGetUposAndUfeatsAccuracy() {
        // sorted: Number=Plur 0, Number=Sing 1, Tense=Past 2, UPOS=NOUN 3, UPOS=VERB 4
        LabelSet ud = LabelSet.sorted(List.of("UPOS=NOUN", "UPOS=VERB", "Number=Sing", "Number=Plur", "Tense=Past"));
        MultiLabelMetrics m = new MultiLabelMetrics(ud);
        m.addWord(new int[] {3, 1}, new int[] {3, 1});    // all right
        m.addWord(new int[] {3, 0}, new int[] {3, 1});    // UPOS right, features wrong
        m.addWord(new int[] {4, 2}, new int[] {3, 2});    // UPOS wrong, features right
        m.addWord(new int[] {4}, new int[] {});           // UPOS missed; no features, none predicted: right
        m.addWord(new int[] {3}, new int[] {3, 4, 0});    // two UPOS predicted: wrong; extra feature: wrong
        EvaluationReport r = m.report();
        assertEquals(2.0 / 5, r.ud().upos(), EPS);
        assertEquals(3.0 / 5, r.ud().ufeats(), EPS);
        assertEquals(1.0 / 5, r.ud().uposFeats(), EPS);
        assertEquals(1.0 / 5, r.subsetAccuracy(), EPS);
        assertTrue(r.toJson().contains("\"ud\""));
        assertNull(new MultiLabelMetrics(ABC).report().ud(), "no UD scores for other label names");
    }

    @Test
    void unknownGoldLabelsCountAsMissed() {
        // sorted: UPOS=NOUN 0, UPOS=VERB 1; the gold file also has ExtPos=PROPN, which the model does not know
        LabelSet ud = LabelSet.sorted(List.of("UPOS=NOUN", "UPOS=VERB"));
        // [CLS] w0 w1 [SEP]
        Example e = new Example("t:1", new int[] {101, 7, 8, 102}, new int[4],
                new int[][] {{}, {0}, {1}, {}}, new int[] {0, 1, 1, 0}, 2, new int[] {-1, 0, 1, -1},
                new int[][] {{0}, {1}}, false, null, null, null, null)
                .withUnknownWordLabels(List.of(List.of("ExtPos=PROPN"), List.of()));
        float[][] p = {{0, 0}, {0.9f, 0.1f}, {0.2f, 0.8f}, {0, 0}};
        MultiLabelMetrics m = new MultiLabelMetrics(ud);
        m.addExample(e, p, new float[] {0.5f, 0.5f});
        EvaluationReport r = m.report();
        assertEquals(1, r.unknownGoldLabels());
        assertEquals(1.0, r.microPrecision(), EPS);
        assertEquals(2.0 / 3, r.microRecall(), EPS, "the unknown gold label is a miss");
        assertEquals(0.5, r.subsetAccuracy(), EPS, "word 0's label set is not right");
        assertEquals(1.0, r.ud().upos(), EPS);
        assertEquals(1.0, r.ud().ufeats(), EPS, "ExtPos is not a universal feature: UFeats ignores it");
        assertEquals(0.5, r.ud().allFeats(), EPS, "the whole FEATS column misses ExtPos=PROPN on word 0");
    }

    @Test
    void randomPredictionsMatchScikitLearnDefinitions() {
        Random random = new Random(20240601);
        for (int trial = 0; trial < 50; trial++) {
            int labels = 1 + random.nextInt(8);
            int words = 1 + random.nextInt(300);
            double[] rate = new double[labels];
            for (int j = 0; j < labels; j++) {
                // some labels never occur, some are rare, some common
                rate[j] = random.nextInt(4) == 0 ? 0 : random.nextDouble() * random.nextDouble();
            }
            boolean[][] y = new boolean[words][labels];
            boolean[][] p = new boolean[words][labels];
            MultiLabelMetrics byRows = new MultiLabelMetrics(names(labels));
            MultiLabelMetrics bySets = new MultiLabelMetrics(names(labels));
            for (int i = 0; i < words; i++) {
                for (int j = 0; j < labels; j++) {
                    y[i][j] = random.nextDouble() < rate[j];
                    p[i][j] = random.nextDouble() < (y[i][j] ? 0.7 : rate[j] / 2);
                }
                byRows.addWord(y[i], p[i]);
                bySets.addWord(indices(y[i]), indices(p[i]));
            }
            EvaluationReport r = byRows.report();
            assertEquals(r, bySets.report());
            double[][] per = SklearnReference.perLabel(y, p, labels);
            for (int j = 0; j < labels; j++) {
                LabelScores s = r.perLabel().get("L" + j);
                assertEquals(per[0][j], s.precision(), EPS);
                assertEquals(per[1][j], s.recall(), EPS);
                assertEquals(per[2][j], s.f1(), EPS);
                assertEquals((long) per[3][j], s.support());
            }
            double[] micro = SklearnReference.micro(y, p, labels);
            assertEquals(micro[0], r.microPrecision(), EPS);
            assertEquals(micro[1], r.microRecall(), EPS);
            assertEquals(micro[2], r.microF1(), EPS);
            double[] macro = SklearnReference.macro(y, p, labels);
            assertEquals(macro[0], r.macroPrecision(), EPS);
            assertEquals(macro[1], r.macroRecall(), EPS);
            assertEquals(macro[2], r.macroF1(), EPS);
            assertEquals(SklearnReference.hammingLoss(y, p, labels), r.hammingLoss(), EPS);
            assertEquals(SklearnReference.subsetAccuracy(y, p), r.subsetAccuracy(), EPS);
        }
    }

    @Test
    void handComputedSpanScores() {
        LabelSet labels = LabelSet.of(List.of("ANIMAL", "CITY", "ORG"));
        MultiLabelMetrics m = new MultiLabelMetrics(labels);
        m.addSpans(List.of(new Span(0, 8, "CITY"), new Span(0, 14, "ORG"), new Span(15, 18, "ANIMAL")),
                List.of(new Span(0, 8, "CITY"), new Span(0, 3, "ORG"), new Span(15, 18, "ANIMAL"),
                        new Span(15, 18, "CITY")));
        EvaluationReport r = m.report();
        assertTrue(r.hasSpans());
        // ANIMAL: tp 1 of 1 predicted, 1 gold -> 1, 1, 1
        assertScores(r.spanPerLabel().get("ANIMAL"), 1, 1, 1, 1, 1);
        // CITY: tp 1 of 2 predicted, 1 gold -> P 1/2, R 1, F1 2/3
        assertScores(r.spanPerLabel().get("CITY"), 0.5, 1, 2.0 / 3, 1, 2);
        // ORG: [0,3) is not [0,14) -> 0
        assertScores(r.spanPerLabel().get("ORG"), 0, 0, 0, 1, 1);
        // micro: tp 2, predicted 4, gold 3 -> P 1/2, R 2/3, F1 4/7; macro F1 (1 + 2/3 + 0)/3 = 5/9
        assertEquals(0.5, r.spanMicroPrecision(), EPS);
        assertEquals(2.0 / 3, r.spanMicroRecall(), EPS);
        assertEquals(4.0 / 7, r.spanMicroF1(), EPS);
        assertEquals(5.0 / 9, r.spanMacroF1(), EPS);
        assertEquals(3L, r.nGoldSpans());
        assertEquals(4L, r.nPredictedSpans());
        // a predicted label outside the label set is a bug of the caller; a gold one is data the model cannot know
        assertThrows(IllegalArgumentException.class, () -> m.addSpans(List.of(), List.of(new Span(0, 1, "PER"))));
    }

    @Test
    void aGoldSpanWithAnUnknownLabelCountsAsMissed() {
        LabelSet labels = LabelSet.of(List.of("ANIMAL", "CITY", "ORG"));
        MultiLabelMetrics m = new MultiLabelMetrics(labels);
        m.addSpans(List.of(new Span(0, 8, "CITY"), new Span(9, 12, "PER"), new Span(9, 12, "PER")),
                List.of(new Span(0, 8, "CITY")));
        EvaluationReport r = m.report();
        // tp 1, predicted 1, gold 2 (the duplicate PER span counts once): P 1, R 1/2, F1 2/3
        assertEquals(2L, r.nGoldSpans());
        assertEquals(1.0, r.spanMicroPrecision(), EPS);
        assertEquals(0.5, r.spanMicroRecall(), EPS);
        assertEquals(2.0 / 3, r.spanMicroF1(), EPS);
        assertScores(r.spanPerLabel().get("CITY"), 1, 1, 1, 1, 1);
        assertFalse(r.spanPerLabel().containsKey("PER"));
    }

    @Test
    void examplesAreScoredOnFirstSubtokensAndDecodedToSpans() throws IOException {
        LabelSet labels = LabelSet.of(List.of("ANIMAL", "CITY", "ORG"));
        List<Example> examples = new ExampleReader(TestData.tokenizer(), labels, ExampleReader.Options.DEFAULT)
                .read(TestData.resource("spans.jsonl")).examples();
        // example 1: [CLS] new york - based fox [SEP]; gold words: new {CITY,ORG} york {CITY,ORG} - {ORG}
        // based {ORG} fox {ANIMAL}; gold spans CITY [0,8), ORG [0,14), ANIMAL [15,18)
        float[][] perfect = {
            {0.9f, 0.9f, 0.9f}, // [CLS]: not a word
            {0.1f, 0.8f, 0.7f},
            {0.2f, 0.6f, 0.9f},
            {0.0f, 0.1f, 0.6f},
            {0.3f, 0.2f, 0.5f},
            {0.9f, 0.4f, 0.1f},
            {0.9f, 0.9f, 0.9f}, // [SEP]
        };
        float[] half = {0.5f, 0.5f, 0.5f};
        MultiLabelMetrics m = new MultiLabelMetrics(labels);
        m.addExample(examples.get(0), perfect, half);
        EvaluationReport r = m.report(half);
        assertEquals(5, r.nWords());
        assertEquals(1.0, r.microF1(), EPS);
        assertEquals(1.0, r.subsetAccuracy(), EPS);
        assertEquals(1.0, r.spanMicroF1(), EPS);
        assertEquals(3L, r.nGoldSpans());

        // "based" loses ORG: word level one miss; the ORG span becomes [0,9) -> one wrong, one missed span
        float[][] missing = perfect.clone();
        missing[4] = new float[] {0.3f, 0.2f, 0.4f};
        MultiLabelMetrics m2 = new MultiLabelMetrics(labels);
        m2.addExample(examples.get(0), missing, half);
        EvaluationReport r2 = m2.report();
        // words: tp 6, fp 0, fn 1 -> R 6/7; subset 4/5; Hamming 1/15
        assertEquals(6.0 / 7, r2.microRecall(), EPS);
        assertEquals(0.8, r2.subsetAccuracy(), EPS);
        assertEquals(1.0 / 15, r2.hammingLoss(), EPS);
        // spans: predicted CITY [0,8), ORG [0,9), ANIMAL [15,18) -> tp 2, predicted 3, gold 3
        assertScores(r2.spanPerLabel().get("ORG"), 0, 0, 0, 1, 1);
        assertEquals(2.0 / 3, r2.spanMicroF1(), EPS);

        // example 2: [CLS] the fox ##es [SEP]; the word "foxes" is read from "fox", not "##es"; thresholds apply
        float[][] p2 = {{0, 0, 0}, {0.1f, 0, 0}, {0.7f, 0, 0}, {0.0f, 0, 0}, {0, 0, 0}};
        MultiLabelMetrics m3 = new MultiLabelMetrics(labels);
        m3.addExample(examples.get(1), p2, half);
        assertEquals(1.0, m3.report().spanMicroF1(), EPS);
        MultiLabelMetrics m4 = new MultiLabelMetrics(labels);
        m4.addExample(examples.get(1), p2, new float[] {0.75f, 0.5f, 0.5f});
        assertEquals(0.0, m4.report().microRecall(), EPS);
        assertEquals(0.0, m4.report().spanMicroRecall(), EPS);
    }

    @Test
    void reportSerializesWithTheDocumentedKeys() throws IOException {
        MultiLabelMetrics m = new MultiLabelMetrics(ABC);
        m.addWord(new int[] {0}, new int[] {0, 2});
        JsonNode json = new ObjectMapper().readTree(m.report(new float[] {0.5f, 0.4f, 0.3f}).toJson());
        Set<String> keys = new TreeSet<>();
        json.fieldNames().forEachRemaining(keys::add);
        assertEquals(new TreeSet<>(List.of("n_words", "n_labels", "micro_precision", "micro_recall", "micro_f1",
                "macro_precision", "macro_recall", "macro_f1", "n_labels_supported", "macro_precision_supported",
                "macro_recall_supported", "macro_f1_supported", "hamming_loss", "subset_accuracy", "per_label",
                "unknown_gold_labels")), keys);
        assertEquals(List.of("A", "B", "C"), names(json.get("per_label").fieldNames()));
        JsonNode c = json.get("per_label").get("C");
        assertEquals(List.of("precision", "recall", "f1", "support", "predicted", "threshold"), names(c.fieldNames()));
        assertEquals(0.3f, (float) c.get("threshold").asDouble());
        assertEquals(1, json.get("n_words").asInt());
        assertEquals(0.5, json.get("micro_precision").asDouble(), EPS);

        m.addSpans(List.of(new Span(0, 1, "A")), List.of());
        JsonNode withSpans = new ObjectMapper().readTree(m.report().toJson());
        for (String k : List.of("span_micro_precision", "span_micro_recall", "span_micro_f1", "span_macro_f1",
                "span_per_label", "n_gold_spans", "n_predicted_spans")) {
            assertTrue(withSpans.has(k), k);
        }
        assertFalse(withSpans.get("per_label").get("A").has("threshold"));
        assertFalse(withSpans.get("span_per_label").get("A").has("threshold"));
    }

    @Test
    void emptyEvaluationIsAllZeros() {
        EvaluationReport r = new MultiLabelMetrics(ABC).report();
        assertEquals(0, r.nWords());
        assertEquals(0.0, r.hammingLoss());
        assertEquals(0.0, r.subsetAccuracy());
        assertEquals(0.0, r.macroF1());
        assertThrows(IllegalArgumentException.class, () -> new MultiLabelMetrics(ABC).addWord(new int[] {3},
                new int[] {}));
    }

    // ---------------------------------------------------------------- helpers

    static void assertScores(LabelScores s, double p, double r, double f1, long support, long predicted) {
        assertEquals(p, s.precision(), EPS, "precision");
        assertEquals(r, s.recall(), EPS, "recall");
        assertEquals(f1, s.f1(), EPS, "f1");
        assertEquals(support, s.support(), "support");
        assertEquals(predicted, s.predicted(), "predicted");
    }

    static LabelSet names(int n) {
        List<String> out = new ArrayList<>();
        for (int j = 0; j < n; j++) {
            out.add("L" + j);
        }
        return LabelSet.of(out);
    }

    static List<String> names(Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    static int[] indices(boolean[] row) {
        List<Integer> out = new ArrayList<>();
        for (int j = 0; j < row.length; j++) {
            if (row[j]) {
                out.add(j);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
