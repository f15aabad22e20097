package org.multitag.benchmarks;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.multitag.core.InputException;
import org.multitag.serve.PredictionJson;
import org.multitag.tokenizer.labels.WordPrediction;

/**
 * The serve benchmark's peer (a) as a server: {@code POST /v1/tag} with one {@code predict} input line, answered
 * with the line {@code predict} would write, by {@link OrtTagger} (one ORT {@code session.run} per request, on the
 * request's thread), behind the same HTTP server as {@code multitag serve}: the JDK's {@code com.sun.net.httpserver}
 * with TCP_NODELAY, a backlog of 512 and a fixed pool of request threads, as its {@code TagServer}; and
 * {@code GET /health}. Loopback only. Prints {@code listening on http://HOST:PORT} once ready and runs until killed.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar org.multitag.benchmarks.OrtTagServer --model DIR [--port 0]
 *     [--threads 1] [--http-threads 16]
 * </pre>
 *
 * {@code --threads}: ORT's intra-op threads (shared by the concurrent runs; 1 by default: with concurrent
 * requests the runs themselves fill the cores, and on a loaded 2-core machine 2 threads were no faster at
 * concurrency 16 and slower at 1); {@code --http-threads}: request threads, so at most that many
 * {@code session.run} at once (16, as {@code multitag serve}'s request threads).
 */
public final class OrtTagServer {

    private static final ObjectMapper JSON = new ObjectMapper();

    private OrtTagServer() {}

    public static void main(String[] args) throws Exception {
        Path model = null;
        int port = 0;
        int threads = 1;
        int httpThreads = 16;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--model" -> model = Path.of(args[i + 1]);
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--threads" -> threads = Integer.parseInt(args[i + 1]);
                case "--http-threads" -> httpThreads = Integer.parseInt(args[i + 1]);
                default -> {
                    System.err.println("error: unknown option " + args[i] + " (see the OrtTagServer javadoc)");
                    System.exit(2);
                }
            }
        }
        if (model == null || args.length % 2 != 0) {
            System.err.println("error: usage: OrtTagServer --model DIR [--port 0] [--threads 1] [--http-threads 16]");
            System.exit(2);
        }
        // As multitag's TagServer sets it: without it the JDK server's Nagle delay adds ~40 ms to keep-alive answers.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
        OrtTagger tagger = OrtTagger.load(model, threads);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 512);
        ExecutorService pool = Executors.newFixedThreadPool(httpThreads);
        server.setExecutor(pool);
        server.createContext("/v1/tag", exchange -> tag(exchange, tagger));
        server.createContext("/health", exchange -> send(exchange, 200, "{\"status\":\"ok\"}"
                .getBytes(StandardCharsets.UTF_8)));
        server.start();
        InetSocketAddress at = server.getAddress();
        System.out.println("listening on http://" + at.getAddress().getHostAddress() + ":" + at.getPort());
        System.out.flush();
    }

    private static void tag(HttpExchange exchange, OrtTagger tagger) throws IOException {
        try {
            if (!exchange.getRequestMethod().equals("POST")) {
                error(exchange, 405, "method_not_allowed", "use POST");
                return;
            }
            JsonNode body;
            try {
                body = JSON.readTree(exchange.getRequestBody().readAllBytes());
            } catch (JsonProcessingException e) {
                error(exchange, 400, "invalid_json", "the body is not JSON");
                return;
            }
            List<WordPrediction> words;
            try {
                words = tagger.tag(body == null ? JSON.createObjectNode() : body);
            } catch (InputException e) {
                error(exchange, 422, "invalid_request", e.getMessage());
                return;
            }
            send(exchange, 200, write(words, tagger.labels()));
        } catch (Exception e) {
            error(exchange, 500, "internal", String.valueOf(e));
        } finally {
            exchange.close();
        }
    }

    /** {@code predict}'s output line for one input, by serve's own writer. */
    private static byte[] write(List<WordPrediction> words, List<String> labels) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + words.size() * labels.size() * 16);
        try (JsonGenerator g = JSON.getFactory().createGenerator(bytes, JsonEncoding.UTF8)) {
            g.configure(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN, true);
            PredictionJson.write(g, words, labels, true);
        }
        return bytes.toByteArray();
    }

    private static void error(HttpExchange exchange, int status, String type, String message) throws IOException {
        byte[] body = JSON.writeValueAsBytes(java.util.Map.of("error", message, "type", type));
        send(exchange, status, body);
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
