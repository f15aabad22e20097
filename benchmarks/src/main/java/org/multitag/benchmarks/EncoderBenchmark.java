package org.multitag.benchmarks;

import ai.onnxruntime.OrtException;
import java.util.concurrent.TimeUnit;
import org.multitag.model.kernels.ComputeSetting;
import org.multitag.model.kernels.KernelChoice;
import org.multitag.model.kernels.Kernels;
import org.multitag.model.kernels.Precision;
import org.multitag.model.nn.Batch;
import org.multitag.model.nn.BertEncoder;
import org.multitag.model.nn.BertWeights;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * BERT encoder inference: multitag's encoder (ND4J gemm + Java Vector API kernels) against ONNX Runtime (ALL_OPT),
 * both with 2 threads, on the same packed real-text input of {@value #SEQ} tokens per row.
 *
 * <ul>
 *   <li>{@code miniLmThroughput*}: all-MiniLM-L6-v2, batch {@value #BATCH}, batches/s (× {@value #BATCH}·
 *       {@value #SEQ} = tokens/s). ORT runs the original ONNX export; {@code miniLmThroughputOrtExport} runs
 *       ORT on our own export of the same weights ({@link EncoderOnnxExporter}), to show the exported graph
 *       is as fast for ORT as PyTorch's.</li>
 *   <li>{@code miniLmLatency*}: all-MiniLM-L6-v2, batch 1, ms per forward.</li>
 *   <li>{@code bertBaseThroughput*}: bert-base-uncased (12 layers, H 768), batch {@value #BATCH}; ORT runs our
 *       export, validated first against the original MiniLM ONNX (≤ 1e-5).</li>
 *   <li>{@code …MultitagBf16}: multitag in bf16 mixed precision ({@code Precision.BF16}), checked against ORT
 *       float32 by the relative norm of the difference (≤ {@value #BF16_TOLERANCE}, the tolerance of the bf16
 *       parity test).</li>
 * </ul>
 *
 * <p>Each benchmark's trial setup loads both engines and fails unless their last_hidden_state agree on the
 * benchmark input (≤ {@value #TOLERANCE} for MiniLM), then closes the engine it doesn't time, so the two never
 * share the fork's cores during measurement. multitag's setup also fails unless its Vector API kernels are
 * active (the fork needs {@code --add-modules jdk.incubator.vector}). multitag is timed through
 * {@link BertEncoder#run} (last hidden state left in its scratch buffer), ORT through {@code session.run}
 * with prebuilt input tensors (output left in ORT's native memory, then released). The parameter {@code kernels}
 * ({@code java} by default, or {@code nd4j}: the kernels made of ND4J ops) picks multitag's kernels; it does not
 * change the ORT benchmarks.
 */
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx6g"})
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Threads(1)
public class EncoderBenchmark {

    public static final int SEQ = 128;
    public static final int BATCH = 32;
    public static final int THREADS = 2;
    /** multitag vs ORT on MiniLM. */
    public static final double TOLERANCE = 1e-4;
    /** ORT on our export vs ORT on the original MiniLM ONNX. */
    public static final double EXPORT_TOLERANCE = 1e-5;
    /** multitag vs ORT on bert-base: 12 layers of H 768 accumulate more float32 rounding than MiniLM's 6 of 384. */
    public static final double BERT_BASE_TOLERANCE = 1e-3;
    /** multitag in bf16 vs ORT float32: ‖ours − ORT‖ / ‖ORT‖ (model Bf16ParityTest's tolerance). */
    public static final double BF16_TOLERANCE = 3e-2;

    /** One model's two engines on one input; only the engine being timed survives the setup. */
    @State(Scope.Benchmark)
    public static class Engines {
        BertEncoder multitag;
        OrtEncoder ort;
        OrtEncoder.Inputs ortInputs;
        Batch batch;
        /** multitag's kernels: java or nd4j. */
        @Param({"java"})
        public String kernels = "java";

        @Setup(Level.Trial)
        public void setUp(BenchmarkParams params) throws OrtException {
            String method = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
            boolean bertBase = method.startsWith("bertBase");
            boolean timeOrt = method.endsWith("Ort") || method.endsWith("OrtExport");
            int rows = method.contains("Latency") ? 1 : BATCH;
            batch = EncoderInputs.batch(rows, SEQ);

            ImportedModel model;
            byte[] onnx;
            double tolerance;
            String ortGraph;
            if (bertBase) {
                EncoderModels.validateExporter(EncoderInputs.batch(BATCH, SEQ), THREADS, EXPORT_TOLERANCE);
                model = EncoderModels.bertBaseUncased();
                onnx = EncoderOnnxExporter.export(model.config(), model.weights());
                tolerance = BERT_BASE_TOLERANCE;
                ortGraph = "our export";
            } else {
                byte[] original = EncoderModels.miniLmOnnx();
                model = EncoderModels.importOnnx(original);
                if (method.endsWith("OrtExport")) {
                    EncoderModels.validateExporter(batch, THREADS, EXPORT_TOLERANCE);
                    onnx = EncoderOnnxExporter.export(model.config(), model.weights());
                    ortGraph = "our export";
                } else {
                    onnx = original;
                    ortGraph = "original ONNX";
                }
                tolerance = TOLERANCE;
            }

            boolean bf16 = method.endsWith("Bf16");
            ComputeSetting setting = ComputeSetting.defaults().withThreads(THREADS)
                    .withKernels(KernelChoice.parse(kernels)).withPrecision(bf16 ? Precision.BF16 : Precision.FP32);
            multitag = new BertEncoder(BertWeights.of(model.config(), model.weights()), setting, true);
            System.out.println("[setup] " + method + ": Kernels.vectorized() = " + Kernels.vectorized());
            if (!Kernels.vectorized()) {
                throw new IllegalStateException("multitag runs its scalar kernels: start the fork with "
                        + "--add-modules jdk.incubator.vector");
            }
            ort = new OrtEncoder(onnx, THREADS);
            onnx = null;
            ortInputs = ort.inputs(batch);

            float[] ours = EncoderModels.lastHiddenState(multitag, batch);
            float[] theirs = ort.lastHiddenState(ortInputs);
            if (bf16) {
                EncoderModels.require(String.format(java.util.Locale.ROOT,
                        "%s: multitag bf16 vs ORT float32 (%s), batch %dx%d", method, ortGraph, rows, SEQ),
                        "‖ours − ORT‖ / ‖ORT‖", relativeDiff(ours, theirs), BF16_TOLERANCE);
            } else {
                EncoderModels.require(String.format(java.util.Locale.ROOT,
                        "%s: multitag vs ORT (%s), batch %dx%d, outputs up to |%.2f|", method, ortGraph, rows, SEQ,
                        EncoderModels.maxAbs(theirs)), EncoderModels.maxAbsDiff(ours, theirs), tolerance);
            }

            if (timeOrt) {
                multitag.close();
                multitag = null;
            } else {
                ortInputs.close();
                ortInputs = null;
                ort.close();
                ort = null;
            }
            System.gc();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws OrtException {
            if (multitag != null) {
                multitag.close();
            }
            if (ortInputs != null) {
                ortInputs.close();
            }
            if (ort != null) {
                ort.close();
            }
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public INDArray miniLmThroughputMultitag(Engines e) {
        return e.multitag.run(e.batch, null, null);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public INDArray miniLmThroughputMultitagBf16(Engines e) {
        return e.multitag.run(e.batch, null, null);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public long miniLmThroughputOrt(Engines e) throws OrtException {
        return e.ort.run(e.ortInputs);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public long miniLmThroughputOrtExport(Engines e) throws OrtException {
        return e.ort.run(e.ortInputs);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public INDArray miniLmLatencyMultitag(Engines e) {
        return e.multitag.run(e.batch, null, null);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public INDArray miniLmLatencyMultitagBf16(Engines e) {
        return e.multitag.run(e.batch, null, null);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public long miniLmLatencyOrt(Engines e) throws OrtException {
        return e.ort.run(e.ortInputs);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public INDArray bertBaseThroughputMultitag(Engines e) {
        return e.multitag.run(e.batch, null, null);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public INDArray bertBaseThroughputMultitagBf16(Engines e) {
        return e.multitag.run(e.batch, null, null);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public long bertBaseThroughputOrt(Engines e) throws OrtException {
        return e.ort.run(e.ortInputs);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public INDArray bertBaseLatencyMultitag(Engines e) {
        return e.multitag.run(e.batch, null, null);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public INDArray bertBaseLatencyMultitagBf16(Engines e) {
        return e.multitag.run(e.batch, null, null);
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public long bertBaseLatencyOrt(Engines e) throws OrtException {
        return e.ort.run(e.ortInputs);
    }

    /** ‖a − b‖ / ‖b‖. */
    static double relativeDiff(float[] a, float[] b) {
        double d = 0;
        double n = 0;
        for (int i = 0; i < a.length; i++) {
            d += ((double) a[i] - b[i]) * ((double) a[i] - b[i]);
            n += (double) b[i] * b[i];
        }
        return Math.sqrt(d / n);
    }

    /**
     * multitag's MiniLM encoder in float32 and in bf16, interleaved (one forward of each in turn, so load from other
     * processes falls on both alike), at batch {@value #BATCH} and 1 × {@value #SEQ}: the median of each and their
     * ratio.
     *
     * <pre>java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar
     *     org.multitag.benchmarks.EncoderBenchmark [ROUNDS]</pre>
     */
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        ImportedModel m = EncoderModels.importOnnx(EncoderModels.miniLmOnnx());
        ComputeSetting fp32 = ComputeSetting.defaults().withThreads(THREADS).withPrecision(Precision.FP32);
        try (BertEncoder a = new BertEncoder(BertWeights.of(m.config(), m.weights()), fp32, true);
                BertEncoder b = new BertEncoder(BertWeights.of(m.config(), m.weights()), fp32.withPrecision(
                        Precision.BF16), true)) {
            for (int rows : new int[] {BATCH, 1}) {
                Batch batch = EncoderInputs.batch(rows, SEQ);
                double[] ms = Interleaved.medians(rounds, 1, () -> a.run(batch, null, null),
                        () -> b.run(batch, null, null));
                double f = ms[0];
                double h = ms[1];
                System.out.printf(java.util.Locale.ROOT, "MiniLM encoder, batch %d x %d, median of %d interleaved rounds:"
                        + " fp32 %.1f ms, bf16 %.1f ms (bf16 %.2fx the fp32 speed)%n", rows, SEQ, rounds, f, h, f / h);
            }
        }
    }
}
