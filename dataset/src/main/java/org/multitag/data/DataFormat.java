package org.multitag.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;
import org.multitag.core.InputException;
import org.multitag.core.LineReader;

/** The layout of a training or evaluation file. */
enum DataFormat {

    /** JSON Lines: one JSON object per line, each in one of the three forms of {@link SourceRecord}. */
    JSONL,
    /** Universal Dependencies CoNLL-U: one word per line, sentences separated by blank lines. */
    CONLLU;

    private static final Pattern CONLLU_ID = Pattern.compile("\\d+(?:[-.]\\d+)?");
    private static final int SNIFF_LINES = 50;

    /**
     * Opens {@code file} for reading, through gzip when its name ends in {@code .gz} (e.g. the bundled
     * {@code data/brown/train.jsonl.gz}).
     */
    public static InputStream open(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz")) {
            return new java.util.zip.GZIPInputStream(in, 1 << 16);
        }
        return in;
    }

    /**
     * The format of {@code file} (a {@code .gz} suffix is looked through): {@code .conllu} is CoNLL-U;
     * {@code .jsonl}, {@code .ndjson} and {@code .json} are JSON Lines; any other name is decided by the first
     * non-blank line (a JSON object, or a CoNLL-U comment or word line).
     *
     * @throws InputException when the file is missing, empty (or blank) or the content fits neither format
     */
    public static DataFormat of(Path file) throws IOException {
        requireFile(file);
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".gz")) {
            name = name.substring(0, name.length() - 3);
        }
        if (name.endsWith(".conllu")) {
            return CONLLU;
        }
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".json")) {
            return JSONL;
        }
        boolean any = false;
        try (InputStream in = open(file); LineReader r = new LineReader(in, file.toString())) {
            for (int i = 0; i < SNIFF_LINES; i++) {
                String line;
                try {
                    line = r.next();
                } catch (InputException e) {
                    any = true;
                    continue;
                }
                if (line == null) {
                    if (!any) {
                        throw InputException.empty(file.toString());
                    }
                    break;
                }
                String s = line.strip();
                if (s.isEmpty()) {
                    continue;
                }
                any = true;
                if (s.startsWith("{")) {
                    return JSONL;
                }
                if (s.startsWith("#")) {
                    return CONLLU;
                }
                String[] columns = line.split("\t", -1);
                if (columns.length == 10 && CONLLU_ID.matcher(columns[0]).matches()) {
                    return CONLLU;
                }
                break;
            }
        }
        throw new InputException(file.toString(), "cannot tell the data format (expected JSON lines or CoNLL-U); "
                + "name the file .jsonl or .conllu");
    }

    /** An {@link InputException} naming the file when it does not exist or is not a regular file. */
    static void requireFile(Path file) {
        if (!Files.exists(file)) {
            throw new InputException(file.toString(), "no such file");
        }
        if (!Files.isRegularFile(file)) {
            throw new InputException(file.toString(), "not a regular file");
        }
    }
}
