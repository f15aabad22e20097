package org.multitag.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multitag.core.InputException;
import org.multitag.model.kernels.NativeArrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The head against a direct computation, thresholds per label, and thresholds.json handling. */
class MultiLabelHeadTest {

    static final List<String> LABELS = List.of("NOUN", "VERB", "Number=Sing", "Tense=Past");

    static float[] random(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    @Test
    void sigmoidIsStableAndNeverASoftmax() {
        assertEquals(1f, MultiLabelHead.sigmoid(100f));
        assertEquals(0f, MultiLabelHead.sigmoid(-200f));
        assertEquals(0.5f, MultiLabelHead.sigmoid(0f));
        // independent labels: two high logits both come out near 1 (a softmax would split them)
        INDArray logits = NativeArrays.of(new float[] {5f, 5f, -5f}, 1, 3);
        float[] p = MultiLabelHead.probabilities(logits)[0];
        assertTrue(p[0] > 0.99 && p[1] > 0.99 && p[2] < 0.01);
    }

    @Test
    void thresholdsDecidePerLabel() {
        try (MultiLabelHead head = new MultiLabelHead(LABELS, NativeArrays.of(new float[8], 4, 2),
                NativeArrays.of(new float[4], 4), Thresholds.of(LABELS, new float[] {0.5f, 0.9f, 0.2f, 0.5f}))) {
            assertArrayEquals(new int[] {0, 2}, head.decide(new float[] {0.6f, 0.8f, 0.2f, 0.49f}));
            assertArrayEquals(new int[] {1, 3}, head.decide(new float[] {0.1f, 0.95f, 0.1f, 0.5f}));
        }
    }

    @Test
    void thresholdsFileRoundTripsAndDefaultsMissingLabels(@TempDir Path dir) throws Exception {
        Thresholds t = Thresholds.read(dir, LABELS);
        assertArrayEquals(new float[] {0.5f, 0.5f, 0.5f, 0.5f}, t.values());
        Thresholds.of(LABELS, new float[] {0.1f, 0.25f, 0.75f, 0.5f}).write(dir);
        assertArrayEquals(new float[] {0.1f, 0.25f, 0.75f, 0.5f}, Thresholds.read(dir, LABELS).values());
        Files.writeString(dir.resolve(Thresholds.FILE), "{\"VERB\": 0.3}", StandardCharsets.UTF_8);
        assertArrayEquals(new float[] {0.5f, 0.3f, 0.5f, 0.5f}, Thresholds.read(dir, LABELS).values());
    }

    @Test
    void badThresholdsFilesAreErrorsNamingTheFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve(Thresholds.FILE);
        for (String[] c : new String[][] {
                {"{\"ADJ\": 0.3}", ": label \"ADJ\" is not a label of the model"},
                {"{\"NOUN\": 1.5}", ": threshold of \"NOUN\" must be a number in [0, 1], not 1.5"},
                {"{\"NOUN\": \"high\"}", ": threshold of \"NOUN\" must be a number in [0, 1]"},
                {"[0.5]", ": expected an object {label: threshold}"},
                {"{\"NOUN\": ", ":1:10: not valid JSON: unexpected end of input (a truncated file?)"}}) {
            Files.writeString(f, c[0], StandardCharsets.UTF_8);
            InputException e = assertThrows(InputException.class, () -> Thresholds.read(dir, LABELS));
            assertTrue(e.getMessage().startsWith(f.toString() + c[1]), e.getMessage());
        }
    }
}
