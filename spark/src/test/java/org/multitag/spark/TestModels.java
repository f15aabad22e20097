package org.multitag.spark;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.multitag.model.TestTaggers;
import org.multitag.model.Thresholds;
import org.multitag.weights.DType;
import org.multitag.weights.ImportedModel;
import org.multitag.weights.ModelFolder;

/**
 * Shared fixtures: the real all-MiniLM-L6-v2 with a seeded random 5-label head (written once per JVM), the test
 * sentences, and one {@code local[2]} Spark session.
 */
final class TestModels {

    static final List<String> LABELS = List.of("NOUN", "VERB", "ADJ", "Number=Sing", "Number=Plur");
    static final float[] THRESHOLDS = {0.3f, 0.7f, 0.5f, 0.2f, 0.9f};

    private static Path root;
    private static Path tagger;
    private static Path plain;

    private TestModels() {}

    /** A model folder with a seeded head and thresholds.json. */
    static synchronized Path tagger() throws IOException {
        build();
        return tagger;
    }

    /** The same encoder without a head. */
    static synchronized Path plain() throws IOException {
        build();
        return plain;
    }

    private static void build() throws IOException {
        if (root != null) {
            return;
        }
        Path dir = TestTaggers.tempDir("multitag-spark-test-");
        Path t = dir.resolve("tagger");
        Path p = dir.resolve("plain");
        write(t, p);
        root = dir;
        tagger = t;
        plain = p;
    }

    /** Writes the seeded tagger to {@code taggerDir} and, unless null, the headless model to {@code plainDir}. */
    static void write(Path taggerDir, Path plainDir) throws IOException {
        ImportedModel m = TestTaggers.minilm();
        TestTaggers.write(m, new TestTaggers.Head(LABELS, 42, 0.3, 0.5), taggerDir);
        Thresholds.of(LABELS, THRESHOLDS).write(taggerDir);
        if (plainDir != null) {
            ModelFolder.write(plainDir, m, DType.F32);
        }
    }

    /** The test sentences (one blank line among them). */
    static List<String> sentences() throws IOException {
        try (InputStream in = TestModels.class.getResourceAsStream("/sentences.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }

    /** The local[2] session the tests share (made again if a test stopped it). */
    static synchronized SparkSession spark() {
        return SparkSession.builder().master("local[2]").appName("multitag-spark-test")
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .getOrCreate();
    }
}
