package org.multitag.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.multitag.core.InputException;

/** Option values several commands check alike, each failure an {@code error:} naming the option. */
final class Checks {

    private Checks() {}

    static int positive(String option, int value) {
        if (value < 1) {
            throw new InputException(option + " must be >= 1, not " + value);
        }
        return value;
    }

    /** {@code value} as an int, or an {@code error:} saying the option wants {@code what}. */
    static int integer(String option, String value, String what) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new InputException(option + " must be " + what + ", not " + value);
        }
    }

    static double learningRate(String option, double lr) {
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new InputException(option + " must be > 0, not " + lr);
        }
        return lr;
    }

    /** {@code --pos-weight} in lower case. */
    static String posWeight(String value) {
        String pw = value.toLowerCase(Locale.ROOT);
        if (!pw.equals("auto") && !pw.equals("none")) {
            throw new InputException("--pos-weight must be auto or none, not " + value);
        }
        return pw;
    }

    /** An output file option (null: not given) must not name a folder: checked before any work is done. */
    static Path outputFile(Path file) {
        if (file != null && Files.isDirectory(file)) {
            throw new InputException(file.toString(), "is a folder, not a file");
        }
        return file;
    }
}
