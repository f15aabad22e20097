package org.multitag.serve;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.multitag.model.TaggingModel;
import org.multitag.tokenizer.labels.WordPrediction;

/**
 * The measurement behind {@link TaggingService#DEFAULT_MAX_BATCH_TOKENS} (not a test: run it by name, {@code mvn -pl
 * serve -am test -Dtest=BatchBudgetTiming -Dsurefire.failIfNoSpecifiedTests=false}): all-MiniLM-L6-v2 with a head
 * on 2 threads, Brown test sentences, every sentence queued at once (the queue always full, so every batch is as
 * large as the budget lets it be): sentences per wall second, and per CPU second of the whole process (gemm's
 * OpenMP threads included), the figure that holds up when other processes share the cores. Two rounds, budgets
 * interleaved, so a noisy neighbour hits every budget alike.
 */
class BatchBudgetTiming {

    static final int[] BUDGETS = {256, 512, 1024, 2048, 4096, 8192, 16384};

    @Test
    void budgets() throws Exception {
        TaggingModel model = TaggingModel.read(TestModels.minilm());
        List<List<String>> sentences = TestModels.sentences(800);
        List<TagRequest> requests = sentences.stream().map(TagRequest::words).toList();
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        for (int round = 0; round < 2; round++) {
            for (int budget : BUDGETS) {
                try (TaggingService s = TaggingService.builder(model).threads(2).maxBatchTokens(budget)
                        .maxConcurrentRequests(requests.size()).build()) {
                    s.submitAll(requests.subList(0, 200), null).forEach(CompletableFuture::join); // warm-up
                    long tokens = 0;
                    for (TagRequest r : requests) {
                        tokens += s.tokenize(String.join(" ", r.words())).length();
                    }
                    long cpu0 = os.getProcessCpuTime();
                    long t0 = System.nanoTime();
                    List<CompletableFuture<List<WordPrediction>>> all = s.submitAll(requests, null);
                    all.forEach(CompletableFuture::join);
                    double wall = (System.nanoTime() - t0) / 1e9;
                    double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
                    System.out.printf(Locale.ROOT, "round %d budget %5d: %d sentences (%.1f tokens each), wall "
                            + "%.1f sentences/s, %.1f sentences per CPU second (load average %.1f)%n", round + 1,
                            budget, requests.size(), (double) tokens / requests.size(), requests.size() / wall,
                            requests.size() / cpu, os.getSystemLoadAverage());
                }
            }
        }
    }
}
