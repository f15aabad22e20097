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

    /** {@code FILE}, {@code FILE:LINE} or {@code FILE:LINE:COLUMN}, or {@code null} when the input has no name. */
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

    /** Location string {@code file:line:column} for messages (column counted from 1, as editors do). */
    public static String at(String source, long line, long column) {
        return at(source, line) + ":" + column;
    }

    /**
     * The one error for an input with nothing in it (no line, or only blank ones), whatever the command and the
     * data form.
     *
     * @param source the file name ({@code null}: {@code <stdin>})
     */
    public static InputException empty(String source) {
        return new InputException(source == null ? "<stdin>" : source, "no input: empty, or only "
                + "blank lines");
    }
}
