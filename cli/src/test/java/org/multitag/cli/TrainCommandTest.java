package org.multitag.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multitag.model.TestTaggers;
import org.multitag.model.nn.Freeze;
import org.multitag.train.loop.TrainOptions;
import org.multitag.weights.BertConfig;
import org.multitag.weights.DType;
import org.multitag.weights.ModelFolder;
import org.multitag.weights.SafetensorsReader;
import org.multitag.weights.StateDict;

/**
 * {@code multitag train} on tinybert (1 layer, hidden 50, from tribuo's test jar) with 40 generated lines over 3
 * labels whose pattern a word lookup learns (names are PERSON, female names and nouns FEMALE, places PLACE):
 * a 2-epoch run writes every artifact and learns the pattern, --resume continues a finished run, a bad line
 * fails before anything is written, --dropout / --freeze-encoder / a matching head are wired through.
 */
class TrainCommandTest {

    static final List<String> LABELS = List.of("FEMALE", "PERSON", "PLACE");
    static final ObjectMapper JSON = new ObjectMapper();

    // Every word is one token of tinybert's lowercasing vocabulary (a Pride and Prejudice word list).
    static final String[] MEN = {"Darcy", "Bingley", "William", "Lucas"};
    static final String[] WOMEN = {"Elizabeth", "Jane", "Mary", "Lizzy"};
    static final String[] FEMALE = {"woman", "girl", "lady", "sister", "mother", "wife"};
    static final String[] PLACES = {"Netherfield", "Meryton", "town", "house", "room"};
    static final String[] OTHER = {"the", "and", "was", "with", "said", "to", "of", "in", "very", "good", "at",
        "saw", "danced", "replied", "looked"};

    @TempDir
    static Path dir;
    static Path base;
    static Path trainFile;
    static Path devFile;

    @BeforeAll
    static void setUp() throws IOException {
        base = tinyBert(dir);
        trainFile = writeData(dir.resolve("train.jsonl"), 40, 7);
        devFile = writeData(dir.resolve("dev.jsonl"), 12, 8);
    }

    /** tinybert imported from tribuo's test jar into {@code dir/tinybert} (no head). */
    static Path tinyBert(Path dir) throws IOException {
        Path folder = dir.resolve("tinybert");
        ModelFolder.write(folder, TestTaggers.tinybert(), DType.F32);
        return folder;
    }

