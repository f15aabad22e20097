package org.multitag.core;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** The ordered, immutable set of label names a model predicts; a label's index is its output column. */
public final class LabelSet {

    private final List<String> names;
    private final Map<String, Integer> index;

    private LabelSet(List<String> names) {
        this.names = List.copyOf(names);
        this.index = new HashMap<>();
        for (int i = 0; i < this.names.size(); i++) {
            if (this.index.put(this.names.get(i), i) != null) {
                throw new IllegalArgumentException("duplicate label \"" + this.names.get(i) + "\"");
            }
        }
    }

    /** Labels in the given order (duplicates rejected). */
    public static LabelSet of(List<String> names) {
        return new LabelSet(names);
    }

    /** The distinct labels of {@code labels}, sorted. */
    public static LabelSet sorted(Collection<String> labels) {
        return new LabelSet(new ArrayList<>(new TreeSet<>(labels)));
    }

    public int size() {
        return names.size();
    }

    public String name(int i) {
        return names.get(i);
    }

    public List<String> names() {
        return names;
    }

    /** Index of {@code label}, or -1. */
    public int indexOf(String label) {
        Integer i = index.get(label);
        return i == null ? -1 : i;
    }

    /** Index of {@code label}; an unknown label is an {@link InputException} naming {@code where}. */
    public int require(String label, String where) {
        int i = indexOf(label);
        if (i < 0) {
            throw new InputException(where, "unknown label \"" + label + "\"");
        }
        return i;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelSet l && l.names.equals(names);
    }

    @Override
    public int hashCode() {
        return names.hashCode();
    }

    @Override
    public String toString() {
        return names.toString();
    }
}
