package org.multitag.model;

import java.util.Locale;

/** What happens to an input longer than the model's limit (in tokens). */
public enum LongText {
    /**
     * Split into overlapping windows that fit; each word takes its probabilities from the window where it is most
     * central. An input under the limit is scored exactly as it would be without this.
     */
    WINDOW,
    /** Cut at the limit: the words past it get no labels. */
    TRUNCATE,
    /** Refused with an error naming the input. */
    ERROR;

    /** The lower-case name the command line uses. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code window}, {@code truncate} or {@code error} (any case); null for anything else. */
    public static LongText parse(String s) {
        for (LongText v : values()) {
            if (v.name().equalsIgnoreCase(s)) {
                return v;
            }
        }
        return null;
    }

    /** The default stride for windows of {@code maxLength} tokens: a quarter of the window. */
    public static int defaultStride(int maxLength) {
        return maxLength / 4;
    }
}
