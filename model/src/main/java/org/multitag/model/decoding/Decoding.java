package org.multitag.model.decoding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.multitag.core.AtomicFiles;
import org.multitag.core.InputException;
import org.multitag.model.Thresholds;

/**
 * A model folder's decoding setup: its {@link LabelGroups} ({@code label_groups.json}), its
 * {@link SeenLabelSets} ({@code label_sets.json}), the thresholds of each mode and the default mode. The
 * {@code independent} thresholds are {@code thresholds.json} (as before groups existed); the other modes' and the
 * default are in {@code decoding.json}:
 * <pre>
 * {"default": "label-sets",
 *  "thresholds": {"groups": {"Number=Sing": 0.43, ...}, "label-sets": {"Typo=Yes": 0.31, ...}}}
 * </pre>
 * A folder without these files decodes as before: {@code independent} with {@code thresholds.json}. Immutable.
 */
public final class Decoding {

    /** File name inside a model folder. */
    public static final String FILE = "decoding.json";

    /** Every file a decoding setup is stored in: {@link #write} writes or removes each of them. */
    public static final List<String> FILES = List.of(Thresholds.FILE, LabelGroups.FILE, SeenLabelSets.FILE, FILE);

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final List<String> labels;
    private final LabelGroups groups;
    private final SeenLabelSets seen;
    private final Map<DecodingMode, Thresholds> thresholds;
    private final DecodingMode defaultMode;

    /**
     * @param seen may be null (then {@code label-sets} decodes the groups as {@code groups} does)
     * @param thresholds per mode; a mode without an entry uses the independent thresholds, and without those 0.5
     */
    public Decoding(LabelGroups groups, SeenLabelSets seen, Map<DecodingMode, Thresholds> thresholds,
            DecodingMode defaultMode) {
        this.labels = groups.labels();
        this.groups = groups;
        this.seen = seen;
        this.thresholds = new EnumMap<>(DecodingMode.class);
        this.thresholds.putAll(thresholds);
        this.defaultMode = defaultMode;
        for (Thresholds t : thresholds.values()) {
            if (!t.labels().equals(labels)) {
                throw new IllegalArgumentException("thresholds are for other labels");
            }
        }
    }

    /** Independent decisions at {@code thresholds}, no groups (a head without a decoding setup). */
    public static Decoding independent(Thresholds thresholds) {
        return new Decoding(LabelGroups.none(thresholds.labels()), null,
                Map.of(DecodingMode.INDEPENDENT, thresholds), DecodingMode.INDEPENDENT);
    }

    /** This setup (groups, seen sets, default mode) with every mode deciding at one threshold for all labels. */
    public Decoding withUniformThresholds(float value) {
        Map<DecodingMode, Thresholds> th = new EnumMap<>(DecodingMode.class);
        for (DecodingMode mode : DecodingMode.values()) {
            th.put(mode, Thresholds.uniform(labels, value));
        }
        return new Decoding(groups, seen, th, defaultMode);
    }

    /**
     * The setup of a model folder whose head has {@code labels}; missing files give the defaults above.
     *
     * @throws InputException naming the file when one is broken
     */
    public static Decoding read(Path folder, List<String> labels) throws IOException {
        LabelGroups groups = LabelGroups.readFolder(folder, labels);
        SeenLabelSets seen = SeenLabelSets.readFolder(folder, labels);
        Map<DecodingMode, Thresholds> th = new EnumMap<>(DecodingMode.class);
        Thresholds independent = Thresholds.read(folder, labels);
        th.put(DecodingMode.INDEPENDENT, independent);
        DecodingMode mode = DecodingMode.INDEPENDENT;
        Path file = folder.resolve(FILE);
        if (Files.isRegularFile(file)) {
            JsonNode root = LabelGroups.readJson(file);
            if (root == null || !root.isObject()) {
                throw new InputException(file.toString(), "expected {\"default\": mode, \"thresholds\": {...}}");
            }
            if (root.has("default")) {
                mode = DecodingMode.parse(root.get("default").asText());
                if (mode == null || !root.get("default").isTextual()) {
                    throw new InputException(file.toString(), "default " + root.get("default")
                            + " is not a decoding mode (independent, groups, label-sets)");
                }
            }
            JsonNode modes = root.path("thresholds");
            for (Iterator<Map.Entry<String, JsonNode>> it = modes.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                DecodingMode m = DecodingMode.parse(e.getKey());
                if (m == null || m == DecodingMode.INDEPENDENT) {
                    throw new InputException(file.toString(), "thresholds of \"" + e.getKey() + "\": not groups or "
                            + "label-sets (independent thresholds are in " + Thresholds.FILE + ")");
                }
                th.put(m, thresholdsOf(file, e.getKey(), e.getValue(), labels, independent));
            }
        }
        Decoding d = new Decoding(groups, seen, th, mode);
        if (!d.modes().contains(mode)) {
            throw new InputException(file.toString(), "default mode " + mode + " needs " + LabelGroups.FILE
                    + (mode == DecodingMode.LABEL_SETS ? " and " + SeenLabelSets.FILE : "") + " in the folder");
        }
        return d;
    }

