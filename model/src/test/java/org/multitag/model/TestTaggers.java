package org.multitag.model;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.multitag.weights.DType;
import org.multitag.weights.ImportedModel;
import org.multitag.weights.ModelFolder;
import org.multitag.weights.ModelImporter;
import org.multitag.weights.StateDict;
import org.multitag.weights.Tensor;

/**
 * The test encoders every module's tests put a head on, shared through multitag-model's test jar: tinybert (one
 * layer, 512 positions, from tribuo-onnx's test jar) and the real all-MiniLM-L6-v2 (langchain4j's jar), each imported
 * once per JVM, and {@link #write} for a model folder with a seeded random multi-label {@link Head}. The jar a model
 * comes from must be on the calling module's test class path.
 */
public final class TestTaggers {

    private static ImportedModel tinybert;
    private static ImportedModel minilm;

    private TestTaggers() {}

    /**
     * A seeded random head: {@code labels.size() × hidden} weights drawn {@code N(0, weightSd²)}, then, from the same
     * stream, biases {@code N(0, biasSd²)}, or zero biases (nothing drawn) when {@code biasSd} is 0.
     */
    public record Head(List<String> labels, long seed, double weightSd, double biasSd) {

        /** The head's classifier weight (row-major, one row per label) and bias. */
        public record Drawn(float[] weight, float[] bias) {}

        /** Draws the head for an encoder of {@code hidden} units; the same numbers every call. */
        public Drawn draw(int hidden) {
            Random rnd = new Random(seed);
            float[] weight = new float[labels.size() * hidden];
            for (int i = 0; i < weight.length; i++) {
                weight[i] = (float) (rnd.nextGaussian() * weightSd);
            }
            float[] bias = new float[labels.size()];
            if (biasSd != 0) {
                for (int i = 0; i < bias.length; i++) {
                    bias[i] = (float) (rnd.nextGaussian() * biasSd);
                }
            }
            return new Drawn(weight, bias);
        }
    }

    /**
     * A new temporary folder deleted with everything in it when the JVM exits: the model folders the tests write are
     * tens to hundreds of MB each, which {@code File.deleteOnExit} (empty folders only) would leave behind.
     */
    public static Path tempDir(String prefix) throws IOException {
        Path dir = Files.createTempDirectory(prefix);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
        return dir;
    }

    private static void deleteTree(Path dir) {
        try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException e) {
            // best effort at exit: a leftover temporary folder is not a test failure
        }
    }

    /** tinybert with its tokenizer, from tribuo-onnx's test jar. */
    public static synchronized ImportedModel tinybert() throws IOException {
        if (tinybert == null) {
            // the importer finds the tokenizer beside the model file, so both go to one folder
            Path dir = tempDir("multitag-test-tinybert-");
            for (String name : List.of("tinybert.onnx", "tinybert-tokenizer.json")) {
                try (InputStream in = TestTaggers.class.getResourceAsStream("/org/tribuo/interop/onnx/extractors/"
                        + name)) {
                    if (in == null) {
                        throw new IllegalStateException(name + " is not on the test class path (tribuo-onnx tests)");
                    }
                    Files.copy(in, dir.resolve(name));
                }
            }
            tinybert = ModelImporter.importFile(dir.resolve("tinybert.onnx"));
        }
        return tinybert;
    }

    /** all-MiniLM-L6-v2 with its tokenizer, from the langchain4j jar. */
    public static synchronized ImportedModel minilm() throws IOException {
        if (minilm == null) {
            URL url = TestTaggers.class.getResource("/all-minilm-l6-v2.onnx");
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

    /**
     * Writes {@code encoder} with {@code head} as a multi-label tagger (config.json id2label, classifier.weight and
     * classifier.bias in model.safetensors, F32) to {@code folder}, and returns the folder.
     */
    public static Path write(ImportedModel encoder, Head head, Path folder) throws IOException {
        List<String> labels = head.labels();
        int hidden = encoder.config().hiddenSize();
        Head.Drawn drawn = head.draw(hidden);
        StateDict sd = new StateDict();
        encoder.weights().tensors().forEach(sd::put);
        sd.put(Tensor.ofFloats("classifier.weight", new int[] {labels.size(), hidden}, drawn.weight()));
        sd.put(Tensor.ofFloats("classifier.bias", new int[] {labels.size()}, drawn.bias()));
        ModelFolder.write(folder, new ImportedModel(encoder.config().withLabels(labels, "multi_label_classification"),
                sd, encoder.tokenizerFiles(), List.of()), DType.F32);
        return folder;
    }
}
