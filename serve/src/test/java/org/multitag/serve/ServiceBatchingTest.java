package org.multitag.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multitag.model.MultiLabelTagger;
import org.multitag.model.TaggingModel;
import org.multitag.tokenizer.labels.WordPrediction;

/**
 * The batcher on tinybert with a seeded head: the token budget, the over-budget input, deadlines, cancellation,
 * overload, close. The model thread is held inside its first batch (see {@link Recorder}) while the test fills the
 * queue, so what the batcher sees is decided by the test, not by timing.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ServiceBatchingTest {

    static TaggingModel model;
    static List<List<String>> sentences;
    static MultiLabelTagger reference;

    @BeforeAll
    static void load() throws IOException {
        model = TaggingModel.read(TestModels.tiny());
        sentences = TestModels.sentences(80, TestModels.tiny(), 60);
        reference = MultiLabelTagger.of(model, new MultiLabelTagger.Options(2, 32, 0, false));
    }

    @AfterAll
    static void close() {
        reference.close();
    }

    static TaggingService.Builder service(Recorder r) {
        return TaggingService.builder(model).threads(2).listener(r);
    }

    static List<WordPrediction> alone(List<String> words) {
        return reference.tagWords(List.of(words)).get(0);
    }

    /** The held first request, then everything else queued behind it. */
    static CompletableFuture<List<WordPrediction>> hold(TaggingService s, Recorder r) throws InterruptedException {
        CompletableFuture<List<WordPrediction>> first = s.submit(TagRequest.words(List.of("first")), null);
        r.awaitHeld();
        return first;
    }

    @Test
    void batchesStayWithinTheTokenBudgetAndAnOverBudgetInputRunsAlone() throws Exception {
        int budget = 64;
        Recorder r = new Recorder(true);
        List<List<String>> inputs = new ArrayList<>(sentences.subList(0, 60));
        List<String> longOne = new ArrayList<>();
        for (List<String> s : TestModels.sentences(400)) {
            int n = reference.tokenizer().encodeWords(s, true).length();
            if (n > budget && n <= 100) {
                longOne = s; // tinybert takes 100 tokens, the budget is less
                break;
            }
        }
        inputs.add(25, longOne);
        List<CompletableFuture<List<WordPrediction>>> futures = new ArrayList<>();
        int longTokens;
        try (TaggingService s = service(r).maxBatchTokens(budget).build(); Recorder.Gate g = r.gate()) {
            longTokens = s.tokenize(String.join(" ", longOne)).length();
            assertTrue(longTokens > budget, "the long input's " + longTokens + " tokens exceed the budget");
            CompletableFuture<List<WordPrediction>> first = hold(s, r);
            for (List<String> words : inputs) {
                futures.add(s.submit(TagRequest.words(words), null));
            }
            assertEquals(inputs.size(), s.queued());
            assertEquals(inputs.size(), s.inFlight()); // the held batch is computed: it no longer counts
            r.open();
            first.join();
            for (int i = 0; i < inputs.size(); i++) {
                assertEquals(alone(inputs.get(i)), futures.get(i).join(), "input " + i);
            }
        }
        List<Recorder.Computed> batches = r.batches.subList(1, r.batches.size());
        assertEquals(inputs.size(), batches.stream().mapToInt(Recorder.Computed::requests).sum());
        assertTrue(batches.stream().anyMatch(b -> b.requests() > 2), "inputs shared batches: " + batches);
        for (Recorder.Computed b : batches) {
            if (b.requests() > 1) {
                assertTrue(b.paddedTokens() <= budget, "batch over the budget: " + b);
            }
        }
        assertTrue(batches.contains(new Recorder.Computed(1, longTokens)), "the long input alone: " + batches);
        for (int[] c : r.tokenCounts) {
            assertTrue(c[0] <= c[1], "real tokens over padded ones: " + c[0] + " > " + c[1]);
        }
        assertTrue(r.tokenCounts.stream().anyMatch(c -> c[0] < c[1]), "some batch had padding");
        assertTrue(r.tokenCounts.stream().anyMatch(c -> c[0] == longTokens && c[1] == longTokens),
                "the long input alone: its tokens are its padded tokens");
    }

    @Test
    void expiredAndCancelledRequestsAreNeverComputed() throws Exception {
        Recorder r = new Recorder(true);
        try (TaggingService s = service(r).build(); Recorder.Gate g = r.gate()) {
            CompletableFuture<List<WordPrediction>> first = hold(s, r);
            var kept = s.submit(TagRequest.words(sentences.get(0)), null);
            var expiring = s.submit(TagRequest.words(sentences.get(1)), Instant.now().plusMillis(50));
            var cancelled = s.submit(TagRequest.words(sentences.get(2)), null);
            var late = s.submitAll(List.of(TagRequest.words(sentences.get(3)), TagRequest.words(sentences.get(4))),
                    Instant.now().minusSeconds(1));
            var keptLong = s.submit(TagRequest.words(sentences.get(5)), Instant.now().plusSeconds(600));
            assertTrue(cancelled.cancel(true));
            // the deadline drops the request while the model is still busy: the caller hears at once
            CompletionException e = assertThrows(CompletionException.class,
                    () -> expiring.orTimeout(30, TimeUnit.SECONDS).join());
            assertInstanceOf(DeadlineExceededException.class, e.getCause());
            for (var f : late) {
                assertInstanceOf(DeadlineExceededException.class,
                        assertThrows(CompletionException.class, f::join).getCause());
            }
            assertEquals(3, r.dropped("deadline"));
            assertEquals(1, r.dropped("cancelled"));
            assertEquals(2, s.queued());
            assertEquals(2, s.inFlight());
            r.open();
            first.join();
            assertEquals(alone(sentences.get(0)), kept.join());
            assertEquals(alone(sentences.get(5)), keptLong.join());
            assertThrows(CancellationException.class, cancelled::join);
        }
        assertEquals(1 + 2, r.rows(), "computed: the held request and the two kept, nothing dropped");
        assertEquals(3, r.dropped("deadline"));
        assertEquals(1, r.dropped("cancelled"));
    }

    @Test
    void overloadFailsAtOnceAndAdmitsAllOrNone() throws Exception {
        Recorder r = new Recorder(true);
        try (TaggingService s = service(r).maxConcurrentRequests(5).build(); Recorder.Gate g = r.gate()) {
            CompletableFuture<List<WordPrediction>> first = hold(s, r);
            List<CompletableFuture<List<WordPrediction>>> accepted = new ArrayList<>();
            accepted.add(s.submit(TagRequest.words(sentences.get(0)), null));
            accepted.addAll(s.submitAll(List.of(TagRequest.words(sentences.get(1)),
                    TagRequest.words(sentences.get(2))), null));
            accepted.add(s.submit(TagRequest.words(sentences.get(3)), null));
            assertEquals(4, s.inFlight());
            // two more do not fit in the one slot left: neither is taken
            assertThrows(ServiceOverloadedException.class, () -> s.submitAll(List.of(
                    TagRequest.words(sentences.get(4)), TagRequest.words(sentences.get(5))), null));
            assertEquals(4, s.queued());
            accepted.add(s.submit(TagRequest.words(sentences.get(4)), null));
            long t0 = System.nanoTime();
            ServiceOverloadedException e = assertThrows(ServiceOverloadedException.class,
                    () -> s.submit(TagRequest.words(sentences.get(5)), null));
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(1), "refused at once");
            assertTrue(e.getMessage().contains("limit is 5"), e.getMessage());
            assertThrows(ServiceOverloadedException.class, () -> s.submitEmbedding("the fox", null));
            r.open();
            first.join();
            for (int i = 0; i < accepted.size(); i++) {
                assertEquals(alone(sentences.get(i)), accepted.get(i).join());
            }
            assertEquals(0, s.inFlight());
            // room again once they are answered
            assertEquals(alone(sentences.get(5)), s.tag(TagRequest.words(sentences.get(5))));
        }
    }

    @Test
    void closeAnswersEveryAcceptedRequestAndRefusesNewOnes() throws Exception {
        Recorder r = new Recorder(true);
        TaggingService s = service(r).maxBatchTokens(128).build();
        try (s; Recorder.Gate g = r.gate()) {
        CompletableFuture<List<WordPrediction>> first = hold(s, r);
        List<CompletableFuture<List<WordPrediction>>> accepted = new ArrayList<>();
        for (List<String> words : sentences.subList(0, 40)) {
            accepted.add(s.submit(TagRequest.words(words), null));
        }
        CompletableFuture<Void> closing = CompletableFuture.runAsync(s::close);
        while (!s.isClosed()) {
            Thread.onSpinWait();
        }
        assertThrows(ServiceClosedException.class, () -> s.submit(TagRequest.text("the fox"), null));
        assertThrows(ServiceClosedException.class, () -> s.submitEmbedding("the fox", null));
        assertFalse(closing.isDone(), "close waits for the accepted work");
        r.open();
        closing.get(60, TimeUnit.SECONDS);
        first.join();
        for (int i = 0; i < accepted.size(); i++) {
            assertTrue(accepted.get(i).isDone());
            assertEquals(alone(sentences.get(i)), accepted.get(i).join(), "input " + i);
        }
        assertEquals(41, r.rows());
        assertEquals(0, s.inFlight());
        s.close(); // idempotent
        assertTrue(s.close(Duration.ofSeconds(1)));
        }
    }

    @Test
    void closeWithATimeoutSaysWhetherTheWorkWasDone() throws Exception {
        Recorder r = new Recorder(true);
        TaggingService s = service(r).build();
        try (s; Recorder.Gate g = r.gate()) {
        CompletableFuture<List<WordPrediction>> first = hold(s, r);
        var queued = s.submit(TagRequest.words(sentences.get(0)), null);
        assertFalse(s.close(Duration.ofMillis(50)), "the held batch is not answered yet");
        r.open();
        assertTrue(s.close(Duration.ofSeconds(60)));
        assertEquals(alone(List.of("first")), first.join());
        assertEquals(alone(sentences.get(0)), queued.join());
        }
    }

    @Test
    void aBatchDelayWaitsForAFullBatchButNoLonger() throws Exception {
        Recorder r = new Recorder(false);
        // four of the inputs below fill the budget
        List<String> words = List.of("the", "fox", "saw");
        int n = reference.tokenizer().encodeWords(words, true).length();
        try (TaggingService s = service(r).maxBatchTokens(4 * n).maxBatchDelay(Duration.ofMinutes(5)).build()) {
            List<CompletableFuture<List<WordPrediction>>> futures = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                futures.add(s.submit(TagRequest.words(words), null));
            }
            Thread.sleep(200);
            assertTrue(r.batches.isEmpty(), "waits for a full batch: " + r.batches);
            futures.add(s.submit(TagRequest.words(words), null)); // now the queue overflows one batch
            futures.get(0).get(60, TimeUnit.SECONDS);
            assertEquals(new Recorder.Computed(4, 4 * n), r.batches.get(0));
            // the fifth waits again, until close cuts the wait short
            assertEquals(1, r.batches.size());
        }
        assertEquals(List.of(new Recorder.Computed(4, 4 * n), new Recorder.Computed(1, n)), r.batches);
    }
}
