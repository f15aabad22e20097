package org.multitag.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {

    @TempDir
    Path dir;

    static StateDict sample() {
        StateDict sd = new StateDict();
        sd.put(Tensor.ofFloats("b.weight", new int[] {2, 3}, new float[] {1, -2, 3.5f, 0, 1e-8f, -7}));
        sd.put(Tensor.ofFloats("a.bias", new int[] {3}, new float[] {0.25f, 0.5f, 0.75f}));
        ByteBuffer ids = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 5).putLong(8, 1L << 40);
        sd.put(new Tensor("ids", DType.I64, new int[] {1, 2}, ids));
        sd.put(new Tensor("empty", DType.F32, new int[] {0, 4}, ByteBuffer.allocate(0)));
        sd.put(Tensor.ofFloats("scalar", new int[0], new float[] {42}));
        sd.metadata().put("format", "pt");
        return sd;
    }

    @Test
    void writesHuggingFaceLayout() throws IOException {
        Path f = dir.resolve("m.safetensors");
        SafetensorsWriter.write(f, sample());
        byte[] bytes = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8, "header length is a multiple of 8");
        String header = new String(bytes, 8, (int) n, java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{\"__metadata__\":{\"format\":\"pt\"},\"b.weight\":{\"dtype\":\"F32\","
                + "\"shape\":[2,3],\"data_offsets\":[0,24]}"), header);
        assertTrue(header.endsWith("}") || header.endsWith(" "));
        assertEquals(8 + n + 24 + 12 + 16 + 4, bytes.length);
        assertTrue(Files.list(dir).allMatch(p -> p.equals(f)), "no temporary file left behind");
    }

    @Test
    void readsBackValuesAsZeroCopyViews() throws IOException {
        Path f = dir.resolve("m.safetensors");
        SafetensorsWriter.write(f, sample());
        StateDict sd = SafetensorsReader.read(f);
        assertEquals(List.of("b.weight", "a.bias", "ids", "empty", "scalar"), List.copyOf(sd.names()));
        assertEquals("pt", sd.metadata().get("format"));
        assertArrayEquals(new float[] {1, -2, 3.5f, 0, 1e-8f, -7}, sd.get("b.weight").toFloat32());
        assertArrayEquals(new int[] {2, 3}, sd.get("b.weight").shape());
        assertEquals(1L << 40, sd.get("ids").data().getLong(8));
        assertArrayEquals(new float[] {5, 1L << 40}, sd.get("ids").toFloat32());
        assertEquals(0, sd.get("empty").numel());
        assertArrayEquals(new float[] {42}, sd.get("scalar").toFloat32());
        assertTrue(sd.get("b.weight").floatView().isDirect(), "tensor data is a view on the mapped file");
        assertEquals(1 + 6 + 3 + 2 + 0, sd.parameterCount());
    }

    @Test
    void roundTripIsBitIdentical() throws IOException {
        Path f1 = dir.resolve("1.safetensors");
        Path f2 = dir.resolve("2.safetensors");
        SafetensorsWriter.write(f1, sample());
        SafetensorsWriter.write(f2, SafetensorsReader.read(f1));
        assertArrayEquals(Files.readAllBytes(f1), Files.readAllBytes(f2));
    }

    @Test
    void sortedOrder() throws IOException {
        Path f = dir.resolve("s.safetensors");
        SafetensorsWriter.write(f, sample(), SafetensorsWriter.Order.SORTED);
        assertEquals(List.of("a.bias", "b.weight", "empty", "ids", "scalar"),
                List.copyOf(SafetensorsReader.read(f).names()));
    }

    @Test
    void convertsEveryDtypeToFloat32() throws IOException {
        float[] v = {0f, 1f, -2.5f, 65504f, 1e-3f, -0f, 3.140625f, 100f};
        StateDict sd = new StateDict();
        for (DType t : DType.values()) {
            float[] src = t == DType.U8 || t == DType.BOOL ? new float[] {0, 1, 2, 255, 7, 0, 3, 100} : v;
            sd.put(Tensor.ofFloats(t.name(), new int[] {8}, src).to(t).renamed(t.name()));
        }
        Path f = dir.resolve("d.safetensors");
        SafetensorsWriter.write(f, sd);
        StateDict back = SafetensorsReader.read(f);
        assertArrayEquals(v, back.get("F32").toFloat32());
        assertArrayEquals(v, back.get("F64").toFloat32());
        assertArrayEquals(new float[] {0, 1, -2.5f, 65504, 0.0010004044f, -0f, 3.140625f, 100},
                back.get("F16").toFloat32());
        // Expected values are what PyTorch 1.13 prints for .half() / .bfloat16() of the same inputs.
        assertArrayEquals(new float[] {0, 1, -2.5f, 65536, 9.994507E-4f, -0f, 3.140625f, 100},
                back.get("BF16").toFloat32());
        assertArrayEquals(new float[] {0, 1, -2, 65504, 0, 0, 3, 100}, back.get("I32").toFloat32());
        assertArrayEquals(new float[] {0, 1, -2, 65504, 0, 0, 3, 100}, back.get("I64").toFloat32());
        assertArrayEquals(new float[] {0, 1, 2, 255, 7, 0, 3, 100}, back.get("U8").toFloat32());
        assertArrayEquals(new float[] {0, 1, 1, 1, 1, 0, 1, 1}, back.get("BOOL").toFloat32());
        assertEquals(2, back.get("BF16").byteSize() / 8);
    }

    @Test
    void halfPrecisionRoundsToNearestEven() {
        assertEquals(0x3C00, DType.floatToHalf(1f));
        assertEquals(0x7C00, DType.floatToHalf(65520f), "rounds up to infinity");
        assertEquals(0x7BFF, DType.floatToHalf(65519f));
        assertEquals(0x0001, DType.floatToHalf(0x1p-24f), "smallest subnormal");
        assertEquals(0x0000, DType.floatToHalf(0x1p-25f), "tie rounds to even zero");
        assertEquals(0x3C00, DType.floatToHalf(1f + 0x1p-11f), "tie rounds to even");
        assertEquals(0x3C01, DType.floatToHalf(1f + 0x1.8p-11f));
        assertTrue(Float.isNaN(DType.halfToFloat(DType.floatToHalf(Float.NaN))));
        for (int h = 0; h < 0x10000; h++) {
            float f = DType.halfToFloat((short) h);
            if (!Float.isNaN(f)) {
                assertEquals((short) h, DType.floatToHalf(f), "half " + Integer.toHexString(h) + " round trips");
            }
        }
        assertEquals((short) 0x3F80, DType.floatToBfloat16(1f));
        assertEquals((short) 0x3F80, DType.floatToBfloat16(Float.intBitsToFloat(0x3F808000)), "tie to even");
        assertEquals((short) 0x3F82, DType.floatToBfloat16(Float.intBitsToFloat(0x3F818000)), "tie to even up");
    }

    @Test
    void readsShardedModels() throws IOException {
        StateDict a = new StateDict().put(Tensor.ofFloats("x", new int[] {2}, new float[] {1, 2}));
        StateDict b = new StateDict().put(Tensor.ofFloats("y", new int[] {1}, new float[] {3}));
        SafetensorsWriter.write(dir.resolve("model-00001-of-00002.safetensors"), a);
        SafetensorsWriter.write(dir.resolve("model-00002-of-00002.safetensors"), b);
        Files.writeString(dir.resolve(SafetensorsReader.INDEX_FILE), "{\"metadata\":{\"total_size\":12},"
                + "\"weight_map\":{\"x\":\"model-00001-of-00002.safetensors\","
                + "\"y\":\"model-00002-of-00002.safetensors\"}}");
        StateDict sd = SafetensorsReader.read(dir);
        assertEquals(List.of("x", "y"), List.copyOf(sd.names()));
        assertArrayEquals(new float[] {3}, sd.get("y").toFloat32());
        assertEquals("12", sd.metadata().get("total_size"));
        assertFalse(sd.contains("z"));
    }

    @Test
    void mappedFileIsNotCopied() throws IOException {
        Path f = dir.resolve("m.safetensors");
        SafetensorsWriter.write(f, sample());
        ByteBuffer view = SafetensorsReader.read(f).get("a.bias").data();
        assertTrue(view.isDirect());
        assertFalse(view instanceof MappedByteBuffer && !view.isReadOnly(), "views are read-only");
    }
}
