package org.multitag.model.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.multitag.model.kernels.AttentionShape;
import org.multitag.model.kernels.ComputeSetting;
import org.multitag.model.kernels.KernelChoice;
import org.multitag.model.kernels.Kernels;
import org.multitag.model.kernels.Precision;
import org.multitag.weights.BertConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An inference pass over right-padded rows runs on their real tokens alone (packed): every real token's logits must
 * be the bits of the row run alone, which is also what the padded pass gives; padding positions get 0.
 */
class PackedRowsTest {

    private static final int H = 64; // 2 heads of 32: whole vectors, so the Vector API attention runs
    private static final int LABELS = 5;
    private static final int[] LENGTHS = {3, 17, 9, 1, 30, 17, 2};

    private static BertConfig config() {
        return BertConfig.encoder(50, H, 2, 2, 128, 64, 2);
    }

    /** Right-padded rows of {@code lengths}, random ids (some 0, the pad id, inside rows) and token types. */
    private static Batch batch(int[] lengths, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<int[]> ids = new ArrayList<>();
        List<int[]> types = new ArrayList<>();
        for (int n : lengths) {
            ids.add(r.ints(n, 0, 50).toArray());
            types.add(r.ints(n, 0, 2).toArray());
        }
        return Batch.of(ids, types);
    }

    private static Batch row(Batch b, int r, int n) {
        return Batch.of(List.of(java.util.Arrays.copyOf(b.inputIds()[r], n)),
                List.of(java.util.Arrays.copyOf(b.tokenTypeIds()[r], n)));
    }

    private static TokenClassifier classifier(BertEncoder encoder, boolean mixed) {
        SplittableRandom r = new SplittableRandom(7);
        INDArray w = Tiny.array(Tiny.gaussian(r, LABELS * H, 0, 0.3), LABELS, H);
        INDArray bias = Tiny.array(Tiny.gaussian(r, LABELS, 0, 0.1), LABELS);
        if (!mixed) {
            return new TokenClassifier(encoder, w, bias);
        }
        INDArray[] mix = {Tiny.array(new float[] {0.3f, -0.2f}, 2), Tiny.array(new float[] {1.1f}, 1)};
        return new TokenClassifier(encoder, w, bias, mix);
    }

