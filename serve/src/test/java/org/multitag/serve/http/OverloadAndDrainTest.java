package org.multitag.serve.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The server under more than it takes: 429s, 504s, and a drain that answers every accepted request. */
class OverloadAndDrainTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static String body(int i) {
        return "{\"text\": \"Sentence number " + i + " has a few words in it.\"}";
    }

    /** What predict writes for {@code body(i)}'s text. */
    static String alone(Served s, int i) throws Exception {
        return TinyTagger.predicted("Sentence number " + i + " has a few words in it.");
    }

    @Test
    void aBurstPastTheLimitGets429sAndCorrect200sOnly() throws Exception {
        int limit = 4;
        int burst = 48;
        // the batch delay keeps the first inputs queued while the burst arrives
        try (Served s = new Served(b -> b.maxConcurrentRequests(limit).maxBatchDelay(Duration.ofMillis(200)),
                o -> o)) {
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < burst; i++) {
                expected.add(alone(s, i));
            }
            List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
            for (int i = 0; i < burst; i++) {
                futures.add(s.postAsync("/v1/tag", body(i)));
            }
            Map<Integer, Integer> statuses = new TreeMap<>();
            for (int i = 0; i < burst; i++) {
                HttpResponse<String> r = futures.get(i).join();
                statuses.merge(r.statusCode(), 1, Integer::sum);
                if (r.statusCode() == 200) {
                    assertEquals(expected.get(i), r.body(), "request " + i);
                } else {
                    assertEquals(429, r.statusCode(), r.body());
                    assertEquals("1", r.headers().firstValue("Retry-After").orElse(null));
                    assertEquals("overloaded", JSON.readTree(r.body()).get("type").asText());
                }
            }
            assertTrue(statuses.getOrDefault(200, 0) >= limit && statuses.getOrDefault(429, 0) > 0,
                    statuses.toString());
            // and afterwards, answers as before
            HttpResponse<String> after = s.post("/v1/tag", body(3));
            assertEquals(200, after.statusCode(), after.body());
            assertEquals(expected.get(3), after.body());
        }
    }

    @Test
    void pastTheRequestTimeoutIs504() throws Exception {
        try (Served s = new Served(b -> b.maxBatchDelay(Duration.ofMillis(300)),
                o -> new TagServer.Options(o.host(), o.port(), o.backlog(), o.maxInputsPerRequest(),
                        o.maxBodyBytes(), Duration.ofMillis(50), o.threads()))) {
            HttpResponse<String> r = s.post("/v1/tag", body(1));
            assertEquals(504, r.statusCode(), r.body());
            JsonNode e = JSON.readTree(r.body());
            assertEquals("timeout", e.get("type").asText());
            assertTrue(e.get("error").asText().contains("--request-timeout-ms"));
            assertEquals(200, s.get("/health").statusCode());
        }
    }

    /**
     * Drain while requests are queued: each accepted one is answered 200 with its right answer; requests arriving on
     * open connections get 503, {@code /ready} 503; new connections are refused.
     */
    @Test
    void drainAnswersEveryAcceptedRequest() throws Exception {
        Served s = new Served(b -> b.maxBatchDelay(Duration.ofMillis(400)), o -> o);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            expected.add(alone(s, i));
        }
        // two idle keep-alive connections, opened before the drain
        HttpClient idleReady = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpClient idleWork = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        assertEquals(200, idleReady.send(s.request("/health").build(), HttpResponse.BodyHandlers.ofString())
                .statusCode());
        assertEquals(200, idleWork.send(s.request("/health").build(), HttpResponse.BodyHandlers.ofString())
                .statusCode());

        List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            inFlight.add(s.postAsync("/v1/tag", body(i)));
        }
        Thread.sleep(150);  // accepted and queued: the batch waits 400 ms
        CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(() -> s.server.drain(Duration.ofSeconds(20)));
        Thread.sleep(50);
        assertTrue(s.server.isDraining());
        HttpResponse<String> ready = idleReady.send(s.request("/ready").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(503, ready.statusCode(), ready.body());
        HttpResponse<String> refused = idleWork.send(s.postRequest("/v1/tag", body(0)),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(503, refused.statusCode(), refused.body());
        assertEquals("draining", JSON.readTree(refused.body()).get("type").asText());
        for (int i = 0; i < inFlight.size(); i++) {
            HttpResponse<String> r = inFlight.get(i).join();
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(expected.get(i), r.body());
        }
        assertTrue(drained.join());
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", s.server.port())) {
            throw new AssertionError("a connection was accepted after the drain");
        } catch (java.net.ConnectException expectedRefusal) {
            // refused: the listener is closed
        }
        s.service.close();
    }

    /**
     * Raw bytes that are not HTTP, a request cut off mid-body, an idle connection closed: the server keeps answering,
     * and none of them stays counted as open work (the drain after them finishes at once).
     */
    @Test
    void malformedConnectionsLeaveNothingOpen() throws Exception {
        Served s = new Served();
        String good = TinyTagger.predicted("Still answering.");
        for (String raw : List.of("\u0000\u0001garbage\r\n\r\n", "GET / HTTP/9.9\r\n\r\n",
                "POST /v1/tag HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n{\"text\":", "")) {
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", s.server.port())) {
                socket.getOutputStream().write(raw.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                socket.getOutputStream().flush();
            }
            HttpResponse<String> r = s.post("/v1/tag", "{\"text\": \"Still answering.\"}");
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(good, r.body());
        }
        long t0 = System.nanoTime();
        assertTrue(s.server.drain(Duration.ofSeconds(10)), "a request stayed open");
        assertTrue(System.nanoTime() - t0 < 3_000_000_000L, "the drain waited for nothing");
        s.service.close();
    }
}
