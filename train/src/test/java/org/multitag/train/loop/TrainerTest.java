package org.multitag.train.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multitag.core.LabelSet;
import org.multitag.data.ExampleReader;
import org.multitag.data.TestData;
import org.multitag.data.TrainingData;
import org.multitag.eval.Baselines;
import org.multitag.eval.EvaluationReport;
import org.multitag.eval.Evaluator;
import org.multitag.model.MultiLabelTagger;
import org.multitag.model.kernels.ComputeSetting;
import org.multitag.model.kernels.KernelChoice;
import org.multitag.model.kernels.Precision;
import org.multitag.model.nn.BertWeights;
import org.multitag.model.nn.Freeze;
import org.multitag.model.nn.TokenClassifier;
import org.multitag.tokenizer.Tokenizer;
import org.multitag.tokenizer.TokenizerLoader;
import org.multitag.tokenizer.labels.WordPrediction;
import org.multitag.weights.ImportedModel;
import org.multitag.weights.OnnxImporter;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Fine-tuning all-MiniLM-L6-v2 on a small slice of UD English EWT (UPOS + FEATS, the committed slice): dev
 * micro-F1 ends well above the all-negative baseline, the saved folder tags text through the inference path,
 * and a run resumed from its checkpoint repeats the uninterrupted run's loss curve exactly.
 */
class TrainerTest {

    static ImportedModel miniLm;
    static java.util.Map<String, byte[]> tokenizerFiles;
    static Tokenizer tokenizer;

    @BeforeAll
    static void load() throws Exception {
        try (InputStream in = TrainerTest.class.getResourceAsStream("/all-minilm-l6-v2.onnx")) {
            miniLm = OnnxImporter.read(new ByteArrayInputStream(in.readAllBytes()), "all-minilm-l6-v2.onnx");
        }
        byte[] tokenizerJson;
        try (InputStream in = TrainerTest.class.getResourceAsStream("/all-minilm-l6-v2-tokenizer.json")) {
            tokenizerJson = in.readAllBytes();
        }
        // the ONNX file has no tokenizer: the saved model gets the one published beside it
        tokenizerFiles = java.util.Map.of("tokenizer.json", tokenizerJson);
        tokenizer = TokenizerLoader.fromJson(new ByteArrayInputStream(tokenizerJson), "all-minilm-l6-v2-tokenizer.json")
                .withPadding(null).withTruncation(null);
    }

    static final TrainOptions OPTIONS = new TrainOptions(2, 3e-4, 16, 1, 0.1, 0.01, 1.0, 7, "auto", Freeze.none(), 2,
            true, 3e-4, TrainOptions.LossReduction.MEAN, TrainOptions.HeadInit.ZERO);

    /** The first {@code trainN} EWT train and {@code devN} dev sentences, read with the train labels: {train, dev}. */
    static TrainingData[] ewtSlice(Path tmp, int trainN, int devN) throws Exception {
        Path trainFile = TestData.ewt("train", trainN, tmp.resolve("train.conllu"));
        Path devFile = TestData.ewt("dev", devN, tmp.resolve("dev.conllu"));
        LabelSet labels = ExampleReader.collectLabels(List.of(trainFile), false);
        ExampleReader reader = new ExampleReader(tokenizer, labels,
                new ExampleReader.Options(128, true, false, true));
        return new TrainingData[] {reader.read(trainFile), reader.read(devFile)};
    }

    static TokenClassifier newModel(ImportedModel m, int labels, long seed) {
        INDArray[] head = TokenClassifier.newClassifier(m.config(), labels, seed);
        return TokenClassifier.trainable(BertWeights.of(m.config(), m.weights()), head[0], head[1], Freeze.none(), 2);
    }

