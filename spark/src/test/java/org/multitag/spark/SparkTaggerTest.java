package org.multitag.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multitag.model.MultiLabelTagger;
import org.multitag.model.WindowsAlone;
import org.multitag.model.decoding.DecodingMode;
import org.multitag.model.decoding.LabelGroups;
import org.multitag.model.LongText;
import org.multitag.model.LongTextSplit;
import org.multitag.model.decoding.SeenLabelSets;
import org.multitag.model.kernels.ComputeSetting;
import org.multitag.model.kernels.KernelChoice;
import org.multitag.model.kernels.Precision;
import org.multitag.model.kernels.NativeArrays;
import org.multitag.model.nn.Batch;
import org.multitag.model.nn.BertEncoder;
import org.multitag.model.nn.EncoderOutput;
import org.multitag.tokenizer.Encoding;
import org.multitag.tokenizer.Tokenizer;
import org.multitag.tokenizer.labels.WordPrediction;

/** {@link SparkTagger} on local[2] against {@link MultiLabelTagger} and {@link BertEncoder} in this JVM. */
class SparkTaggerTest {

    static final StructType SCHEMA = new StructType()
            .add("doc", DataTypes.IntegerType, false)
            .add("text", DataTypes.StringType, true);

    static SparkSession spark;
    static Path model;
    static List<String> texts;
    static MultiLabelTagger reference;
    static List<String> labels;

    @BeforeAll
    static void start() throws IOException {
        spark = TestModels.spark();
        model = TestModels.tagger();
        texts = TestModels.sentences();
        reference = MultiLabelTagger.load(model, MultiLabelTagger.Options.DEFAULT);
        labels = reference.head().labels();
    }

    @AfterAll
    static void close() {
        reference.close();
    }

