package org.multitag.model.decoding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.multitag.core.AtomicFiles;
import org.multitag.core.InputException;

/**
 * Named groups of labels that depend on each other, each with a rule: {@code exactly-one} (a word has one label of
 * the group, e.g. its UPOS), {@code at-most-one} (none or one, e.g. the values of one feature: {@code Number=Sing},
 * {@code Number=Plur}). Labels in no group are free (decided alone). Kept in a model folder as
 * {@code label_groups.json}, the same format {@code --label-groups FILE} reads:
 * <pre>
 * {"groups": [
 *   {"name": "UPOS",   "rule": "exactly-one", "labels": ["UPOS=ADJ", "UPOS=NOUN", ...]},
 *   {"name": "Number", "rule": "at-most-one", "labels": ["Number=Plur", "Number=Sing"]}
 * ]}
 * </pre>
 * A label belongs to at most one group; the labels must be labels of the model. Immutable.
 */
public final class LabelGroups {

    /** File name inside a model folder. */
    public static final String FILE = "label_groups.json";

    /** The rule a group's labels follow on every word. */
    public enum Rule {
        /** Exactly one label of the group is on. */
        EXACTLY_ONE("exactly-one"),
        /** At most one label of the group is on. */
        AT_MOST_ONE("at-most-one");

        private final String id;

        Rule(String id) {
            this.id = id;
        }

        /** The rule's name in files and on the command line. */
        public String id() {
            return id;
        }

        static Rule parse(String s) {
            for (Rule r : values()) {
                if (r.id.equals(s)) {
                    return r;
                }
            }
            return null;
        }
    }

    /** One group: a name, a rule, its label indices (in the model's label order). */
    public record Group(String name, Rule rule, int[] labels) {
        public Group {
            labels = labels.clone();
        }

