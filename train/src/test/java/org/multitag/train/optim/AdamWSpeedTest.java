package org.multitag.train.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.multitag.model.kernels.KernelChoice;
import org.multitag.model.kernels.Parallel;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Time per AdamW step (and per clipping call) over all-MiniLM-L6-v2's 22.7 M parameters, laid out as
 * {@code BertWeights.parameters()} lays them out: embeddings row-major, Linear weights as transposed
 * {@code [in, out]} arrays, query/key/value as column blocks of one {@code [H, 3H]} matrix, transposed. The
 * gradients mirror those layouts (as a backward pass writing {@code [in, out]} gradients would), or are all
 * row-major ({@code -Dmultitag.bench.rowMajorGrads=true}); {@code -Dmultitag.bench.threads=2} updates large
 * tensors on 2 threads; {@code -Dmultitag.bench.kernels=nd4j} times the ND4J-op update and norm instead. Opt-in:
 * {@code mvn -pl train -am test -Dtest=AdamWSpeedTest -Dmultitag.bench=true -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@EnabledIfSystemProperty(named = "multitag.bench", matches = "true")
class AdamWSpeedTest {

    static final int H = 384;
    static final int I = 1536;
    static final int LAYERS = 6;

    /** Fills {@code params} (and the same layouts in {@code grads}) with MiniLM's tensors. */
    static void miniLm(Map<String, INDArray> params, Map<String, INDArray> grads, boolean rowMajorGrads) {
        plain(params, grads, "embeddings.word_embeddings.weight", 30522, H);
        plain(params, grads, "embeddings.position_embeddings.weight", 512, H);
        plain(params, grads, "embeddings.token_type_embeddings.weight", 2, H);
        plain(params, grads, "embeddings.LayerNorm.weight", H);
        plain(params, grads, "embeddings.LayerNorm.bias", H);
        for (int n = 0; n < LAYERS; n++) {
            String p = "encoder.layer." + n + ".";
            INDArray qkv = rand(H, 3 * H);
            INDArray qkvG = rand(H, 3 * H);
            INDArray qkvB = rand(3 * H);
            INDArray qkvBG = rand(3 * H);
            String[] parts = {"query", "key", "value"};
            for (int k = 0; k < 3; k++) {
                String w = p + "attention.self." + parts[k] + ".weight";
                String b = p + "attention.self." + parts[k] + ".bias";
                params.put(w, qkv.get(NDArrayIndex.all(), NDArrayIndex.interval(k * H, (k + 1) * H)).transpose());
                params.put(b, qkvB.get(NDArrayIndex.interval(k * H, (k + 1) * H)));
                grads.put(w, rowMajorGrads ? rand(H, H)
                        : qkvG.get(NDArrayIndex.all(), NDArrayIndex.interval(k * H, (k + 1) * H)).transpose());
                grads.put(b, qkvBG.get(NDArrayIndex.interval(k * H, (k + 1) * H)));
            }
            transposed(params, grads, p + "attention.output.dense.weight", H, H, rowMajorGrads);
            plain(params, grads, p + "attention.output.dense.bias", H);
            plain(params, grads, p + "attention.output.LayerNorm.weight", H);
            plain(params, grads, p + "attention.output.LayerNorm.bias", H);
            transposed(params, grads, p + "intermediate.dense.weight", I, H, rowMajorGrads);
            plain(params, grads, p + "intermediate.dense.bias", I);
            transposed(params, grads, p + "output.dense.weight", H, I, rowMajorGrads);
            plain(params, grads, p + "output.dense.bias", H);
            plain(params, grads, p + "output.LayerNorm.weight", H);
            plain(params, grads, p + "output.LayerNorm.bias", H);
        }
    }

    static INDArray rand(long... shape) {
        return Nd4j.rand(DataType.FLOAT, shape).subi(0.5);
    }

    static void plain(Map<String, INDArray> params, Map<String, INDArray> grads, String name, long... shape) {
        params.put(name, rand(shape));
        grads.put(name, rand(shape));
    }

    static void transposed(Map<String, INDArray> params, Map<String, INDArray> grads, String name, int out,
            int in, boolean rowMajorGrads) {
        params.put(name, rand(in, out).transpose());
        grads.put(name, rowMajorGrads ? rand(out, in) : rand(in, out).transpose());
    }

    @Test
    void stepTimeOverMiniLm() {
        boolean rowMajor = Boolean.getBoolean("multitag.bench.rowMajorGrads");
        Map<String, INDArray> params = new LinkedHashMap<>();
        Map<String, INDArray> grads = new LinkedHashMap<>();
        miniLm(params, grads, rowMajor);
        long n = params.values().stream().mapToLong(INDArray::length).sum();
        int threads = Integer.getInteger("multitag.bench.threads", 1);
        Parallel parallel = threads > 1 ? new Parallel(threads) : null;
        KernelChoice kernels = KernelChoice.parse(System.getProperty("multitag.bench.kernels", "java"));
        AdamW adam = new AdamW(params, 0.9, 0.999, 1e-8, 0.01, AdamW::decays, parallel, kernels);
        for (int i = 0; i < 3; i++) {
            adam.step(grads, 1e-5);
        }
        int reps = 20;
        java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
        long c0 = bean.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) {
            adam.step(grads, 1e-5);
        }
        double stepMs = (System.nanoTime() - t0) / 1e6 / reps;
        double stepCpuMs = (bean.getCurrentThreadCpuTime() - c0) / 1e6 / reps;
        long c1 = bean.getCurrentThreadCpuTime();
        long t1 = System.nanoTime();
        for (int i = 0; i < reps; i++) {
            GradientClipping.clip(grads.values(), 1e9, kernels);
        }
        double clipMs = (System.nanoTime() - t1) / 1e6 / reps;
        double clipCpuMs = (bean.getCurrentThreadCpuTime() - c1) / 1e6 / reps;
        System.out.printf("AdamW over %,d parameters (%s gradients, %s kernels, %d threads): %.1f ms/step (calling "
                + "thread's CPU %.1f ms); global norm %.1f ms (CPU %.1f ms)%n", n,
                rowMajor ? "row-major" : "parameter-layout", kernels.label(), threads, stepMs, stepCpuMs, clipMs, clipCpuMs);
        if (parallel != null) {
            parallel.close();
        }
        assertEquals(3 + reps, adam.steps());
    }
}
