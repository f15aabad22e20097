package org.multitag.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multitag.core.InputException;
import org.multitag.tokenizer.Tokenizer;
import org.multitag.tokenizer.TokenizerLoader;

class LoadRunTest {

    @TempDir
    Path dir;

    /** A stub server: every 4th answer a 429, every 10th a 200 that is no prediction, the rest a prediction. */
    private static HttpServer stub(AtomicInteger served) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.createContext("/v1/tag", ex -> {
            int n = served.incrementAndGet();
            ex.getRequestBody().readAllBytes();
            if (n % 4 == 0) {
                answer(ex, 429, "{\"error\":\"overloaded\",\"type\":\"overloaded\"}");
            } else if (n % 10 == 0) {
                answer(ex, 200, "{\"outputs\":[]}");
            } else {
                answer(ex, 200, "{\"words\":[]}\n");
            }
        });
        server.createContext("/health", ex -> answer(ex, 200, "{\"status\":\"ok\"}"));
        return server;
    }

    private static void answer(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    @Test
    void countsEveryRequestOnceByOutcomeAndStopsAtTheLimit() throws Exception {
        AtomicInteger served = new AtomicInteger();
        HttpServer server = stub(served);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        server.setExecutor(pool);
        server.start();
        try {
            RequestMix mix = new RequestMix("text", List.of("{\"text\":\"a\"}", "{\"text\":\"b c\"}"),
                    new int[] {3, 5}, List.of("a", "b c"), null);
            URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/tag");
            LoadRun run = new LoadRun(HttpClient.newHttpClient(), uri, mix, new int[] {0, 1}, Duration.ofSeconds(30),
                    LoadRun.TAG_ANSWER);
            LoadRun.Result r = run.run("stub", 3, Duration.ZERO, Duration.ofSeconds(60), 40, 0, 1000, Duration.ZERO);

            assertEquals(40, served.get(), "exactly --max-requests requests are sent");
            assertEquals(40, r.requests());
            assertEquals(10L, r.errors().get("HTTP 429"));
            // n = 10, 30 are 200s without a prediction (20 and 40 are 429s first)
            assertEquals(2L, r.errors().get("bad body"));
            assertEquals(28, r.ok());
            assertTrue(r.meanTokens() >= 3 && r.meanTokens() <= 5, "tokens of answered requests: " + r.meanTokens());
            assertTrue(r.p50Ms() > 0 && r.p50Ms() <= r.p99Ms() && r.p99Ms() <= r.maxMs());
            assertNull(r.rssStartKb(), "no PID, no RSS");

            URI health = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/health");
            LoadRun.Result h = new LoadRun(HttpClient.newHttpClient(), health, mix, new int[] {0}, Duration.ofSeconds(30),
                    null).run("health", 1, Duration.ZERO, Duration.ofSeconds(60), 5, 0, 0, Duration.ZERO);
            assertEquals(5, h.ok());
            assertEquals(0, h.tokensPerSecond());
        } finally {
            server.stop(0);
            pool.shutdownNow();
        }
    }

    @Test
    void percentileIsTheNearestRank() {
        long[] ms = new long[100];
        for (int i = 0; i < 100; i++) {
            ms[i] = (i + 1) * 1_000_000L;
        }
        assertEquals(50, LoadRun.percentile(ms, 50));
        assertEquals(99, LoadRun.percentile(ms, 99));
        assertEquals(100, LoadRun.percentile(ms, 100));
        assertEquals(1, LoadRun.percentile(new long[] {1_000_000L}, 99));
    }

    @Test
    void requestMixReadsTextOrFormsAndCountsModelTokens() throws Exception {
        Path tokenizerJson = dir.resolve("tokenizer.json");
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(EncoderInputs.TOKENIZER)) {
            Files.copy(in, tokenizerJson);
        }
        Path conllu = dir.resolve("two.conllu");
        Files.writeString(conllu, String.join("\n",
                "# sent_id = 1", "# text = Unaffable dogs.", "1\tUnaffable\t_\tADJ\t_\t_\t0\troot\t_\t_",
                "2\tdogs\t_\tNOUN\t_\t_\t1\tnsubj\t_\tSpaceAfter=No", "3\t.\t_\tPUNCT\t_\t_\t1\tpunct\t_\t_", "",
                "# text = Hi", "1-2\tHi\t_\t_\t_\t_\t_\t_\t_\t_", "1\tH\t_\tX\t_\t_\t0\troot\t_\t_",
                "2\ti\t_\tX\t_\t_\t1\tdep\t_\t_", "", ""), StandardCharsets.UTF_8);
        // the file pads to 128: the mix counts real tokens, as the servers see them
        Tokenizer tok = TokenizerLoader.load(tokenizerJson).withTruncation(null).withPadding(null);

        RequestMix text = RequestMix.read(conllu, "text", tokenizerJson);
        assertEquals(List.of("{\"text\":\"Unaffable dogs.\"}", "{\"text\":\"Hi\"}"), text.bodies());
        assertEquals(tok.encode("Unaffable dogs.", null, true).length(), text.tokens()[0]);
        assertTrue(text.tokens()[0] > 5, "word pieces and [CLS]/[SEP] counted: " + text.tokens()[0]);

        RequestMix words = RequestMix.read(conllu, "words", tokenizerJson);
        assertEquals(List.of("{\"tokens\":[\"Unaffable\",\"dogs\",\".\"]}", "{\"tokens\":[\"H\",\"i\"]}"),
                words.bodies(), "the FORM column, multiword token lines skipped");
        assertEquals(tok.encodeWords(List.of("H", "i"), true).length(), words.tokens()[1]);

        Files.writeString(conllu, "1\tNo\t_\tX\t_\t_\t0\troot\t_\t_\n\n", StandardCharsets.UTF_8);
        InputException e = assertThrows(InputException.class, () -> RequestMix.read(conllu, "text", tokenizerJson));
        assertTrue(e.getMessage().contains("# text"), e.getMessage());
    }
}