        @Override
        public int[] labels() {
            return labels.clone();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final List<String> labelNames;
    private final List<Group> groups;
    private final int[] groupOf;

    private LabelGroups(List<String> labelNames, List<Group> groups) {
        this.labelNames = List.copyOf(labelNames);
        this.groups = List.copyOf(groups);
        this.groupOf = new int[labelNames.size()];
        Arrays.fill(groupOf, -1);
        for (int g = 0; g < groups.size(); g++) {
            for (int l : groups.get(g).labels) {
                if (l < 0 || l >= groupOf.length) {
                    throw new IllegalArgumentException("label index " + l + " outside the label set");
                }
                if (groupOf[l] >= 0) {
                    throw new IllegalArgumentException("label " + labelNames.get(l) + " is in two groups ("
                            + groups.get(groupOf[l]).name + ", " + groups.get(g).name + ")");
                }
                groupOf[l] = g;
            }
        }
    }

    /** No groups: every label is free (the independent decisions of a plain multi-label head). */
    public static LabelGroups none(List<String> labels) {
        return new LabelGroups(labels, List.of());
    }

    /** Groups over {@code labels}, given by label index. */
    public static LabelGroups of(List<String> labels, List<Group> groups) {
        return new LabelGroups(labels, groups);
    }

    /**
     * The groups {@code Key=Value} names imply: all {@code UPOS=} labels form an exactly-one group {@code UPOS};
     * every other key's values form an at-most-one group named by the key; labels without {@code =} are free.
     * A key with a single value is a group of one (at most one of one: the same as free). Works for any label set
     * (an NER set of {@code B-PER}-style names gets no group at all).
     */
    public static LabelGroups auto(List<String> labels) {
        Map<String, List<Integer>> byKey = new LinkedHashMap<>();
        for (int l = 0; l < labels.size(); l++) {
            String name = labels.get(l);
            int eq = name.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            byKey.computeIfAbsent(name.substring(0, eq), k -> new ArrayList<>()).add(l);
        }
        List<Group> groups = new ArrayList<>();
        byKey.forEach((key, members) -> groups.add(new Group(key, key.equals("UPOS") ? Rule.EXACTLY_ONE
                : Rule.AT_MOST_ONE, members.stream().mapToInt(Integer::intValue).toArray())));
        return new LabelGroups(labels, groups);
    }

    /**
     * The groups in {@code file} (the format above) over the model's {@code labels}.
     *
     * @throws InputException naming the file for bad JSON, an unknown rule or label, a label in two groups
     */
    public static LabelGroups read(Path file, List<String> labels) throws IOException {
        JsonNode root = readJson(file);
        String where = file.toString();
        if (root == null || !root.isObject() || !root.path("groups").isArray()) {
            throw new InputException(where, "expected {\"groups\": [{\"name\", \"rule\", \"labels\"}, ...]}");
        }
        List<Group> groups = new ArrayList<>();
        int k = 0;
        for (JsonNode g : root.get("groups")) {
            String at = "groups[" + k++ + "]";
            if (!g.path("name").isTextual() || !g.path("rule").isTextual() || !g.path("labels").isArray()) {
                throw new InputException(where, at + ": needs \"name\" (text), \"rule\" (text), \"labels\" (array)");
            }
            Rule rule = Rule.parse(g.get("rule").asText().toLowerCase(Locale.ROOT));
            if (rule == null) {
                throw new InputException(where, at + ": rule \"" + g.get("rule").asText()
                        + "\" is not exactly-one or at-most-one");
            }
            List<Integer> members = new ArrayList<>();
            for (JsonNode l : g.get("labels")) {
                int i = labels.indexOf(l.asText());
                if (!l.isTextual() || i < 0) {
                    throw new InputException(where, at + ": label " + l + " is not a label of the model");
                }
                members.add(i);
            }
            groups.add(new Group(g.get("name").asText(), rule, members.stream().mapToInt(Integer::intValue)
                    .toArray()));
        }
        try {
            return new LabelGroups(labels, groups);
        } catch (IllegalArgumentException e) {
            throw new InputException(where, e.getMessage());
        }
    }

    /**
     * The groups a {@code --label-groups} value names: {@code auto} ({@link #auto}), {@code none}, or the path of
     * a file in the format above.
     */
    public static LabelGroups fromSpec(String spec, List<String> labels) throws IOException {
        return switch (spec) {
            case "auto" -> auto(labels);
            case "none" -> none(labels);
            default -> {
                Path file = Path.of(spec);
                if (!Files.isRegularFile(file)) {
                    throw new InputException(spec, "--label-groups takes auto, none or a file, and there is no such "
                            + "file");
                }
                yield read(file, labels);
            }
        };
    }

    /** A JSON file of the decoding setup; bad UTF-8 or JSON is an error naming the file. */
    static JsonNode readJson(Path file) throws IOException {
        try {
            return JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw org.multitag.core.JsonErrors.file(file.toString(), e);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new InputException(file.toString(), "not valid UTF-8");
        }
    }

    /** The groups of a model folder's {@code label_groups.json}, or none when it has no such file. */
    public static LabelGroups readFolder(Path folder, List<String> labels) throws IOException {
        Path file = folder.resolve(FILE);
        return Files.isRegularFile(file) ? read(file, labels) : none(labels);
    }

    /** Writes {@code folder/label_groups.json} atomically. */
    public void write(Path folder) throws IOException {
        byte[] bytes = toJson();
        AtomicFiles.write(folder.resolve(FILE), out -> out.write(bytes));
    }

    /** The content of label_groups.json, UTF-8. */
    public byte[] toJson() {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode arr = root.putArray("groups");
        for (Group g : groups) {
            ObjectNode o = arr.addObject();
            o.put("name", g.name);
            o.put("rule", g.rule.id());
            ArrayNode ls = o.putArray("labels");
            for (int l : g.labels) {
                ls.add(labelNames.get(l));
            }
        }
        try {
            return (JSON.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The model's labels, in output order. */
    public List<String> labels() {
        return labelNames;
    }

    public List<Group> groups() {
        return groups;
    }

    public boolean isEmpty() {
        return groups.isEmpty();
    }

    /** The group index of a label, or -1 when it is free. */
    public int groupOf(int label) {
        return groupOf[label];
    }

    /** Whether a label belongs to some group. */
    public boolean grouped(int label) {
        return groupOf[label] >= 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelGroups g && g.labelNames.equals(labelNames) && Arrays.equals(g.toJson(), toJson());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(toJson());
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        for (Group g : groups) {
            s.append(s.isEmpty() ? "" : ", ").append(g.name).append(" (").append(g.rule.id()).append(", ")
                    .append(g.labels.length).append(")");
        }
        return s.isEmpty() ? "no groups" : s.toString();
    }
}
