package org.multitag.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import org.multitag.weights.ImportedModel;
import org.multitag.weights.ModelImporter;

/** The real all-MiniLM-L6-v2 for CLI tests (imported once per JVM from the test jar), and a command runner. */
final class TestModels {

    record Result(int code, String out, String err) {}

    private static ImportedModel minilm;

    private TestModels() {}

    /** all-MiniLM-L6-v2 with its tokenizer, from the langchain4j jar on the test class path. */
    static synchronized ImportedModel minilm() throws IOException {
        if (minilm == null) {
            URL url = TestModels.class.getResource("/all-minilm-l6-v2.onnx");
            if (url == null) {
                throw new IllegalStateException("all-minilm-l6-v2.onnx is not on the test class path");
            }
            try {
                Path jar = Path.of(((JarURLConnection) url.openConnection()).getJarFileURL().toURI());
                minilm = ModelImporter.importFile(jar);
            } catch (URISyntaxException e) {
                throw new IOException(e);
            }
        }
        return minilm;
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Multitag.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }
}
