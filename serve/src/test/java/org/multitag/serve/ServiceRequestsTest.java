package org.multitag.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.multitag.core.InputException;
import org.multitag.model.LongText;
import org.multitag.model.LongTextSplit;
import org.multitag.model.MultiLabelTagger;
import org.multitag.model.TaggingModel;
import org.multitag.model.Thresholds;
import org.multitag.model.WindowsAlone;
import org.multitag.model.decoding.Decoding;
import org.multitag.model.decoding.DecodingMode;
import org.multitag.model.kernels.NativeArrays;
import org.multitag.model.nn.Batch;
import org.multitag.model.nn.BertEncoder;
import org.multitag.model.nn.EncoderOutput;
import org.multitag.tokenizer.Encoding;
import org.multitag.tokenizer.labels.WordPrediction;

/**
 * What a request asks for, on tinybert with a seeded head: each decoding mode answers as the tagger in that mode,
 * lengths are checked or cut as the tagger's options say, embeddings are the encoder's last hidden state of the text
 * alone, and tag and embedding requests go in separate batches.
 */
@Timeout(value = 2, unit = java.util.concurrent.TimeUnit.MINUTES)
class ServiceRequestsTest {

    static TaggingModel model;
    static List<List<String>> sentences;
    static TaggingService service;

    @BeforeAll
    static void start() throws IOException {
        model = TaggingModel.read(TestModels.tiny());
        sentences = TestModels.sentences(30, TestModels.tiny(), 60);
        service = TaggingService.builder(model).threads(2).build();
    }

    @AfterAll
    static void stop() {
        service.close();
    }

    @Test
    void eachDecodingModeAnswersAsTheTaggerInThatMode() throws IOException {
        List<DecodingMode> modes = model.decoding().modes();
        assertEquals(List.of(DecodingMode.values()), modes, "the test model decodes in every mode");
        int differ = 0;
        List<List<WordPrediction>> independent = null;
        for (DecodingMode mode : modes) {
            List<TagRequest> texts = new ArrayList<>();
            List<TagRequest> words = new ArrayList<>();
            for (List<String> s : sentences) {
                texts.add(TagRequest.text(String.join(" ", s)).withDecoding(mode));
                words.add(TagRequest.words(s).withDecoding(mode));
            }
            List<CompletableFuture<List<WordPrediction>>> gotTexts = service.submitAll(texts, null);
            List<CompletableFuture<List<WordPrediction>>> gotWords = service.submitAll(words, null);
            List<List<WordPrediction>> mine = new ArrayList<>();
            try (MultiLabelTagger t = MultiLabelTagger.of(model, new MultiLabelTagger.Options(2, 32, 0, false,
                    mode))) {
                for (int i = 0; i < sentences.size(); i++) {
                    assertEquals(t.tag(texts.get(i).text()), gotTexts.get(i).join(), mode + " text " + i);
                    List<WordPrediction> w = gotWords.get(i).join();
                    assertEquals(t.tagWords(List.of(sentences.get(i))).get(0), w, mode + " words " + i);
                    mine.add(w);
                }
            }
            if (independent == null) {
                independent = mine;
            } else if (!independent.equals(mine)) {
                differ++;
            }
        }
        assertEquals(2, differ, "groups and label-sets decode otherwise than independent here");
        // no mode asked: the model folder's default
        DecodingMode fallback = model.decoding().defaultMode();
        try (MultiLabelTagger t = MultiLabelTagger.of(model, new MultiLabelTagger.Options(2, 32, 0, false,
                fallback))) {
            assertEquals(t.tag("The fox saw a dog."), service.tag(TagRequest.text("The fox saw a dog.")));
        }
    }

