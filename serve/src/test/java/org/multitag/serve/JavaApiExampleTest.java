package org.multitag.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.multitag.model.MultiLabelTagger;
import org.multitag.model.TaggingModel;
import org.multitag.model.decoding.DecodingMode;
import org.multitag.tokenizer.labels.WordPrediction;

/**
 * The serving example of {@code docs/serve-java.md} (and of the README, where a Java block uses {@code
 * TaggingService}), compiled and run here on tinybert with a seeded head: many request threads share one service.
 * Every line of those code blocks must appear in {@link #example} (imports aside).
 */
class JavaApiExampleTest {

    /** What the example produced. */
    record Outcome(List<List<WordPrediction>> tagged, List<WordPrediction> grouped) {}

    /** The documented example; {@code modelDir} is a model folder with a head. */
    static Outcome example(Path modelDir, List<String> texts) throws Exception {
        // One service per model, shared by all request threads (in Spring: a singleton bean, closed on shutdown).
        TaggingModel model = TaggingModel.read(modelDir);
        try (TaggingService service = TaggingService.builder(model)
                .threads(0)                     // gemm and kernel threads (0: all cores)
                .maxBatchTokens(256)            // padded tokens per batch (rows x longest row)
                .maxConcurrentRequests(512)     // queued + computing; beyond: ServiceOverloadedException at once
                .build()) {
            // Your server's request threads: each blocks on its own answer; the service batches them together.
            ExecutorService requestThreads = Executors.newFixedThreadPool(16);
            List<Future<List<WordPrediction>>> answers = new ArrayList<>();
            for (String text : texts) {
                answers.add(requestThreads.submit(() -> service.tag(TagRequest.text(text))));
            }
            List<List<WordPrediction>> tagged = new ArrayList<>();
            for (Future<List<WordPrediction>> a : answers) {
                tagged.add(a.get());
            }

            // Or without blocking: pre-split words, another decoding mode, a deadline (dropped unanswered if still
            // queued then: DeadlineExceededException); chain with an ...Async method, off the model's thread.
            CompletableFuture<List<WordPrediction>> grouped = service.submit(
                    TagRequest.words(List.of("Jane", "walked", "to", "London", ".")).withDecoding(DecodingMode.GROUPS),
                    Instant.now().plusSeconds(2));
            grouped.thenAcceptAsync(words -> words.forEach(w -> System.out.println(w.text() + " " + w.labels())),
                    requestThreads).join();
            requestThreads.shutdown();
            return new Outcome(tagged, grouped.join());
        } // close(): takes no more requests, answers every accepted one, then frees the model
    }

    @Test
    void exampleRuns() throws Exception {
        Path dir = TestModels.tiny();
        List<String> texts = TestModels.sentences(40, dir, 60).stream().map(s -> String.join(" ", s)).toList();
        Outcome out = example(dir, texts);
        TaggingModel model = TaggingModel.read(dir);
        try (MultiLabelTagger t = MultiLabelTagger.of(model, MultiLabelTagger.Options.DEFAULT)) {
            for (int i = 0; i < texts.size(); i++) {
                assertEquals(t.tag(texts.get(i)), out.tagged().get(i), texts.get(i));
            }
        }
        try (MultiLabelTagger t = MultiLabelTagger.of(model,
                MultiLabelTagger.Options.DEFAULT.withDecoding(DecodingMode.GROUPS))) {
            assertEquals(t.tagWords(List.of(List.of("Jane", "walked", "to", "London", "."))).get(0), out.grouped());
        }
    }

    @Test
    void theDocsShowThisExample() throws Exception {
        Path root = Path.of("").toAbsolutePath();
        while (!Files.exists(root.resolve("README.md")) || !Files.exists(root.resolve("serve"))) {
            root = root.getParent();
        }
        String source = Files.readString(root.resolve("serve/src/test/java/org/multitag/serve/JavaApiExampleTest.java"),
                StandardCharsets.UTF_8);
        List<String> mine = source.lines().map(String::strip).toList();
        List<String> blocks = new ArrayList<>(javaBlocks(Files.readString(root.resolve("docs/serve-java.md"))));
        assertTrue(!blocks.isEmpty() && blocks.get(0).contains("TaggingService.builder"), "docs/serve-java.md opens "
                + "with the example");
        blocks = blocks.subList(0, 1);
        for (String b : javaBlocks(Files.readString(root.resolve("README.md")))) {
            if (b.contains("TaggingService.builder")) {
                blocks.add(b);
            }
        }
        for (String block : blocks) {
            for (String line : block.lines().map(String::strip).toList()) {
                if (!line.isEmpty() && !line.startsWith("import ")) {
                    assertTrue(mine.contains(line), "documented line not in the tested example: " + line);
                }
            }
        }
    }

    static List<String> javaBlocks(String markdown) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(markdown);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}
