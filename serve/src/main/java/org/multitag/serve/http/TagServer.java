package org.multitag.serve.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.multitag.core.InputException;
import org.multitag.serve.DeadlineExceededException;
import org.multitag.serve.Embedding;
import org.multitag.serve.EncodingJson;
import org.multitag.serve.PredictionJson;
import org.multitag.serve.ServiceClosedException;
import org.multitag.serve.ServiceListener;
import org.multitag.serve.ServiceOverloadedException;
import org.multitag.serve.TaggingService;
import org.multitag.tokenizer.Encoding;
import org.multitag.tokenizer.labels.WordPrediction;

/**
 * The HTTP/1.1 JSON server over a {@link TaggingService} (the routes of {@link Route}, described by {@code
 * /openapi.json}), on the JDK's {@code com.sun.net.httpserver}.
 *
 * <p>Handler threads only parse and answer: a tagging request is submitted to the service and answered when its
 * future completes, so a slow batch holds no thread and the service's bound ({@code maxConcurrentRequests}) is what
 * turns a burst into 429s. {@link #drain} stops taking connections and answers every accepted request.
 *
 * <p>Use: {@code new TagServer(options)}, give {@link #listener()} to the service's builder (the metrics), then
 * {@link #start}.
 */
public final class TagServer {

    /**
     * The server's settings.
     *
     * @param host the address to bind
     * @param port the port, 0 for any free one
     * @param backlog connections waiting to be accepted before the OS refuses more
     * @param maxInputsPerRequest the most inputs one {@code "inputs"} body may hold
     * @param maxBodyBytes the largest request body
     * @param requestTimeout how long a request may wait for its answer before a 504
     * @param threads threads that read, parse and answer requests (the model runs on the service's own)
     */
    public record Options(String host, int port, int backlog, int maxInputsPerRequest, long maxBodyBytes,
            Duration requestTimeout, int threads) {

        /** The defaults of {@code multitag serve}: 127.0.0.1:8080, 32 inputs, 2 MiB, 30 s. */
        public static Options defaults() {
            return new Options("127.0.0.1", 8080, 512, 32, 2L << 20, Duration.ofSeconds(30), 16);
        }

        public Options withPort(int p) {
            return new Options(host, p, backlog, maxInputsPerRequest, maxBodyBytes, requestTimeout, threads);
        }
    }

    static {
        // The JDK server reads these once, process-wide; a value given on the command line wins.
        // Without nodelay, Nagle's algorithm delays every keep-alive answer by ~40 ms (measured: p50 45 ms).
        defaultProperty("sun.net.httpserver.nodelay", "true");
        // A client that takes more than a minute to send its request (a stalled body, slowloris) is cut off instead
        // of holding a handler thread forever; the wait for the model's answer is not counted.
        defaultProperty("sun.net.httpserver.maxReqTime", "60");
    }

    private static void defaultProperty(String name, String value) {
        if (System.getProperty(name) == null) {
            System.setProperty(name, value);
        }
    }

    private final Options options;
    private final ServerMetrics metrics = new ServerMetrics();
    private final RequestBodies bodies;
    private final AtomicInteger open = new AtomicInteger();
    private volatile boolean draining;
    private TaggingService service;
    private ModelJson model;
    private HttpServer server;
    private ExecutorService executor;
    private Thread stopper;

    public TagServer(Options options) {
        this.options = options;
        this.bodies = new RequestBodies(options.maxInputsPerRequest());
    }

    /** The metrics listener to give the service's builder (batch sizes, tokens, compute time, drops). */
    public ServiceListener listener() {
        return metrics;
    }

