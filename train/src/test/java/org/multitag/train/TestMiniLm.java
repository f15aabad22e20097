package org.multitag.train;

import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import org.multitag.weights.DType;
import org.multitag.weights.ModelFolder;
import org.multitag.weights.ModelImporter;

/** The real all-MiniLM-L6-v2 for the train module's tests, from the langchain4j jar on the test class path. */
final class TestMiniLm {

    private TestMiniLm() {}

    /** Imports the model into {@code dir/minilm-l6} (an HF folder, f32, no head) and returns that folder. */
    static Path folder(Path dir) throws IOException {
        URL url = TestMiniLm.class.getResource("/all-minilm-l6-v2.onnx");
        if (url == null) {
            throw new IllegalStateException("all-minilm-l6-v2.onnx is not on the test class path");
        }
        try {
            Path jar = Path.of(((JarURLConnection) url.openConnection()).getJarFileURL().toURI());
            Path base = dir.resolve("minilm-l6");
            ModelFolder.write(base, ModelImporter.importFile(jar), DType.F32);
            return base;
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
    }
}
