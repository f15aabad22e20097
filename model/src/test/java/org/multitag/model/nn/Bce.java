package org.multitag.model.nn;

/**
 * Test-only binary cross-entropy on logits, averaged over labelled tokens × labels (the training loss), in
 * double: {@code ℓ = max(z, 0) − z·y + log(1 + e^(−|z|))}, {@code dℓ/dz = (σ(z) − y) / (tokens·L)}.
 */
final class Bce {

    private Bce() {}

    /** The loss of logits [N·L] for targets [N·L] over rows whose mask is set. */
    static double loss(double[] z, float[] y, boolean[] mask, int labels) {
        double sum = 0;
        int count = 0;
        for (int r = 0; r < mask.length; r++) {
            if (!mask[r]) {
                continue;
            }
            count++;
            for (int l = 0; l < labels; l++) {
                double v = z[r * labels + l];
                sum += Math.max(v, 0) - v * y[r * labels + l] + Math.log1p(Math.exp(-Math.abs(v)));
            }
        }
        return sum / ((double) count * labels);
    }

    /** dLoss/dz, zero on unlabelled rows. */
    static float[] grad(double[] z, float[] y, boolean[] mask, int labels) {
        int count = 0;
        for (boolean m : mask) {
            count += m ? 1 : 0;
        }
        float[] g = new float[z.length];
        for (int r = 0; r < mask.length; r++) {
            if (!mask[r]) {
                continue;
            }
            for (int l = 0; l < labels; l++) {
                double s = 1 / (1 + Math.exp(-z[r * labels + l]));
                g[r * labels + l] = (float) ((s - y[r * labels + l]) / ((double) count * labels));
            }
        }
        return g;
    }
}
