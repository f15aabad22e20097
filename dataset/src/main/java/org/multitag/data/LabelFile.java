package org.multitag.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.multitag.core.AtomicFiles;
import org.multitag.core.InputException;
import org.multitag.core.LabelSet;
import org.multitag.core.LineReader;

/**
 * A labels file: one label name per line, UTF-8, in label-index order. Blank lines, duplicates and names with
 * surrounding whitespace are errors naming {@code file:line}; a final line end is optional.
 */
public final class LabelFile {

    private LabelFile() {}

    /** The label set in {@code file}, in file order. */
    public static LabelSet read(Path file) throws IOException {
        DataFormat.requireFile(file);
        List<String> names = new ArrayList<>();
        Map<String, Long> firstLine = new HashMap<>();
        try (InputStream in = Files.newInputStream(file); LineReader r = new LineReader(in, file.toString())) {
            String line;
            while ((line = r.next()) != null) {
                if (line.isBlank()) {
                    throw new InputException(r.location(), "blank line (a labels file has one label per line)");
                }
                if (!line.strip().equals(line)) {
                    throw new InputException(r.location(), "label \"" + line + "\" has surrounding whitespace");
                }
                Long first = firstLine.putIfAbsent(line, r.number());
                if (first != null) {
                    throw new InputException(r.location(), "duplicate label \"" + line + "\" (first on line "
                            + first + ")");
                }
                names.add(line);
            }
        }
        if (names.isEmpty()) {
            throw InputException.empty(file.toString());
        }
        return LabelSet.of(names);
    }

    /** Writes {@code labels} to {@code file}, one per line, atomically. */
    public static void write(Path file, LabelSet labels) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String name : labels.names()) {
            if (name.isEmpty() || name.indexOf('\n') >= 0 || name.indexOf('\r') >= 0 || !name.strip().equals(name)) {
                throw new IllegalArgumentException("label \"" + name + "\" cannot be written one per line");
            }
            sb.append(name).append('\n');
        }
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file, out -> out.write(bytes));
    }
}
