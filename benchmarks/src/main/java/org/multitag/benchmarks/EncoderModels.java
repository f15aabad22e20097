package org.multitag.benchmarks;

import ai.onnxruntime.OrtException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import org.multitag.model.nn.Batch;
import org.multitag.model.nn.BertEncoder;
import org.multitag.model.nn.EncoderOutput;
import org.multitag.weights.ImportedModel;
import org.multitag.weights.ModelFolder;
import org.multitag.weights.NamedModels;
import org.multitag.weights.OnnxImporter;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Loading the benchmarked models and the correctness checks run before any timing: multitag against ORT on
 * the benchmark input, and the ONNX exporter against the original MiniLM export.
 */
final class EncoderModels {

    /** The all-MiniLM-L6-v2 ONNX export inside the langchain4j jar. */
    static final String MINILM_ONNX = "all-minilm-l6-v2.onnx";

    /** System property naming a file the checks append their measured differences to (for the report). */
    static final String CHECKS_FILE_PROPERTY = "multitag.bench.checks";

    private EncoderModels() {}

    static byte[] miniLmOnnx() {
        try (InputStream in = EncoderModels.class.getClassLoader().getResourceAsStream(MINILM_ONNX)) {
            if (in == null) {
                throw new IOException("resource not on the classpath: " + MINILM_ONNX);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ImportedModel importOnnx(byte[] onnx) {
        try {
            return OnnxImporter.read(new ByteArrayInputStream(onnx), MINILM_ONNX);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** bert-base-uncased as imported by {@code multitag import bert-base-uncased} (cached HF folder). */
    static ImportedModel bertBaseUncased() {
        try {
            Path dir = NamedModels.fromEnvironment().ensure("bert-base-uncased");
            return ModelFolder.read(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** multitag's last_hidden_state [B, T, H] as a flat row-major array (through {@code forward}). */
    static float[] lastHiddenState(BertEncoder encoder, Batch batch) {
        try (EncoderOutput out = encoder.forward(batch, BertEncoder.Outputs.LAST)) {
            INDArray a = out.lastHiddenState();
            return a.reshape(a.length()).toFloatVector();
        }
    }

    /** Max |a − b| over all elements (every benchmark row is unpadded, so every position is real). */
    static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalStateException("outputs differ in size: " + a.length + " vs " + b.length);
        }
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            double d = Math.abs((double) a[i] - b[i]);
            if (!(d <= max)) { // also catches NaN
                max = Double.isNaN(d) ? Double.POSITIVE_INFINITY : d;
            }
        }
        return max;
    }

    /** Max |a|. */
    static double maxAbs(float[] a) {
        double max = 0;
        for (float v : a) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }

    /** Throws unless {@code diff ≤ tolerance}; prints and records the check either way. */
    static void require(String what, double diff, double tolerance) {
        require(what, "max abs diff", diff, tolerance);
    }

    /** As {@link #require(String, double, double)}, the measure named {@code measure}. */
    static void require(String what, String measure, double diff, double tolerance) {
        String line = String.format(Locale.ROOT, "%s: %s %.2e (tolerance %.0e)", what, measure, diff, tolerance);
        System.out.println("[check] " + line);
        record(line + (diff <= tolerance ? "" : " FAILED"));
        if (!(diff <= tolerance)) {
            throw new IllegalStateException("check failed, " + line);
        }
    }

    /**
     * Exports MiniLM's weights (as multitag imports them from the ONNX file) through {@link EncoderOnnxExporter}
     * and requires ORT on that export to match ORT on the original export within {@code tolerance} on
     * {@code batch}. Returns the max difference.
     */
    static double validateExporter(Batch batch, int threads, double tolerance) throws OrtException {
        byte[] original = miniLmOnnx();
        ImportedModel m = importOnnx(original);
        byte[] ours = EncoderOnnxExporter.export(m.config(), m.weights());
        float[] a;
        float[] b;
        try (OrtEncoder ort = new OrtEncoder(original, threads); OrtEncoder.Inputs in = ort.inputs(batch)) {
            a = ort.lastHiddenState(in);
        }
        try (OrtEncoder ort = new OrtEncoder(ours, threads); OrtEncoder.Inputs in = ort.inputs(batch)) {
            b = ort.lastHiddenState(in);
        }
        double diff = maxAbsDiff(a, b);
        require("exporter: ORT on our MiniLM export vs ORT on the original MiniLM ONNX, batch " + batch.size()
                + "x" + batch.maxLength(), diff, tolerance);
        return diff;
    }

    private static void record(String line) {
        String file = System.getProperty(CHECKS_FILE_PROPERTY);
        if (file == null || file.isEmpty()) {
            return;
        }
        try {
            Files.writeString(Path.of(file), line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
