package org.multitag.benchmarks;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.multitag.model.kernels.Kernels;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
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

/**
 * The gemm ceiling in both precisions, on the encoder's products {@code x [M, K] · W [N, K]ᵀ} (HF layout): MiniLM's
 * FFN up and down and its batch-1 attention projection, bert-base's FFN up. Precisions:
 * <ul>
 *   <li>{@code fp32}: {@code Nd4j.gemm} on float32 arrays (what the float32 model runs);</li>
 *   <li>{@code bf16}: {@code Nd4j.gemm} on bfloat16 arrays, nothing converted (the bf16 ceiling);</li>
 *   <li>{@code bf16-model}: the product as the model runs it in bf16 ({@code Kernels.bf16}): the float32
 *       activations rounded to bfloat16, the weight's bfloat16 copy kept, the result read back to float32.</li>
 * </ul>
 * GFLOP/s = 2·M·K·N / time. JMH runs one configuration after another; on a shared machine compare the ratios of
 * {@link #main}, which interleaves the three on each shape.
 */
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class GemmPrecisionBenchmark {

    /** M×K·(N×K)ᵀ. */
    public static final List<String> SHAPES = List.of("4096x384x1536", "4096x1536x384", "128x384x384",
            "4096x768x3072");

    @State(Scope.Benchmark)
    public static class Product {
        @Param({"4096x384x1536", "4096x1536x384", "128x384x384", "4096x768x3072"})
        public String shape;

        @Param({"fp32", "bf16", "bf16-model"})
        public String precision;

        INDArray x;
        INDArray w;
        INDArray c;
        Kernels kernels;

        @Setup(Level.Trial)
        public void setUp() {
            long[] s = parse(shape);
            x = Nd4j.randn(DataType.FLOAT, s[0], s[1]);
            w = Nd4j.randn(DataType.FLOAT, s[2], s[1]).muli(0.02);
            c = Nd4j.create(DataType.FLOAT, s[0], s[2]);
            if (precision.equals("bf16")) {
                x = x.castTo(DataType.BFLOAT16);
                w = w.castTo(DataType.BFLOAT16);
                c = c.castTo(DataType.BFLOAT16);
            } else if (precision.equals("bf16-model")) {
                kernels = Kernels.bf16(Kernels.create(2));
                kernels.registerWeights(List.of(w));
            }
        }

        void run() {
            if (kernels != null) {
                kernels.gemm(x, w, c, false, true, 1.0, 0.0);
            } else {
                Nd4j.gemm(x, w, c, false, true, 1.0, 0.0);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (kernels != null) {
                kernels.close();
            }
        }
    }

    static long[] parse(String shape) {
        String[] p = shape.split("x");
        return new long[] {Long.parseLong(p[0]), Long.parseLong(p[1]), Long.parseLong(p[2])};
    }

    @Benchmark
    public INDArray gemm(Product p) {
        p.run();
        return p.c;
    }

    /**
     * Interleaved timing: on each shape, rounds of one call per precision in turn, so load from other processes
     * falls on all three alike; prints GFLOP/s (median of the rounds) and the ratios to float32.
     *
     * <pre>java -cp benchmarks/target/benchmarks.jar org.multitag.benchmarks.GemmPrecisionBenchmark [ROUNDS]</pre>
     */
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        System.out.println("CPU: " + Machine.cpuModel(true) + "; Java " + System.getProperty("java.version"));
        System.out.println("| x · Wᵀ | fp32 GFLOP/s | bf16 GFLOP/s | bf16 (model: cast + read back) GFLOP/s | "
                + "bf16 / fp32 | model bf16 / fp32 |\n|---|---:|---:|---:|---:|---:|");
        for (String shape : SHAPES) {
            Product[] ps = new Product[3];
            String[] precisions = {"fp32", "bf16", "bf16-model"};
            for (int i = 0; i < 3; i++) {
                ps[i] = new Product();
                ps[i].shape = shape;
                ps[i].precision = precisions[i];
                ps[i].setUp();
            }
            long[] s = parse(shape);
            int perRound = s[0] >= 1024 ? 1 : 20;
            Runnable[] tasks = new Runnable[3];
            for (int i = 0; i < 3; i++) {
                Product p = ps[i];
                tasks[i] = () -> {
                    for (int j = 0; j < perRound; j++) {
                        p.run();
                    }
                };
            }
            double[] ms = Interleaved.medians(rounds, perRound, tasks);
            double flop = 2.0 * s[0] * s[1] * s[2];
            double[] g = new double[3];
            for (int i = 0; i < 3; i++) {
                g[i] = flop / (ms[i] * 1e6);
                ps[i].tearDown();
            }
            System.out.printf(Locale.ROOT, "| %s·%sᵀ | %.0f | %.0f | %.0f | %.2f | %.2f |%n",
                    s[0] + "×" + s[1], s[2] + "×" + s[1], g[0], g[1], g[2], g[1] / g[0], g[2] / g[0]);
        }
    }
}