    @Test
    void aModelThatCannotLoadFailsTheBuildAndNoWorkerOutlivesIt() throws Exception {
        // weights that cannot be read: refused while the shared weights load, before any worker starts
        Path broken = Files.createTempDirectory("multitag-serve-broken-");
        try (var files = Files.list(TestModels.tiny())) {
            for (Path f : files.toList()) {
                Files.copy(f, broken.resolve(f.getFileName()));
            }
        }
        Path weights = broken.resolve("model.safetensors");
        Files.write(weights, java.util.Arrays.copyOf(Files.readAllBytes(weights), 100));
        TaggingModel m = TaggingModel.read(broken);
        Exception e = assertThrows(Exception.class, () -> TaggingService.builder(m).threads(1).workers(2).build());
        assertTrue(e.getMessage().contains("model.safetensors"), e.getMessage());
        // a head the workers cannot build (thresholds for other labels): each worker fails on its own thread, the
        // build fails, and every worker ends
        Decoding otherLabels = Decoding.independent(Thresholds.uniform(List.of("A", "B"), 0.5f));
        IllegalArgumentException w = assertThrows(IllegalArgumentException.class,
                () -> TaggingService.builder(model).threads(1).workers(2).decoding(otherLabels).build());
        assertTrue(w.getMessage().contains("other labels"), w.getMessage());
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (modelThreadsAlive() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(0, modelThreadsAlive(), "no worker thread outlives the failed build");
        assertThrows(IllegalArgumentException.class, () -> TaggingService.builder(model).workers(0).build());
    }

    /** Worker threads of services other than the shared one (which has a single "multitag-model" thread). */
    private static long modelThreadsAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("multitag-model-") && t.isAlive()).count();
    }

    @Test
    void aModeTheDecodingSetupLacksIsAnInputError() throws IOException {
        Decoding plain = Decoding.independent(Thresholds.uniform(model.labels().names(), 0.5f));
        try (TaggingService s = TaggingService.builder(model).threads(2).decoding(plain).build()) {
            InputException e = assertThrows(InputException.class,
                    () -> s.submit(TagRequest.text("the fox").withDecoding(DecodingMode.GROUPS), null));
            assertTrue(e.getMessage().contains("decoding mode groups needs label groups"), e.getMessage());
            assertEquals(0, s.inFlight());
            s.tag(TagRequest.text("the fox").withDecoding(DecodingMode.INDEPENDENT));
        }
    }

    @Test
    void longInputsAreRefusedOrCutAsAsked() throws Exception {
        String text = String.join(" ", sentences.get(1));
        Recorder r = new Recorder(true);
        try (TaggingService s = TaggingService.builder(model).threads(2).maxLength(8)
                .longText(LongText.ERROR, -1).listener(r).build(); Recorder.Gate g = r.gate()) {
            assertEquals(8, s.maxLength());
            int n = s.tokenize(text).length();
            InputException e = assertThrows(InputException.class, () -> s.submit(TagRequest.text(text), null));
            assertEquals("input: " + n + " tokens, more than the limit of 8 (shorten it, or ask for truncation)",
                    e.getMessage());
            assertThrows(InputException.class, () -> s.submitEmbedding(text, null));
            CompletableFuture<List<WordPrediction>> first = s.submit(TagRequest.text("the fox"), null);
            r.awaitHeld();
            // one bad input refuses the whole call: nothing of it is queued
            e = assertThrows(InputException.class, () -> s.submitAll(List.of(TagRequest.text("the fox"),
                    TagRequest.text(text)), null));
            assertTrue(e.getMessage().startsWith("input 2: "), e.getMessage());
            assertEquals(0, s.queued());
            r.open();
            first.join();
        }
        try (TaggingService s = TaggingService.builder(model).threads(2).maxLength(8).truncate(true).build();
                MultiLabelTagger t = MultiLabelTagger.of(model, new MultiLabelTagger.Options(2, 32, 8, true))) {
            assertEquals(8, s.tokenize(text).length());
            List<WordPrediction> cut = s.tag(TagRequest.text(text));
            assertEquals(t.tag(text), cut);
            assertTrue(cut.size() < sentences.get(1).size(), "cut to the first words");
            assertEquals(t.tagWords(List.of(sentences.get(1))).get(0), s.tag(TagRequest.words(sentences.get(1))));
        }
    }

    @Test
    void withWindowsALongInputIsTaggedAsTheTaggerTagsIt() throws Exception {
        String text = String.join(" ", sentences.get(1));
        try (TaggingService s = TaggingService.builder(model).threads(2).maxLength(8)
                .longText(LongText.WINDOW, 2).build();
                MultiLabelTagger t = MultiLabelTagger.of(model, new MultiLabelTagger.Options(2, 32, 8,
                        LongText.WINDOW, 2, null))) {
            assertTrue(s.tokenize(text).length() > 8);
            List<CompletableFuture<List<WordPrediction>>> both = s.submitAll(List.of(TagRequest.text(text),
                    TagRequest.text("the fox"), TagRequest.words(sentences.get(1))), null);
            List<WordPrediction> tagged = both.get(0).join();
            assertEquals(t.tag(text), tagged);
            assertEquals(java.util.Arrays.stream(s.tokenize(text).wordIds()).filter(w -> w >= 0).distinct().count(),
                    tagged.size(), "every word of the pre-tokenizer tagged");
            assertEquals(t.tag("the fox"), both.get(1).join());
            assertEquals(t.tagWords(List.of(sentences.get(1))).get(0), both.get(2).join());
            assertEquals(sentences.get(1).size(), both.get(2).join().size(), "every given word tagged");
        }
    }

    @Test
    void byDefaultALongTextIsTaggedAndEmbeddedThroughWindows() throws Exception {
        String text = String.join(" ", sentences.get(1)) + " " + String.join(" ", sentences.get(2));
        CompletableFuture<Embedding> shortOne;
        Embedding got;
        try (TaggingService s = TaggingService.builder(model).threads(2).maxLength(8).build();
                MultiLabelTagger t = MultiLabelTagger.of(model, new MultiLabelTagger.Options(2, 32, 8,
                        LongText.WINDOW, -1, null))) {
            assertEquals(t.tag(text), s.tag(TagRequest.text(text)));
            // the long text and a short one in one batch of embeddings
            CompletableFuture<Embedding> longOne = s.submitEmbedding(text, null);
            shortOne = s.submitEmbedding("the fox", null);
            got = longOne.join();
            shortOne.join();
        }
        Encoding e = got.encoding();
        assertTrue(e.length() > 2 * 8, e.length() + " tokens");
        assertEquals(e.length(), got.lastHiddenState().length);
        // each token's vector is its source window's, run alone: the window its word takes its probabilities from
        LongTextSplit split = LongTextSplit.of(e.ids(), e.typeIds(), e.wordIds(), 8, -1);
        assertTrue(split.size() >= 3, split.size() + " windows");
        try (BertEncoder encoder = new BertEncoder(model.encoderWeights(), 2)) {
            int h = encoder.config().hiddenSize();
            float[][] want = WindowsAlone.lastHiddenState(encoder, split);
            for (int t = 0; t < e.length(); t++) {
                assertArrayEquals(want[t], got.lastHiddenState()[t], "token " + t);
            }
            // the short text of the same batch: its own pass alone, as before windows
            Encoding se = shortOne.join().encoding();
            float[] alone;
            try (EncoderOutput out = encoder.forward(Batch.of(List.of(se.ids()), List.of(se.typeIds())),
                    BertEncoder.Outputs.LAST)) {
                alone = NativeArrays.toFloats(out.lastHiddenState());
            }
            for (int k = 0; k < se.length(); k++) {
                assertArrayEquals(java.util.Arrays.copyOfRange(alone, k * h, (k + 1) * h),
                        shortOne.join().lastHiddenState()[k], "short text token " + k);
            }
        }
    }

    @Test
    void embeddingsAreTheTextAloneAndBatchApartFromTagRequests() throws Exception {
        Recorder r = new Recorder(true);
        List<String> texts = new ArrayList<>();
        for (List<String> s : sentences.subList(0, 6)) {
            texts.add(String.join(" ", s));
        }
        List<CompletableFuture<Embedding>> embeddings = new ArrayList<>();
        List<CompletableFuture<List<WordPrediction>>> tags = new ArrayList<>();
        try (TaggingService s = TaggingService.builder(model).threads(2).maxBatchTokens(100_000).listener(r)
                .build(); Recorder.Gate g = r.gate()) {
            CompletableFuture<List<WordPrediction>> first = s.submit(TagRequest.text("the fox"), null);
            r.awaitHeld();
            for (String t : texts) {
                embeddings.add(s.submitEmbedding(t, null));
                tags.add(s.submit(TagRequest.text(t), null));
            }
            r.open();
            first.join();
            CompletableFuture.allOf(embeddings.toArray(CompletableFuture[]::new)).join();
            CompletableFuture.allOf(tags.toArray(CompletableFuture[]::new)).join();
        }
        assertEquals(List.of(new Recorder.Computed(6, r.batches.get(1).paddedTokens()),
                new Recorder.Computed(6, r.batches.get(2).paddedTokens())), r.batches.subList(1, 3),
                "one batch of each kind");
        try (BertEncoder encoder = new BertEncoder(model.encoderWeights(), 2)) {
            int h = encoder.config().hiddenSize();
            for (int i = 0; i < texts.size(); i++) {
                Embedding got = embeddings.get(i).join();
                Encoding e = got.encoding();
                assertArrayEquals(service.tokenize(texts.get(i)).ids(), e.ids());
                float[] alone;
                try (EncoderOutput out = encoder.forward(Batch.of(List.of(e.ids()), List.of(e.typeIds())),
                        BertEncoder.Outputs.LAST)) {
                    alone = NativeArrays.toFloats(out.lastHiddenState());
                }
                assertEquals(e.length(), got.lastHiddenState().length);
                for (int k = 0; k < e.length(); k++) {
                    assertArrayEquals(java.util.Arrays.copyOfRange(alone, k * h, (k + 1) * h),
                            got.lastHiddenState()[k], "text " + i + " token " + k);
                }
            }
        }
    }
}
