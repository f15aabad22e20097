package org.multitag.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multitag.model.TestTaggers;

/**
 * {@code multitag serve} as a real process: its answers are {@code predict}'s lines, and SIGTERM in the middle of a
 * burst answers every accepted request before the process exits 0 (the server runs two workers, so both drain).
 */
class ServeCommandTest {

    static final List<String> LABELS = List.of("NOUN", "VERB", "Number=Sing");

    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void writeModel() throws IOException {
        model = TestTaggers.write(TestTaggers.minilm(), new TestTaggers.Head(LABELS, 5, 0.3, 0),
                dir.resolve("tagger"));
    }

    @Test
    void helpPrintsTheDefaults() {
        TestModels.Result r = TestModels.run("serve", "--help");
        assertEquals(0, r.code(), r.err());
        for (String d : List.of("127.0.0.1", "8080", "512", "32", "2097152", "30000", "--max-batch-tokens",
                "--max-batch-delay-ms", "--workers", "--threads", "--max-length", "--truncate", "--long-text", "--stride")) {
            assertTrue(r.out().contains(d), d + " missing from\n" + r.out());
        }
        TestModels.Result bad = TestModels.run("serve", "--model", model.toString(), "--port", "70000");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--port must be in [0, 65535]"), bad.err());
        TestModels.Result badWorkers = TestModels.run("serve", "--model", model.toString(), "--workers", "0");
        assertEquals(2, badWorkers.code());
        assertEquals("error: --workers must be >= 1, not 0", badWorkers.err().strip());
        TestModels.Result badStride = TestModels.run("serve", "--model", model.toString(), "--port", "0",
                "--max-length", "8", "--stride", "6");
        assertEquals(2, badStride.code());
        assertEquals("error: --stride must be in [0, 5] (windows of 8 tokens, 2 of them special, must move on), not 6",
                badStride.err().strip());
    }

    @Test
    void sigtermDuringABurstAnswersEveryAcceptedRequest() throws Exception {
        int n = 48;
        StringBuilder lines = new StringBuilder();
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String line = "{\"text\": \"Request " + i + " asks the server to tag these " + (i % 7 + 2) + " words.\"}";
            bodies.add(line);
            lines.append(line).append('\n');
        }
        TestModels.Result predicted = TestModels.run("predict", "--model", model.toString(), "--input",
                Files.writeString(dir.resolve("burst.jsonl"), lines).toString());
        assertEquals(0, predicted.code(), predicted.err());
        List<String> expected = predicted.out().lines().toList();

        Path err = dir.resolve("serve.err");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                Multitag.class.getName(), "serve", "--model", model.toString(), "--port", "0", "--threads", "1",
                "--workers", "2", "--max-batch-delay-ms", "30", "--max-batch-tokens", "256", "--drain-timeout-ms", "30000")
                .redirectError(err.toFile()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String ready = out.readLine();
            assertTrue(ready != null && ready.startsWith("listening on http://127.0.0.1:"), ready + "\n"
                    + Files.readString(err));
            String url = ready.substring("listening on ".length());
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                burst.add(client.sendAsync(HttpRequest.newBuilder(URI.create(url + "/v1/tag"))
                        .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(bodies.get(i)))
                        .build(), HttpResponse.BodyHandlers.ofString()));
            }
            CompletableFuture.anyOf(burst.toArray(CompletableFuture[]::new)).join();
            p.destroy();  // SIGTERM, while most of the burst is queued or in flight
            Thread.sleep(100);
            // a second wave after SIGTERM, on new connections: refused or 503s, never a hang or a reset (a connection
            // left idle from before the signal may be closed under a request as the process exits: not tested here)
            HttpClient late = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            for (int i = 0; i < 8; i++) {
                burst.add(late.sendAsync(HttpRequest.newBuilder(URI.create(url + "/v1/tag"))
                        .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(bodies.get(i)))
                        .build(), HttpResponse.BodyHandlers.ofString()));
            }

            Map<String, Integer> outcomes = new TreeMap<>();
            for (int i = 0; i < burst.size(); i++) {
                try {
                    HttpResponse<String> r = burst.get(i).join();
                    outcomes.merge(Integer.toString(r.statusCode()), 1, Integer::sum);
                    if (r.statusCode() == 200) {
                        assertEquals(expected.get(i % n), r.body(), "request " + i);
                    } else {
                        assertEquals(503, r.statusCode(), r.body());
                        assertTrue(r.body().contains("\"type\":\"draining\""), r.body());
                    }
                } catch (CompletionException e) {
                    // only a connection the server never accepted may fail: no accepted request is dropped
                    assertTrue(e.getCause() instanceof ConnectException, "request " + i + ": " + e.getCause());
                    outcomes.merge("refused", 1, Integer::sum);
                }
            }
            assertTrue(outcomes.getOrDefault("200", 0) >= 1, outcomes.toString());
            assertTrue(p.waitFor(40, TimeUnit.SECONDS), "still running after SIGTERM");
            assertEquals(0, p.exitValue(), Files.readString(err));
            assertTrue(Files.readString(err).contains("every accepted request answered"), Files.readString(err));
            System.out.println("serve SIGTERM burst outcomes: " + outcomes);
        } finally {
            p.destroyForcibly();
        }
    }
}
