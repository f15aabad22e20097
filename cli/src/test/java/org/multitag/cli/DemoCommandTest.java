package org.multitag.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multitag.model.TestTaggers;
import org.multitag.weights.DType;
import org.multitag.weights.ModelFolder;

/**
 * The demo's whole pipeline on a slice of the bundled Brown corpus (data/brown, read from the repository): real
 * all-MiniLM-L6-v2, 400 training sentences for 2 epochs, 100 dev, 200 test. Outputs exist and parse, the tuned
 * model beats the most-frequent-label-set and all-negative baselines on the test slice, both example sentences
 * are tagged.
 */
class DemoCommandTest {

    static final Path BROWN = Path.of("..", "data", "brown");

    @Test
    void finetunesEvaluatesAndTagsOnABrownSlice(@TempDir Path tmp) throws Exception {
        Path model = tmp.resolve("minilm");
        ModelFolder.write(model, TestTaggers.minilm(), DType.F32);
        Path run = tmp.resolve("run");
        TestModels.Result r = TestModels.run("demo", "--model", model.toString(), "--data", BROWN.toString(),
                "--out", run.toString(), "--train-sentences", "400", "--dev-sentences", "100", "--test-sentences",
                "200", "--epochs", "2", "--threads", "2");
        assertEquals(0, r.code(), r.err());

        for (String f : new String[] {"model/config.json", "model/model.safetensors", "model/thresholds.json",
            "model/tokenizer.json", "metrics.jsonl", "report.json"}) {
            assertTrue(Files.size(run.resolve(f)) > 0, f);
        }
        assertTrue(ImageIO.read(run.resolve("training-curve.png").toFile()).getWidth() > 0);
        assertFalse(Files.exists(run.resolve("checkpoint")), "the demo keeps model/ only");

        JsonNode report = new ObjectMapper().readTree(run.resolve("report.json").toFile());
        assertEquals(400, report.get("sentences").get("train").asInt());
        assertEquals(200, report.get("sentences").get("test").asInt());
        JsonNode test = report.get("test");
        assertEquals(63, test.get("n_labels").asInt());
        assertEquals(63, test.get("per_label").size());
        double f1 = test.get("micro_f1").asDouble();
        double mostFrequentSet = report.get("baselines").get("most_frequent_label_set").get("micro_f1").asDouble();
        assertEquals(0.0, report.get("baselines").get("all_negative").get("micro_f1").asDouble());
        assertTrue(f1 > mostFrequentSet + 0.15, "micro-F1 " + f1 + " vs most-frequent label set " + mostFrequentSet);
        assertTrue(test.get("hamming_loss").asDouble()
                < report.get("baselines").get("all_negative").get("hamming_loss").asDouble(), "Hamming loss");
        assertEquals(DemoCommand.EXAMPLES.size(), report.get("examples").size());
        assertEquals(DemoCommand.EXAMPLES.get(0).size(), report.get("examples").get(0).size());

        String out = r.out();
        assertTrue(out.contains("micro F1"), out);
        assertTrue(out.contains("most-frequent label set"), out);
        assertTrue(out.contains("Faulkner's"), out);
        assertTrue(out.contains("report: " + run.resolve("report.json")), out);
    }

    @Test
    void badOptionsAreErrorsAndWriteNothing(@TempDir Path tmp) {
        Path run = tmp.resolve("run");
        TestModels.Result r = TestModels.run("demo", "--data", tmp.resolve("nowhere").toString(), "--out",
                run.toString(), "--pos-weight", "sometimes");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("error: --pos-weight"), r.err());
        assertFalse(Files.exists(run));
    }
}
