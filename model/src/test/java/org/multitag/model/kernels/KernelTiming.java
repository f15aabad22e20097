package org.multitag.model.kernels;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Single-thread CPU time of the kernels at MiniLM's step size (B 16, T 128, 12 heads of 32, FFN 1536): thread CPU
 * time stays meaningful when other processes load the machine, where wall-clock step times don't; and the gemms'
 * wall time in the transpositions the blocks use. Off by default; run with {@code -Dtest=KernelTiming
 * -Dmultitag.bench=true}.
 */
@EnabledIfSystemProperty(named = "multitag.bench", matches = "true")
class KernelTiming {

    static INDArray random(SplittableRandom r, long... shape) {
        INDArray a = Nd4j.zeros(DataType.FLOAT, shape);
        float[] v = new float[(int) a.length()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return NativeArrays.of(v, shape);
    }

    /** Wall time of the FFN's gemms (ND4J's OpenMP threads) in the three transpositions the blocks use. */
    @Test
    void gemms() {
        int n = 2048;
        int in = 384;
        int out = 1536;
        SplittableRandom r = new SplittableRandom(1);
        INDArray x = random(r, n, in);
        INDArray w = random(r, in, out);
        INDArray y = Nd4j.zeros(DataType.FLOAT, n, out);
        INDArray dw = Nd4j.zeros(DataType.FLOAT, in, out);
        INDArray dx = Nd4j.zeros(DataType.FLOAT, n, in);
        double flop = 2.0 * n * in * out;
        try (Kernels k = Kernels.create(2)) {
            for (int rep = 0; rep < 30; rep++) {
                long t0 = System.nanoTime();
                k.gemm(x, w, y, false, false, 1, 0);
                long t1 = System.nanoTime();
                k.gemm(x, y, dw, true, false, 1, 1);
                long t2 = System.nanoTime();
                k.gemm(y, w, dx, false, true, 1, 0);
                long t3 = System.nanoTime();
                if (rep >= 25) {
                    System.out.printf("gemm x·W %.0f GFLOP/s, xᵀ·dy %.0f, dy·Wᵀ %.0f%n", flop / (t1 - t0),
                            flop / (t2 - t1), flop / (t3 - t2));
                }
            }
        }
    }

    @Test
    void elementwise() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        int n = 2048;
        int h = 384;
        int in = 1536;
        SplittableRandom r = new SplittableRandom(1);
        INDArray x = random(r, n, in);
        INDArray gd = Nd4j.zeros(DataType.FLOAT, n, in);
        INDArray y = random(r, n, h);
        INDArray res = random(r, n, h);
        INDArray o = Nd4j.zeros(DataType.FLOAT, n, h);
        INDArray xh = Nd4j.zeros(DataType.FLOAT, n, h);
        INDArray rs = Nd4j.zeros(DataType.FLOAT, n);
        INDArray dx = Nd4j.zeros(DataType.FLOAT, n, h);
        INDArray g = Nd4j.zeros(DataType.FLOAT, h).addi(1);
        INDArray be = Nd4j.zeros(DataType.FLOAT, h);
        INDArray dg = Nd4j.zeros(DataType.FLOAT, h);
        INDArray db = Nd4j.zeros(DataType.FLOAT, h);
        INDArray bias = Nd4j.zeros(DataType.FLOAT, in);
        INDArray dbias = Nd4j.zeros(DataType.FLOAT, in);
        try (Kernels k = Kernels.create(1)) {
            DropoutMask mask = null;
            for (int rep = 0; rep < 20; rep++) {
                long c0 = mx.getCurrentThreadCpuTime();
                k.biasActivation(x, bias, Activation.GELU, gd);
                long c1 = mx.getCurrentThreadCpuTime();
                k.layerNorm(y, null, res, g, be, 1e-12f, o, xh, rs);
                long c2 = mx.getCurrentThreadCpuTime();
                k.layerNormBackward(o, xh, rs, g, dx, dg, db);
                long c3 = mx.getCurrentThreadCpuTime();
                k.addColumnSums(x, null, dbias);
                long c4 = mx.getCurrentThreadCpuTime();
                mask = k.dropoutMask(mask, rep, 0.1f, (int) x.length());
                k.dropout(x, mask, x);
                long c5 = mx.getCurrentThreadCpuTime();
                if (rep >= 15) {
                    System.out.printf("bias+gelu'[2048x1536] %.2f ms, ln fwd[2048x384] %.2f, ln bwd %.2f, "
                            + "colsums[2048x1536] %.2f, dropout[2048x1536] %.2f%n", (c1 - c0) / 1e6, (c2 - c1) / 1e6,
                            (c3 - c2) / 1e6, (c4 - c3) / 1e6, (c5 - c4) / 1e6);
                }
            }
        }
    }

    @Test
    void attention() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        int b = 16;
        int t = 128;
        int heads = 12;
        int d = 32;
        int hd = heads * d;
        int n = b * t;
        int[] lengths = new int[b];
        java.util.Arrays.fill(lengths, t);
        AttentionShape s = AttentionShape.ofLengths(lengths, t, heads, d);
        SplittableRandom r = new SplittableRandom(1);
        INDArray qkv = random(r, n, 3L * hd);
        INDArray bias = random(r, 3L * hd);
        INDArray g = random(r, n, hd);
        INDArray p = Nd4j.zeros(DataType.FLOAT, b, heads, t, t);
        INDArray m = Nd4j.zeros(DataType.FLOAT, n, hd);
        INDArray dq = Nd4j.zeros(DataType.FLOAT, n, 3L * hd);
        double flop = 2.0 * b * heads * t * t * d;
        try (Kernels k = Kernels.create(1)) {
            DropoutMask keep = k.dropoutMask(null, 3, 0.1f, s.probsLength());
            for (int rep = 0; rep < 30; rep++) {
                DropoutMask mask = rep % 2 == 0 ? keep : null;
                long c0 = mx.getCurrentThreadCpuTime();
                k.attention(qkv, bias, s, mask, p, m);
                long c1 = mx.getCurrentThreadCpuTime();
                k.attentionBackward(qkv, bias, p, s, mask, g, dq);
                long c2 = mx.getCurrentThreadCpuTime();
                if (rep >= 20) {
                    System.out.printf("%s fwd %.1f ms cpu (%.1f GFLOP/s), bwd %.1f ms cpu (%.1f GFLOP/s)%n",
                            mask != null ? "dropout" : "none   ", (c1 - c0) / 1e6, 2 * flop / (c1 - c0),
                            (c2 - c1) / 1e6, 4 * flop / (c2 - c1));
                }
            }
        }
    }
}
