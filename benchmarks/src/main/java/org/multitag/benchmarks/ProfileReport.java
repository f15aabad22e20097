package org.multitag.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.multitag.model.kernels.KernelProfile;
import org.multitag.model.kernels.Kernels;
import org.multitag.model.kernels.NativeArrays;
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
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Where the time goes, kernel by kernel and gemm shape by gemm shape, through the model's {@link KernelProfile}:
 * all-MiniLM-L6-v2's forward at batch 32 and 1 of 128 tokens and of 20 (a short sentence), and the training step of {@code
 * TrainStepBenchmark} (batch 16 × 128, 16 labels, dropout, BCE, backward, clipping, AdamW), each gemm's GFLOP/s
 * set against ND4J's gemm ceiling measured in the same run (the best of the model's gemm shapes at 4096 rows).
 * Writes {@code benchmarks/results/profile.md} (or the path given) naming the CPU and the JDK:
 * <pre>OMP_WAIT_POLICY=passive java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar \
 *     org.multitag.benchmarks.ProfileReport [OUT.md]</pre>
 * Wall times on 2 threads, so run it on an idle machine.
 */
public final class ProfileReport {

    private static final int THREADS = 2;
    /** Warm-up until the JIT has compiled the kernels: at least this long, and at least {@link #MIN_WARMUP} runs. */
    private static final long WARMUP_NANOS = 10_000_000_000L;
    private static final int MIN_WARMUP = 5;
    private static final int RUNS = 20;

