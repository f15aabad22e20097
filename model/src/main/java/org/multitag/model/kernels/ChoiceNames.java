package org.multitag.model.kernels;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The command-line names of the compute choices ({@link KernelChoice}, {@link Precision}): lower-case constants. */
final class ChoiceNames {

    private ChoiceNames() {}

    /** The constant named {@code s} (any case, trimmed); else an error naming {@code what} and the choices. */
    static <E extends Enum<E>> E parse(Class<E> type, String what, String s) {
        E[] values = type.getEnumConstants();
        for (E e : values) {
            if (e.name().equalsIgnoreCase(s.trim())) {
                return e;
            }
        }
        String first = Arrays.stream(values).limit(values.length - 1L).map(ChoiceNames::label)
                .collect(Collectors.joining(", "));
        throw new IllegalArgumentException(what + " must be " + first + " or " + label(values[values.length - 1])
                + ", not \"" + s + "\"");
    }

    static String label(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
