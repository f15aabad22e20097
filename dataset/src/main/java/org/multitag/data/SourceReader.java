package org.multitag.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import org.multitag.core.InputException;
import org.multitag.core.LineReader;

/**
 * Streams the {@link SourceRecord}s of one data file (JSON Lines or CoNLL-U, see {@link DataFormat}) to a
 * consumer. A bad line (or a bad CoNLL-U sentence), including one the consumer rejects with an
 * {@link InputException}, either stops the reading with that exception or, when skipping, is recorded as a
 * {@link SkippedLine} and passed over.
 */
final class SourceReader {

    /** Receives each record; may reject it with an {@link InputException}. */
    @FunctionalInterface
    interface Consumer {
        void accept(SourceRecord record);
    }

    private SourceReader() {}

    /**
     * Reads {@code file}.
     *
     * @param skipBad record bad lines in {@code skipped} instead of throwing
     * @param skipped where skipped lines go (only written when {@code skipBad})
     * @throws InputException for a file with no non-blank line, even when skipping
     */
    static void read(Path file, boolean skipBad, List<SkippedLine> skipped, Consumer consumer) throws IOException {
        DataFormat format = DataFormat.of(file);
        String name = file.toString();
        try (InputStream in = DataFormat.open(file); LineReader lines = new LineReader(in, name)) {
            boolean any = format == DataFormat.JSONL ? readJsonl(lines, name, skipBad, skipped, consumer)
                    : readConllu(lines, name, skipBad, skipped, consumer);
            if (!any) {
                throw InputException.empty(name);
            }
        }
    }

    /** Whether the file had a non-blank line. */
    private static boolean readJsonl(LineReader lines, String name, boolean skipBad, List<SkippedLine> skipped,
            Consumer consumer) throws IOException {
        boolean any = false;
        while (true) {
            try {
                String line = lines.next();
                if (line == null) {
                    return any;
                }
                any |= !line.isBlank();
                if (!line.isBlank()) {
                    consumer.accept(JsonlParser.parse(line, name, lines.number()));
                }
            } catch (InputException e) {
                any = true;
                bad(e, skipBad, skipped);
            }
        }
    }

    /** Whether the file had a non-blank line. */
    private static boolean readConllu(LineReader lines, String name, boolean skipBad, List<SkippedLine> skipped,
            Consumer consumer) throws IOException {
        ConlluParser parser = new ConlluParser(name);
        boolean any = false;
        while (true) {
            SourceRecord.Words sentence;
            String line;
            try {
                line = lines.next();
            } catch (InputException e) {
                any = true;
                parser.abandon(lines.number());
                bad(e, skipBad, skipped);
                continue;
            }
            any |= line != null && !line.isBlank();
            try {
                sentence = line == null ? parser.finish() : parser.line(line, lines.number());
                if (sentence != null) {
                    consumer.accept(sentence);
                }
            } catch (InputException e) {
                bad(e, skipBad, skipped);
            }
            if (line == null) {
                return any;
            }
        }
    }

    private static void bad(InputException e, boolean skipBad, List<SkippedLine> skipped) {
        if (!skipBad) {
            throw e;
        }
        skipped.add(SkippedLine.of(e));
    }
}
