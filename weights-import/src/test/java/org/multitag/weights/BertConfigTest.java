package org.multitag.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multitag.core.InputException;

class BertConfigTest {

    /** bert-base-uncased's config.json as published by Hugging Face, plus a head and an unknown nested field. */
    static final String HF = """
            {
              "architectures": ["BertForTokenClassification"],
              "attention_probs_dropout_prob": 0.1,
              "gradient_checkpointing": false,
              "hidden_act": "gelu",
              "hidden_dropout_prob": 0.1,
              "hidden_size": 768,
              "id2label": {"0": "NOUN", "1": "Number=Plur", "2": "Tense=Past"},
              "label2id": {"NOUN": 0, "Number=Plur": 1, "Tense=Past": 2},
              "initializer_range": 0.02,
              "intermediate_size": 3072,
              "layer_norm_eps": 1e-12,
              "max_position_embeddings": 512,
              "model_type": "bert",
              "num_attention_heads": 12,
              "num_hidden_layers": 12,
              "pad_token_id": 0,
              "position_embedding_type": "absolute",
              "problem_type": "multi_label_classification",
              "transformers_version": "4.6.0.dev0",
              "type_vocab_size": 2,
              "use_cache": true,
              "vocab_size": 30522,
              "custom": {"nested": [1, 2.5, "x", null]}
            }
            """;

    @Test
    void readsKnownFields() {
        BertConfig c = BertConfig.parse(HF, "config.json");
        assertEquals(30522, c.vocabSize());
        assertEquals(768, c.hiddenSize());
        assertEquals(12, c.numHiddenLayers());
        assertEquals(12, c.numAttentionHeads());
        assertEquals(64, c.headSize());
        assertEquals(3072, c.intermediateSize());
        assertEquals("gelu", c.hiddenAct());
        assertEquals(512, c.maxPositionEmbeddings());
        assertEquals(2, c.typeVocabSize());
        assertEquals(1e-12, c.layerNormEps());
        assertEquals(0, c.padTokenId());
        assertEquals(3, c.numLabels());
        assertEquals(Map.of(0, "NOUN", 1, "Number=Plur", 2, "Tense=Past"), c.id2label());
        assertEquals(Map.of("NOUN", 0, "Number=Plur", 1, "Tense=Past", 2), c.label2id());
        assertEquals("multi_label_classification", c.problemType());
        assertEquals(List.of("BertForTokenClassification"), c.architectures());
    }

    @Test
    void roundTripKeepsEveryField(@TempDir Path dir) throws IOException {
        BertConfig c = BertConfig.parse(HF, "config.json");
        Path f = dir.resolve("config.json");
        c.write(f);
        BertConfig back = BertConfig.read(dir);
        assertEquals(c, back);
        ObjectMapper m = new ObjectMapper();
        JsonNode original = m.readTree(HF);
        JsonNode written = m.readTree(f.toFile());
        assertEquals(original, written, "same JSON content, unknown fields included");
        assertTrue(java.nio.file.Files.readString(f).indexOf("\"architectures\"")
                < java.nio.file.Files.readString(f).indexOf("\"vocab_size\""), "keys sorted");
    }

    @Test
    void numLabelsAloneNamesLabelsLikeTransformers() {
        BertConfig c = BertConfig.parse("{\"num_labels\": 2}", "c");
        assertEquals(Map.of(0, "LABEL_0", 1, "LABEL_1"), c.id2label());
        assertEquals(768, c.hiddenSize(), "missing fields take BERT's defaults");
    }

    @Test
    void encoderConfigLoadsInTransformers() {
        BertConfig c = BertConfig.encoder(1000, 64, 2, 4, 256, 128, 2).withLabels(List.of("A", "B"), null);
        BertConfig back = BertConfig.parse(c.toJson(), "c");
        assertEquals(c, back);
        assertEquals("bert", back.extra().get("model_type").asText());
        assertEquals(List.of("BertForTokenClassification"), back.architectures());
    }

    @Test
    void rejectsBadConfigs() {
        assertEquals("c:1:6: not valid JSON: unexpected end of input (a truncated file?)",
                assertThrows(InputException.class, () -> BertConfig.parse("{\"a\":", "c")).getMessage());
        assertEquals("c: \"hidden_size\" must be a non-negative integer, found \"big\"",
                assertThrows(InputException.class, () -> BertConfig.parse("{\"hidden_size\":\"big\"}", "c")).getMessage());
        assertEquals("c: hidden_size 100 is not a multiple of num_attention_heads 12",
                assertThrows(InputException.class, () -> BertConfig.parse("{\"hidden_size\":100}", "c")).getMessage());
        assertEquals("c: id2label must number labels 0..1, but id 1 is missing",
                assertThrows(InputException.class,
                        () -> BertConfig.parse("{\"id2label\":{\"0\":\"a\",\"5\":\"b\"}}", "c")).getMessage());
    }
}