    /** {@code n} lines {"tokens": [...], "labels": [[...], ...]} of 4 to 8 words, seeded. */
    static Path writeData(Path file, int n, long seed) throws IOException {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int words = 4 + r.nextInt(5);
            List<String> tokens = new ArrayList<>();
            List<List<String>> labels = new ArrayList<>();
            for (int w = 0; w < words; w++) {
                if (r.nextBoolean()) {
                    tokens.add(OTHER[r.nextInt(OTHER.length)]);
                    labels.add(List.of());
                    continue;
                }
                switch (r.nextInt(4)) {
                    case 0 -> {
                        tokens.add(MEN[r.nextInt(MEN.length)]);
                        labels.add(List.of("PERSON"));
                    }
                    case 1 -> {
                        tokens.add(WOMEN[r.nextInt(WOMEN.length)]);
                        labels.add(List.of("PERSON", "FEMALE"));
                    }
                    case 2 -> {
                        tokens.add(FEMALE[r.nextInt(FEMALE.length)]);
                        labels.add(List.of("FEMALE"));
                    }
                    default -> {
                        tokens.add(PLACES[r.nextInt(PLACES.length)]);
                        labels.add(List.of("PLACE"));
                    }
                }
            }
            var line = JSON.createObjectNode();
            line.set("tokens", JSON.valueToTree(tokens));
            line.set("labels", JSON.valueToTree(labels));
            sb.append(JSON.writeValueAsString(line)).append('\n');
        }
        Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
        return file;
    }

    /** {@code multitag train} of {@code model} on the test data: 2 epochs, batch 8, lr 1e-2, no warmup. */
    static TestModels.Result train(Path model, Path out, String... extra) {
        return train(model, trainFile, devFile, out, extra);
    }

    /** The same with other data; {@code extra} options replace the defaults. */
    static TestModels.Result train(Path model, Path trainData, Path devData, Path out, String... extra) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("--model", model.toString());
        options.put("--train", trainData.toString());
        options.put("--dev", devData.toString());
        options.put("--out", out.toString());
        options.put("--epochs", "2");
        options.put("--batch-size", "8");
        options.put("--lr", "1e-2");
        options.put("--warmup-ratio", "0");
        options.put("--threads", "2");
        for (int i = 0; i < extra.length; i++) {
            boolean valued = i + 1 < extra.length && !extra[i + 1].startsWith("--");
            options.put(extra[i], valued ? extra[++i] : null);
        }
        List<String> args = new ArrayList<>(List.of("train"));
        options.forEach((k, v) -> {
            args.add(k);
            if (v != null) {
                args.add(v);
            }
        });
        return TestModels.run(args.toArray(new String[0]));
    }

    /** A tinybert tagger trained on the test data, in {@code dir/run/model} (for the eval and grads tests). */
    static Path trainedModel(Path dir) throws IOException {
        Path model = tinyBert(dir);
        Path trainData = writeData(dir.resolve("train.jsonl"), 40, 7);
        Path devData = writeData(dir.resolve("dev.jsonl"), 12, 8);
        TestModels.Result r = train(model, trainData, devData, dir.resolve("run"));
        assertEquals(0, r.code(), r.err());
        return dir.resolve("run/model");
    }

    static double number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), "no /" + regex + "/ in:\n" + text);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void trainsWritesTheRunAndResumes() throws IOException {
        Path out = dir.resolve("run1");
        TestModels.Result r = train(base, out);
        assertEquals(0, r.code(), r.err());
        for (String f : List.of("model/config.json", "model/model.safetensors", "model/thresholds.json",
                "model/tokenizer.json", "model/vocab.txt", "metrics.jsonl", "training-curve.png",
                "checkpoint/state.safetensors", "checkpoint/trainer_state.json")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        byte[] png = Files.readAllBytes(out.resolve("training-curve.png"));
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4));

        // where things are, and the dev scores with tuned thresholds
        assertTrue(r.out().contains("model:   " + out.resolve("model")), r.out());
        assertTrue(r.out().contains("metrics: " + out.resolve("metrics.jsonl")), r.out());
        assertTrue(r.out().contains("curve:   " + out.resolve("training-curve.png")), r.out());
        double tuned = number(r.out(), "dev, tuned thresholds: micro-F1 (\\d\\.\\d{4})");
        assertTrue(tuned > 0.75, "the pattern is easy: dev micro-F1 " + tuned + "\n" + r.out());
        for (String label : LABELS) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith(label + " ")), label + " row in\n" + r.out());
        }
        // progress and the per-epoch dev line go to stderr
        assertTrue(r.err().contains("train: 40 examples"), r.err());
        // an explicit --epochs is exactly that, with a note when it gives few steps
        assertTrue(r.err().contains("epochs: 2 (40 examples, batch 8: 5 optimizer steps per epoch, 10 in all); few "
                + "to learn from: --epochs auto would train "), r.err());
        assertTrue(r.err().contains("epoch 1: dev micro-F1"), r.err());
        assertTrue(r.err().contains("epoch 2: dev micro-F1"), r.err());
        assertTrue(r.err().contains("step 10/10"), r.err());

        BertConfig config = BertConfig.read(out.resolve("model"));
        assertEquals(LABELS, List.copyOf(config.id2label().values()), "labels of the data, sorted");
        assertEquals("multi_label_classification", config.problemType());
        JsonNode thresholds = JSON.readTree(out.resolve("model/thresholds.json").toFile());
        assertEquals(LABELS, iterable(thresholds.fieldNames()));
        List<String> events = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) {
            events.add(JSON.readTree(line).get("event").asText());
        }
        assertEquals(10, events.stream().filter("step"::equals).count());
        assertEquals(2, events.stream().filter("dev"::equals).count());

        // --resume after the finished run: nothing left to train, the model is written again
        byte[] weights = Files.readAllBytes(out.resolve("model/model.safetensors"));
        TestModels.Result again = train(base, out, "--resume", "--threads", "1");
        assertEquals(0, again.code(), again.err());
        assertTrue(again.err().contains("has finished all 2 epochs (step 10): nothing left to train"), again.err());
        assertFalse(again.err().contains("step 1/10"), "no step runs again:\n" + again.err());
        assertEquals(tuned, number(again.out(), "dev, tuned thresholds: micro-F1 (\\d\\.\\d{4})"));
        assertArrayEquals(weights, Files.readAllBytes(out.resolve("model/model.safetensors")));
    }

    @Test
    void aBadTrainingLineFailsWithItsFileAndLineBeforeAnythingIsWritten() throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(trainFile));
        lines.add(3, "{\"tokens\": [\"the\", \"house\"], \"labels\": [[]]}");
        Path bad = Files.write(dir.resolve("bad.jsonl"), lines);
        Path out2 = dir.resolve("never2");
        TestModels.Result failed = TestModels.run("train", "--model", base.toString(), "--train", bad.toString(),
                "--dev", devFile.toString(), "--out", out2.toString(), "--epochs", "1", "--threads", "2");
        assertEquals(2, failed.code());
        assertEquals("error: " + bad + ":4: \"labels\" has 1 entries but \"tokens\" has 2", failed.err().strip());
        assertFalse(Files.exists(out2), "nothing written");

        // --skip-bad reports the line and trains on the rest
        TestModels.Result skipped = TestModels.run("train", "--model", base.toString(), "--train", bad.toString(),
                "--dev", devFile.toString(), "--out", out2.toString(), "--epochs", "1", "--batch-size", "16",
                "--threads", "2", "--skip-bad");
        assertEquals(0, skipped.code(), skipped.err());
        assertTrue(skipped.err().contains("warning: train: skipped 1 bad line\n  " + bad + ":4: "), skipped.err());
        assertTrue(Files.isRegularFile(out2.resolve("model/model.safetensors")));

        // bad options are errors too, before any work
        TestModels.Result badOption = train(base, dir.resolve("never3"), "--pos-weight", "sometimes");
        assertEquals(2, badOption.code());
        assertEquals("error: --pos-weight must be auto or none, not sometimes", badOption.err().strip());
        assertFalse(Files.exists(dir.resolve("never3")));
    }

    /**
     * Training lines over --max-length go through windows by default and train says how many; --long-text error
     * refuses the first with its line, --truncate cuts them as before.
     */
    @Test
    void longTrainingLinesAreWindowedByDefault() throws IOException {
        TestModels.Result windowed = train(base, dir.resolve("windows"), "--max-length", "8", "--epochs", "1");
        assertEquals(0, windowed.code(), windowed.err());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("train: 40 examples, (\\d+) words, .*, (\\d+) "
                + "windowed \\(into (\\d+) windows\\)").matcher(windowed.err());
        assertTrue(m.find(), windowed.err());
        assertTrue(Integer.parseInt(m.group(2)) > 0 && Integer.parseInt(m.group(3)) > Integer.parseInt(m.group(2)),
                m.group());
        assertFalse(windowed.err().contains("truncated"), windowed.err());

        TestModels.Result refused = train(base, dir.resolve("never-long"), "--max-length", "8", "--long-text",
                "error");
        assertEquals(2, refused.code());
        assertTrue(refused.err().startsWith("error: " + trainFile + ":"), refused.err());
        assertTrue(refused.err().contains("more than the maximum length of 8"), refused.err());
        assertFalse(Files.exists(dir.resolve("never-long")));

        TestModels.Result cut = train(base, dir.resolve("cut"), "--max-length", "8", "--truncate", "--epochs", "1");
        assertEquals(0, cut.code(), cut.err());
        assertTrue(cut.err().contains("train: 40 examples, "), cut.err());
        assertTrue(cut.err().contains(" truncated"), cut.err());
        assertFalse(cut.err().contains("windowed"), cut.err());
    }

    @Test
    void autoEpochsLengthenASmallRunAndSaySo() throws IOException {
        // 40 lines in batches of 8: 5 optimizer steps per epoch, so 3 epochs would be 15
        int expected = new TrainOptions(3, 1e-2, 8, 1, 0, 0.01, 1.0, 42, "none", Freeze.none(), 0, true, 1e-3,
                TrainOptions.LossReduction.MEAN, TrainOptions.HeadInit.PRIOR, TrainOptions.AUTO_MIN_STEPS)
                .epochsFor(40);
        assertTrue(expected > 3);
        Path out = dir.resolve("auto");
        TestModels.Result r = train(base, out, "--epochs", "auto");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("head: new (3 labels), encoder trained, " + expected + " epochs\n"), r.err());
        assertTrue(r.err().contains("epochs: auto -> " + expected + " (40 examples, batch 8: 5 optimizer steps per "
                + "epoch; auto trains at least " + TrainOptions.AUTO_MIN_STEPS + " steps)\n"), r.err());
        assertTrue(r.err().contains("epoch " + expected + ": dev micro-F1 "), r.err());
        assertTrue(r.err().contains(" (thresholds 0.5; tuned after training)\n"), r.err());
        assertTrue(r.out().contains("\n" + expected * 5 + " steps in "), r.out());

        TestModels.Result bad = train(base, dir.resolve("never4"), "--epochs", "many");
        assertEquals(2, bad.code());
        assertEquals("error: --epochs must be a whole number or auto, not many", bad.err().strip());
        assertFalse(Files.exists(dir.resolve("never4")));
    }

    @Test
    void dropoutFreezeAndStartingFromAMatchingHead() throws IOException {
        Path out = dir.resolve("frozen");
        TestModels.Result r = train(base, out, "--freeze-encoder", "--dropout", "0", "--pos-weight", "auto",
                "--epochs", "1");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("head: new (3 labels), encoder frozen, 1 epoch\n"), r.err());
        JsonNode config = JSON.readTree(out.resolve("model/config.json").toFile());
        assertEquals(0.0, config.get("hidden_dropout_prob").asDouble());
        assertEquals(0.0, config.get("attention_probs_dropout_prob").asDouble());
        StateDict before = SafetensorsReader.read(base);
        StateDict after = SafetensorsReader.read(out.resolve("model"));
        for (String name : List.of("encoder.layer.0.output.dense.weight", "embeddings.word_embeddings.weight")) {
            assertArrayEquals(before.get(name).toFloat32(), after.get("bert." + name).toFloat32(), name + " frozen");
        }

        // the trained folder's head has the data's labels: training from it starts there (labels file reorders)
        Path labels = Files.writeString(dir.resolve("labels.txt"), "PLACE\nPERSON\nFEMALE\n");
        Path next = dir.resolve("from-head");
        TestModels.Result r2 = train(out.resolve("model"), next, "--labels", labels.toString(), "--epochs", "1",
                "--lr", "1e-9", "--head-lr", "1e-9");
        assertEquals(0, r2.code(), r2.err());
        assertTrue(r2.err().contains("head: the model's (3 labels)"), r2.err());
        BertConfig c2 = BertConfig.read(next.resolve("model"));
        assertEquals(List.of("PLACE", "PERSON", "FEMALE"), List.copyOf(c2.id2label().values()));
        StateDict trained = SafetensorsReader.read(next.resolve("model"));
        float[] w0 = after.get("classifier.weight").toFloat32();
        float[] w1 = trained.get("classifier.weight").toFloat32();
        int h = 50;
        // row 0 is now PLACE (row 2 before); lr 1e-9 barely moves it
        for (int i = 0; i < h; i++) {
            assertEquals(w0[2 * h + i], w1[i], 1e-5, "PLACE row, element " + i);
        }
    }

    static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
