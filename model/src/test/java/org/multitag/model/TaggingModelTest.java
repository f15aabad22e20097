package org.multitag.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multitag.core.InputException;
import org.multitag.core.LabelSet;
import org.multitag.model.decoding.DecodingMode;
import org.multitag.model.kernels.NativeArrays;
import org.multitag.model.nn.BertWeights;
import org.multitag.weights.BertConfig;
import org.multitag.weights.DType;
import org.multitag.weights.HfBertNames;
import org.multitag.weights.ImportedModel;
import org.multitag.weights.ModelFolder;
import org.multitag.weights.StateDict;
import org.multitag.weights.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A model folder read in one place: labels in id order, the decoding files, the head's rows, errors naming files. */
class TaggingModelTest {

    static final int H = 4;
    static final byte[] VOCAB = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nthe\nfox\n.\n".getBytes(StandardCharsets.UTF_8);

    /** A one-layer BERT; with labels, a head whose row l is all {@code l + 1} and whose bias l is {@code -(l + 1)}. */
    static Path folder(Path dir, Map<Integer, String> id2label) throws Exception {
        BertConfig c = BertConfig.encoder(8, H, 1, 1, 8, 16, 2);
        BertConfig config = new BertConfig(c.vocabSize(), c.hiddenSize(), c.numHiddenLayers(), c.numAttentionHeads(),
                c.intermediateSize(), c.hiddenAct(), c.maxPositionEmbeddings(), c.typeVocabSize(), c.layerNormEps(),
                c.padTokenId(), id2label, id2label.isEmpty() ? null : "multi_label_classification",
                List.of(id2label.isEmpty() ? "BertModel" : "BertForTokenClassification"), c.extra());
        StateDict sd = new StateDict();
        HfBertNames.expected(config, !id2label.isEmpty()).forEach((name, shape) -> {
            int n = 1;
            for (int d : shape) {
                n *= d;
            }
            float[] v = new float[n];
            if (name.equals(HfBertNames.CLASSIFIER_WEIGHT)) {
                for (int i = 0; i < n; i++) {
                    v[i] = i / H + 1;
                }
            } else if (name.equals(HfBertNames.CLASSIFIER_BIAS)) {
                for (int i = 0; i < n; i++) {
                    v[i] = -(i + 1);
                }
            }
            sd.put(Tensor.ofFloats(name, shape, v));
        });
        ModelFolder.write(dir, new ImportedModel(config, sd, Map.of("vocab.txt", VOCAB), List.of()), DType.F32);
        return dir;
    }

    @Test
    void labelsDecodingTokenizerAndHeadFromOneRead(@TempDir Path tmp) throws Exception {
        Path dir = folder(tmp.resolve("m"), Map.of(0, "VERB", 1, "NOUN"));
        Files.writeString(dir.resolve(Thresholds.FILE), "{\"NOUN\": 0.25}", StandardCharsets.UTF_8);
        TaggingModel m = TaggingModel.read(dir);

        assertTrue(m.hasHead());
        assertEquals(List.of("VERB", "NOUN"), m.labels().names(), "id order, not sorted");
        assertArrayEquals(new float[] {0.5f, 0.25f}, m.decoding().thresholds(DecodingMode.INDEPENDENT).values());
        assertEquals(DecodingMode.INDEPENDENT, m.decoding().defaultMode());
        assertArrayEquals(new int[] {2, 5, 6, 7, 3}, m.tokenizer().encode("the fox.").ids());

        try (MultiLabelHead head = m.head(m.decoding().thresholds(DecodingMode.INDEPENDENT))) {
            assertEquals(List.of("VERB", "NOUN"), head.labels());
            assertArrayEquals(new float[] {1, 1, 1, 1, 2, 2, 2, 2}, NativeArrays.toFloats(head.weight()));
            assertArrayEquals(new float[] {0.5f, 0.25f}, head.thresholds().values());
        }
        // training in another label order takes the rows along
        INDArray[] c = m.classifier(LabelSet.of(List.of("NOUN", "VERB")));
        try (INDArray w = c[0]; INDArray b = c[1]) {
            assertArrayEquals(new float[] {2, 2, 2, 2, 1, 1, 1, 1}, NativeArrays.toFloats(w));
            assertArrayEquals(new float[] {-2, -1}, NativeArrays.toFloats(b));
        }
        try (BertWeights w = m.encoderWeights()) {
            assertEquals(1, w.layers().size());
        }
        assertThrows(IllegalArgumentException.class,
                () -> m.head(Thresholds.uniform(List.of("NOUN", "VERB"), 0.5f)), "thresholds in another order");
    }

    @Test
    void aPlainEncoderHasNoHead(@TempDir Path tmp) throws Exception {
        Path dir = folder(tmp.resolve("plain"), Map.of());
        TaggingModel m = TaggingModel.read(dir);
        assertFalse(m.hasHead());
        assertEquals(0, m.labels().size());
        String expected = dir + ": the model has no token head (config.json has no id2label): train one first "
                + "('multitag train', or FineTuner)";
        assertEquals(expected, assertThrows(InputException.class, m::requireHead).getMessage());
        assertEquals(expected, assertThrows(InputException.class, m::decoding).getMessage());
        try (BertWeights w = m.encoderWeights()) {
            assertEquals(H, w.config().hiddenSize());
        }
    }

    @Test
    void errorsNameTheFile(@TempDir Path tmp) throws Exception {
        Path dir = folder(tmp.resolve("m"), Map.of(0, "VERB", 1, "NOUN"));
        Path thresholds = Files.writeString(dir.resolve(Thresholds.FILE), "{\"ADJ\": 0.3}", StandardCharsets.UTF_8);
        InputException bad = assertThrows(InputException.class, () -> TaggingModel.read(dir).decoding());
        assertTrue(bad.getMessage().startsWith(thresholds + ": label \"ADJ\""), bad.getMessage());

        Path config = dir.resolve(BertConfig.FILE);
        Files.writeString(config, Files.readString(config).replace("\"NOUN\"", "\"VERB\""));
        InputException twice = assertThrows(InputException.class, () -> TaggingModel.read(dir));
        assertTrue(twice.getMessage().startsWith(config + ": id2label: "), twice.getMessage());

        Path empty = Files.createDirectories(tmp.resolve("empty"));
        InputException none = assertThrows(InputException.class, () -> TaggingModel.read(empty));
        assertTrue(none.getMessage().startsWith(empty + ": not a model folder"), none.getMessage());
    }
}
