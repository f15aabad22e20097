package org.multitag.model;

import java.util.Locale;
import org.multitag.core.InputException;

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

    /**
     * The rule command-line options ask for: {@code --long-text NAME} (null: not given), {@code --truncate} (the same
     * as {@code --long-text truncate}) and whether {@code --stride} was given (only windows take one); windows when
     * nothing is asked.
     *
     * @throws InputException for an unknown name or options that contradict each other
     */
    public static LongText fromOptions(String name, boolean truncate, boolean strideGiven) {
        LongText value = name == null ? null : parse(name);
        if (name != null && value == null) {
            throw new InputException("--long-text must be window, truncate or error, not '" + name + "'");
        }
        if (truncate && value != null && value != TRUNCATE) {
            throw new InputException("--truncate and --long-text " + name + " contradict each other");
        }
        LongText mode = truncate ? TRUNCATE : value == null ? WINDOW : value;
        if (strideGiven && mode != WINDOW) {
            throw new InputException("--stride is for --long-text window, not " + mode.cliName());
        }
        return mode;
    }

    /** The default stride for windows of {@code maxLength} tokens: a quarter of the window. */
    public static int defaultStride(int maxLength) {
        return maxLength / 4;
    }
}
