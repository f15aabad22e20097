package org.multitag.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.multitag.core.InputException;

/**
 * A tiny BERT token classifier made by PyTorch (src/test/python/make_tiny_bert_fixture.py): saved with
 * torch.save, converted to safetensors, its values dumped to JSON by torch. We read the safetensors file and
 * compare every element with torch's numbers.
 */
class TorchFixtureTest {

    static Path fixture() throws URISyntaxException {
        return Path.of(TorchFixtureTest.class.getResource("torch/model.safetensors").toURI()).getParent();
    }

    @Test
    void valuesEqualTorch() throws Exception {
        StateDict sd = SafetensorsReader.read(fixture());
        JsonNode expected = new ObjectMapper().readTree(fixture().resolve("expected.json").toFile()).get("tensors");
        assertEquals(expected.size(), sd.size());
        assertEquals("pt", sd.metadata().get("format"));
        int elements = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            Tensor t = sd.get(e.getKey());
            assertEquals(e.getValue().get("dtype").asText(), t.dtype().name(), e.getKey());
            int[] shape = new ObjectMapper().convertValue(e.getValue().get("shape"), int[].class);
            assertArrayEquals(shape, t.shape(), e.getKey());
            JsonNode values = e.getValue().get("values");
            float[] got = t.toFloat32();
            assertEquals(values.size(), got.length);
            for (int i = 0; i < got.length; i++) {
                // torch printed float32/f16/bf16 values exactly as doubles, so equality is exact.
                assertEquals((float) values.get(i).asDouble(), got[i], e.getKey() + "[" + i + "]");
                if (t.dtype() == DType.I64) {
                    assertEquals(values.get(i).asLong(), t.data().getLong(i * 8));
                }
            }
            elements += got.length;
        }
        assertTrue(elements > 1000, "fixture has " + elements + " elements");
    }

    @Test
    void loadsAsTokenClassifierLikeTransformers() throws IOException, URISyntaxException {
        BertConfig c = BertConfig.read(fixture());
        assertEquals(List.of("NOUN", "Number=Plur", "Tense=Past"), List.copyOf(c.id2label().values()));
        StateDict sd = SafetensorsReader.read(fixture());
        LoadReport r = HfBertNames.match(sd, c, true, "tiny");
        assertEquals(List.of(), r.missing());
        assertEquals(List.of("dtype_check.f16", "dtype_check.bf16", "dtype_check.f64", "dtype_check.i32",
                "dtype_check.i8", "dtype_check.u8", "dtype_check.bool"), r.unexpected(), "position_ids ignored");
        assertTrue(r.weights().contains("embeddings.word_embeddings.weight"), "bert. prefix stripped");
        assertTrue(r.weights().contains("classifier.weight"));
        assertTrue(r.describe("tiny", "BertForTokenClassification").startsWith(
                "Some weights of the model checkpoint at tiny were not used when initializing "
                        + "BertForTokenClassification: [dtype_check.f16"));

        // As a base model: classifier unexpected, pooler missing.
        LoadReport base = HfBertNames.match(sd, c, false, "tiny");
        assertEquals(List.of("pooler.dense.weight", "pooler.dense.bias"), base.missing());
        assertTrue(base.unexpected().contains("classifier.weight"));
    }

    @Test
    void wrongShapeNamesTensorExpectedAndFound() throws Exception {
        BertConfig c = BertConfig.read(fixture());
        BertConfig wider = BertConfig.parse(c.toJson().replace("\"intermediate_size\" : 16", "\"intermediate_size\" : 32"), "x");
        InputException e = assertThrows(InputException.class,
                () -> HfBertNames.match(SafetensorsReader.read(fixture()), wider, true, "tiny/model.safetensors"));
        assertEquals("tiny/model.safetensors: tensor 'bert.encoder.layer.0.intermediate.dense.weight': expected shape "
                + "[32, 8], found [16, 8]", e.getMessage());
    }
}
