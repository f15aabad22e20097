package org.multitag.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** The trainer reports progress to a {@link PrintStream}; commands print to picocli's writers: this joins them. */
final class WriterStream {

    private WriterStream() {}

    /**
     * A print stream onto a writer (the Trainer prints to a stream; commands print to picocli's writers), UTF-8,
     * flushing the writer whenever the stream flushes.
     */
    static PrintStream of(PrintWriter writer) {
        OutputStream bytes = new OutputStream() {
            private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
            private byte[] pending = new byte[0];

            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public synchronized void write(byte[] b, int off, int len) {
                ByteBuffer in = ByteBuffer.allocate(pending.length + len);
                in.put(pending).put(b, off, len).flip();
                CharBuffer out = CharBuffer.allocate(in.remaining());
                decoder.decode(in, out, false);
                out.flip();
                writer.append(out);
                pending = new byte[in.remaining()]; // an incomplete UTF-8 sequence waits for its next bytes
                in.get(pending);
            }

            @Override
            public void flush() {
                writer.flush();
            }
        };
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}
