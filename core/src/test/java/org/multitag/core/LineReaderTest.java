package org.multitag.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** Line numbers of {@link LineReader}: a line that is not UTF-8 is reported as itself, never a neighbour. */
class LineReaderTest {

    /** Latin-1 "café": the é is one byte 0xE9, not UTF-8. */
    static final byte[] BAD = "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1);

    static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts) {
            out.writeBytes(p instanceof byte[] b ? b : ((String) p).getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        }
        return out.toByteArray();
    }

    /** Every line read, a bad one as {@code !location}. */
    static List<String> readAll(InputStream in, String name) throws IOException {
        List<String> out = new ArrayList<>();
        try (LineReader r = new LineReader(in, name)) {
            while (true) {
                try {
                    String line = r.next();
                    if (line == null) {
                        return out;
                    }
                    out.add(line);
                } catch (InputException e) {
                    assertEquals(r.location(), e.location());
                    assertEquals(e.location() + ": not valid UTF-8", e.getMessage());
                    out.add("!" + e.location());
                }
            }
        }
    }

    @Test
    void theBadLineIsNamedWhereverItIs() throws IOException {
        assertEquals(List.of("!f:1", "b", "c"), readAll(new ByteArrayInputStream(bytes(BAD, "\nb\nc\n")), "f"));
        assertEquals(List.of("a", "!f:2", "c"), readAll(new ByteArrayInputStream(bytes("a\n", BAD, "\nc\n")), "f"));
        assertEquals(List.of("a", "b", "!f:3"), readAll(new ByteArrayInputStream(bytes("a\nb\n", BAD)), "f"));
        assertEquals(List.of("a", "!<stdin>:2"), readAll(new ByteArrayInputStream(bytes("a\r\n", BAD, "\r\n")),
                null));
    }

    @Test
    void gzipReadsTheSameLines() throws IOException {
        byte[] plain = bytes("a\n", BAD, "\nc");
        assertEquals(List.of("a", "!f.gz:2", "c"),
                readAll(new GZIPInputStream(new ByteArrayInputStream(gzip(plain))), "f.gz"));
    }

    @Test
    void aBadLineFarIntoALongInputAcrossChunks() throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            sb.append("{\"text\": \"line ").append(i + 1).append("\"}\n");
        }
        byte[] input = bytes(sb.toString(), BAD, "\nlast");
        List<String> lines = readAll(new GZIPInputStream(new ByteArrayInputStream(gzip(input))), "big.gz");
        assertEquals(20_002, lines.size());
        assertEquals("!big.gz:20001", lines.get(20_000));
        assertEquals("last", lines.get(20_001));
    }

    /** A stream that hands out one byte per read, with empty reads between, like a slow pipe. */
    @Test
    void shortReadsChangeNothing() throws IOException {
        byte[] input = bytes("a\n", BAD, "\n\u00fc\n");
        InputStream trickle = new InputStream() {
            int i;
            boolean empty;

            @Override
            public int read() {
                return i < input.length ? input[i++] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                empty = !empty;
                if (empty) {
                    return 0;
                }
                return super.read(b, off, Math.min(len, 1));
            }
        };
        assertEquals(List.of("a", "!p:2", "\u00fc"), readAll(trickle, "p"));
    }

    @Test
    void lineEndsAndByteOrderMark() throws IOException {
        byte[] input = bytes("\uFEFFa\r\nb\rc\n\nd");
        assertEquals(List.of("a", "b\rc", "", "d"), readAll(new ByteArrayInputStream(input), "f"));
        try (LineReader r = new LineReader(new ByteArrayInputStream(input), "f", false)) {
            assertEquals("\uFEFFa", r.next());
            assertEquals(1, r.number());
            assertEquals("f:1", r.location());
        }
        assertEquals(List.of(), readAll(new ByteArrayInputStream(new byte[0]), "f"));
        assertEquals(List.of(""), readAll(new ByteArrayInputStream(bytes("\n")), "f"));
    }

    @Test
    void theErrorIsAnInputExceptionAndReadingGoesOn() throws IOException {
        try (LineReader r = new LineReader(new ByteArrayInputStream(bytes("a\n", BAD, "\nc\n")), "x.jsonl")) {
            assertEquals("a", r.next());
            InputException e = assertThrows(InputException.class, r::next);
            assertEquals("x.jsonl:2: not valid UTF-8", e.getMessage());
            assertEquals(2, r.number());
            assertEquals("c", r.next());
            assertNull(r.next());
            assertEquals(3, r.number());
        }
    }
}
