package org.multitag.train.loop;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.multitag.model.kernels.KernelProfile;
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
import org.multitag.weights.NamedModels;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Where the time of one full training step goes (the step of {@code TrainStepBenchmark}: MiniLM-L6 + 16-label head,
 * batch 16 × 128 real tokens, dropout, BCE, backward, clipping, AdamW): the model's {@link KernelProfile} times every
 * kernel call and every gemm shape (with its GFLOP/s), the loss, clipping and AdamW get their own clock. Off by
 * default; run with {@code mvn -pl train -am test -Dtest=TrainStepProfile -Dmultitag.bench=true
 * -Dsurefire.failIfNoSpecifiedTests=false} (optionally {@code -Dmultitag.bench.batch=1}).
 */
@EnabledIfSystemProperty(named = "multitag.bench", matches = "true")
class TrainStepProfile {

    @Test
    void minilmStep() throws Exception {
        int b = Integer.getInteger("multitag.bench.batch", 16);
        int t = 128;
        int labels = 16;
        int warmup = Integer.getInteger("multitag.bench.warmup", 4);
        int steps = Integer.getInteger("multitag.bench.steps", 6);
        ImportedModel m = NamedModels.fromEnvironment().importNamed("minilm-l6");
        SplittableRandom r = new SplittableRandom(2);
        int[][] ids = new int[b][t];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                ids[i][j] = 1000 + r.nextInt(20000);
            }
        }
        Batch batch = Batch.of(ids, null, null, null);
        float[] y = new float[b * t * labels];
        for (int i = 0; i < y.length; i++) {
            y[i] = r.nextDouble() < 0.1 ? 1f : 0f;
        }
        float[] mk = new float[b * t];
        java.util.Arrays.fill(mk, 1f);
        INDArray targets = NativeArrays.of(y, (long) b * t, labels);
        INDArray mask = NativeArrays.of(mk, mk.length);
        INDArray dLogits = NativeArrays.of(new float[b * t * labels], (long) b * t, labels);
        BceWithLogitsLoss loss = new BceWithLogitsLoss();
        try (BertWeights w = BertWeights.of(m.config(), m.weights())) {
            INDArray[] head = TokenClassifier.newClassifier(m.config(), labels, 1);
            try (TokenClassifier model = TokenClassifier.trainable(w, head[0], head[1], Freeze.none(), 2)) {
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
                for (int step = 0; step < warmup + steps; step++) {
                    if (step == warmup) {
                        profile.reset();
                        profile.enable(true);
                        java.util.Arrays.fill(rest, 0);
                        total = 0;
                    }
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
                System.out.printf("step (B %d x T %d, 2 threads, %s), mean of %d after %d warm-up: %.1f ms%n", b, t,
                        org.multitag.model.kernels.Kernels.vectorized() ? "vector kernels" : "scalar kernels", steps,
                        warmup, total / 1e6 / steps);
                System.out.printf("  %-44s %9s %7s %7s %9s%n", "kernel", "ms/step", "%", "calls", "GFLOP/s");
                long kernels = 0;
                for (Map.Entry<String, KernelProfile.Entry> e : profile.entries().entrySet()) {
                    KernelProfile.Entry v = e.getValue();
                    kernels += v.nanos();
                    System.out.printf("  %-44s %9.2f %7.1f %7d %9s%n", e.getKey(), v.nanos() / 1e6 / steps,
                            100.0 * v.nanos() / total, v.calls() / steps,
                            v.flop() > 0 ? String.format("%.0f", v.gflops()) : "");
                }
                String[] names = {"loss", "clipping", "adamw"};
                for (int i = 0; i < 3; i++) {
                    System.out.printf("  %-44s %9.2f %7.1f%n", names[i], rest[i] / 1e6 / steps, 100.0 * rest[i] / total);
                }
                long other = total - kernels - rest[0] - rest[1] - rest[2];
                System.out.printf("  %-44s %9.2f %7.1f%n", "other (Java between the calls)", other / 1e6 / steps,
                        100.0 * other / total);
            }
            head[0].close();
            head[1].close();
        }
    }
}
