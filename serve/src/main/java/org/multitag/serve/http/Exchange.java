package org.multitag.serve.http;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * One HTTP request and its answer: reads the body within the size limit, and sends exactly one response (whichever
 * thread gets there first; later attempts are ignored), counting it in the metrics and in the server's open
 * requests.
 */
final class Exchange {

    static final JsonFactory JSON = new JsonFactory();

    /** Writes a JSON body into a generator. */
    interface JsonBody {
        void write(JsonGenerator g) throws IOException;
    }

    private final HttpExchange ex;
    private final long start = System.nanoTime();
    private final AtomicBoolean answered = new AtomicBoolean();
    private final Runnable onDone;
    private final ServerMetrics metrics;
    /** The route name for metrics: the route's path, or "unknown". */
    String route = "unknown";
    /** Whether to ask the client to close the connection (after a body left unread, for a request met while draining). */
    boolean close;
    /**
     * Whether the server is draining when the answer goes out: then the connection closes after it too, so a client
     * does not keep it for its next request, which the stopping server would no longer read.
     */
    private final BooleanSupplier draining;

    Exchange(HttpExchange ex, ServerMetrics metrics, Runnable onDone, BooleanSupplier draining) {
        this.ex = ex;
        this.metrics = metrics;
        this.onDone = onDone;
        this.draining = draining;
    }

    String method() {
        return ex.getRequestMethod();
    }

    String path() {
        return ex.getRequestURI().getPath();
    }

    /**
     * The request body, at most {@code max} bytes. A larger body is refused without keeping it: a declared length
     * over the limit before reading, a body that grows past it at that point. The rest is read and dropped (up to
     * {@link #DISCARD}) before the 413 goes out, because closing a connection with unread bytes resets it and the
     * client could lose the answer.
     */
    byte[] body(long max) throws IOException {
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        try (InputStream in = ex.getRequestBody()) {
            long n = declared == null ? -1 : parseLength(declared);
            if (n > max) {
                close = true;
                discard(in);
                throw tooLarge(max, n + " bytes, more");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            for (int r; (r = read(in, buf)) != -1; ) {
                if (out.size() + (long) r > max) {
                    close = true;
                    discard(in);
                    throw tooLarge(max, "more");
                }
                out.write(buf, 0, r);
            }
            return out.toByteArray();
        }
    }

    /** A client that hangs up mid-body is the client's failure, answered (if it still listens) as a bad request. */
    private int read(InputStream in, byte[] buf) {
        try {
            return in.read(buf);
        } catch (IOException e) {
            close = true;
            throw new HttpError(400, "incomplete_body", "the connection closed before the whole body arrived");
        }
    }

    /** Bytes of an over-long body read and dropped before answering 413; past them the connection is cut. */
    static final long DISCARD = 64L << 20;

    private static void discard(InputStream in) throws IOException {
        byte[] buf = new byte[65536];
        long left = DISCARD;
        for (int r; left > 0 && (r = in.read(buf, 0, (int) Math.min(buf.length, left))) != -1; ) {
            left -= r;
        }
    }

    private static long parseLength(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static HttpError tooLarge(long max, String size) {
        return new HttpError(413, "body_too_large", "the body holds " + size + " than the limit of " + max
                + " bytes (--max-body-bytes)");
    }

    /** Answers with a JSON body. */
    void json(int status, JsonBody body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(bytes, JsonEncoding.UTF8)) {
            g.configure(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN, true);
            body.write(g);
        } catch (IOException | RuntimeException e) {
            internal(e);
            return;
        }
        send(status, "application/json", bytes.toByteArray());
    }

    /** Answers with the error's status, header and JSON body. */
    void error(HttpError e) {
        if (e.header != null) {
            ex.getResponseHeaders().set(e.header, e.headerValue);
        }
        json(e.status, g -> {
            g.writeStartObject();
            g.writeStringField("error", e.getMessage());
            g.writeStringField("type", e.type);
            g.writeEndObject();
        });
    }

    /** Answers 500 for a failure the server did not expect; the request's neighbours are not affected. */
    void internal(Throwable t) {
        System.err.println("multitag serve: internal error on " + method() + " " + path() + ": " + t);
        String msg = String.valueOf(t.getMessage()).lines().findFirst().orElse("");
        byte[] body = ("{\"error\":" + quote(t.getClass().getSimpleName() + ": " + msg)
                + ",\"type\":\"internal\"}").getBytes(StandardCharsets.UTF_8);
        send(500, "application/json", body);
    }

    /** Sends the answer once; a client gone meanwhile is not an error of the server. */
    void send(int status, String contentType, byte[] body) {
        if (!answered.compareAndSet(false, true)) {
            return;
        }
        try {
            ex.getResponseHeaders().set("Content-Type", contentType);
            if (close || draining.getAsBoolean()) {
                ex.getResponseHeaders().set("Connection", "close");
            }
            ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        } catch (IOException | RuntimeException e) {
            // the client closed the connection: nothing to answer to
        } finally {
            ex.close();
            metrics.answered(route, status, System.nanoTime() - start);
            onDone.run();
        }
    }

    private static String quote(String s) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
    }
}