    @Test
    void fineTunesBeatsBaselinesSavesAndResumesExactly(@TempDir Path tmp) throws Exception {
        TrainingData[] data = ewtSlice(tmp, 320, 80);
        TrainingData train = data[0];
        TrainingData dev = data[1];
        LabelSet labels = train.labels();
        TrainOptions opt = OPTIONS;

        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(log, true, StandardCharsets.UTF_8);
        Path full = tmp.resolve("full");
        Trainer.Result result;
        List<float[][]> trainerProbabilities;
        try (TokenClassifier model = newModel(miniLm, labels.size(), 7)) {
            Trainer trainer = Trainer.builder(model, miniLm.config(), tokenizerFiles, train, dev, full)
                    .options(opt).progress(ps, false).build();
            result = trainer.run(false);
            trainerProbabilities = Evaluator.score(trainer.scorer(), dev).probabilities();
        }
        System.out.print(log.toString(StandardCharsets.UTF_8));
        EvaluationReport allNegative = Baselines.allNegative(labels, dev.goldWordLabels());
        EvaluationReport frequent = Baselines.mostFrequentLabelSet(labels, train.goldWordLabels(), dev.goldWordLabels());
        System.out.printf("dev micro-F1 %.4f (tuned thresholds), best untuned %.4f; baselines: all-negative %.4f, "
                + "most frequent label set %.4f; %d steps in %.1f s%n", result.devReport().microF1(),
                result.bestDevF1(), allNegative.microF1(), frequent.microF1(), result.steps(), result.seconds());
        assertEquals(0.0, allNegative.microF1());
        assertTrue(result.devReport().microF1() > frequent.microF1() + 0.2,
                "micro-F1 " + result.devReport().microF1() + " vs most-frequent " + frequent.microF1());
        for (String f : List.of("model/config.json", "model/model.safetensors", "model/thresholds.json",
                "metrics.jsonl", "training-curve.png", "checkpoint/state.safetensors")) {
            assertTrue(Files.isRegularFile(full.resolve(f)), f);
        }

        // the saved folder tags text through the same forward: the trainer's dev probabilities (what its thresholds
        // were tuned on) are the tagger's, bit for bit
        try (MultiLabelTagger tagger = MultiLabelTagger.load(result.modelDir(),
                new MultiLabelTagger.Options(2, opt.batchSize(), 0, false))) {
            List<float[][]> taggerProbabilities = tagger.scorer().score(
                    dev.examples().stream().map(org.multitag.data.Example::inputIds).toList(),
                    dev.examples().stream().map(org.multitag.data.Example::typeIds).toList());
            assertEquals(trainerProbabilities.size(), taggerProbabilities.size());
            for (int i = 0; i < trainerProbabilities.size(); i++) {
                assertTrue(java.util.Arrays.deepEquals(trainerProbabilities.get(i), taggerProbabilities.get(i)),
                        "dev example " + i + ": trainer and tagger probabilities differ");
            }
            List<WordPrediction> words = tagger.tag("The dogs barked loudly.");
            assertEquals(List.of("The", "dogs", "barked", "loudly", "."),
                    words.stream().map(WordPrediction::text).collect(Collectors.toList()));
            System.out.println("tagged: " + words.stream().map(w -> w.text() + w.labels()).collect(Collectors.toList()));
        }

        // stop after epoch 1, resume: the loss curve equals the uninterrupted run's
        Path split = tmp.resolve("split");
        try (TokenClassifier model = newModel(miniLm, labels.size(), 7)) {
            Trainer.builder(model, miniLm.config(), tokenizerFiles, train, dev, split)
                    .options(opt.withEpochs(2)).progress(ps, false).build()
                    .runUntilEpoch(1);
        }
        try (TokenClassifier model = newModel(miniLm, labels.size(), 7)) {
            Trainer.builder(model, miniLm.config(), tokenizerFiles, train, dev, split)
                    .options(opt).progress(ps, false).build().run(true);
        }
        assertEquals(losses(full), losses(split));
    }

    /**
     * bf16 mixed precision keeps the bit-exact resume: a bf16 run stopped after epoch 1 and resumed in bf16 logs the
     * uninterrupted bf16 run's losses. It also catches a stale bf16 weight copy: the uninterrupted run converts the
     * weights after every step, the resumed one starts from weights loaded from the checkpoint, so a copy kept
     * across a step would make the two curves part.
     */
    @Test
    void bf16RunResumedInBf16RepeatsTheUninterruptedRun(@TempDir Path tmp) throws Exception {
        TrainingData[] data = ewtSlice(tmp, 96, 24);
        TrainingData train = data[0];
        TrainingData dev = data[1];
        LabelSet labels = train.labels();
        TrainOptions opt = OPTIONS;
        PrintStream ps = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        ComputeSetting bf16 = new ComputeSetting(2, KernelChoice.JAVA, Precision.BF16);
        Path full = tmp.resolve("full");
        try (TokenClassifier model = newModel(miniLm, labels.size(), 7, bf16)) {
            Trainer.builder(model, miniLm.config(), tokenizerFiles, train, dev, full)
                    .options(opt).progress(ps, false).build().run(false);
        }
        Path split = tmp.resolve("split");
        try (TokenClassifier model = newModel(miniLm, labels.size(), 7, bf16)) {
            Trainer.builder(model, miniLm.config(), tokenizerFiles, train, dev, split)
                    .options(opt.withEpochs(2)).progress(ps, false).build()
                    .runUntilEpoch(1);
        }
        try (TokenClassifier model = newModel(miniLm, labels.size(), 7, bf16)) {
            Trainer.builder(model, miniLm.config(), tokenizerFiles, train, dev, split)
                    .options(opt).progress(ps, false).build().run(true);
        }
        Path fp32 = tmp.resolve("fp32");
        try (TokenClassifier model = newModel(miniLm, labels.size(), 7, bf16.withPrecision(Precision.FP32))) {
            Trainer.builder(model, miniLm.config(), tokenizerFiles, train, dev, fp32)
                    .options(opt.withEpochs(2)).progress(ps, false).build()
                    .runUntilEpoch(1);
        }
        List<String> bf16Losses = losses(full);
        System.out.println("bf16 losses " + bf16Losses + "; fp32 epoch 1 " + losses(fp32));
        assertEquals(12, bf16Losses.size());
        assertEquals(bf16Losses, losses(split));
        assertNotEquals(losses(fp32), bf16Losses.subList(0, losses(fp32).size()), "bf16 computes differently");
    }