    static Dataset<Row> frame(List<String> values, int partitions) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            rows.add(RowFactory.create(i, values.get(i)));
        }
        return spark.createDataFrame(rows, SCHEMA).repartition(partitions);
    }

    /** Every row tagged as the single-JVM tagger tags the whole list at once: same words, labels and scores. */
    /** --kernels and --precision travel to the executors in the options and survive every other with-method. */
    @Test
    void computeChoicesTravelWithTheOptions() {
        SparkTagger.Options o = SparkTagger.Options.DEFAULT.withCompute(KernelChoice.ND4J, Precision.BF16)
                .withBatchSize(8).withMaxLength(64, true).withMaxLength(64).withLongText(LongText.WINDOW, 8)
                .withThreshold(0.4f).withThreads(1).withRowsPerChunk(10).withDecoding(null);
        assertEquals(new ComputeSetting(3, KernelChoice.ND4J, Precision.BF16), o.computeSetting(3));
        assertEquals(ComputeSetting.defaults().withThreads(2), SparkTagger.Options.DEFAULT.computeSetting(2),
                "no choice: the executor's process default");
    }

    @Test
    void tagsLikeTheSingleJvmTagger() throws IOException {
        List<List<WordPrediction>> expected = reference.tagTexts(texts);
        int loadsBefore = ExecutorModels.loads();
        SparkTagger tagger = SparkTagger.of(spark, model);
        List<Row> out = tagger.tag(frame(texts, 3)).collectAsList();
        assertEquals(texts.size(), out.size());
        assertEquals(List.of("doc", "text", "words", "error"), Arrays.asList(out.get(0).schema().fieldNames()));
        int words = 0;
        for (Row r : out) {
            int doc = r.getInt(0);
            assertNull(r.get(3), "error for " + texts.get(doc));
            List<Row> got = r.getList(2);
            List<WordPrediction> want = expected.get(doc);
            assertEquals(want.size(), got.size(), texts.get(doc));
            for (int w = 0; w < want.size(); w++) {
                assertWord(want.get(w), got.get(w), labels);
                words++;
            }
        }
        assertTrue(words > 150, "words " + words);
        // A second job on the same executor JVM reuses the loaded model.
        assertEquals(texts.size(), tagger.tag(frame(texts, 2)).count());
        assertTrue(ExecutorModels.loads() <= loadsBefore + 1, "model loaded once per JVM");
        // Every partition closed its encoder's native scratch, also one whose rows were not all read.
        assertEquals(0, PartitionTask.openEncoders());
        assertEquals(1, tagger.tag(frame(texts, 2)).limit(1).collectAsList().size());
        assertEquals(0, PartitionTask.openEncoders());
    }

    /** The decoding modes reach the executors: label-sets and groups tag as the single-JVM tagger in that mode. */
    @Test
    void decodesInTheModeAsked(@TempDir Path dir) throws IOException {
        Path grouped = dir.resolve("grouped");
        Files.createDirectories(grouped);
        try (var files = Files.list(model)) {
            for (Path f : files.toList()) {
                Files.copy(f, grouped.resolve(f.getFileName()));
            }
        }
        // labels: NOUN 0, VERB 1, ADJ 2, Number=Sing 3, Number=Plur 4; Number is an at-most-one group
        LabelGroups groups = LabelGroups.auto(labels);
        groups.write(grouped);
        SeenLabelSets.of(labels, List.of(new int[] {3}, new int[0])).write(grouped);
        for (DecodingMode mode : List.of(
                DecodingMode.GROUPS, DecodingMode.LABEL_SETS)) {
            List<List<WordPrediction>> expected;
            try (MultiLabelTagger single = MultiLabelTagger.load(grouped,
                    MultiLabelTagger.Options.DEFAULT.withDecoding(mode))) {
                expected = single.tagTexts(texts);
            }
            SparkTagger tagger = new SparkTagger(spark, ModelSource.path(grouped),
                    SparkTagger.Options.DEFAULT.withDecoding(mode));
            int plural = 0;
            for (Row r : tagger.tag(frame(texts, 2)).collectAsList()) {
                List<Row> got = r.getList(2);
                List<WordPrediction> want = expected.get(r.getInt(0));
                for (int w = 0; w < want.size(); w++) {
                    assertWord(want.get(w), got.get(w), labels);
                    plural += got.get(w).getList(3).contains("Number=Plur") ? 1 : 0;
                }
            }
            if (mode == DecodingMode.LABEL_SETS) {
                assertEquals(0, plural, "Number=Plur is in no seen set");
            }
        }
    }

    static void assertWord(WordPrediction want, Row got, List<String> labels) {
        assertEquals(5, got.size());
        assertEquals(want.text(), got.getString(0));
        assertEquals(want.start(), got.getInt(1));
        assertEquals(want.end(), got.getInt(2));
        assertEquals(want.labels(), got.getList(3), want.text());
        // (Spark keeps the map's order; reading it back into a Java map loses it. The JSON test checks order.)
        Map<String, Double> scores = got.getJavaMap(4);
        assertEquals(new java.util.HashSet<>(labels), scores.keySet());
        for (String label : labels) {
            assertEquals(WordRows.round(want.scores().get(label)), scores.get(label), 0.0, want.text() + " " + label);
        }
    }

    /**
     * Null texts get a reason; every other row is tagged, an over-long one through windows as the tagger tags it;
     * count and order are kept. With {@link LongText#ERROR} the over-long row gets a reason too.
     */
    @Test
    void malformedRowsAreReportedAndTheRestTagged() throws IOException {
        List<String> values = new ArrayList<>(texts.subList(0, 6));
        values.add(2, null);
        values.add(5, "word ".repeat(600));
        SparkTagger tagger = new SparkTagger(spark, ModelSource.path(model), SparkTagger.Options.DEFAULT);
        List<Row> out = tagger.tag(frame(values, 2).sort("doc")).collectAsList();
        assertEquals(values.size(), out.size());
        List<List<WordPrediction>> expected = new ArrayList<>();
        for (String v : values) {
            expected.add(v == null ? null : reference.tag(v));
        }
        assertEquals(600, expected.get(5).size(), "every word of the long row");
        for (int i = 0; i < out.size(); i++) {
            Row r = out.get(i);
            assertEquals(i, r.getInt(0), "order kept");
            if (i == 2) {
                assertNull(r.get(2));
                assertEquals("missing \"text\"", r.getString(3));
            } else {
                assertNull(r.get(3));
                List<Row> got = r.getList(2);
                assertEquals(expected.get(i).size(), got.size());
                for (int w = 0; w < got.size(); w++) {
                    assertWord(expected.get(i).get(w), got.get(w), labels);
                }
            }
        }

        SparkTagger refusing = new SparkTagger(spark, ModelSource.path(model),
                SparkTagger.Options.DEFAULT.withLongText(LongText.ERROR, -1));
        Row refused = refusing.tag(frame(values, 2).sort("doc")).collectAsList().get(5);
        assertNull(refused.get(2));
        assertEquals("602 tokens, more than the limit of 512 (the model's max_position_embeddings); "
                + "use --long-text window (or truncate) for long lines", refused.getString(3));

        // With truncation the long row is tagged too (its last words get no labels).
        SparkTagger cut = new SparkTagger(spark, ModelSource.path(model),
                SparkTagger.Options.DEFAULT.withMaxLength(16, true));
        List<Row> truncated = cut.tag(frame(values, 2).sort("doc")).collectAsList();
        assertNull(truncated.get(5).get(3));
        assertEquals(14, truncated.get(5).getList(2).size());
        assertEquals("missing \"text\"", truncated.get(2).getString(3));
    }

    /** A tokens column (pre-split words), an input error column, a shipped model and a uniform threshold. */
    @Test
    void tokensColumnInputErrorsShippedModelAndThreshold() throws IOException {
        StructType schema = new StructType()
                .add("tokens", DataTypes.createArrayType(DataTypes.StringType, true), true)
                .add("error", DataTypes.StringType, true);
        List<String> words = List.of("Dr.", "Smith", "unaffably", "jumped", "");
        List<Row> rows = List.of(RowFactory.create(words, null), RowFactory.create(null, "not valid JSON: x"),
                RowFactory.create(Arrays.asList("a", null), null), RowFactory.create(null, null));
        SparkTagger tagger = new SparkTagger(spark, ModelSource.shipped(model),
                SparkTagger.Options.DEFAULT.withThreshold(0.5f));
        List<Row> out = tagger.tag(spark.createDataFrame(rows, schema).coalesce(1)).collectAsList();
        assertEquals(4, out.size());
        float[] half = org.multitag.model.Thresholds.uniform(labels, 0.5f).values();
        MultiLabelTagger atHalf = new MultiLabelTagger(reference.tokenizer(), reference.encoder(), reference.head(),
                reference.options(), org.multitag.model.decoding.Decoder.independent(labels, half));
        List<WordPrediction> want = atHalf.tagWords(List.of(words)).get(0);
        List<Row> got = out.get(0).getList(1);
        assertEquals(want.size(), got.size());
        for (int w = 0; w < got.size(); w++) {
            assertWord(want.get(w), got.get(w), labels);
        }
        assertEquals("not valid JSON: x", out.get(1).getString(2));
        assertEquals("\"tokens\"[1] must be a string, got null", out.get(2).getString(2));
        assertEquals("expected \"text\" or \"tokens\"", out.get(3).getString(2));
        assertEquals(4, tagger.rowsProcessed());
        assertEquals(3, tagger.rowsWithErrors());
    }

    /** Mean-pooled and per-token embeddings equal the encoder's last hidden state for each row alone. */
    @Test
    void embedsLikeTheEncoder() throws IOException {
        List<String> values = new ArrayList<>(texts.subList(0, 5));
        values.add(null);
        SparkTagger tagger = new SparkTagger(spark, ModelSource.path(TestModels.plain()),
                SparkTagger.Options.DEFAULT.withBatchSize(2));
        List<Row> mean = tagger.embed(frame(values, 2).sort("doc")).collectAsList();
        List<Row> tokens = tagger.embed(frame(values, 2).sort("doc"), SparkTagger.Pooling.TOKENS).collectAsList();
        assertEquals(List.of("doc", "text", "embedding", "error"), Arrays.asList(mean.get(0).schema().fieldNames()));
        assertEquals(List.of("doc", "text", "token_embeddings", "error"),
                Arrays.asList(tokens.get(0).schema().fieldNames()));
        Tokenizer tok = Tokenizer.load(TestModels.plain()).withTruncation(null).withPadding(null);
        try (BertEncoder encoder = BertEncoder.load(TestModels.plain(), 2)) {
            int hidden = encoder.config().hiddenSize();
            for (int i = 0; i < 5; i++) {
                Encoding e = tok.encode(values.get(i), null, true);
                float[] h;
                try (EncoderOutput o = encoder.forward(Batch.of(List.of(e.ids()), List.of(e.typeIds())),
                        BertEncoder.Outputs.LAST)) {
                    h = NativeArrays.toFloats(o.lastHiddenState());
                }
                float[] want = EmbedPartition.mean(h, 0, e.length(), hidden);
                assertArrayEquals(want, floats(mean.get(i).getList(2)), 1e-5f, values.get(i));
                List<Object> perToken = tokens.get(i).getList(2);
                assertEquals(e.length(), perToken.size());
                for (int t = 0; t < e.length(); t++) {
                    assertArrayEquals(Arrays.copyOfRange(h, t * hidden, (t + 1) * hidden),
                            floats(((scala.collection.Seq<?>) perToken.get(t))), 1e-5f);
                }
            }
        }
        assertNull(mean.get(5).get(2));
        assertEquals("missing \"text\"", mean.get(5).getString(3));
        assertNotNull(mean.get(0).get(2));
    }

    /** A plain model cannot tag; a frame without text cannot be read. */
    @Test
    void misuseIsRejected() throws IOException {
        StructType noText = new StructType().add("body", DataTypes.StringType, true);
        SparkTagger tagger = SparkTagger.of(spark, model);
        Dataset<Row> frame = spark.createDataFrame(List.of(RowFactory.create("x")), noText);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tagger.tag(frame));
        assertTrue(e.getMessage().startsWith("the input needs a \"text\" column"), e.getMessage());
    }

    static float[] floats(List<?> values) {
        float[] f = new float[values.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = ((Number) values.get(i)).floatValue();
        }
        return f;
    }

    static float[] floats(scala.collection.Seq<?> values) {
        return floats(scala.jdk.javaapi.CollectionConverters.asJava(values));
    }

    /** A row over the limit is embedded through windows: each token's vector is its source window's, run alone. */
    @Test
    void embedsALongRowThroughWindows() throws IOException {
        String longText = String.join(" ", texts.subList(0, 8));
        List<String> values = List.of(longText, texts.get(9));
        SparkTagger tagger = new SparkTagger(spark, ModelSource.path(TestModels.plain()),
                SparkTagger.Options.DEFAULT.withMaxLength(16));
        List<Row> tokens = tagger.embed(frame(values, 1).sort("doc"), SparkTagger.Pooling.TOKENS).collectAsList();
        List<Row> mean = tagger.embed(frame(values, 1).sort("doc")).collectAsList();
        Tokenizer tok = Tokenizer.load(TestModels.plain()).withTruncation(null).withPadding(null);
        Encoding e = tok.encode(longText, null, true);
        assertTrue(e.length() > 3 * 16, e.length() + " tokens");
        LongTextSplit split = LongTextSplit.of(e.ids(), e.typeIds(), e.wordIds(), 16, -1);
        List<Object> perToken = tokens.get(0).getList(2);
        assertNull(tokens.get(0).get(3));
        assertEquals(e.length(), perToken.size());
        try (BertEncoder encoder = BertEncoder.load(TestModels.plain(), 2)) {
            int hidden = encoder.config().hiddenSize();
            float[][] want = WindowsAlone.lastHiddenState(encoder, split);
            for (int t = 0; t < e.length(); t++) {
                assertArrayEquals(want[t], floats(((scala.collection.Seq<?>) perToken.get(t))), 1e-5f, "token " + t);
            }
            assertArrayEquals(EmbedPartition.mean(want, hidden), floats(mean.get(0).getList(2)), 1e-5f);
        }
        assertEquals(tok.encode(texts.get(9), null, true).length(), tokens.get(1).getList(2).size());
    }
}
