package org.multitag.serve;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.multitag.model.TaggingModel;
import org.multitag.tokenizer.labels.WordPrediction;

/**
 * The measurement behind {@link TaggingService#DEFAULT_MAX_BATCH_TOKENS} (not a test: run it by name, {@code mvn -pl
 * serve -am test -Dtest=BatchBudgetTiming -Dsurefire.failIfNoSpecifiedTests=false}): all-MiniLM-L6-v2 with a head
 * on 2 threads, Brown test sentences, for each budget (1) saturated throughput: every sentence queued at once, and
 * (2) 16 closed-loop clients (each sends its next sentence when the last is answered): sentences/s and latency.
 * Two rounds, budgets interleaved, so a noisy neighbour hits every budget alike.
 */
class BatchBudgetTiming {

    static final int[] BUDGETS = {1024, 2048, 4096, 8192, 16384};

    @Test
    void budgets() throws Exception {
        TaggingModel model = TaggingModel.read(TestModels.minilm());
        List<List<String>> sentences = TestModels.sentences(1200);
        List<TagRequest> requests = sentences.stream().map(TagRequest::words).toList();
        long tokens = 0;
        try (TaggingService s = TaggingService.builder(model).threads(2).build()) {
            for (List<String> w : sentences) {
                tokens += s.tokenize(String.join(" ", w)).length();
            }
        }
        System.out.printf(Locale.ROOT, "%d sentences, %.1f tokens each on average%n", sentences.size(),
                (double) tokens / sentences.size());
        for (int round = 0; round < 2; round++) {
            for (int budget : BUDGETS) {
                try (TaggingService s = TaggingService.builder(model).threads(2).maxBatchTokens(budget)
                        .maxConcurrentRequests(requests.size()).build()) {
                    s.submitAll(requests.subList(0, 64), null).forEach(CompletableFuture::join); // warm-up
                    long t0 = System.nanoTime();
                    List<CompletableFuture<List<WordPrediction>>> all = s.submitAll(requests, null);
                    all.forEach(CompletableFuture::join);
                    double saturated = requests.size() / ((System.nanoTime() - t0) / 1e9);
                    double[] loop = closedLoop(s, requests, 16);
                    System.out.printf(Locale.ROOT, "round %d budget %5d: saturated %.1f sentences/s; 16 clients "
                            + "%.1f sentences/s, p50 %.0f ms, p99 %.0f ms%n", round + 1, budget, saturated, loop[0],
                            loop[1], loop[2]);
                }
            }
        }
    }

    /** {sentences/s, p50 ms, p99 ms} of {@code clients} closed-loop clients sending every request once. */
    static double[] closedLoop(TaggingService s, List<TagRequest> requests, int clients) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        long[] latencies = new long[requests.size()];
        AtomicLong errors = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            Thread t = new Thread(() -> {
                int i;
                while ((i = next.getAndIncrement()) < requests.size()) {
                    long a = System.nanoTime();
                    try {
                        s.tag(requests.get(i));
                    } catch (RuntimeException e) {
                        errors.incrementAndGet();
                    }
                    latencies[i] = System.nanoTime() - a;
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        double rate = requests.size() / ((System.nanoTime() - t0) / 1e9);
        if (errors.get() > 0) {
            throw new IllegalStateException(errors.get() + " errors");
        }
        Arrays.sort(latencies);
        return new double[] {rate, latencies[latencies.length / 2] / 1e6, latencies[latencies.length * 99 / 100] / 1e6};
    }
}
