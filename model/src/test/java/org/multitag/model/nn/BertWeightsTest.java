package org.multitag.model.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.Test;
import org.multitag.weights.ImportedModel;
import org.multitag.weights.OnnxImporter;
import org.multitag.weights.StateDict;
import org.multitag.weights.Tensor;

/** Weights are stored transposed and fused; {@link BertWeights#parameters()} still gives back every HF tensor. */
class BertWeightsTest {

    static ImportedModel tinyBert() throws Exception {
        byte[] onnx = OrtReference.resource("/org/tribuo/interop/onnx/extractors/tinybert.onnx");
        return OnnxImporter.read(new ByteArrayInputStream(onnx), "tinybert.onnx");
    }

    @Test
    void parametersGiveBackEveryTensorInHuggingFaceLayout() throws Exception {
        ImportedModel m = tinyBert();
        try (BertWeights w = BertWeights.of(m.config(), m.weights())) {
            int checked = 0;
            for (Tensor t : m.weights().tensors()) {
                if (t.name().startsWith("pooler.")) {
                    continue; // the encoder does not use the pooler
                }
                var p = w.parameters().get(t.name());
                assertArrayEquals(toLong(t.shape()), p.shape(), t.name());
                assertArrayEquals(t.toFloat32(), p.dup('c').data().asFloat(), t.name());
                checked++;
            }
            assertEquals(5 + 16 * m.config().numHiddenLayers(), checked);
            assertEquals(checked, w.parameters().size());
        }
    }

    @Test
    void missingOrMisshapenTensorsAreNamed() throws Exception {
        ImportedModel m = tinyBert();
        StateDict missing = new StateDict();
        m.weights().tensors().stream().filter(t -> !t.name().equals("encoder.layer.0.output.dense.bias"))
                .forEach(missing::put);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BertWeights.of(m.config(), missing));
        assertEquals("missing tensor encoder.layer.0.output.dense.bias", e.getMessage());

        StateDict wrong = new StateDict();
        for (Tensor t : m.weights().tensors()) {
            wrong.put(t.name().equals("embeddings.LayerNorm.weight")
                    ? Tensor.ofFloats(t.name(), new int[] {3}, new float[3]) : t);
        }
        e = assertThrows(IllegalArgumentException.class, () -> BertWeights.of(m.config(), wrong));
        assertTrue(e.getMessage().startsWith("tensor embeddings.LayerNorm.weight has shape [3], the config needs"),
                e.getMessage());
    }

    static long[] toLong(int[] s) {
        long[] l = new long[s.length];
        for (int i = 0; i < s.length; i++) {
            l[i] = s[i];
        }
        return l;
    }
}
