package org.multitag.train.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.multitag.model.Erf;
import org.multitag.model.NativeArrays;
import org.multitag.model.Parallel;
import org.nd4j.linalg.api.ndarray.INDArray;

/** GELU (value and derivative) and the masked softmax, vector and scalar paths, against exact double math. */
class ElementwiseTest {

    @Test
    void vectorPathIsActiveUnderTheTestJvm() {
        org.junit.jupiter.api.Assumptions.assumeFalse(Boolean.getBoolean("multitag.scalarKernels"));
        assertTrue(Elementwise.VECTOR, "surefire runs with --add-modules jdk.incubator.vector");
    }

    @Test
    void geluAndDerivativeMatchExactMath() {
        int n = 20_001; // not a multiple of the block or vector size
        float[] u = new float[n];
        for (int i = 0; i < n; i++) {
            u[i] = -10f + 20f * i / (n - 1);
        }
        try (Parallel par = new Parallel(2)) {
            for (boolean vector : new boolean[] {false, true}) {
                INDArray x = NativeArrays.of(u.clone(), n);
                INDArray d = F32.zeros(n);
                Elementwise.gelu(x, d, par, vector && Elementwise.VECTOR);
                float[] g = NativeArrays.toFloats(x);
                float[] gd = NativeArrays.toFloats(d);
                double maxG = 0;
                double maxD = 0;
                for (int i = 0; i < n; i++) {
                    double cdf = 0.5 * (1 + Erf.erf(u[i] / Math.sqrt(2)));
                    double pdf = Math.exp(-0.5 * u[i] * u[i]) / Math.sqrt(2 * Math.PI);
                    maxG = Math.max(maxG, Math.abs(g[i] - u[i] * cdf) / Math.max(1, Math.abs(u[i])));
                    maxD = Math.max(maxD, Math.abs(gd[i] - (cdf + u[i] * pdf)));
                }
                System.out.printf("gelu (%s): max |err| value %.1e (relative to max(1,|u|)), derivative %.1e%n",
                        vector ? "vector" : "scalar", maxG, maxD);
                assertTrue(maxG < 1e-6 && maxD < 1e-6, maxG + " " + maxD);
            }
        }
    }

    /** The attention kernels' softmax over a row's real keys (padded keys must come out exactly 0). */
    @Test
    void maskedSoftmaxMatchesExactMath() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Elementwise.VECTOR, "Vector API not enabled");
        int t = 37;
        int padded = VectorMath.padded(t);
        int[] lens = {1, 5, 16, 17, 36, 37, 2, 3, 31, 32, 33, 37};
        SplittableRandom r = new SplittableRandom(3);
        double max = 0;
        for (int len : lens) {
            float[] s = new float[padded];
            for (int j = 0; j < t; j++) {
                s[j] = (float) (4 * r.nextGaussian());
            }
            float[] p = s.clone();
            VectorMath.softmax(p, 0, len, VectorMath.padded(len), new float[VectorMath.L]);
            double m = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < len; j++) {
                m = Math.max(m, s[j]);
            }
            double sum = 0;
            for (int j = 0; j < len; j++) {
                sum += Math.exp(s[j] - m);
            }
            for (int j = 0; j < VectorMath.padded(len); j++) {
                if (j >= len) {
                    assertEquals(0f, p[j], "masked key");
                } else {
                    max = Math.max(max, Math.abs(p[j] - Math.exp(s[j] - m) / sum));
                }
            }
        }
        System.out.printf("softmax (vector): max |err| %.1e%n", max);
        assertTrue(max < 1e-6, "softmax " + max);
    }
}