    private static float[] rows(INDArray logits, int from, int n) {
        float[] v = new float[n * LABELS];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < LABELS; c++) {
                v[i * LABELS + c] = logits.getFloat(from + i, c);
            }
        }
        return v;
    }

    private static void assertSameBits(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(actual[i]),
                    what + " element " + i + ": " + expected[i] + " vs " + actual[i]);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"java", "scalar", "java-bf16", "java-mixed", "java-1-thread"})
    void packedLogitsAreEachRowAloneBitForBit(String kind) {
        ComputeSetting setting = ComputeSetting.defaults().withKernels(KernelChoice.JAVA)
                .withPrecision(kind.endsWith("bf16") ? Precision.BF16 : Precision.FP32)
                .withThreads(kind.endsWith("1-thread") ? 1 : 2);
        Kernels kernels = kind.equals("scalar") ? Kernels.scalar(2) : null;
        try (BertWeights weights = Tiny.weights(config(), 11);
                BertEncoder encoder = new BertEncoder(weights, setting, kernels, false);
                TokenClassifier model = classifier(encoder, kind.endsWith("mixed"))) {
            Batch batch = batch(LENGTHS, 3);
            int t = batch.maxLength();
            PackedRows packed = encoder.packing(batch);
            assertNotNull(packed, "a right-padded batch packs");
            assertEquals(java.util.Arrays.stream(LENGTHS).sum(), packed.tokens());

            float[][] padded = new float[LENGTHS.length][];
            INDArray p = model.forward(batch, Pass.inference()); // the padded pass, as transformers runs it
            for (int r = 0; r < LENGTHS.length; r++) {
                padded[r] = rows(p, r * t, LENGTHS[r]);
            }
            INDArray logits = model.tokenLogits(batch).dup();
            assertEquals(LENGTHS.length * t, logits.size(0));
            for (int r = 0; r < LENGTHS.length; r++) {
                float[] alone = rows(model.tokenLogits(row(batch, r, LENGTHS[r])), 0, LENGTHS[r]);
                float[] inBatch = rows(logits, r * t, LENGTHS[r]);
                assertSameBits(alone, inBatch, kind + " row " + r + " packed vs alone");
                assertSameBits(padded[r], inBatch, kind + " row " + r + " packed vs padded");
                for (int i = LENGTHS[r]; i < t; i++) {
                    for (int c = 0; c < LABELS; c++) {
                        assertEquals(0f, logits.getFloat(r * t + i, c), "padding position " + i + " of row " + r);
                    }
                }
            }
        }
    }

    @Test
    void packedHiddenStatesAreThePaddedPassBitForBit() {
        ComputeSetting setting = ComputeSetting.defaults().withKernels(KernelChoice.JAVA).withThreads(2);
        try (BertWeights weights = Tiny.weights(config(), 11);
                BertEncoder encoder = new BertEncoder(weights, setting, null, false)) {
            Batch batch = batch(LENGTHS, 5);
            int t = batch.maxLength();
            float[] padded;
            try (EncoderOutput out = encoder.forward(batch, BertEncoder.Outputs.LAST)) {
                padded = org.multitag.model.kernels.NativeArrays.toFloats(out.lastHiddenState());
            }
            float[] packed = org.multitag.model.kernels.NativeArrays.toFloats(encoder.lastHiddenStateOfTokens(batch));
            for (int r = 0; r < LENGTHS.length; r++) {
                for (int i = 0; i < t; i++) {
                    for (int c = 0; c < H; c++) {
                        int k = (r * t + i) * H + c;
                        if (i < LENGTHS[r]) {
                            assertEquals(Float.floatToIntBits(padded[k]), Float.floatToIntBits(packed[k]),
                                    "row " + r + " token " + i + " column " + c);
                        } else {
                            assertEquals(0f, packed[k], "padding position " + i + " of row " + r);
                        }
                    }
                }
            }
        }
    }

    @Test
    void onlyRightPaddingWithRealTokensPacks() {
        int[][] ids = {{1, 2, 3}, {4, 5, 6}};
        assertNull(PackedRows.of(Batch.of(ids, null, new int[][] {{1, 1, 1}, {1, 1, 1}}, null)), "no padding");
        assertNull(PackedRows.of(Batch.of(ids, null, new int[][] {{1, 1, 1}, {0, 1, 1}}, null)), "left padding");
        assertNull(PackedRows.of(Batch.of(ids, null, new int[][] {{1, 1, 1}, {1, 0, 1}}, null)), "a hole");
        assertNull(PackedRows.of(Batch.of(ids, null, new int[][] {{1, 1, 1}, {0, 0, 0}}, null)), "an empty row");
        assertNull(PackedRows.of(Batch.of(new int[][] {{1, 2, 3}}, null, new int[][] {{1, 0, 0}}, null)),
                "a single token: the gemm would see one row");
        PackedRows p = PackedRows.of(Batch.of(ids, null, new int[][] {{1, 1, 1}, {1, 0, 0}}, null));
        assertNotNull(p);
        assertEquals(4, p.tokens());
        Batch tokens = p.tokens(Batch.of(ids, new int[][] {{0, 0, 1}, {1, 0, 0}}, new int[][] {{1, 1, 1}, {1, 0, 0}},
                new int[][] {{0, 1, 2}, {5, 6, 7}}));
        assertTrue(java.util.Arrays.equals(new int[] {1, 2, 3, 4}, tokens.inputIds()[0]));
        assertTrue(java.util.Arrays.equals(new int[] {0, 0, 1, 1}, tokens.tokenTypeIds()[0]));
        assertTrue(java.util.Arrays.equals(new int[] {0, 1, 2, 5}, tokens.positionIds()[0]), "position ids kept");
    }

    @Test
    void nd4jKernelsRunPadded() {
        ComputeSetting setting = ComputeSetting.defaults().withKernels(KernelChoice.ND4J).withThreads(2);
        try (BertWeights weights = Tiny.weights(config(), 11);
                BertEncoder encoder = new BertEncoder(weights, setting, null, false)) {
            assertNull(encoder.packing(batch(LENGTHS, 3)));
        }
    }

    @Test
    void packedShapesAreForInferenceOnly() {
        AttentionShape s = AttentionShape.packed(new int[] {2, 3}, 2, 32);
        assertEquals(5, s.rows());
        assertThrows(IllegalArgumentException.class, () -> AttentionShape.packed(new int[] {2, 0}, 2, 32));
        try (Kernels k = Kernels.create(2)) {
            INDArray qkv = Nd4j.zeros(DataType.FLOAT, 5, 3 * H);
            INDArray merged = Nd4j.zeros(DataType.FLOAT, 5, H);
            INDArray probs = Nd4j.zeros(DataType.FLOAT, 2, 2, 3, 3);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> k.attention(qkv, null, s, null, probs, merged));
            assertTrue(e.getMessage().contains("inference"), e.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> k.attentionBackward(qkv, null, probs, s, null, merged, qkv));
        }
    }
}
