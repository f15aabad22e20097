package org.multitag.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multitag.data.TestData;
import org.multitag.model.TestTaggers;
import org.multitag.weights.DType;
import org.multitag.weights.ModelFolder;

/**
 * The UD path from the command line on the committed UD English EWT slice ({@link TestData#ewt}): {@code train}
 * with no tuning flags learns, label groups and every decoding mode are tuned and saved, {@code eval --decode all}
 * reports the official measures, {@code predict --format conllu} writes the input back with UPOS and FEATS only.
 */
class UdCommandsTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path train;
    static Path dev;
    static Path model;
    static TestModels.Result trained;

    @BeforeAll
    static void trainOnASlice() throws IOException {
        train = TestData.ewt("train", 600, dir.resolve("train.conllu"));
        dev = TestData.ewt("dev", 150, dir.resolve("dev.conllu"));
        Path base = dir.resolve("minilm");
        ModelFolder.write(base, TestTaggers.minilm(), DType.F32);
        // no tuning flags: the defaults must learn (lr, head lr, head init, pos-weight, label groups)
        trained = TestModels.run("train", "--model", base.toString(), "--train", train.toString(), "--dev",
                dev.toString(), "--out", dir.resolve("run").toString(), "--epochs", "2", "--threads", "2");
        assertEquals(0, trained.code(), trained.err());
        model = dir.resolve("run/model");
    }

    @Test
    void defaultsLearnAndEveryModeIsTuned() throws IOException {
        // the all-negative plateau scores 0 at 0.5 (the old defaults stayed there for 188 steps); 76 steps with the
        // defaults must get well past it
        double atHalf = TrainCommandTest.number(trained.out(), "best dev micro-F1 (\\d\\.\\d{4}) \\(thresholds 0.5\\)");
        assertTrue(atHalf > 0.6, "dev micro-F1 at 0.5: " + atHalf + "\n" + trained.out());
        for (String f : List.of("thresholds.json", "label_groups.json", "label_sets.json", "decoding.json")) {
            assertTrue(Files.isRegularFile(model.resolve(f)), f);
        }
        JsonNode groups = JSON.readTree(model.resolve("label_groups.json").toFile()).get("groups");
        JsonNode upos = null;
        for (JsonNode g : groups) {
            if (g.get("name").asText().equals("UPOS")) {
                upos = g;
            }
        }
        assertEquals("exactly-one", upos.get("rule").asText());
        JsonNode decoding = JSON.readTree(model.resolve("decoding.json").toFile());
        assertTrue(List.of("independent", "groups", "label-sets").contains(decoding.get("default").asText()));
        for (String mode : List.of("independent", "groups", "label-sets")) {
            assertTrue(trained.out().contains("\n" + mode), mode + " row in:\n" + trained.out());
        }
    }

    @Test
    void evalReportsTheOfficialMeasuresPerMode() throws IOException {
        Path report = dir.resolve("report.json");
        TestModels.Result r = TestModels.run("eval", "--model", model.toString(), "--data", dev.toString(),
                "--decode", "all", "--report", report.toString(), "--threads", "2");
        assertEquals(0, r.code(), r.err());
        JsonNode modes = JSON.readTree(report.toFile()).get("modes");
        for (String mode : List.of("independent", "groups", "label-sets")) {
            JsonNode ud = modes.get(mode).get("ud");
            assertTrue(ud.get("upos").asDouble() > 0.3 && ud.get("upos").asDouble() <= 1, mode + ": " + ud);
            assertTrue(ud.has("ufeats") && ud.has("upos_feats") && ud.has("all_feats"), ud.toString());
        }
        // exactly-one UPOS: the structured modes never leave a word without one UPOS or with two
        assertEquals(0, modes.get("groups").get("ud").get("words_without_one_upos").asLong());
        assertEquals(0, modes.get("label-sets").get("ud").get("words_without_one_upos").asLong());
        assertTrue(r.out().contains("CoNLL 2018 (official definitions): UPOS"), r.out());
    }

    @Test
    void predictWritesConlluBackWithOnlyUposAndFeatsChanged() throws IOException {
        Path out = dir.resolve("pred.conllu");
        TestModels.Result r = TestModels.run("predict", "--model", model.toString(), "--input", dev.toString(),
                "--input-format", "conllu", "--output", out.toString(), "--decode", "label-sets", "--threads", "2");
        assertEquals(0, r.code(), r.err());
        List<String> in = Files.readAllLines(dev);
        List<String> back = Files.readAllLines(out);
        assertEquals(in.size(), back.size());
        int words = 0;
        for (int i = 0; i < in.size(); i++) {
            String a = in.get(i);
            String b = back.get(i);
            String[] ca = a.split("\t", -1);
            String[] cb = b.split("\t", -1);
            if (a.startsWith("#") || a.isEmpty() || ca[0].contains("-") || ca[0].contains(".")) {
                assertEquals(a, b, "line " + (i + 1));
                continue;
            }
            words++;
            assertEquals(ca.length, cb.length);
            for (int c = 0; c < ca.length; c++) {
                if (c != 3 && c != 5) {
                    assertEquals(ca[c], cb[c], "line " + (i + 1) + " column " + (c + 1));
                }
            }
            assertTrue(cb[3].matches("[A-Z]+"), "one UPOS on line " + (i + 1) + ": " + cb[3]);
        }
        assertTrue(words > 1000, "words: " + words);
        // the official measures of that file against the gold equal eval's for the same mode
        TestModels.Result e = TestModels.run("eval", "--model", model.toString(), "--data", dev.toString(),
                "--decode", "label-sets", "--threads", "2");
        double upos = TrainCommandTest.number(e.out(), "UPOS (\\d+\\.\\d\\d) %");
        long right = 0;
        long total = 0;
        for (int i = 0; i < in.size(); i++) {
            String[] ca = in.get(i).split("\t", -1);
            if (ca.length == 10 && ca[0].matches("\\d+")) {
                total++;
                right += ca[3].equals(back.get(i).split("\t", -1)[3]) ? 1 : 0;
            }
        }
        assertEquals(upos, Math.round(10000.0 * right / total) / 100.0, 1e-9);
    }

    @Test
    void documentsGoThroughWindowsAndEveryWordGetsOneUpos() throws IOException {
        // --max-length 32 splits every document of the slice into windows
        Path out = dir.resolve("docs.conllu");
        TestModels.Result r = TestModels.run("predict", "--model", model.toString(), "--input", dev.toString(),
                "--documents", "--max-length", "32", "--output", out.toString(), "--decode", "groups",
                "--threads", "2");
        assertEquals(0, r.code(), r.err());
        List<String> in = Files.readAllLines(dev);
        List<String> back = Files.readAllLines(out);
        assertEquals(in.size(), back.size());
        long right = 0;
        long total = 0;
        for (int i = 0; i < in.size(); i++) {
            String[] ca = in.get(i).split("\t", -1);
            String[] cb = back.get(i).split("\t", -1);
            if (ca.length != 10 || !ca[0].matches("\\d+")) {
                assertEquals(in.get(i), back.get(i), "line " + (i + 1));
                continue;
            }
            assertTrue(cb[3].matches("[A-Z]+"), "exactly one UPOS on line " + (i + 1) + ": " + cb[3]);
            total++;
            right += ca[3].equals(cb[3]) ? 1 : 0;
        }
        assertTrue(total > 1000, "words: " + total);

        Path report = dir.resolve("docs-report.json");
        TestModels.Result e = TestModels.run("eval", "--model", model.toString(), "--data", dev.toString(),
                "--documents", "--max-length", "32", "--decode", "groups", "--report", report.toString(),
                "--threads", "2");
        assertEquals(0, e.code(), e.err());
        long docs = in.stream().filter(l -> l.startsWith("# newdoc")).count();
        assertTrue(e.out().contains(docs + " examples") && e.out().contains("(examples are documents)"), e.out());
        double windowed = TrainCommandTest.number(e.out(), "(\\d+) over the limit of 32 tokens went through windows");
        assertTrue(windowed > docs / 2.0 && windowed <= docs, windowed + " of " + docs + " documents windowed");
        JsonNode ud = JSON.readTree(report.toFile()).get("ud");
        assertEquals(total, ud.get("words").asLong());
        assertEquals(0, ud.get("words_without_one_upos").asLong());
        // the sentences written back score what eval scores on the documents
        assertEquals(Math.round(10000.0 * right / total) / 100.0,
                TrainCommandTest.number(e.out(), "UPOS (\\d+\\.\\d\\d) %"), 1e-9);

        // JSON output is per sentence too: word offsets count from the sentence's start
        TestModels.Result j = TestModels.run("predict", "--model", model.toString(), "--input", dev.toString(),
                "--documents", "--max-length", "32", "--format", "json", "--threads", "2");
        assertEquals(0, j.code(), j.err());
        String[] lines = j.out().split("\n");
        assertEquals(in.stream().filter(l -> l.startsWith("# sent_id")).count(), lines.length);
        JsonNode words = JSON.readTree(lines[1]).get("words");
        assertEquals(0, words.get(0).get("start").asInt());
        assertEquals(words.get(0).get("end").asInt() + 1, words.get(1).get("start").asInt());
    }

    @Test
    void documentsNeedConllu() throws IOException {
        Path text = Files.writeString(dir.resolve("plain.txt"), "Some text .\n");
        TestModels.Result r = TestModels.run("predict", "--model", model.toString(), "--input", text.toString(),
                "--documents");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("error:") && r.err().contains("--documents"), r.err());
    }

    @Test
    void badDecodingInputsAreErrors() {
        // (a *.conllu input is CoNLL-U by default: ask for it to be read as text lines)
        TestModels.Result r = TestModels.run("predict", "--model", model.toString(), "--input", dev.toString(),
                "--input-format", "text", "--format", "conllu");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("error:") && r.err().contains("--input-format conllu"), r.err());
        r = TestModels.run("eval", "--model", model.toString(), "--data", dev.toString(), "--decode", "best");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--decode"), r.err());
    }
}
