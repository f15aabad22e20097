package org.multitag.core;

import java.nio.file.Path;

/**
 * Bad input from the user: a broken file, a malformed line, a wrong shape, an unknown label.
 *
 * <p>The message always names where the problem is (file, and line when there is one) so the command
 * line can print it as a single {@code error:} line and exit with code 2, without a stack trace.
 */
public class InputException extends RuntimeException {

    private final String location;

    public InputException(String message) {
        this(null, message, null);
    }

    public InputException(String location, String message) {
        this(location, message, null);
    }

    public InputException(String location, String message, Throwable cause) {
        super(location == null ? message : location + ": " + message, cause);
        this.location = location;
    }

    /** {@code FILE} or {@code FILE:LINE}, or {@code null} when the input has no name. */
    public String location() {
        return location;
    }

    /** Location string {@code file:line} for messages. */
    public static String at(Path file, long line) {
        return (file == null ? "<stdin>" : file.toString()) + ":" + line;
    }

    public static String at(String source, long line) {
        return (source == null ? "<stdin>" : source) + ":" + line;
    }
}
