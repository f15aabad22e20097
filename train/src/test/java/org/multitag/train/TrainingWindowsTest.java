package org.multitag.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multitag.core.InputException;
import org.multitag.core.LabelSet;
import org.multitag.data.Example;
import org.multitag.data.SourceRecord;
import org.multitag.data.TrainingData;
import org.multitag.model.LongText;
import org.multitag.model.LongTextSplit;
import org.multitag.model.nn.Freeze;
import org.multitag.model.nn.Pass;
import org.multitag.model.nn.TokenClassifier;
import org.multitag.train.loop.TrainOptions;
import org.multitag.train.loop.Trainer;
import org.multitag.train.loss.BceWithLogitsLoss;

/**
 * Training examples longer than the limit go through windows (issue 25, point 2): on the real all-MiniLM-L6-v2
 * folder at a limit of 16 tokens, a 60-word example with multi-sub-token words is split so that every labelled token
 * is trained exactly once, in the window where its word is most central, and an example within the limit trains as
 * it did before windows, to the bit.
 */
class TrainingWindowsTest {

    static final int MAX = 16;
    static final LabelSet LABELS = LabelSet.sorted(List.of("A", "B", "C"));

    @TempDir
    static Path dir;
    static Path base;

    @BeforeAll
    static void importModel() throws Exception {
        base = TestMiniLm.folder(dir);
    }

    /** 60 words, every fifth one of several sub-tokens, labels cycling through none, A, B+C. */
    static SourceRecord.Words longRecord() {
        List<String> words = new ArrayList<>();
        List<List<String>> labels = new ArrayList<>();
        for (int w = 0; w < 60; w++) {
            words.add(w % 5 == 3 ? "unbelievably" + w : "w" + w);
            labels.add(switch (w % 3) {
                case 0 -> List.of();
                case 1 -> List.of("A");
                default -> List.of("B", "C");
            });
        }
        return new SourceRecord.Words("long.jsonl:1", words, labels);
    }

    static SourceRecord.Words shortRecord(int line) {
        return new SourceRecord.Words("short.jsonl:" + line, List.of("the", "dog" + line, "barked"),
                List.of(List.of("A"), List.of("B"), List.of()));
    }

    static FineTuner tuner(LongText mode) throws Exception {
        return FineTuner.builder(base).labels(LABELS).maxLength(MAX).longText(mode, -1).build();
    }

    @Test
    void everyLabelledTokenIsTrainedOnceInItsMostCentralWindow() throws Exception {
        FineTuner tuner = tuner(LongText.WINDOW);
        Example whole = tuner.reader().toExample(longRecord());
        assertTrue(whole.length() > 3 * MAX, whole.length() + " tokens");
        TrainingData data = tuner.examples(List.of(longRecord()));
        assertEquals(1, data.windowedCount());
        assertEquals(data.examples().size(), data.windowCount());
        assertTrue(data.summary().startsWith("1 examples, 60 words, "), data.summary());
        assertTrue(data.summary().contains(", 1 windowed (into " + data.windowCount() + " windows)"), data.summary());

        // the trained tokens of the windows, in order, are the example's labelled tokens, each once, same labels
        List<String> trained = new ArrayList<>();
        List<String> goldWords = new ArrayList<>();
        for (Example w : data.examples()) {
            assertTrue(w.length() <= MAX, w + " has " + w.length() + " tokens");
            int[] ids = w.inputIds();
            int[] mask = w.lossMask();
            for (int j = 0; j < w.length(); j++) {
                if (mask[j] == 1) {
                    trained.add(ids[j] + Arrays.toString(w.tokenLabels(j)));
                }
            }
            for (int k = 0; k < w.wordCount(); k++) {
                goldWords.add(Arrays.toString(w.wordLabels(k)));
            }
        }
        List<String> expected = new ArrayList<>();
        int[] ids = whole.inputIds();
        int[] mask = whole.lossMask();
        for (int t = 0; t < whole.length(); t++) {
            if (mask[t] == 1) {
                expected.add(ids[t] + Arrays.toString(whole.tokenLabels(t)));
            }
        }
        assertEquals(60, expected.size());
        assertEquals(expected, trained);
        List<String> expectedWords = new ArrayList<>();
        for (int k = 0; k < whole.wordCount(); k++) {
            expectedWords.add(Arrays.toString(whole.wordLabels(k)));
        }
        assertEquals(expectedWords, goldWords);

        // each trained word sits in its window with at least as much context on its poorer side as in any other
        // window that holds it whole
        LongTextSplit split = LongTextSplit.of(whole.inputIds(), whole.typeIds(), whole.tokenWords(), MAX, -1);
        assertEquals(split.size(), data.examples().size());
        int[] words = whole.tokenWords();
        for (int k = 0; k < split.size(); k++) {
            int[] at = split.inputTokens(k);
            int[] windowMask = data.examples().get(k).lossMask();
            for (int j = 0; j < at.length; j++) {
                if (windowMask[j] == 1) {
                    int word = words[at[j]];
                    int mine = context(at, words, word);
                    for (int other = 0; other < split.size(); other++) {
                        assertTrue(context(split.inputTokens(other), words, word) <= mine, "word " + word
                                + " trained in window " + k + " is more central in window " + other);
                    }
                }
            }
        }
    }

