package org.multitag.train.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.multitag.core.LabelSet;
import org.multitag.data.Example;
import org.multitag.data.ExampleReader;
import org.multitag.data.TestData;
import org.multitag.data.TrainingData;
import org.multitag.model.kernels.ComputeSetting;
import org.multitag.model.kernels.KernelChoice;
import org.multitag.model.kernels.NativeArrays;
import org.multitag.model.kernels.Precision;
import org.multitag.model.nn.BertWeights;
import org.multitag.model.nn.Freeze;
import org.multitag.model.nn.Parameter;
import org.multitag.model.nn.Pass;
import org.multitag.model.nn.TokenClassifier;
import org.multitag.train.loss.BceWithLogitsLoss;
import org.multitag.train.optim.AdamW;
import org.multitag.train.optim.GradientClipping;
import org.multitag.weights.ImportedModel;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The whole training step on the {@code nd4j} kernels (all-MiniLM-L6-v2, a slice of EWT): with host access forbidden
 * ({@link NativeArrays#forbidHostAccess()}) a forward + backward + clipping + AdamW step runs through, while the Java
 * kernels trip the guard at once; a short training run's loss curve equals the Java kernels' within 1e-5 relative per
 * step (dropout on: both kernels draw the same masks from the same seeds, see {@code Kernels#dropoutMask}); a run
 * stopped after one epoch and resumed repeats the uninterrupted run's curve exactly.
 */
class Nd4jKernelsStepTest {

    static TrainingData train;
    static TrainingData dev;
    static LabelSet labels;

    @BeforeAll
    static void load(@TempDir Path tmp) throws Exception {
        TrainerTest.load();
        Path trainFile = TestData.ewt("train", 24, tmp.resolve("train.conllu"));
        Path devFile = TestData.ewt("dev", 8, tmp.resolve("dev.conllu"));
        labels = ExampleReader.collectLabels(List.of(trainFile), false);
        ExampleReader reader = new ExampleReader(TrainerTest.tokenizer, labels,
                new ExampleReader.Options(64, true, false, true));
        train = reader.read(trainFile);
        dev = reader.read(devFile);
    }

    /** A seeded MiniLM classifier on {@code kernels}, two threads. */
    static TokenClassifier model(KernelChoice kernels) {
        ImportedModel m = TrainerTest.miniLm;
        INDArray[] head = TokenClassifier.newClassifier(m.config(), labels.size(), 7);
        return TokenClassifier.trainable(BertWeights.of(m.config(), m.weights()), head[0], head[1], Freeze.none(),
                new ComputeSetting(2, kernels, Precision.FP32));
    }

    static TrainOptions options(int epochs) {
        return new TrainOptions(epochs, 3e-4, 8, 1, 0.1, 0.01, 1.0, 7, "auto", Freeze.none(), 2,
                false, 3e-4, TrainOptions.LossReduction.MEAN, TrainOptions.HeadInit.ZERO);
    }

    @Test
    void javaKernelsTripTheGuard() {
        List<Example> batch = train.examples().subList(0, 4);
        try (TokenClassifier model = model(KernelChoice.JAVA)) {
            BceWithLogitsLoss loss = new BceWithLogitsLoss(false, KernelChoice.JAVA);
            try (var guard = NativeArrays.forbidHostAccess()) {
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> Trainer.lossAndGradients(model, loss, batch, labels.size(),
                                Pass.training(new SplittableRandom(1)), null, 1));
                assertTrue(e.getMessage().startsWith("host memory access while forbidden"), e.getMessage());
            }
            // and without the guard the same step runs
            assertTrue(Trainer.lossAndGradients(model, loss, batch, labels.size(),
                    Pass.training(new SplittableRandom(1)), null, 1) > 0);
        }
    }

    @Test
    void nd4jStepTouchesNoHostMemory() {
        List<Example> batch = train.examples().subList(0, 8);
        try (TokenClassifier model = model(KernelChoice.ND4J)) {
            KernelChoice kernels = model.encoder().computeSetting().resolvedKernels();
            assertEquals(KernelChoice.ND4J, kernels);
            Map<String, INDArray> values = new LinkedHashMap<>();
            Map<String, INDArray> grads = new LinkedHashMap<>();
            for (Parameter p : model.parameters()) {
                values.put(p.name(), p.value());
                grads.put(p.name(), p.grad());
            }
            AdamW adam = new AdamW(values, 0.9, 0.999, 1e-8, 0.01, AdamW::decays, model.parallel(), kernels);
            BceWithLogitsLoss loss = new BceWithLogitsLoss(false, kernels);
            INDArray posWeight = NativeArrays.of(Trainer.posWeights(options(1), train), labels.size());
            double l;
            double norm;
            try (var guard = NativeArrays.forbidHostAccess()) {
                model.zeroGradients();
                l = Trainer.lossAndGradients(model, loss, batch, labels.size(),
                        Pass.training(new SplittableRandom(1)), posWeight, 1);
                norm = GradientClipping.clip(grads.values(), 1.0, kernels);
                adam.step(grads, 1e-4);
            }
            System.out.printf("nd4j kernels, one step with host access forbidden: loss %.6f, grad norm %.6f%n", l,
                    norm);
            assertTrue(Double.isFinite(l) && l > 0, "loss " + l);
            assertTrue(Double.isFinite(norm) && norm > 0, "norm " + norm);
            assertEquals(1, adam.steps());
        }
    }

    @Test
    void nd4jLossCurveEqualsJavasAndResumesExactly(@TempDir Path tmp) throws Exception {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        Map<KernelChoice, List<String>> curves = new LinkedHashMap<>();
        for (KernelChoice k : List.of(KernelChoice.JAVA, KernelChoice.ND4J)) {
            Path out = tmp.resolve(k.label());
            try (TokenClassifier model = model(k)) {
                Trainer.builder(model, TrainerTest.miniLm.config(), TrainerTest.tokenizerFiles, train, dev, out)
                        .options(options(2)).progress(quiet, false).build().run(false);
            }
            curves.put(k, TrainerTest.losses(out));
        }
        List<String> java = curves.get(KernelChoice.JAVA);
        List<String> nd4j = curves.get(KernelChoice.ND4J);
        assertEquals(java.size(), nd4j.size());
        assertTrue(java.size() >= 6, "steps " + java.size());
        double worst = 0;
        for (int i = 0; i < java.size(); i++) {
            double a = Double.parseDouble(java.get(i).split(":")[1]);
            double b = Double.parseDouble(nd4j.get(i).split(":")[1]);
            worst = Math.max(worst, Math.abs(a - b) / Math.abs(a));
        }
        System.out.printf("loss curve, nd4j vs java kernels, %d steps: max relative diff %.3g%n  java %s%n  nd4j %s%n",
                java.size(), worst, java, nd4j);
        assertTrue(worst <= 1e-5, "loss curves differ by " + worst + " relative");

        // stop after epoch 1, resume on the nd4j kernels: the uninterrupted nd4j run's curve, bit for bit
        Path split = tmp.resolve("split");
        try (TokenClassifier model = model(KernelChoice.ND4J)) {
            Trainer.builder(model, TrainerTest.miniLm.config(), TrainerTest.tokenizerFiles, train, dev, split)
                    .options(options(2)).progress(quiet, false).build().runUntilEpoch(1);
        }
        try (TokenClassifier model = model(KernelChoice.ND4J)) {
            Trainer.builder(model, TrainerTest.miniLm.config(), TrainerTest.tokenizerFiles, train, dev, split)
                    .options(options(2)).progress(quiet, false).build().run(true);
        }
        assertEquals(nd4j, TrainerTest.losses(split));
    }
}
