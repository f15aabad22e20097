package org.multitag.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multitag.core.InputException;

class ModelFolderTest {

    @TempDir
    Path dir;

    private Path copy(String resource, String name) throws IOException {
        Path p = dir.resolve(name);
        try (InputStream in = getClass().getResourceAsStream(resource)) {
            Files.copy(in, p, StandardCopyOption.REPLACE_EXISTING);
        }
        return p;
    }

    private Path tinyBertOnnx() throws IOException {
        copy("/org/tribuo/interop/onnx/extractors/tinybert-tokenizer.json", "tinybert-tokenizer.json");
        return copy(OnnxImportTest.TINYBERT, "tinybert.onnx");
    }

    @Test
    void onnxFileToHfFolderAndBack() throws IOException {
        ImportedModel m = ModelImporter.importFile(tinyBertOnnx());
        Path out = dir.resolve("out");
        ModelFolder.write(out, m, DType.F32);
        for (String f : List.of("config.json", "vocab.txt", "tokenizer.json", "tokenizer_config.json", "model.safetensors")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        assertEquals(1656, Files.readAllLines(out.resolve("vocab.txt")).size());
        assertTrue(Files.readString(out.resolve("tokenizer_config.json")).contains("\"do_lower_case\" : true"));
        StateDict raw = SafetensorsReader.read(out);
        assertTrue(raw.contains("embeddings.word_embeddings.weight"), "no prefix without a head");
        ImportedModel back = ModelFolder.read(out);
        assertEquals(m.config(), back.config());
        assertEquals(List.of(), back.notes(), "complete BertModel: nothing missing or unexpected");
        for (Tensor t : m.weights().tensors()) {
            assertTrue(t.contentEquals(back.weights().get(t.name())), t.name());
        }
        assertEquals(List.of(out.getFileName()), Files.list(dir).filter(p -> p.getFileName().toString().contains("out"))
                .map(Path::getFileName).toList(), "no temporary folder left behind");
    }

    @Test
    void halfPrecisionOutput() throws IOException {
        ImportedModel m = ModelImporter.importFile(tinyBertOnnx());
        Path out = dir.resolve("f16");
        ModelFolder.write(out, m, DType.BF16);
        StateDict sd = SafetensorsReader.read(out);
        assertEquals(DType.BF16, sd.get("pooler.dense.weight").dtype());
        float[] want = m.weights().get("pooler.dense.weight").toFloat32();
        float[] got = sd.get("pooler.dense.weight").toFloat32();
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], Math.abs(want[i]) * 0x1p-8f, "bf16 keeps 8 bits of mantissa");
        }
        assertEquals(m.weights().byteSize() / 2, sd.byteSize());
    }

    @Test
    void withHeadTheEncoderGetsThePrefix() throws IOException {
        ImportedModel m = ModelImporter.importFile(tinyBertOnnx());
        StateDict w = new StateDict();
        m.weights().tensors().stream().filter(t -> !t.name().startsWith("pooler.")).forEach(w::put);
        w.put(Tensor.ofFloats("classifier.weight", new int[] {2, 50}, new float[100]));
        w.put(Tensor.ofFloats("classifier.bias", new int[] {2}, new float[2]));
        BertConfig c = m.config().withLabels(List.of("A", "B"), "multi_label_classification");
        Path out = dir.resolve("head");
        ModelFolder.write(out, new ImportedModel(c, w, m.tokenizerFiles(), List.of()), DType.F32);
        StateDict raw = SafetensorsReader.read(out);
        assertTrue(raw.contains("bert.embeddings.word_embeddings.weight"));
        assertTrue(raw.contains("classifier.weight"));
        ImportedModel back = ModelFolder.read(out);
        assertEquals(List.of(), back.notes());
        assertEquals(2, back.config().numLabels());
    }

    @Test
    void refusesToReplaceAFolderThatIsNotAModel() throws IOException {
        ImportedModel m = ModelImporter.importFile(tinyBertOnnx());
        Path precious = Files.createDirectories(dir.resolve("precious"));
        Files.writeString(precious.resolve("notes.txt"), "keep me");
        InputException e = assertThrows(InputException.class, () -> ModelFolder.write(precious, m, DType.F32));
        assertEquals(precious + ": exists and is not a model folder; refusing to replace it", e.getMessage());
        assertEquals("keep me", Files.readString(precious.resolve("notes.txt")));
    }

    @Test
    void failedImportLeavesNoFolder() throws IOException {
        Path bad = dir.resolve("broken.onnx");
        Files.write(bad, new byte[] {8, 7, 0x12, 3, 'a', 'b'});
        assertThrows(InputException.class, () -> ModelImporter.importFile(bad));
        assertFalse(Files.exists(dir.resolve("out")));
    }

    @Test
    void namedModelIsImportedOnceIntoTheCache() throws IOException {
        NamedModels names = new NamedModels(dir.resolve("home"), NamedModels.fromEnvironmentRepository());
        long t0 = System.nanoTime();
        Path folder = names.resolve("minilm-l6");
        long t1 = System.nanoTime();
        System.out.printf("minilm-l6 first use (jar -> ONNX parse -> HF folder): %d ms%n", (t1 - t0) / 1_000_000);
        assertEquals(dir.resolve("home/models/minilm-l6"), folder);
        FileTime written = Files.getLastModifiedTime(folder.resolve("model.safetensors"));
        assertEquals(folder, names.resolve("minilm-l6"));
        assertEquals(written, Files.getLastModifiedTime(folder.resolve("model.safetensors")), "not imported twice");
        ImportedModel m = ModelFolder.read(folder);
        ImportedModel direct = OnnxImporter.importModel(OnnxImportTest.parse(OnnxImportTest.MINILM), "x");
        assertEquals(direct.config(), m.config());
        for (Tensor t : direct.weights().tensors()) {
            assertArrayEquals(t.toFloat32(), m.weights().get(t.name()).toFloat32(), t.name());
        }
        assertEquals(List.of("Some weights of BertModel were not initialized from the model checkpoint at " + folder
                + " and are newly initialized: [pooler.dense.weight, pooler.dense.bias]"), m.notes());
        assertEquals(30522, Files.readAllLines(folder.resolve("vocab.txt")).size());
        assertThrows(InputException.class, () -> names.resolve("no-such-model"));
    }
}
