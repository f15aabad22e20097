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
     */
    static void read(Path file, boolean skipBad, List<SkippedLine> skipped, Consumer consumer) throws IOException {
        DataFormat format = DataFormat.of(file);
        String name = file.toString();
        try (InputStream in = DataFormat.open(file); LineReader lines = new LineReader(in, name)) {
            if (format == DataFormat.JSONL) {
                readJsonl(lines, skipBad, skipped, consumer);
            } else {
                readConllu(lines, name, skipBad, skipped, consumer);
            }
        }
    }

    private static void readJsonl(LineReader lines, boolean skipBad, List<SkippedLine> skipped, Consumer consumer)
            throws IOException {
        while (true) {
            try {
                String line = lines.next();
                if (line == null) {
                    return;
                }
                if (!line.isBlank()) {
                    consumer.accept(JsonlParser.parse(line, lines.location()));
                }
            } catch (InputException e) {
                bad(e, skipBad, skipped);
            }
        }
    }

    private static void readConllu(LineReader lines, String name, boolean skipBad, List<SkippedLine> skipped,
            Consumer consumer) throws IOException {
        ConlluParser parser = new ConlluParser(name);
        while (true) {
            SourceRecord.Words sentence;
            String line;
            try {
                line = lines.next();
            } catch (InputException e) {
                parser.abandon(lines.number());
                bad(e, skipBad, skipped);
                continue;
            }
            try {
                sentence = line == null ? parser.finish() : parser.line(line, lines.number());
                if (sentence != null) {
                    consumer.accept(sentence);
                }
            } catch (InputException e) {
                bad(e, skipBad, skipped);
            }
            if (line == null) {
                return;
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
