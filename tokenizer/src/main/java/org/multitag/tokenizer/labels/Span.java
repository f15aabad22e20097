package org.multitag.tokenizer.labels;

/** A labelled character range of a text: UTF-16 indices, end exclusive. Spans may overlap. */
public record Span(int start, int end, String label) {
    public Span {
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("bad span [" + start + ", " + end + ")");
        }
        if (label == null || label.isEmpty()) {
            throw new IllegalArgumentException("span label must not be empty");
        }
    }
}
