package org.multitag.train.model;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.multitag.model.Batch;
import org.multitag.model.BertWeights;
import org.multitag.model.NativeArrays;
import org.multitag.weights.ImportedModel;
import org.multitag.weights.NamedModels;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Wall-clock time of one training step (zero gradients, forward with dropout, BCE gradient, backward) of
 * MiniLM-L6 + a 6-label head at batch 16 × 128 tokens. Off by default; run with
 * {@code -Dmultitag.bench=true}.
 */
@EnabledIfSystemProperty(named = "multitag.bench", matches = "true")
class TrainStepTiming {

    @Test
    void minilmStep() throws Exception {
        int b = Integer.getInteger("multitag.bench.batch", 16);
        int t = Integer.getInteger("multitag.bench.seq", 128);
        int labels = 6;
        ImportedModel m = NamedModels.fromEnvironment().importNamed("minilm-l6");
        try (BertWeights w = BertWeights.of(m.config(), m.weights())) {
            INDArray[] head = TrainableBert.newClassifier(m.config(), labels, 1);
            SplittableRandom r = new SplittableRandom(2);
            int[][] ids = new int[b][t];
            int[][] types = new int[b][t];
            int[] lengths = new int[b];
            for (int i = 0; i < b; i++) {
                lengths[i] = i == 0 ? t : t / 2 + r.nextInt(t / 2 + 1);
                for (int j = 0; j < lengths[i]; j++) {
                    ids[i][j] = 1000 + r.nextInt(20000);
                }
            }
            Batch batch = new Batch(ids, types, lengths);
            float[] dz = new float[b * t * labels];
            for (int i = 0; i < dz.length; i++) {
                dz[i] = (float) (r.nextGaussian() * 1e-4);
            }
            INDArray dLogits = NativeArrays.of(dz, (long) b * t, labels);
            int threads = Runtime.getRuntime().availableProcessors();
            try (TrainableBert model = new TrainableBert(w, head[0], head[1], Freeze.none(), threads)) {
                for (int step = 0; step < 6; step++) {
                    long t0 = System.nanoTime();
                    model.zeroGradients();
                    long t1 = System.nanoTime();
                    model.forward(batch, true, new SplittableRandom(step));
                    long t2 = System.nanoTime();
                    model.backward(dLogits);
                    long t3 = System.nanoTime();
                    System.out.printf("step %d (B %d x T %d, %d threads): %.0f ms = zero %.0f + forward %.0f + backward %.0f%n",
                            step, b, t, threads, (t3 - t0) / 1e6, (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6);
                }
            }
            head[0].close();
            head[1].close();
        }
    }
}
