package org.multitag.train.data;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.multitag.core.InputException;

/**
 * Reads a UTF-8 text stream line by line, decoding each line on its own so that a line that is not valid UTF-8
 * is reported with its exact number and the next lines can still be read. Line ends are {@code \n} or
 * {@code \r\n}; a byte order mark at the start of the first line is dropped.
 */
final class LineReader implements Closeable {

    private final InputStream in;
    private final byte[] chunk = new byte[1 << 16];
    private int position;
    private int limit;
    private final String name;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
    private long number;

    /**
     * @param name the file name used in error locations
     */
    LineReader(InputStream in, String name) {
        this.in = in;
        this.name = name;
    }

    /**
     * The next line without its line end, or {@code null} at the end of the input.
     *
     * @throws InputException when the line is not valid UTF-8 (the line is consumed: the next call reads on)
     */
    String next() throws IOException {
        buffer.reset();
        boolean any = false;
        while (true) {
            if (position == limit) {
                limit = in.read(chunk, 0, chunk.length);
                position = 0;
                if (limit <= 0) {
                    limit = 0;
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
        if (number == 1 && line.startsWith("\uFEFF")) {
            line = line.substring(1);
        }
        return line;
    }

    /** The number of the line last returned (1-based), 0 before the first. */
    long number() {
        return number;
    }

    /** {@code file:line} of the line last returned. */
    String location() {
        return InputException.at(name, number);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
