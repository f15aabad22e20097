package org.multitag.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.multitag.model.MultiLabelTagger;
import org.multitag.model.TaggingModel;
import org.multitag.model.decoding.DecodingMode;
import org.multitag.tokenizer.labels.WordPrediction;

/**
 * The service's answers are the tagger's, bit for bit: 16 threads submit 300 Brown sentences to a service over the
 * real all-MiniLM-L6-v2 (with a seeded head), as texts and as word lists, in every decoding mode, in random order and
 * random groups; each answer equals what {@link MultiLabelTagger} in that mode returns for that input alone (records
 * equal: the same words, offsets, labels and the same float bits of every score), while the batches mixed inputs of
 * many lengths. Once with one model thread of two gemm threads, once with two workers (two copies of the model, one
 * thread each, both taking batches): the answers do not depend on which copy ran them or on its thread count.
 */
class ServiceParityTest {

    static final int SENTENCES = 300;
    static final int THREADS = 16;

    @ParameterizedTest(name = "workers {0}, threads {1}")
    @CsvSource({"1, 2", "2, 1"})
    void manyThreadsGetWhatTheTaggerGivesEachInputAlone(int workers, int modelThreads) throws Exception {
        TaggingModel model = TaggingModel.read(TestModels.minilm());
        List<List<String>> sentences = TestModels.sentences(SENTENCES);
        Random rnd = new Random(11);
        DecodingMode[] modes = {null, DecodingMode.INDEPENDENT, DecodingMode.GROUPS, DecodingMode.LABEL_SETS};
        List<TagRequest> requests = new ArrayList<>();
        for (List<String> words : sentences) {
            TagRequest r = rnd.nextBoolean() ? TagRequest.text(String.join(" ", words)) : TagRequest.words(words);
            requests.add(r.withDecoding(modes[rnd.nextInt(modes.length)]));
        }

        List<List<WordPrediction>> expected = new ArrayList<>();
        Map<DecodingMode, MultiLabelTagger> taggers = new EnumMap<>(DecodingMode.class);
        try {
            for (DecodingMode m : DecodingMode.values()) {
                taggers.put(m, MultiLabelTagger.of(model, MultiLabelTagger.Options.DEFAULT.withDecoding(m)));
            }
            DecodingMode fallback = model.decoding().defaultMode();
            for (TagRequest r : requests) {
                MultiLabelTagger t = taggers.get(r.decoding() == null ? fallback : r.decoding());
                expected.add(r.text() != null ? t.tag(r.text()) : t.tagWords(List.of(r.words())).get(0));
            }
        } finally {
            taggers.values().forEach(MultiLabelTagger::close);
        }

        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < SENTENCES; i++) {
            order.add(i);
        }
        Collections.shuffle(order, rnd);
        AtomicInteger next = new AtomicInteger();
        AtomicReferenceArray<List<WordPrediction>> got = new AtomicReferenceArray<>(SENTENCES);
        ConcurrentLinkedQueue<int[]> batches = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> modelThreadNames = new ConcurrentLinkedQueue<>();
        ServiceListener record = new ServiceListener() {
            @Override
            public void batchComputed(int n, int paddedTokens, long nanos) {
                batches.add(new int[] {n, paddedTokens});
                modelThreadNames.add(Thread.currentThread().getName());
            }
        };
        try (TaggingService service = TaggingService.builder(model).threads(modelThreads).workers(workers)
                .maxBatchTokens(2048).listener(record).build()) {
            assertEquals(workers, service.workers());
            List<Thread> threads = new ArrayList<>();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            for (int t = 0; t < THREADS; t++) {
                Random mine = new Random(100 + t);
                Thread th = new Thread(() -> {
                    try {
                        while (true) {
                            int size = 1 + mine.nextInt(6);
                            int from = next.getAndAdd(size);
                            if (from >= SENTENCES) {
                                return;
                            }
                            List<Integer> ids = order.subList(from, Math.min(SENTENCES, from + size));
                            List<TagRequest> group = ids.stream().map(requests::get).toList();
                            List<CompletableFuture<List<WordPrediction>>> futures = service.submitAll(group, null);
                            for (int k = 0; k < ids.size(); k++) {
                                got.set(ids.get(k), futures.get(k).join());
                            }
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
                th.start();
                threads.add(th);
            }
            for (Thread t : threads) {
                t.join();
            }
            assertTrue(failures.isEmpty(), () -> "failures: " + failures);
        }
        for (int i = 0; i < SENTENCES; i++) {
            assertEquals(expected.get(i), got.get(i), "input " + i + ": " + requests.get(i));
        }
        int rows = batches.stream().mapToInt(b -> b[0]).sum();
        int largest = batches.stream().mapToInt(b -> b[0]).max().orElse(0);
        System.out.printf("%d inputs in %d batches, up to %d per batch%n", rows, batches.size(), largest);
        assertEquals(SENTENCES, rows);
        assertTrue(largest >= 8, "the threads' requests shared batches: largest " + largest);
        assertEquals(workers, modelThreadNames.stream().distinct().count(), () -> "every worker ran batches: "
                + modelThreadNames.stream().distinct().toList());
    }
}