    private final StringBuilder md = new StringBuilder();

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "benchmarks/results/profile.md");
        new ProfileReport().run(out);
    }

    private void run(Path out) throws IOException {
        Nd4j.getEnvironment().setMaxThreads(THREADS);
        Nd4j.getEnvironment().setMaxMasterThreads(THREADS);
        md.append("# Where the time goes\n\n");
        md.append(String.format(Locale.ROOT, "CPU: %s, %s cores; JDK %s; %s kernels; %d threads; mean of %d runs "
                + "after at least %d s of warm-up, wall time.%n%n", Machine.cpuModel(true), Machine.nproc(),
                System.getProperty("java.version"), Kernels.vectorized() ? "Vector API" : "scalar", THREADS, RUNS,
                WARMUP_NANOS / 1_000_000_000L));
        double ceiling = gemmCeiling();
        md.append(String.format(Locale.ROOT, "ND4J gemm ceiling (the best of 4096×384·384×1152, 4096×384·384×1536, "
                + "4096×1536·1536×384, 4096×384·384×384, same run): **%.0f GFLOP/s**.%n%n", ceiling));
        ImportedModel m = EncoderModels.importOnnx(EncoderModels.miniLmOnnx());
        // 128 tokens: the encoder benchmark's shape; 20 tokens: a served EWT sentence (16.6 tokens on average)
        for (int[] shape : new int[][] {{32, 128}, {1, 128}, {32, 20}, {1, 20}}) {
            int batch = shape[0];
            int seq = shape[1];
            try (BertWeights w = BertWeights.of(m.config(), m.weights())) {
                INDArray[] head = TokenClassifier.newClassifier(m.config(), 16, 1);
                try (TokenClassifier model = TokenClassifier.trainable(w, head[0], head[1], Freeze.none(), THREADS)) {
                    Batch in = EncoderInputs.batch(batch, seq);
                    KernelProfile p = model.encoder().kernelProfile();
                    long start = System.nanoTime();
                    for (int i = 0; i < MIN_WARMUP || System.nanoTime() - start < WARMUP_NANOS; i++) {
                        model.encoder().forward(in, Pass.inference());
                    }
                    p.reset();
                    p.enable(true);
                    long total = 0;
                    for (int i = 0; i < RUNS; i++) {
                        long t0 = System.nanoTime();
                        model.encoder().forward(in, Pass.inference());
                        total += System.nanoTime() - t0;
                    }
                    p.enable(false);
                    table("all-MiniLM-L6-v2 forward, batch " + batch + " × " + seq + " (inference)", p, total, ceiling,
                            Map.of());
                }
                head[0].close();
                head[1].close();
            }
        }
        trainStep(m, ceiling);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, md.toString(), StandardCharsets.UTF_8);
        System.out.print(md);
        System.out.println("written: " + out);
    }

    /** The fastest the gemm runs on this machine: the best GFLOP/s of the model's shapes at many rows. */
    private static double gemmCeiling() {
        int[][] shapes = {{4096, 384, 1152}, {4096, 384, 1536}, {4096, 1536, 384}, {4096, 384, 384}};
        double best = 0;
        try (Kernels k = Kernels.create(THREADS)) {
            for (int[] s : shapes) {
                INDArray a = Nd4j.rand(DataType.FLOAT, s[0], s[1]);
                INDArray b = Nd4j.rand(DataType.FLOAT, s[1], s[2]);
                INDArray c = Nd4j.zeros(DataType.FLOAT, s[0], s[2]);
                for (int i = 0; i < 20; i++) {
                    long t0 = System.nanoTime();
                    k.gemm(a, b, c, false, false, 1, 0);
                    long t = System.nanoTime() - t0;
                    if (i >= 5) {
                        best = Math.max(best, 2.0 * s[0] * s[1] * s[2] / t);
                    }
                }
            }
        }
        return best;
    }

    private void trainStep(ImportedModel m, double ceiling) {
        int b = 16;
        int t = 128;
        int labels = 16;
        SplittableRandom r = new SplittableRandom(3);
        Batch batch = EncoderInputs.batch(b, t);
        float[] y = new float[b * t * labels];
        for (int i = 0; i < y.length; i++) {
            y[i] = r.nextDouble() < 0.1 ? 1f : 0f;
        }
        float[] mk = new float[b * t];
        java.util.Arrays.fill(mk, 1f);
        INDArray targets = NativeArrays.of(y, (long) b * t, labels);
        INDArray mask = NativeArrays.of(mk, mk.length);
        INDArray dLogits = Nd4j.zeros(DataType.FLOAT, (long) b * t, labels);
        BceWithLogitsLoss loss = new BceWithLogitsLoss();
        try (BertWeights w = BertWeights.of(m.config(), m.weights())) {
            INDArray[] head = TokenClassifier.newClassifier(m.config(), labels, 1);
            try (TokenClassifier model = TokenClassifier.trainable(w, head[0], head[1], Freeze.none(), THREADS)) {
                Map<String, INDArray> values = new LinkedHashMap<>();
                Map<String, INDArray> grads = new LinkedHashMap<>();
                for (Parameter p : model.parameters()) {
                    values.put(p.name(), p.value());
                    grads.put(p.name(), p.grad());
                }
                AdamW adam = new AdamW(values, 0.9, 0.999, 1e-8, 0.01, AdamW::decays, model.parallel());
                KernelProfile profile = model.encoder().kernelProfile();
                long[] rest = new long[3];
                long total = 0;
                long start = System.nanoTime();
                int warmup = 0;
                while (warmup < MIN_WARMUP || System.nanoTime() - start < WARMUP_NANOS) {
                    model.zeroGradients();
                    model.forward(batch, Pass.training(new SplittableRandom(warmup)));
                    model.backward(dLogits);
                    warmup++;
                }
                profile.reset();
                profile.enable(true);
                for (int step = warmup; step < warmup + RUNS; step++) {
                    long t0 = System.nanoTime();
                    model.zeroGradients();
                    INDArray logits = model.forward(batch, Pass.training(new SplittableRandom(step)));
                    long t1 = System.nanoTime();
                    loss.forward(logits, targets, mask, null);
                    loss.backward(dLogits);
                    long t2 = System.nanoTime();
                    model.backward(dLogits);
                    long t3 = System.nanoTime();
                    GradientClipping.clip(grads.values(), 1.0);
                    long t4 = System.nanoTime();
                    adam.step(grads, 5e-5);
                    long t5 = System.nanoTime();
                    rest[0] += t2 - t1;
                    rest[1] += t4 - t3;
                    rest[2] += t5 - t4;
                    total += t5 - t0;
                }
                profile.enable(false);
                Map<String, Long> others = new LinkedHashMap<>();
                others.put("BCE loss and its gradient", rest[0]);
                others.put("gradient clipping", rest[1]);
                others.put("AdamW", rest[2]);
                table(String.format(Locale.ROOT, "training step, batch %d × %d, 16 labels (%.0f tokens/s)", b, t,
                        b * t / (total / 1e9 / RUNS)), profile, total, ceiling, others);
            }
            head[0].close();
            head[1].close();
        }
    }

    private void table(String title, KernelProfile p, long total, double ceiling, Map<String, Long> others) {
        md.append(String.format(Locale.ROOT, "## %s: %.1f ms%n%n", title, total / 1e6 / RUNS));
        md.append("| kernel | ms | % | calls | GFLOP/s | of ceiling |\n|---|---:|---:|---:|---:|---:|\n");
        long counted = 0;
        long gemm = 0;
        double gemmFlop = 0;
        for (Map.Entry<String, KernelProfile.Entry> e : p.entries().entrySet()) {
            KernelProfile.Entry v = e.getValue();
            counted += v.nanos();
            boolean isGemm = v.flop() > 0;
            if (isGemm) {
                gemm += v.nanos();
                gemmFlop += v.flop();
            }
            md.append(String.format(Locale.ROOT, "| %s | %.2f | %.1f | %d | %s | %s |%n", e.getKey(),
                    v.nanos() / 1e6 / RUNS, 100.0 * v.nanos() / total, v.calls() / RUNS,
                    isGemm ? String.format(Locale.ROOT, "%.0f", v.gflops()) : "",
                    isGemm ? String.format(Locale.ROOT, "%.0f %%", 100 * v.gflops() / ceiling) : ""));
        }
        for (Map.Entry<String, Long> e : others.entrySet()) {
            counted += e.getValue();
            md.append(String.format(Locale.ROOT, "| %s | %.2f | %.1f | | | |%n", e.getKey(), e.getValue() / 1e6 / RUNS,
                    100.0 * e.getValue() / total));
        }
        md.append(String.format(Locale.ROOT, "| other (Java between the calls) | %.2f | %.1f | | | |%n",
                (total - counted) / 1e6 / RUNS, 100.0 * (total - counted) / total));
        md.append(String.format(Locale.ROOT, "%nAll gemms: %.1f ms (%.0f %% of the time) at %.0f GFLOP/s = %.0f %% of "
                + "the ceiling; the rest: %.1f ms.%n%n", gemm / 1e6 / RUNS, 100.0 * gemm / total, gemmFlop / gemm,
                100 * gemmFlop / gemm / ceiling, (total - gemm) / 1e6 / RUNS));
    }
}