    static TokenClassifier newModel(ImportedModel m, int labels, long seed, ComputeSetting setting) {
        INDArray[] head = TokenClassifier.newClassifier(m.config(), labels, seed);
        return TokenClassifier.trainable(BertWeights.of(m.config(), m.weights()), head[0], head[1], Freeze.none(),
                setting);
    }

    static List<String> losses(Path run) throws Exception {
        List<String> out = new ArrayList<>();
        for (var e : new MetricsLog(run.resolve("metrics.jsonl")).read()) {
            if (e.path("event").asText().equals("step")) {
                out.add(e.get("step").asText() + ":" + e.get("loss").asText());
            }
        }
        return out;
    }

    @Test
    void lengthGroupingKeepsEveryExampleOnceAndCutsPadding(@TempDir Path tmp) throws Exception {
        Path trainFile = TestData.ewt("train", 600, tmp.resolve("train.conllu"));
        LabelSet labels = ExampleReader.collectLabels(List.of(trainFile), false);
        TrainingData train = new ExampleReader(tokenizer, labels, new ExampleReader.Options(128, true, false, true))
                .read(trainFile);
        TrainOptions grouped = new TrainOptions(2, 3e-4, 16, 1, 0.1, 0.01, 1.0, 7, "none", Freeze.none(), 2, true, 3e-4,
                TrainOptions.LossReduction.MEAN, TrainOptions.HeadInit.ZERO);
        TrainOptions plain = new TrainOptions(2, 3e-4, 16, 1, 0.1, 0.01, 1.0, 7, "none", Freeze.none(), 2, false, 3e-4,
                TrainOptions.LossReduction.MEAN, TrainOptions.HeadInit.ZERO);
        PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());
        Trainer g = Trainer.builder(null, miniLm.config(), tokenizerFiles, train, train, tmp)
                .options(grouped).progress(quiet, false).build();
        Trainer p = Trainer.builder(null, miniLm.config(), tokenizerFiles, train, train, tmp)
                .options(plain).progress(quiet, false).build();
        for (int epoch = 0; epoch < 2; epoch++) {
            List<List<org.multitag.data.Example>> gb = g.epochBatches(epoch);
            assertEquals(p.epochBatches(epoch).size(), gb.size());
            java.util.Map<org.multitag.data.Example, Integer> seen = new java.util.IdentityHashMap<>();
            gb.forEach(b -> b.forEach(e -> seen.merge(e, 1, Integer::sum)));
            assertEquals(train.examples().size(), seen.size(), "every example in the epoch");
            assertTrue(seen.values().stream().allMatch(c -> c == 1), "each example once");
            long gPad = padded(gb);
            long pPad = padded(p.epochBatches(epoch));
            assertTrue(gPad < 0.8 * pPad, "grouped " + gPad + " padded tokens vs plain " + pPad);
            assertEquals(gb, g.epochBatches(epoch), "same seed, same batches");
        }
        assertTrue(!g.epochBatches(0).equals(g.epochBatches(1)), "epochs differ");
    }

    /** Tokens a batch list computes on: each batch padded to its longest example. */
    private static long padded(List<List<org.multitag.data.Example>> batches) {
        long n = 0;
        for (List<org.multitag.data.Example> b : batches) {
            n += (long) b.size() * b.stream().mapToInt(org.multitag.data.Example::length).max().orElse(0);
        }
        return n;
    }
}
