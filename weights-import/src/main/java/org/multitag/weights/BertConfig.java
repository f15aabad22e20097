package org.multitag.weights;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.multitag.core.AtomicFiles;
import org.multitag.core.InputException;
import org.multitag.core.JsonErrors;

/**
 * The fields of a Hugging Face BERT {@code config.json} that multitag uses, plus an optional token
 * classification head ({@code id2label}, {@code problem_type}, {@code architectures}). Every other field
 * is kept in {@code extra} and written back unchanged, so a config survives a round trip through Java.
 *
 * @param id2label label names by id; empty when the config describes no head
 * @param problemType e.g. {@code multi_label_classification}, or {@code null}
 * @param architectures e.g. {@code [BertForTokenClassification]}; may be empty
 * @param extra the remaining JSON fields, in file order (never {@code null})
 */
public record BertConfig(int vocabSize, int hiddenSize, int numHiddenLayers, int numAttentionHeads,
        int intermediateSize, String hiddenAct, int maxPositionEmbeddings, int typeVocabSize,
        double layerNormEps, int padTokenId, Map<Integer, String> id2label, String problemType,
        List<String> architectures, ObjectNode extra) {

    /** File name inside a model folder. */
    public static final String FILE = "config.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private static final List<String> KNOWN = List.of("vocab_size", "hidden_size", "num_hidden_layers",
            "num_attention_heads", "intermediate_size", "hidden_act", "max_position_embeddings", "type_vocab_size",
            "layer_norm_eps", "pad_token_id", "id2label", "label2id", "num_labels", "problem_type", "architectures");

    public BertConfig {
        id2label = Collections.unmodifiableMap(new TreeMap<>(id2label));
        architectures = List.copyOf(architectures);
        extra = extra == null ? JSON.createObjectNode() : extra.deepCopy();
    }

    /**
     * An encoder config with the given sizes and BERT's defaults for the rest (GELU, eps 1e-12, pad id 0),
     * including the fields transformers needs to load it ({@code model_type}, dropout rates).
     */
    public static BertConfig encoder(int vocabSize, int hiddenSize, int layers, int heads, int intermediate,
            int maxPositions, int typeVocab) {
        ObjectNode extra = JSON.createObjectNode();
        extra.put("model_type", "bert");
        extra.put("attention_probs_dropout_prob", 0.1);
        extra.put("hidden_dropout_prob", 0.1);
        extra.put("initializer_range", 0.02);
        extra.put("position_embedding_type", "absolute");
        return new BertConfig(vocabSize, hiddenSize, layers, heads, intermediate, "gelu", maxPositions, typeVocab,
                1e-12, 0, Map.of(), null, List.of("BertModel"), extra);
    }

    /** Number of labels of the head (0 without a head). */
    public int numLabels() {
        return id2label.size();
    }

    /** Size of one attention head. */
    public int headSize() {
        return hiddenSize / numAttentionHeads;
    }

    /** Label ids by name, the inverse of {@link #id2label}. */
    public Map<String, Integer> label2id() {
        Map<String, Integer> m = new LinkedHashMap<>();
        id2label.forEach((id, label) -> m.put(label, id));
        return m;
    }

    /** This config with a token-classification head over {@code labels} (ids in list order). */
    public BertConfig withLabels(List<String> labels, String problemType) {
        Map<Integer, String> ids = new TreeMap<>();
        for (int i = 0; i < labels.size(); i++) {
            ids.put(i, labels.get(i));
        }
        return new BertConfig(vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize,
                hiddenAct, maxPositionEmbeddings, typeVocabSize, layerNormEps, padTokenId, ids, problemType,
                List.of("BertForTokenClassification"), extra);
    }

    /** This config with one more (or a replaced) field kept in {@code extra}. */
    public BertConfig withExtra(String field, int value) {
        ObjectNode e = extra.deepCopy();
        e.put(field, value);
        return new BertConfig(vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize, hiddenAct,
                maxPositionEmbeddings, typeVocabSize, layerNormEps, padTokenId, id2label, problemType, architectures, e);
    }

    /** Reads {@code config.json}, or the one inside a folder. */
    public static BertConfig read(Path path) throws IOException {
        Path file = Files.isDirectory(path) ? path.resolve(FILE) : path;
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /** Parses config JSON; {@code where} names the source in error messages. */
    public static BertConfig parse(String json, String where) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw JsonErrors.file(where, e);
        }
        if (root == null || !root.isObject()) {
            throw new InputException(where, "expected a JSON object");
        }
        ObjectNode extra = JSON.createObjectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!KNOWN.contains(e.getKey())) {
                extra.set(e.getKey(), e.getValue());
            }
        }
        Map<Integer, String> id2label = new TreeMap<>();
        JsonNode labels = root.get("id2label");
        if (labels != null && labels.isObject()) {
            labels.fields().forEachRemaining(e -> {
                try {
                    id2label.put(Integer.parseInt(e.getKey()), e.getValue().asText());
                } catch (NumberFormatException ex) {
                    throw new InputException(where, "id2label key '" + e.getKey() + "' is not an integer");
                }
            });
        } else if (root.has("num_labels")) {
            // transformers names labels LABEL_0.. when only a count is given.
            int n = positive(root, "num_labels", 0, where);
            for (int i = 0; i < n; i++) {
                id2label.put(i, "LABEL_" + i);
            }
        }
        for (int i = 0; i < id2label.size(); i++) {
            if (!id2label.containsKey(i)) {
                throw new InputException(where, "id2label must number labels 0.." + (id2label.size() - 1)
                        + ", but id " + i + " is missing");
            }
        }
        List<String> arch = new ArrayList<>();
        root.path("architectures").forEach(a -> arch.add(a.asText()));
        JsonNode pt = root.get("problem_type");
        BertConfig c = new BertConfig(
                positive(root, "vocab_size", 30522, where), positive(root, "hidden_size", 768, where),
                positive(root, "num_hidden_layers", 12, where), positive(root, "num_attention_heads", 12, where),
                positive(root, "intermediate_size", 3072, where), root.path("hidden_act").asText("gelu"),
                positive(root, "max_position_embeddings", 512, where), positive(root, "type_vocab_size", 2, where),
                root.path("layer_norm_eps").asDouble(1e-12), root.path("pad_token_id").asInt(0),
                id2label, pt == null || pt.isNull() ? null : pt.asText(), arch, extra);
        if (c.hiddenSize % c.numAttentionHeads != 0) {
            throw new InputException(where, "hidden_size " + c.hiddenSize + " is not a multiple of num_attention_heads "
                    + c.numAttentionHeads);
        }
        return c;
    }

    private static int positive(JsonNode root, String field, int dflt, String where) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.canConvertToInt() || !n.isIntegralNumber() || n.intValue() < 0) {
            throw new InputException(where, "\"" + field + "\" must be a non-negative integer, found " + n);
        }
        return n.intValue();
    }

    /** The JSON of config.json, keys sorted as transformers writes them. */
    public String toJson() {
        ObjectNode root = extra.deepCopy();
        root.put("vocab_size", vocabSize);
        root.put("hidden_size", hiddenSize);
        root.put("num_hidden_layers", numHiddenLayers);
        root.put("num_attention_heads", numAttentionHeads);
        root.put("intermediate_size", intermediateSize);
        root.put("hidden_act", hiddenAct);
        root.put("max_position_embeddings", maxPositionEmbeddings);
        root.put("type_vocab_size", typeVocabSize);
        root.put("layer_norm_eps", layerNormEps);
        root.put("pad_token_id", padTokenId);
        if (!id2label.isEmpty()) {
            ObjectNode ids = root.putObject("id2label");
            id2label.forEach((id, label) -> ids.put(Integer.toString(id), label));
            ObjectNode names = root.putObject("label2id");
            id2label.forEach((id, label) -> names.put(label, id));
        }
        if (problemType != null) {
            root.put("problem_type", problemType);
        }
        if (!architectures.isEmpty()) {
            root.putArray("architectures").addAll(architectures.stream().map(JSON.getNodeFactory()::textNode).toList());
        }
        try {
            // Through a TreeMap so that keys come out sorted at the top level, like json.dumps(sort_keys=True).
            return JSON.writeValueAsString(JSON.convertValue(root, TreeMap.class)) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes config.json atomically. */
    public void write(Path file) throws IOException {
        byte[] bytes = toJson().getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file, out -> out.write(bytes));
    }
}
