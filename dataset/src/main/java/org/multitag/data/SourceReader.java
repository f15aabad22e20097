package org.multitag.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
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
        read(file, skipBad, false, skipped, consumer);
    }

    /**
     * Reads {@code file}, a CoNLL-U file's sentences joined into documents when {@code documents} (see
     * {@link ConlluDocuments}).
     *
     * @throws InputException for a file with no non-blank line, even when skipping, or for documents of a file that
     *     is not CoNLL-U
     */
    static void read(Path file, boolean skipBad, boolean documents, List<SkippedLine> skipped, Consumer consumer)
            throws IOException {
        DataFormat format = DataFormat.of(file);
        String name = file.toString();
        if (documents && format != DataFormat.CONLLU) {
            throw new InputException(name, "documents are read from CoNLL-U (its # newdoc lines); this file is JSON "
                    + "Lines: give one document per line instead");
        }
        try (InputStream in = DataFormat.open(file); LineReader lines = new LineReader(in, name)) {
            boolean any = format == DataFormat.JSONL ? readJsonl(lines, name, skipBad, skipped, consumer)
                    : readConllu(lines, name, skipBad, documents, skipped, consumer);
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
    private static boolean readConllu(LineReader lines, String name, boolean skipBad, boolean documents,
            List<SkippedLine> skipped, Consumer target) throws IOException {
        ConlluParser parser = new ConlluParser(name);
        Joiner joiner = documents ? new Joiner(target, parser) : null;
        Consumer consumer = documents ? joiner : target;
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
                if (joiner != null) {
                    try {
                        joiner.flush();
                    } catch (InputException e) {
                        bad(e, skipBad, skipped);
                    }
                }
                return any;
            }
        }
    }

    /**
     * Joins consecutive sentences into documents: a sentence that starts a document (the parser says so) sends the
     * document before it on. A document the consumer rejects is one bad record, as a sentence is.
     */
    private static final class Joiner implements Consumer {
        private final Consumer consumer;
        private final ConlluParser parser;
        private final List<SourceRecord.Words> sentences = new ArrayList<>();

        Joiner(Consumer consumer, ConlluParser parser) {
            this.consumer = consumer;
            this.parser = parser;
        }

        @Override
        public void accept(SourceRecord record) {
            boolean starts = parser.startsDocument();
            if (starts && !sentences.isEmpty()) {
                // the new sentence is kept even when the finished document is rejected
                SourceRecord.Words document = ConlluDocuments.join(sentences);
                sentences.clear();
                sentences.add((SourceRecord.Words) record);
                consumer.accept(document);
                return;
            }
            sentences.add((SourceRecord.Words) record);
        }

        void flush() {
            if (!sentences.isEmpty()) {
                SourceRecord.Words document = ConlluDocuments.join(sentences);
                sentences.clear();
                consumer.accept(document);
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
