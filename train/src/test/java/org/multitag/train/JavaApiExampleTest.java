package org.multitag.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multitag.data.SourceRecord;
import org.multitag.eval.EvaluationReport;
import org.multitag.eval.Evaluator;
import org.multitag.model.MultiLabelTagger;
import org.multitag.model.TaggingModel;
import org.multitag.tokenizer.labels.WordPrediction;
import org.multitag.train.loop.TrainOptions;
import org.multitag.train.loop.Trainer;

/**
 * The README's Java API example, compiled and run here on the real all-MiniLM-L6-v2: fine-tune on word label sets
 * held in memory, then read the saved folder, tag a sentence and score the dev set. The README's code block must appear in
 * {@link #readmeExample} line for line.
 */
class JavaApiExampleTest {

    static List<SourceRecord.Words> sentences(int n) {
        String[][] people = {{"Elizabeth", "PERSON", "FEMALE"}, {"Darcy", "PERSON"}, {"Jane", "PERSON", "FEMALE"}};
        String[][] places = {{"Netherfield", "PLACE"}, {"Meryton", "PLACE"}, {"London", "PLACE", "CITY"}};
        List<SourceRecord.Words> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String[] who = people[i % people.length];
            String[] where = places[(i / 3) % places.length];
            out.add(new SourceRecord.Words("example " + (i + 1), List.of(who[0], "walked", "to", where[0], "."),
                    List.of(List.of(who).subList(1, who.length), List.of(), List.of(),
                            List.of(where).subList(1, where.length), List.of())));
        }
        return out;
    }

    /** What the README example produced. */
    record Outcome(Trainer.Result result, List<WordPrediction> words, EvaluationReport dev) {}

    /** The README example; {@code baseModel} is a model folder (e.g. from {@code multitag import minilm-l6}). */
    static Outcome readmeExample(Path baseModel, Path runDir, List<SourceRecord.Words> moreExamples,
            List<SourceRecord.Words> devSet) throws Exception {
        // Fine-tune: a new 4-label head (PERSON, FEMALE, PLACE, CITY) on word label sets held in memory.
        List<SourceRecord.Words> trainSet = new ArrayList<>(List.of(
                new SourceRecord.Words("example 1", List.of("Elizabeth", "walked", "to", "Netherfield", "."),
                        List.of(List.of("PERSON", "FEMALE"), List.of(), List.of(), List.of("PLACE"), List.of()))));
        trainSet.addAll(moreExamples);                    // your data: many more sentences
        FineTuner tuner = FineTuner.builder(baseModel)
                .labelsOf(trainSet)                          // or .labels(LabelSet.of(...)) for a fixed order
                .options(TrainOptions.DEFAULT.withEpochs(2)) // lr 5e-5, batch 16, AdamW, warmup + decay
                .build();
        Trainer.Result result = tuner.fit(tuner.examples(trainSet), tuner.examples(devSet), runDir);
        // result.modelDir() is a Hugging Face folder (config.json, model.safetensors, tokenizer, thresholds.json)

        // Tag: sigmoid per label, each label's tuned threshold decides the word's label set.
        TaggingModel model = TaggingModel.read(result.modelDir()); // labels, decoding setup, tokenizer, weights
        List<WordPrediction> words;
        try (MultiLabelTagger tagger = MultiLabelTagger.of(model, MultiLabelTagger.Options.DEFAULT)) {
            words = tagger.tag("Jane walked to London.");
            for (WordPrediction w : words) {
                System.out.println(w.text() + " " + w.labels() + " " + w.scores());
            }
        }

        // Evaluate: score labelled data once, then decode (here: the model's default mode) and measure.
        Evaluator scored = Evaluator.score(model, tuner.examples(devSet), 0, 32); // threads (0: all), batch size
        EvaluationReport dev = scored.evaluate(model.decoding().decoder(null));
        System.out.println("dev micro-F1 " + dev.microF1() + ", words exactly right " + dev.subsetAccuracy());
        return new Outcome(result, words, dev);
    }

    @Test
    void readmeExampleRuns(@TempDir Path tmp) throws Exception {
        Path base = TestMiniLm.folder(tmp);

        Outcome outcome = readmeExample(base, tmp.resolve("run"), sentences(32), sentences(9));
        List<WordPrediction> words = outcome.words();

        assertEquals(List.of("Jane", "walked", "to", "London", "."), words.stream().map(WordPrediction::text).toList());
        for (WordPrediction w : words) {
            assertEquals(List.of("CITY", "FEMALE", "PERSON", "PLACE"), List.copyOf(w.scores().keySet()));
            assertTrue(w.scores().keySet().containsAll(w.labels()));
        }
        assertTrue(Files.exists(tmp.resolve("run/model/thresholds.json")));
        assertTrue(Files.exists(tmp.resolve("run/training-curve.png")));
        // the saved folder scores dev as the trainer did before saving it: the same forward, the same decoding
        assertEquals(9 * 5, outcome.dev().nWords());
        assertEquals(outcome.result().devReport().microF1(), outcome.dev().microF1(), 0.0);
        assertEquals(outcome.result().devReport().subsetAccuracy(), outcome.dev().subsetAccuracy(), 0.0);
    }

    @Test
    void readmeShowsThisExample() throws Exception {
        Path dir = Path.of("").toAbsolutePath();
        while (!Files.exists(dir.resolve("README.md")) || !Files.exists(dir.resolve(".ci"))) {
            dir = dir.getParent();
        }
        String readme = Files.readString(dir.resolve("README.md"), StandardCharsets.UTF_8);
        int section = readme.indexOf("## Java API");
        assertTrue(section >= 0, "README has a '## Java API' section");
        int start = readme.indexOf("```java\n", section) + "```java\n".length();
        int end = readme.indexOf("```", start);
        String source = Files.readString(dir.resolve("train/src/test/java/org/multitag/train/JavaApiExampleTest.java"),
                StandardCharsets.UTF_8);
        List<String> mine = source.lines().map(String::strip).toList();
        for (String line : readme.substring(start, end).lines().map(String::strip).toList()) {
            if (!line.isEmpty() && !line.startsWith("import ")) {
                assertTrue(mine.contains(line), "README line not in the tested example: " + line);
            }
        }
    }
}
