package org.multitag.weights;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model brought in from some format, ready to be written as a Hugging Face folder: the config, the
 * weights under canonical HF names (no {@code bert.} prefix), tokenizer files by file name, and notes on
 * what the import skipped or assumed (shown to the user).
 */
public record ImportedModel(BertConfig config, StateDict weights, Map<String, byte[]> tokenizerFiles,
        List<String> notes) {

    public ImportedModel {
        tokenizerFiles = new LinkedHashMap<>(tokenizerFiles);
        notes = List.copyOf(notes);
    }
}
