package org.multitag.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.multitag.core.AtomicFiles;
import org.multitag.core.InputException;

/**
 * One decision threshold per label, kept in a model folder as {@code thresholds.json} ({@code {label:
 * threshold}}). A label is predicted when its probability is at least its threshold.
 */
public final class Thresholds {

    /** File name inside a model folder. */
    public static final String FILE = "thresholds.json";
    /** The threshold of a label nobody tuned. */
    public static final float DEFAULT = 0.5f;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final List<String> labels;
    private final float[] values;

    private Thresholds(List<String> labels, float[] values) {
        this.labels = List.copyOf(labels);
        this.values = values.clone();
        for (int i = 0; i < values.length; i++) {
            if (!(values[i] >= 0 && values[i] <= 1)) {
                throw new IllegalArgumentException("threshold of " + labels.get(i) + " must be in [0, 1], not "
                        + values[i]);
            }
        }
    }

    /** The same threshold for every label. */
    public static Thresholds uniform(List<String> labels, float value) {
        float[] v = new float[labels.size()];
        Arrays.fill(v, value);
        return new Thresholds(labels, v);
    }

    /** Thresholds in label order. */
    public static Thresholds of(List<String> labels, float[] values) {
        if (values.length != labels.size()) {
            throw new IllegalArgumentException(values.length + " thresholds for " + labels.size() + " labels");
        }
        return new Thresholds(labels, values);
    }

    /**
     * The thresholds in {@code folder/thresholds.json}, or {@link #DEFAULT} for all labels when the file is
     * absent. Labels missing from the file keep the default; a label the model does not have, or a value
     * outside [0, 1], is an error naming the file.
     */
    public static Thresholds read(Path folder, List<String> labels) throws IOException {
        Path file = folder.resolve(FILE);
        float[] v = new float[labels.size()];
        Arrays.fill(v, DEFAULT);
        if (!Files.isRegularFile(file)) {
            return new Thresholds(labels, v);
        }
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw org.multitag.core.JsonErrors.file(file.toString(), e);
        }
        if (root == null || !root.isObject()) {
            throw new InputException(file.toString(), "expected an object {label: threshold}");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            int i = labels.indexOf(e.getKey());
            if (i < 0) {
                throw new InputException(file.toString(), "label \"" + e.getKey() + "\" is not a label of the model");
            }
            double t = e.getValue().asDouble(Double.NaN);
            if (!e.getValue().isNumber() || !(t >= 0 && t <= 1)) {
                throw new InputException(file.toString(), "threshold of \"" + e.getKey()
                        + "\" must be a number in [0, 1], not " + e.getValue());
            }
            v[i] = (float) t;
        }
        return new Thresholds(labels, v);
    }

    /** Writes {@code folder/thresholds.json} atomically. */
    public void write(Path folder) throws IOException {
        byte[] bytes = toJson();
        AtomicFiles.write(folder.resolve(FILE), out -> out.write(bytes));
    }

    /** The content of thresholds.json: {@code {label: threshold}} in label order, UTF-8. */
    public byte[] toJson() {
        ObjectNode o = JSON.createObjectNode();
        for (int i = 0; i < labels.size(); i++) {
            o.put(labels.get(i), values[i]);
        }
        try {
            return (JSON.writeValueAsString(o) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public List<String> labels() {
        return labels;
    }

    public float get(int label) {
        return values[label];
    }

    /** The thresholds in label order (a copy). */
    public float[] values() {
        return values.clone();
    }
}