    /** Binds and starts answering. */
    public synchronized TagServer start(TaggingService tagging) throws IOException {
        if (server != null) {
            throw new IllegalStateException("already started");
        }
        this.service = tagging;
        this.model = new ModelJson(tagging);
        metrics.queue(tagging::queued, tagging::inFlight);
        server = HttpServer.create(new InetSocketAddress(options.host(), options.port()), options.backlog());
        AtomicInteger n = new AtomicInteger();
        executor = Executors.newFixedThreadPool(options.threads(), r -> {
            Thread t = new Thread(r, "multitag-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(this::accept);
        server.createContext("/", ex -> {
            HANDLED.set(true);
            handle(new Exchange(ex, metrics, open::decrementAndGet, () -> draining));
        });
        server.start();
        return this;
    }

    /** The bound port (the one chosen when the options asked for 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://HOST:PORT}. */
    public String url() {
        String host = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
        return "http://" + host + ":" + port();
    }

    /** Whether {@link #drain} began. */
    public boolean isDraining() {
        return draining;
    }

    /**
     * Stops taking work: {@code /ready} answers 503, the listening socket closes (new connections are refused),
     * requests still arriving on open connections get 503; every request already accepted is answered. Waits at most
     * {@code timeout} for them; the service is left open (close it after).
     *
     * @return true when every accepted request was answered in time
     */
    public boolean drain(Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            draining = true;
            if (server == null) {
                return true;
            }
            if (stopper == null) {
                // stop() closes the listener at once, then waits (whole seconds) for open exchanges: on its own thread,
                // so that this method keeps its millisecond timeout and counts the answers itself.
                int seconds = (int) Math.max(1, (timeout.toMillis() + 999) / 1000);
                stopper = new Thread(() -> server.stop(seconds), "multitag-http-stop");
                stopper.setDaemon(true);
                stopper.start();
            }
        }
        while (open.get() > 0 && System.nanoTime() < end) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        boolean all = open.get() == 0;
        // Every answer is written (or the time is up): close the idle connections now rather than when the first
        // stop() gives up waiting, which JDK 17 may leave to its full delay.
        server.stop(0);
        executor.shutdown();
        return all;
    }

    /** Whether the JDK server's task on this thread reached the handler (which then owns the open count). */
    private static final ThreadLocal<Boolean> HANDLED = ThreadLocal.withInitial(() -> false);

    /**
     * Runs one of the JDK server's tasks (a request read from a connection), counted as open from the moment it is
     * queued: a request waiting for a handler thread is accepted work that a drain must wait for. A task that never
     * reaches the handler (the client closed an idle connection, a request line the JDK server refused itself)
     * is uncounted when it ends; one that does is uncounted when its answer is sent.
     */
    private void accept(Runnable task) {
        open.incrementAndGet();
        try {
            executor.execute(() -> {
                HANDLED.set(false);
                try {
                    task.run();
                } finally {
                    if (!HANDLED.get()) {
                        open.decrementAndGet();
                    }
                    HANDLED.set(false);
                }
            });
        } catch (RejectedExecutionException e) {
            open.decrementAndGet();
            throw e;
        }
    }

    private void handle(Exchange x) {
        try {
            Route route = Route.at(x.path());
            if (route == null) {
                throw new HttpError(404, "not_found", "no route " + x.path() + " (see /openapi.json)");
            }
            x.route = route.path;
            if (!route.method.equals(x.method())) {
                throw new HttpError(405, "method_not_allowed", x.method() + " is not allowed on " + route.path
                        + ": use " + route.method, "Allow", route.method);
            }
            if (draining) {
                x.close = true;
                if (route.work) {
                    throw new HttpError(503, "draining", "the server is shutting down: no new work");
                }
            }
            switch (route) {
                case TAG -> tag(x);
                case EMBED -> embed(x);
                case TOKENIZE -> tokenize(x);
                case MODEL -> x.json(200, model::write);
                case HEALTH -> x.json(200, g -> status(g, "ok"));
                case READY -> {
                    if (draining) {
                        throw new HttpError(503, "draining", "the server is shutting down");
                    }
                    x.json(200, g -> status(g, "ready"));
                }
                case METRICS -> {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    metrics.write(out);
                    x.send(200, ServerMetrics.CONTENT_TYPE, out.toByteArray());
                }
                case OPENAPI -> x.send(200, "application/json", openApi());
            }
        } catch (HttpError e) {
            x.error(e);
        } catch (Throwable t) {
            x.internal(t);
        }
    }

    private void tag(Exchange x) throws IOException {
        RequestBodies.Parsed<RequestBodies.TagInput> parsed = bodies.tag(x.body(options.maxBodyBytes()));
        List<RequestBodies.TagInput> inputs = parsed.inputs();
        Instant deadline = Instant.now().plus(options.requestTimeout());
        List<CompletableFuture<List<WordPrediction>>> futures;
        try {
            futures = inputs.size() == 1 ? List.of(service.submit(inputs.get(0).request(), deadline))
                    : service.submitAll(inputs.stream().map(RequestBodies.TagInput::request).toList(), deadline);
        } catch (RuntimeException e) {
            throw refused(e);
        }
        List<String> labels = service.model().labels().names();
        whenAll(x, futures, results -> x.json(200, g -> outputs(g, parsed.batch(), results.size(),
                i -> PredictionJson.write(g, results.get(i), labels, inputs.get(i).scores()))));
    }

    private void embed(Exchange x) throws IOException {
        RequestBodies.Parsed<String> parsed = bodies.texts(x.body(options.maxBodyBytes()));
        Instant deadline = Instant.now().plus(options.requestTimeout());
        List<CompletableFuture<Embedding>> futures = new ArrayList<>();
        try {
            for (String text : parsed.inputs()) {
                futures.add(service.submitEmbedding(text, deadline));
            }
        } catch (RuntimeException e) {
            futures.forEach(f -> f.cancel(false));
            if (e instanceof InputException input && parsed.batch()) {
                throw HttpError.invalid("inputs[" + futures.size() + "]: " + inputMessage(input));
            }
            throw refused(e);
        }
        whenAll(x, futures, results -> x.json(200, g -> outputs(g, parsed.batch(), results.size(),
                i -> EmbeddingJson.write(g, results.get(i)))));
    }

    private void tokenize(Exchange x) throws IOException {
        RequestBodies.Parsed<String> parsed = bodies.texts(x.body(options.maxBodyBytes()));
        List<Encoding> encodings = new ArrayList<>();
        for (int i = 0; i < parsed.inputs().size(); i++) {
            try {
                encodings.add(service.tokenize(parsed.inputs().get(i)));
            } catch (IllegalArgumentException | InputException e) {
                throw HttpError.invalid((parsed.batch() ? "inputs[" + i + "]: " : "") + e.getMessage());
            }
        }
        x.json(200, g -> outputs(g, parsed.batch(), encodings.size(), i -> EncodingJson.write(g, encodings.get(i))));
    }

    /** Writes one output. */
    private interface Output {
        void write(int i) throws IOException;
    }

    /** The outputs: the single one as it is, or several as {@code {"outputs": [...]}} for an "inputs" body. */
    private static void outputs(JsonGenerator g, boolean batch, int n, Output output) throws IOException {
        if (batch) {
            g.writeStartObject();
            g.writeArrayFieldStart("outputs");
        }
        for (int i = 0; i < n; i++) {
            output.write(i);
        }
        if (batch) {
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    /** What to answer with once every future is done. */
    private interface Answer<T> {
        void send(List<T> results);
    }

    /**
     * Answers when all futures complete, or 504 at the request timeout (the unfinished ones cancelled: the service
     * drops what is still queued). Answers on a handler thread, never on the model's.
     */
    private <T> void whenAll(Exchange x, List<CompletableFuture<T>> futures, Answer<T> answer) {
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
                .orTimeout(options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .whenCompleteAsync((ignored, failure) -> {
                    try {
                        if (failure != null) {
                            futures.forEach(f -> f.cancel(false));
                            throw failed(failure);
                        }
                        answer.send(futures.stream().map(CompletableFuture::join).toList());
                    } catch (HttpError e) {
                        x.error(e);
                    } catch (Throwable t) {
                        x.internal(t);
                    }
                }, executor);
    }

    /** A submit refused at once, as its status. */
    private static RuntimeException refused(RuntimeException e) {
        if (e instanceof ServiceOverloadedException) {
            return new HttpError(429, "overloaded", "too many requests queued or in flight (--max-concurrent-requests)"
                    + ": retry later", "Retry-After", "1");
        }
        return failed(e);
    }

    /** A future's failure as its status. */
    private static RuntimeException failed(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof HttpError e) {
            return e;
        }
        if (t instanceof InputException e) {
            return HttpError.invalid(inputMessage(e));
        }
        if (t instanceof IllegalArgumentException) {
            return HttpError.invalid(t.getMessage());
        }
        if (t instanceof ServiceOverloadedException s) {
            return refused(s);
        }
        if (t instanceof ServiceClosedException) {
            return new HttpError(503, "draining", "the server is shutting down: no new work");
        }
        if (t instanceof DeadlineExceededException || t instanceof TimeoutException
                || t instanceof CancellationException) {
            return new HttpError(504, "timeout", "no answer within the request timeout (--request-timeout-ms)");
        }
        return t instanceof RuntimeException r ? r : new CompletionException(t);
    }

    /**
     * The service's message about an input, its location ("input", "input 4") said as the body says it: nothing for
     * the single input, {@code inputs[3]} for the fourth of an "inputs" array.
     */
    static String inputMessage(InputException e) {
        String msg = e.getMessage();
        String where = e.location();
        if (where == null || !msg.startsWith(where + ": ")) {
            return msg;
        }
        String rest = msg.substring(where.length() + 2);
        if (where.equals("input")) {
            return rest;
        }
        if (where.startsWith("input ")) {
            try {
                return "inputs[" + (Integer.parseInt(where.substring(6)) - 1) + "]: " + rest;
            } catch (NumberFormatException notAnIndex) {
                return msg;
            }
        }
        return msg;
    }

    private static void status(JsonGenerator g, String status) throws IOException {
        g.writeStartObject();
        g.writeStringField("status", status);
        g.writeEndObject();
    }

    private static byte[] openApi() {
        try (InputStream in = TagServer.class.getResourceAsStream("openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is missing from the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
