package org.multitag.train.model;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.multitag.model.NativeArrays;
import org.multitag.model.Parallel;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Single-thread CPU time of the training kernels at MiniLM's step size (B 16, T 128, 12 heads of 32, FFN 1536):
 * thread CPU time stays meaningful when other processes load the machine, where wall-clock step times don't.
 * Off by default; run with {@code -Dtest=KernelTiming -Dmultitag.bench=true}.
 */
@EnabledIfSystemProperty(named = "multitag.bench", matches = "true")
class KernelTiming {
    /** Wall time of the FFN's gemms (ND4J's OpenMP threads) in the three transpositions the blocks use. */
    @Test
    void gemms() {
        int n = 2048, in = 384, out = 1536;
        INDArray x = F32.zeros(n, in).addi(0.1);
        INDArray w = F32.zeros(in, out).addi(0.1);
        INDArray y = F32.zeros(n, out);
        INDArray dw = F32.zeros(in, out);
        INDArray dx = F32.zeros(n, in);
        double flop = 2.0 * n * in * out;
        for (int rep = 0; rep < 30; rep++) {
            long t0 = System.nanoTime();
            org.nd4j.linalg.factory.Nd4j.gemm(x, w, y, false, false, 1, 0);
            long t1 = System.nanoTime();
            org.nd4j.linalg.factory.Nd4j.gemm(x, y, dw, true, false, 1, 1);
            long t2 = System.nanoTime();
            org.nd4j.linalg.factory.Nd4j.gemm(y, w, dx, false, true, 1, 0);
            long t3 = System.nanoTime();
            org.nd4j.linalg.factory.Nd4j.gemm(y, w, dx, false, true, 1, 1);
            long t4 = System.nanoTime();
            if (rep >= 25) {
                System.out.printf("gemm x·W %.0f GFLOP/s, xT·dy %.0f, dy·WT %.0f, dy·WT beta=1 %.0f%n", flop / (t1 - t0),
                        flop / (t2 - t1), flop / (t3 - t2), flop / (t4 - t3));
            }
        }
    }

    @Test
    void elementwise() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        int n = 2048, h = 384, in = 1536;
        SplittableRandom r = new SplittableRandom(1);
        float[] v = new float[n * in];
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
        INDArray x = NativeArrays.of(v, n, in);
        INDArray gd = F32.zeros(n, in);
        INDArray y = NativeArrays.of(java.util.Arrays.copyOf(v, n * h), n, h);
        INDArray xh = F32.zeros(n, h);
        INDArray o = F32.zeros(n, h);
        INDArray dx = F32.zeros(n, h);
        INDArray bias = F32.zeros(in);
        INDArray db = F32.zeros(in);
        Dropout drop = new Dropout(0.1);
        try (Parallel par = new Parallel(1)) {
            LayerNormBlock ln1 = new LayerNormBlock(F32.zeros(h).addi(1), F32.zeros(h), F32.zeros(h), F32.zeros(h), 1e-12, par);
            Dense dense = new Dense(F32.zeros(h, in), bias, F32.zeros(h, in), db);
            for (int rep = 0; rep < 20; rep++) {
                long c0 = mx.getCurrentThreadCpuTime();
                Elementwise.gelu(x, gd, par, true);
                long c1 = mx.getCurrentThreadCpuTime();
                ln1.forward(y, o);
                long c2 = mx.getCurrentThreadCpuTime();
                ln1.backward(o, dx);
                long c3 = mx.getCurrentThreadCpuTime();
                F32.addColumnSums(x, db, par);
                long c4 = mx.getCurrentThreadCpuTime();
                drop.forward(x, new Pass(1, n * in, new int[] {n * in}, true, r), par);
                long c5 = mx.getCurrentThreadCpuTime();
                dense.forward(y, x, par);
                long c6 = mx.getCurrentThreadCpuTime();
                if (rep >= 15) {
                    System.out.printf("gelu[2048x1536] %.2f ms, ln fwd[2048x384] %.2f, ln bwd %.2f, colsums[2048x1536] %.2f, dropout[2048x1536] %.2f, dense(gemm+bias) %.2f%n",
                            (c1 - c0) / 1e6, (c2 - c1) / 1e6, (c3 - c2) / 1e6, (c4 - c3) / 1e6, (c5 - c4) / 1e6, (c6 - c5) / 1e6);
                }
            }
        }
    }

    @Test
    void attention() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        int b = 16, t = 128, heads = 12, d = 32, hd = heads * d, n = b * t;
        int[] lengths = new int[b];
        java.util.Arrays.fill(lengths, t);
        AttentionKernels.Shape s = new AttentionKernels.Shape(b, t, heads, d, lengths);
        SplittableRandom r = new SplittableRandom(1);
        float[] v = new float[n * 3 * hd];
        for (int i = 0; i < v.length; i++) v[i] = (float) r.nextGaussian();
        INDArray qkv = NativeArrays.of(v, n, 3L * hd);
        INDArray g = NativeArrays.of(java.util.Arrays.copyOf(v, n * hd), n, hd);
        boolean[] keep = new boolean[b * heads * t * t];
        for (int i = 0; i < keep.length; i++) keep[i] = r.nextDouble() >= 0.1;
        INDArray p = F32.zeros(b, heads, t, t);
        INDArray m = F32.zeros(n, hd);
        INDArray dq = F32.zeros(n, 3L * hd);
        double flop = 2.0 * b * heads * t * t * d;
        try (Parallel par = new Parallel(1)) {
            for (int rep = 0; rep < 30; rep++) {
                long c0 = mx.getCurrentThreadCpuTime();
                AttentionKernels.forward(F32.buf(qkv), s, 0.17f, (rep % 2 == 0 ? keep : null), 1.1f, F32.buf(p), F32.buf(m), par, true);
                long c1 = mx.getCurrentThreadCpuTime();
                AttentionKernels.backward(F32.buf(qkv), F32.buf(p), s, 0.17f, (rep % 2 == 0 ? keep : null), 1.1f, F32.buf(g), F32.buf(dq), par, true);
                long c2 = mx.getCurrentThreadCpuTime();
                if (rep >= 20) { System.out.print(rep % 2 == 0 ? "drop " : "none ");
                    System.out.printf("fwd %.1f ms cpu (%.1f GFLOP/s), bwd %.1f ms cpu (%.1f GFLOP/s)%n", (c1 - c0) / 1e6,
                            2 * flop / (c1 - c0), (c2 - c1) / 1e6, 4 * flop / (c2 - c1));
                }
            }
        }
    }
}
