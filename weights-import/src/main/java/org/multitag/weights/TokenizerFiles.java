package org.multitag.weights;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.multitag.core.InputException;

/**
 * The tokenizer files of an HF BERT folder: {@code vocab.txt} (one WordPiece per line, line number = id),
 * {@code tokenizer.json} when the source has one, and a {@code tokenizer_config.json} saying whether
 * input is lowercased, which is the one setting vocab.txt alone cannot tell.
 */
public final class TokenizerFiles {

    public static final String VOCAB = "vocab.txt";
    public static final String TOKENIZER_JSON = "tokenizer.json";
    public static final String TOKENIZER_CONFIG = "tokenizer_config.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private TokenizerFiles() {}

    /** {@code tokenizer_config.json} for transformers' BertTokenizer. */
    public static byte[] tokenizerConfig(boolean lowerCase, int maxLength) {
        ObjectNode c = JSON.createObjectNode();
        c.put("tokenizer_class", "BertTokenizer");
        c.put("do_lower_case", lowerCase);
        c.put("strip_accents", (String) null);
        c.put("tokenize_chinese_chars", true);
        c.put("model_max_length", maxLength);
        c.put("unk_token", "[UNK]");
        c.put("sep_token", "[SEP]");
        c.put("pad_token", "[PAD]");
        c.put("cls_token", "[CLS]");
        c.put("mask_token", "[MASK]");
        try {
            return (JSON.writeValueAsString(c) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The vocabulary of a WordPiece {@code tokenizer.json} as vocab.txt lines, in id order. */
    public static List<String> vocabFromTokenizerJson(byte[] json, String where) {
        JsonNode vocab = tree(json, where).path("model").path("vocab");
        if (!vocab.isObject()) {
            throw new InputException(where, "tokenizer.json has no WordPiece model.vocab object");
        }
        Map<Integer, String> byId = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (byId.put(e.getValue().asInt(), e.getKey()) != null) {
                throw new InputException(where, "tokenizer.json: id " + e.getValue().asInt() + " is used twice");
            }
        }
        List<String> out = new ArrayList<>(byId.values());
        for (int i = 0; i < out.size(); i++) {
            if (!byId.containsKey(i)) {
                throw new InputException(where, "tokenizer.json: vocabulary ids are not 0.." + (byId.size() - 1));
            }
        }
        return out;
    }

    /** Whether a {@code tokenizer.json}'s BertNormalizer lowercases (true when it does not say). */
    public static boolean lowercases(byte[] json, String where) {
        JsonNode n = tree(json, where).path("normalizer");
        return n.path("lowercase").asBoolean(true);
    }

    /** vocab.txt content: each token on its own line. */
    public static byte[] vocabText(List<String> tokens) {
        return (String.join("\n", tokens) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Lines of a vocab.txt; ids are line numbers. */
    public static List<String> readVocab(byte[] text) {
        String s = new String(text, StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>(List.of(s.split("\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        lines.replaceAll(l -> l.endsWith("\r") ? l.substring(0, l.length() - 1) : l);
        return lines;
    }

    private static JsonNode tree(byte[] json, String where) {
        try {
            return JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw org.multitag.core.JsonErrors.file(where, e);
        } catch (IOException e) {
            throw new InputException(where, "malformed tokenizer.json: " + e.getMessage());
        }
    }
}