    private static Thresholds thresholdsOf(Path file, String mode, JsonNode node, List<String> labels,
            Thresholds fallback) {
        if (!node.isObject()) {
            throw new InputException(file.toString(), "thresholds of " + mode + ": expected {label: threshold}");
        }
        float[] v = fallback.values();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            int i = labels.indexOf(e.getKey());
            double t = e.getValue().asDouble(Double.NaN);
            if (i < 0) {
                throw new InputException(file.toString(), "thresholds of " + mode + ": label \"" + e.getKey()
                        + "\" is not a label of the model");
            }
            if (!e.getValue().isNumber() || !(t >= 0 && t <= 1)) {
                throw new InputException(file.toString(), "thresholds of " + mode + ": \"" + e.getKey()
                        + "\" must be a number in [0, 1], not " + e.getValue());
            }
            v[i] = (float) t;
        }
        return Thresholds.of(labels, v);
    }

    /**
     * Writes the setup into {@code folder}: {@code thresholds.json} (independent), {@code label_groups.json} and
     * {@code label_sets.json} when there are groups and sets (a stale one is removed), {@code decoding.json}; each
     * atomically.
     */
    public void write(Path folder) throws IOException {
        Map<String, byte[]> files = files();
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            AtomicFiles.write(folder.resolve(f.getKey()), out -> out.write(f.getValue()));
        }
        // an older setup's groups or sets would otherwise be read back with this one
        for (String stale : FILES) {
            if (!files.containsKey(stale)) {
                Files.deleteIfExists(folder.resolve(stale));
            }
        }
    }

    /** The files {@link #write} writes, by name. */
    public Map<String, byte[]> files() {
        Map<String, byte[]> files = new java.util.LinkedHashMap<>();
        files.put(Thresholds.FILE, thresholds(DecodingMode.INDEPENDENT).toJson());
        if (!groups.isEmpty()) {
            files.put(LabelGroups.FILE, groups.toJson());
        }
        if (seen != null) {
            files.put(SeenLabelSets.FILE, seen.toJson());
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("default", defaultMode.id());
        ObjectNode th = root.putObject("thresholds");
        for (DecodingMode m : List.of(DecodingMode.GROUPS, DecodingMode.LABEL_SETS)) {
            if (thresholds.containsKey(m)) {
                ObjectNode o = th.putObject(m.id());
                Thresholds t = thresholds.get(m);
                for (int l = 0; l < labels.size(); l++) {
                    o.put(labels.get(l), t.get(l));
                }
            }
        }
        try {
            files.put(FILE, (JSON.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return files;
    }

    public List<String> labels() {
        return labels;
    }

    public LabelGroups groups() {
        return groups;
    }

    /** The seen label sets, or null. */
    public SeenLabelSets seen() {
        return seen;
    }

    public DecodingMode defaultMode() {
        return defaultMode;
    }

    /** The thresholds {@code mode} uses (the independent ones when the mode has none of its own). */
    public Thresholds thresholds(DecodingMode mode) {
        Thresholds t = thresholds.get(mode);
        if (t == null) {
            t = thresholds.get(DecodingMode.INDEPENDENT);
        }
        return t == null ? Thresholds.uniform(labels, Thresholds.DEFAULT) : t;
    }

    /**
     * The modes this setup can decode in: independent always; groups when there are groups; label-sets when there
     * are also seen label sets (without them it would decode exactly as groups).
     */
    public List<DecodingMode> modes() {
        if (groups.isEmpty()) {
            return List.of(DecodingMode.INDEPENDENT);
        }
        return seen == null ? List.of(DecodingMode.INDEPENDENT, DecodingMode.GROUPS) : List.of(DecodingMode.values());
    }

    /**
     * The decoder of {@code mode} (null: the default).
     *
     * @throws IllegalArgumentException for a mode this setup lacks (see {@link #modes()})
     */
    public Decoder decoder(DecodingMode mode) {
        DecodingMode m = mode == null ? defaultMode : mode;
        if (!modes().contains(m)) {
            throw new IllegalArgumentException("decoding mode " + m + " needs label groups"
                    + (m == DecodingMode.LABEL_SETS ? " and the label sets seen in training" : "")
                    + "; the model has none (train with --label-groups auto, or add them with 'multitag "
                    + "tune-thresholds --label-groups auto --train TRAIN --data DEV --out NEW_MODEL')");
        }
        return Decoder.of(m, groups, seen, thresholds(m).values());
    }
}
