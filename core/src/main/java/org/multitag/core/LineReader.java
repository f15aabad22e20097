package org.multitag.core;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads a UTF-8 text stream line by line, decoding each line on its own so that a line that is not valid UTF-8
 * is reported with its own number ({@code FILE:LINE: not valid UTF-8}) and the next lines can still be read.
 * Every line-based input reads through this class (data files, labels files, JSON Lines on stdin, vocab.txt),
 * so a line number means the same everywhere: lines end at {@code \n} (a {@code \r} before it is dropped, a
 * lone {@code \r} is part of the line), as {@code wc -l}, editors and Rust's {@code BufRead::lines} count them.
 * A {@code java.io.BufferedReader} would not do: it decodes ahead of the line it hands out, so its error comes
 * lines early, and it also ends lines at a lone {@code \r}.
 */
public final class LineReader implements Closeable {

    private final InputStream in;
    private final byte[] chunk = new byte[1 << 16];
    private int position;
    private int limit;
    private boolean end;
    private final String name;
    private final boolean dropByteOrderMark;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
    private long number;

    /**
     * A reader that drops a byte order mark at the start of the first line.
     *
     * @param name the file name used in error locations ({@code null}: {@code <stdin>})
     */
    public LineReader(InputStream in, String name) {
        this(in, name, true);
    }

    /**
     * @param name the file name used in error locations ({@code null}: {@code <stdin>})
     * @param dropByteOrderMark drop a U+FEFF at the start of the first line (keep it where the reference keeps
     *     it: Hugging Face reads a vocab.txt's first line as it is)
     */
    public LineReader(InputStream in, String name, boolean dropByteOrderMark) {
        this.in = in;
        this.name = name;
        this.dropByteOrderMark = dropByteOrderMark;
    }

    /**
     * The next line without its line end, or {@code null} at the end of the input. A final line without a line
     * end is a line; an empty input has none.
     *
     * @throws InputException {@code FILE:LINE: not valid UTF-8} naming this line (the line is consumed: the next
     *     call reads on)
     */
    public String next() throws IOException {
        buffer.reset();
        boolean any = false;
        while (true) {
            if (position == limit) {
                if (!fill()) {
                    break;
                }
            }
            any = true;
            int start = position;
            while (position < limit && chunk[position] != '\n') {
                position++;
            }
            buffer.write(chunk, start, position - start);
            if (position < limit) {
                position++; // the line end
                break;
            }
        }
        if (!any) {
            return null;
        }
        number++;
        byte[] bytes = buffer.toByteArray();
        int length = bytes.length;
        if (length > 0 && bytes[length - 1] == '\r') {
            length--;
        }
        String line;
        try {
            line = decoder.decode(ByteBuffer.wrap(bytes, 0, length)).toString();
        } catch (CharacterCodingException e) {
            throw new InputException(location(), "not valid UTF-8");
        }
        if (dropByteOrderMark && number == 1 && line.startsWith("\uFEFF")) {
            line = line.substring(1);
        }
        return line;
    }

    /** Reads the next chunk; {@code false} at the end of the input. */
    private boolean fill() throws IOException {
        while (!end) {
            int n = in.read(chunk, 0, chunk.length);
            if (n < 0) {
                end = true;
            } else if (n > 0) {
                position = 0;
                limit = n;
                return true;
            }
        }
        position = 0;
        limit = 0;
        return false;
    }

    /** The number of the line last returned or rejected (1-based), 0 before the first. */
    public long number() {
        return number;
    }

    /** {@code FILE:LINE} of the line last returned or rejected. */
    public String location() {
        return InputException.at(name, number);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
