package org.multitag.benchmarks;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.multitag.model.kernels.ComputeSetting;
import org.multitag.model.kernels.KernelChoice;
import org.multitag.model.kernels.Kernels;
import org.multitag.model.kernels.NativeArrays;
import org.multitag.model.kernels.Precision;
import org.multitag.model.nn.Batch;
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
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * One fine-tuning step of all-MiniLM-L6-v2 with a 16-label head, batch {@value #BATCH} × {@value #SEQ} real
 * tokens, 2 threads: zero gradients, forward with dropout, BCE, backward through the head and the whole
 * encoder, global-norm clipping, AdamW. Tokens/s = {@value #BATCH}·{@value #SEQ} / step time. Run with
 * {@code OMP_WAIT_POLICY=passive} (see README). At the end of the trial it prints the peak memory of the process.
 * The parameter {@code kernels} ({@code java} by default, or {@code nd4j}) picks the encoder's kernels, and with
 * them the loss, clipping and AdamW (loops over host memory, or ND4J ops), as the trainer does.
 */
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx6g"})
@Warmup(iterations = 2, time = 10)
@Measurement(iterations = 5, time = 10)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class TrainStepBenchmark {

    public static final int SEQ = 128;
    public static final int BATCH = 16;
    public static final int LABELS = 16;
    public static final int THREADS = 2;

    @State(Scope.Benchmark)
    public static class Step {
        TokenClassifier model;
        Batch batch;
        INDArray targets;
        INDArray mask;
        INDArray dLogits;
        AdamW adam;
        Map<String, INDArray> grads = new LinkedHashMap<>();
        BceWithLogitsLoss loss;
        KernelChoice resolved;
        long step;
        /** The encoder's kernels: java or nd4j. */
        @Param({"java"})
        public String kernels = "java";

        @Setup(Level.Trial)
        public void setUp(BenchmarkParams params) {
            setUp(params.getBenchmark().endsWith("Bf16"));
        }

        void setUp(boolean bf16) {
            if (!Kernels.vectorized()) {
                throw new IllegalStateException("Vector API kernels inactive: run with --add-modules jdk.incubator.vector");
            }
            ImportedModel m = EncoderModels.importOnnx(EncoderModels.miniLmOnnx());
            INDArray[] head = TokenClassifier.newClassifier(m.config(), LABELS, 1);
            model = TokenClassifier.trainable(BertWeights.of(m.config(), m.weights()), head[0], head[1], Freeze.none(),
                    ComputeSetting.defaults().withThreads(THREADS).withKernels(KernelChoice.parse(kernels))
                            .withPrecision(bf16 ? Precision.BF16 : Precision.FP32));
            resolved = model.encoder().computeSetting().resolvedKernels();
            loss = new BceWithLogitsLoss(false, resolved);
            batch = EncoderInputs.batch(BATCH, SEQ);
            SplittableRandom r = new SplittableRandom(3);
            float[] y = new float[BATCH * SEQ * LABELS];
            for (int i = 0; i < y.length; i++) {
                y[i] = r.nextDouble() < 0.1 ? 1f : 0f;
            }
            float[] mk = new float[BATCH * SEQ];
            for (int i = 0; i < mk.length; i++) {
                mk[i] = i % SEQ == 0 || i % SEQ == SEQ - 1 ? 0f : 1f;
            }
            targets = NativeArrays.of(y, (long) BATCH * SEQ, LABELS);
            mask = NativeArrays.of(mk, mk.length);
            dLogits = NativeArrays.of(new float[BATCH * SEQ * LABELS], (long) BATCH * SEQ, LABELS);
            Map<String, INDArray> values = new LinkedHashMap<>();
            for (Parameter p : model.parameters()) {
                values.put(p.name(), p.value());
                grads.put(p.name(), p.grad());
            }
            adam = new AdamW(values, 0.9, 0.999, 1e-8, 0.01, AdamW::decays, model.parallel(), resolved);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            System.out.println();
            System.out.println("after " + step + " steps: " + PeakMemory.report());
            model.close();
        }
    }

    /** One optimizer step; returns the loss so the work is not dead code. */
    @Benchmark
    public double miniLmTrainStep(Step s) {
        return step(s);
    }

    /** The same step in bf16 mixed precision (gemm inputs in bfloat16, float32 master weights and optimizer). */
    @Benchmark
    public double miniLmTrainStepBf16(Step s) {
        return step(s);
    }

    private static double step(Step s) {
        s.model.zeroGradients();
        INDArray logits = s.model.forward(s.batch, Pass.training(new SplittableRandom(++s.step)));
        double l = s.loss.forward(logits, s.targets, s.mask, null);
        s.loss.backward(s.dLogits);
        s.model.backward(s.dLogits);
        GradientClipping.clip(s.grads.values(), 1.0, s.resolved);
        s.adam.step(s.grads, 5e-5);
        return l;
    }

    /**
     * Interleaved timing of the float32 and the bf16 step (one of each in turn, so load from other processes falls
     * on both alike): prints the median step of each and their ratio.
     *
     * <pre>java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar
     *     org.multitag.benchmarks.TrainStepBenchmark [ROUNDS]</pre>
     */
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        Step fp32 = new Step();
        Step bf16 = new Step();
        fp32.setUp(false);
        bf16.setUp(true);
        double[] ms = Interleaved.medians(rounds, 1, () -> step(fp32), () -> step(bf16));
        double a = ms[0];
        double b = ms[1];
        System.out.printf(java.util.Locale.ROOT, "train step, median of %d interleaved rounds: fp32 %.0f ms, bf16 %.0f ms"
                + " (bf16 %.2fx the fp32 speed); CPU %s, bfloat16 flags: %s; Java %s%n", rounds, a, b, a / b,
                Machine.cpuModel(true), Machine.bf16Flags(), System.getProperty("java.version"));
        fp32.model.close();
        bf16.model.close();
    }
}
