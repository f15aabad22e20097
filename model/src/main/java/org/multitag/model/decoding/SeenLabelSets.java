package org.multitag.model.decoding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.Map;
import org.multitag.core.AtomicFiles;
import org.multitag.core.InputException;

/**
 * The label sets the training data holds, restricted to the grouped labels (for UD data: every UPOS + FEATS
 * combination of the training words), with how often each was seen. The {@code label-sets} decoding picks one of
 * them per word. Kept in a model folder as {@code label_sets.json}, most frequent first:
 * <pre>
 * {"sets": [{"labels": ["Number=Sing", "UPOS=NOUN"], "count": 21890}, {"labels": ["UPOS=PUNCT"], "count": ...}]}
 * </pre>
 * Immutable; sets are sorted label-index arrays.
 */
public final class SeenLabelSets {

    /** File name inside a model folder. */
    public static final String FILE = "label_sets.json";

    private final List<String> labelNames;
    private final List<int[]> sets;
    private final long[] counts;

    private SeenLabelSets(List<String> labelNames, List<int[]> sets, long[] counts) {
        this.labelNames = List.copyOf(labelNames);
        this.sets = List.copyOf(sets);
        this.counts = counts.clone();
    }

    /**
     * The distinct sets among {@code words} (each a word's label indices), restricted to the labels
     * {@code groups} groups, most frequent first (ties: first seen first).
     */
    public static SeenLabelSets collect(LabelGroups groups, Iterable<int[]> words) {
        Map<String, int[]> distinct = new LinkedHashMap<>();
        Map<String, Long> count = new LinkedHashMap<>();
        for (int[] w : words) {
            int[] set = Arrays.stream(w).filter(groups::grouped).sorted().distinct().toArray();
            String key = Arrays.toString(set);
            distinct.putIfAbsent(key, set);
            count.merge(key, 1L, Long::sum);
        }
        List<String> keys = new ArrayList<>(distinct.keySet());
        keys.sort((a, b) -> Long.compare(count.get(b), count.get(a)));
        List<int[]> sets = new ArrayList<>();
        long[] counts = new long[keys.size()];
        for (int i = 0; i < keys.size(); i++) {
            sets.add(distinct.get(keys.get(i)));
            counts[i] = count.get(keys.get(i));
        }
        return new SeenLabelSets(groups.labels(), sets, counts);
    }

    /** Sets given directly (label indices, each sorted), all with count 1. */
    public static SeenLabelSets of(List<String> labels, List<int[]> sets) {
        List<int[]> copy = new ArrayList<>();
        for (int[] s : sets) {
            copy.add(Arrays.stream(s).sorted().distinct().toArray());
        }
        long[] ones = new long[copy.size()];
        Arrays.fill(ones, 1);
        return new SeenLabelSets(labels, copy, ones);
    }

    /** The sets of {@code folder/label_sets.json}, or null when the folder has none. */
    public static SeenLabelSets readFolder(Path folder, List<String> labels) throws IOException {
        Path file = folder.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        JsonNode root = LabelGroups.readJson(file);
        if (root == null || !root.path("sets").isArray()) {
            throw new InputException(file.toString(), "expected {\"sets\": [{\"labels\": [...], \"count\": n}, ...]}");
        }
        List<int[]> sets = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        int k = 0;
        for (JsonNode s : root.get("sets")) {
            String at = "sets[" + k++ + "]";
            if (!s.path("labels").isArray() || !s.path("count").canConvertToLong() || s.get("count").asLong() < 1) {
                throw new InputException(file.toString(), at + ": needs \"labels\" (array) and \"count\" (>= 1)");
            }
            int[] set = new int[s.get("labels").size()];
            for (int i = 0; i < set.length; i++) {
                JsonNode l = s.get("labels").get(i);
                set[i] = l.isTextual() ? labels.indexOf(l.asText()) : -1;
                if (set[i] < 0) {
                    throw new InputException(file.toString(), at + ": label " + l + " is not a label of the model");
                }
            }
            sets.add(Arrays.stream(set).sorted().distinct().toArray());
            counts.add(s.get("count").asLong());
        }
        return new SeenLabelSets(labels, sets, counts.stream().mapToLong(Long::longValue).toArray());
    }

    /** Writes {@code folder/label_sets.json} atomically. */
    public void write(Path folder) throws IOException {
        byte[] bytes = toJson();
        AtomicFiles.write(folder.resolve(FILE), out -> out.write(bytes));
    }

    /** The content of label_sets.json (one set per line: readable, and diffs stay small), UTF-8. */
    public byte[] toJson() {
        ObjectMapper json = new ObjectMapper();
        StringBuilder text = new StringBuilder("{\"sets\": [\n");
        for (int i = 0; i < sets.size(); i++) {
            ObjectNode o = json.createObjectNode();
            ArrayNode ls = o.putArray("labels");
            for (int l : sets.get(i)) {
                ls.add(labelNames.get(l));
            }
            o.put("count", counts[i]);
            try {
                text.append("  ").append(json.writeValueAsString(o)).append(i + 1 < sets.size() ? ",\n" : "\n");
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
        return text.append("]}\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    public int size() {
        return sets.size();
    }

    /** Set {@code i} (sorted label indices; a copy). */
    public int[] set(int i) {
        return sets.get(i).clone();
    }

    /** How many training words had set {@code i}. */
    public long count(int i) {
        return counts[i];
    }

    List<int[]> sets() {
        return sets;
    }
}
