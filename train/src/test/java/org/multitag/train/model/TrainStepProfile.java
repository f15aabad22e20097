package org.multitag.train.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.multitag.model.Batch;
import org.multitag.model.BertWeights;
import org.multitag.model.Buffers;
import org.multitag.model.NativeArrays;
import org.multitag.train.loss.BceWithLogitsLoss;
import org.multitag.train.optim.AdamW;
import org.multitag.train.optim.GradientClipping;
import org.multitag.weights.ImportedModel;
import org.multitag.weights.NamedModels;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Where the time of one full training step goes (the step of {@code TrainStepBenchmark}: MiniLM-L6 + 16-label
 * head, batch 16 × 128 real tokens, dropout, BCE, backward, clipping, AdamW), block by block: the step is
 * replayed here through the blocks' own forward/backward (as {@link TrainableBert} and
 * {@link EncoderLayerBlock} call them) with a clock around each. Off by default; run with
 * {@code mvn -pl train test -Dtest=TrainStepProfile -Dmultitag.bench=true -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@EnabledIfSystemProperty(named = "multitag.bench", matches = "true")
class TrainStepProfile {

    private final Map<String, Long> nanos = new LinkedHashMap<>();
    private final Buffers buffers = new Buffers();
    private long mark;

    private void start() {
        mark = System.nanoTime();
    }

    private void lap(String what) {
        long now = System.nanoTime();
        nanos.merge(what, now - mark, Long::sum);
        mark = now;
    }

    @Test
    void minilmStep() throws Exception {
        int b = 16;
        int t = 128;
        int labels = 16;
        int warmup = Integer.getInteger("multitag.bench.warmup", 4);
        int steps = Integer.getInteger("multitag.bench.steps", 6);
        ImportedModel m = NamedModels.fromEnvironment().importNamed("minilm-l6");
        SplittableRandom r = new SplittableRandom(2);
        int[][] ids = new int[b][t];
        int[] lengths = new int[b];
        for (int i = 0; i < b; i++) {
            lengths[i] = t;
            for (int j = 0; j < t; j++) {
                ids[i][j] = 1000 + r.nextInt(20000);
            }
        }
        Batch batch = new Batch(ids, new int[b][t], lengths);
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
            INDArray[] head = TrainableBert.newClassifier(m.config(), labels, 1);
            try (TrainableBert model = new TrainableBert(w, head[0], head[1], Freeze.none(), 2)) {
                Map<String, INDArray> values = new LinkedHashMap<>();
                Map<String, INDArray> grads = new LinkedHashMap<>();
                for (Parameter p : model.parameters()) {
                    values.put(p.name(), p.value());
                    grads.put(p.name(), p.grad());
                }
                AdamW adam = new AdamW(values, 0.9, 0.999, 1e-8, 0.01, AdamW::decays, model.parallel());
                long total = 0;
                for (int step = 0; step < warmup + steps; step++) {
                    if (step == warmup) {
                        nanos.clear();
                        total = 0;
                    }
                    long t0 = System.nanoTime();
                    step(model, batch, new SplittableRandom(step), loss, targets, mask, dLogits, grads, adam);
                    total += System.nanoTime() - t0;
                }
                System.out.printf("step (B %d x T %d, 2 threads), mean of %d after %d warm-up: %.1f ms%n",
                        b, t, steps, warmup, total / 1e6 / steps);
                for (Map.Entry<String, Long> e : nanos.entrySet()) {
                    System.out.printf("  %-26s %8.1f ms  %5.1f %%%n", e.getKey(), e.getValue() / 1e6 / steps,
                            100.0 * e.getValue() / total);
                }
            }
            head[0].close();
            head[1].close();
        }
    }

    /**
     * One step as TrainStepBenchmark runs it, with the bodies of TrainableBert.forward/backward and
     * EncoderLayerBlock.forward/backward written out so each block gets its own clock.
     */
    private void step(TrainableBert model, Batch batch, SplittableRandom rng, BceWithLogitsLoss loss,
            INDArray targets, INDArray mask, INDArray dLogits, Map<String, INDArray> grads, AdamW adam) {
        int n = batch.size() * batch.maxLength();
        int hidden = model.config().hiddenSize();
        start();
        model.zeroGradients();
        lap("zero gradients");
        Pass pass = new Pass(batch.size(), batch.maxLength(), batch.lengths(), true, rng);
        INDArray h = model.embeddingBlock().forward(batch, pass);
        lap("embeddings fwd");
        int l = 0;
        for (EncoderLayerBlock layer : model.layerBlocks()) {
            INDArray a = layer.attention.forward(h, pass);
            lap("attention fwd");
            INDArray h1 = buffers.get("h1." + l, n, hidden);
            layer.attentionNorm.forward(a, h, h1);
            lap("residual+LN fwd");
            INDArray f = layer.feedForward.forward(h1, pass);
            lap("feed-forward fwd");
            h = buffers.get("out." + l, n, hidden);
            layer.outputNorm.forward(f, h1, h);
            lap("residual+LN fwd");
            l++;
        }
        INDArray logits = model.headBlock().forward(h, pass);
        lap("head fwd");
        loss.forward(logits, targets, mask, null);
        loss.backward(dLogits);
        lap("loss");
        INDArray dCur = buffers.get("dh.a", n, hidden);
        INDArray dNext = buffers.get("dh.b", n, hidden);
        model.headBlock().backward(dLogits, dCur);
        lap("head bwd");
        for (int k = model.layerBlocks().size() - 1; k >= 0; k--) {
            EncoderLayerBlock layer = model.layerBlocks().get(k);
            INDArray dR2 = buffers.get("dr2", n, hidden);
            layer.outputNorm.backward(dCur, dR2);
            INDArray dH1 = buffers.get("dh1", n, hidden);
            dH1.assign(dR2);
            lap("LN bwd + copies");
            layer.feedForward.backward(dR2, dH1);
            lap("feed-forward bwd");
            INDArray dR1 = buffers.get("dr1", n, hidden);
            layer.attentionNorm.backward(dH1, dR1);
            dNext.assign(dR1);
            lap("LN bwd + copies");
            layer.attention.backward(dR1, dNext);
            lap("attention bwd");
            INDArray tmp = dCur;
            dCur = dNext;
            dNext = tmp;
        }
        model.embeddingBlock().backward(dCur);
        lap("embeddings bwd");
        GradientClipping.clip(grads.values(), 1.0);
        lap("clip");
        adam.step(grads, 5e-5);
        lap("adamw");
    }
}
