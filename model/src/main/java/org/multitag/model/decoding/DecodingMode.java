package org.multitag.model.decoding;

import java.util.Locale;

/** How a word's label probabilities become its label set (see {@link Decoder}). */
public enum DecodingMode {
    /** Every label alone: on when its probability reaches its threshold. */
    INDEPENDENT("independent"),
    /**
     * Within each group the rule holds: an exactly-one group takes its most probable label; an at-most-one group
     * its most probable label when that reaches its threshold, else none; free labels as {@link #INDEPENDENT}.
     */
    GROUPS("groups"),
    /**
     * The grouped labels jointly: the most probable of the label sets seen in training (Σ log p over the labels
     * on, Σ log(1 − p) over the grouped labels off); free labels as {@link #INDEPENDENT}.
     */
    LABEL_SETS("label-sets");

    private final String id;

    DecodingMode(String id) {
        this.id = id;
    }

    /** The mode's name in files and on the command line. */
    public String id() {
        return id;
    }

    /** The mode named {@code s} (case-insensitive), or null. */
    public static DecodingMode parse(String s) {
        for (DecodingMode m : values()) {
            if (m.id.equals(s.toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return id;
    }
}
