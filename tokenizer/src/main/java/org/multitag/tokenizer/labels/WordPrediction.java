package org.multitag.tokenizer.labels;

import java.util.List;
import java.util.Map;

/**
 * The labels predicted for one word: its text and range in the input (UTF-16, end exclusive), the labels over
 * their thresholds and every label's probability.
 */
public record WordPrediction(int wordId, String text, int start, int end, List<String> labels,
        Map<String, Float> scores) {
    public WordPrediction {
        labels = List.copyOf(labels);
        // keeps the caller's order (label order), unlike Map.copyOf
        scores = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(scores));
    }
}
