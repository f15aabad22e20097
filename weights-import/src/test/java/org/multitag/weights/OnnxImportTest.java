package org.multitag.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Imports real ONNX exports and checks each tensor against the initializer it came from. */
class OnnxImportTest {

    static final String MINILM = "/all-minilm-l6-v2.onnx";
    static final String TINYBERT = "/org/tribuo/interop/onnx/extractors/tinybert.onnx";

    static OnnxMl.ModelProto parse(String resource) throws IOException {
        try (InputStream in = OnnxImportTest.class.getResourceAsStream(resource)) {
            assertNotNull(in, resource + " on the test classpath");
            com.google.protobuf.CodedInputStream cis = com.google.protobuf.CodedInputStream.newInstance(in);
            cis.setSizeLimit(Integer.MAX_VALUE);
            return OnnxMl.ModelProto.parseFrom(cis);
        }
    }

    /** Initializer values straight from the protobuf (f32, raw little-endian data). */
    static Map<String, float[]> initializers(OnnxMl.ModelProto m) {
        Map<String, float[]> out = new HashMap<>();
        for (OnnxMl.TensorProto t : m.getGraph().getInitializerList()) {
            if (t.getDataType() == OnnxMl.TensorProto.DataType.FLOAT.getNumber()) {
                float[] v = new float[t.getRawData().size() / 4];
                t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
                out.put(t.getName(), v);
            }
        }
        return out;
    }

    static float[] transpose(Tensor t) {
        float[] v = t.toFloat32();
        int rows = t.dim(0);
        int cols = t.dim(1);
        float[] out = new float[v.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[c * rows + r] = v[r * cols + c];
            }
        }
        return out;
    }

    /**
     * Each imported tensor equals exactly one initializer: named ones by name, each [out,in] dense weight the
     * transpose of a distinct anonymous initializer. Returns how many were matched through the transpose.
     */
    static int assertEveryTensorFromItsInitializer(ImportedModel m, OnnxMl.ModelProto proto) {
        Map<String, float[]> inits = initializers(proto);
        List<String> anonymousUsed = new ArrayList<>();
        for (Tensor t : m.weights().tensors()) {
            float[] named = inits.get(t.name());
            if (named != null) {
                assertArrayEquals(named, t.toFloat32(), t.name());
                continue;
            }
            assertTrue(t.name().endsWith(".weight") && t.rank() == 2, t.name());
            float[] want = transpose(t);
            String source = null;
            for (Map.Entry<String, float[]> e : inits.entrySet()) {
                if (java.util.Arrays.equals(e.getValue(), want)) {
                    assertEquals(null, source, t.name() + " matches two initializers");
                    source = e.getKey();
                }
            }
            assertNotNull(source, t.name() + " equals the transpose of an initializer");
            assertTrue(!anonymousUsed.contains(source), source + " used twice");
            anonymousUsed.add(source);
        }
        return anonymousUsed.size();
    }

    @Test
    void miniLmTensorsEqualTheOnnxInitializers() throws IOException {
        OnnxMl.ModelProto proto = parse(MINILM);
        long t0 = System.nanoTime();
        ImportedModel m = OnnxImporter.importModel(proto, MINILM);
        System.out.printf("MiniLM ONNX import: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        BertConfig c = m.config();
        assertEquals(30522, c.vocabSize());
        assertEquals(384, c.hiddenSize());
        assertEquals(6, c.numHiddenLayers());
        assertEquals(12, c.numAttentionHeads());
        assertEquals(1536, c.intermediateSize());
        assertEquals(512, c.maxPositionEmbeddings());
        assertEquals(2, c.typeVocabSize());
        assertEquals(1e-12, c.layerNormEps());
        assertEquals("gelu", c.hiddenAct());
        assertEquals(5 + 6 * 16, m.weights().size(), "no pooler in this export");
        assertEquals(22_565_376, m.weights().parameterCount());
        assertArrayEquals(new int[] {1536, 384}, m.weights().get("encoder.layer.5.intermediate.dense.weight").shape());
        assertEquals(6 * 6, assertEveryTensorFromItsInitializer(m, proto));
        LoadReport r = HfBertNames.match(m.weights(), c, false, "minilm");
        assertEquals(List.of("pooler.dense.weight", "pooler.dense.bias"), r.missing());
        assertEquals(List.of(), r.unexpected());
    }

    @Test
    void tinyBertWithPooler() throws IOException {
        OnnxMl.ModelProto proto = parse(TINYBERT);
        ImportedModel m = OnnxImporter.importModel(proto, TINYBERT);
        BertConfig c = m.config();
        assertEquals(List.of(1656, 50, 1, 1, 200, 100), List.of(c.vocabSize(), c.hiddenSize(), c.numHiddenLayers(),
                c.numAttentionHeads(), c.intermediateSize(), c.maxPositionEmbeddings()));
        assertEquals(5 + 16 + 2, m.weights().size());
        // 121,309 initializer elements = 121,200 parameters + position_ids (100) + 9 scalar graph constants.
        assertEquals(121_200, m.weights().parameterCount());
        assertTrue(m.notes().get(0).startsWith("skipped 10 ONNX initializers"), m.notes().toString());
        // 6 anonymous MatMul weights; the pooler is a named Gemm(transB=1) weight, already [out, in].
        assertEquals(6, assertEveryTensorFromItsInitializer(m, proto));
        LoadReport r = HfBertNames.match(m.weights(), c, false, "tinybert");
        assertTrue(r.complete());
        assertEquals(List.of(), r.unexpected());
    }
}
