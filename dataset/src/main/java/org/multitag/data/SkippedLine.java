package org.multitag.data;

import java.util.Objects;
import org.multitag.core.InputException;

/**
 * A line (or CoNLL-U sentence) left out of the data because it was bad, when bad lines are skipped instead of
 * failing the run.
 *
 * @param location {@code file:line} of the offending line
 * @param reason what was wrong, without the location
 */
public record SkippedLine(String location, String reason) {

    public SkippedLine {
        Objects.requireNonNull(reason, "reason");
    }

    /** The skip an {@link InputException} describes. */
    public static SkippedLine of(InputException e) {
        String message = e.getMessage();
        String location = e.location();
        if (location != null && message.startsWith(location + ": ")) {
            message = message.substring(location.length() + 2);
        }
        return new SkippedLine(location, message);
    }

    /** {@code location: reason}, as an error line would say it. */
    @Override
    public String toString() {
        return location == null ? reason : location + ": " + reason;
    }
}