    /** The smaller of a word's left and right context in a window (content tokens), -1 when it is not whole there. */
    static int context(int[] at, int[] words, int word) {
        int first = -1;
        int last = -1;
        int count = 0;
        for (int j = 0; j < at.length; j++) {
            if (words[at[j]] == word) {
                first = first < 0 ? j : first;
                last = j;
            }
        }
        for (int w : words) {
            count += w == word ? 1 : 0;
        }
        if (first < 0 || last - first + 1 != count) {
            return -1;
        }
        return Math.min(first - 1, at.length - 2 - last); // [CLS] before, [SEP] after
    }

    @Test
    void examplesWithinTheLimitTrainAsBeforeToTheBit() throws Exception {
        List<SourceRecord> records = List.of(shortRecord(1), longRecord(), shortRecord(2), shortRecord(3));
        TrainingData windowed = tuner(LongText.WINDOW).examples(records);
        TrainingData truncated = tuner(LongText.TRUNCATE).examples(records);
        assertEquals(1, truncated.truncatedCount());
        assertEquals(0, windowed.truncatedCount());
        List<Example> shortWindowed = windowed.examples().stream().filter(e -> e.source().startsWith("short"))
                .toList();
        List<Example> shortTruncated = truncated.examples().stream().filter(e -> e.source().startsWith("short"))
                .toList();
        assertEquals(3, shortWindowed.size());
        assertEquals(shortTruncated, shortWindowed);

        // the same batch, the same loss and gradients, bit for bit
        double[] losses = new double[2];
        float[][] grads = new float[2][];
        for (int run = 0; run < 2; run++) {
            List<Example> batch = run == 0 ? shortWindowed : shortTruncated;
            var model = org.multitag.model.TaggingModel.read(base);
            var weights = model.encoderWeights();
            var head = TokenClassifier.newClassifier(model.config(), LABELS.size(), 5);
            try (TokenClassifier c = model.trainable(weights, head, null, Freeze.none(), 1)) {
                losses[run] = Trainer.lossAndGradients(c, new BceWithLogitsLoss(false), batch, LABELS.size(),
                        Pass.forBackward(), null, 1.0);
                grads[run] = org.multitag.model.kernels.NativeArrays.toFloats(c.parameters().get(0).grad());
            } finally {
                weights.close();
                head[0].close();
                head[1].close();
            }
        }
        assertEquals(Double.doubleToRawLongBits(losses[0]), Double.doubleToRawLongBits(losses[1]));
        assertTrue(Arrays.equals(grads[0], grads[1]), "gradients differ");
    }

    @Test
    void errorStillRefusesAndTheDevScorerWindowsALongExample() throws Exception {
        InputException e = org.junit.jupiter.api.Assertions.assertThrows(InputException.class,
                () -> tuner(LongText.ERROR).examples(List.of(longRecord())));
        assertTrue(e.getMessage().contains("more than the maximum length of " + MAX), e.getMessage());

        // one epoch on windows, with the long example as dev data too: the dev evaluation scores every word of it
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        FineTuner tuner = FineTuner.builder(base).labels(LABELS).maxLength(MAX).labelGroups("none")
                .options(TrainOptions.DEFAULT.withEpochs(1)).threads(1)
                .progress(new PrintStream(log, true, StandardCharsets.UTF_8), false).build();
        assertEquals(LongText.WINDOW, tuner.longText());
        TrainingData train = tuner.examples(List.of(longRecord(), shortRecord(1)));
        TrainingData dev = new TrainingData(LABELS, List.of(tuner.reader().toExample(longRecord())), List.of());
        Trainer.Result r = tuner.fit(train, dev, dir.resolve("run"));
        assertEquals(60, r.devReport().nWords(), log.toString(StandardCharsets.UTF_8));
    }
}
