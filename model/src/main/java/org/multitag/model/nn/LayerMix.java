package org.multitag.model.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A learned scalar mix of the top {@code k} layers' outputs (UDify, Stanza), what the token head reads instead of
 * the last layer alone:
 * <pre>
 *   w   = softmax(s)                              [k]        s learned, starts at 0 (an even mix)
 *   mix = γ · Σ_j w_j · h_(first + j)              [N, H]     γ learned, starts at 1
 *   backward: dh_j += γ·w_j·dmix;  dγ += ⟨dmix, h̄⟩;  ds_j += γ·w_j·(⟨dmix, h_j⟩ − ⟨dmix, h̄⟩),  h̄ = mix / γ
 * </pre>
 * The layers' outputs are added as the encoder produces them, so the inference forward (which overwrites each
 * layer's input) needs no copies; a pass that saves keeps references to them (the layers' saved outputs).
 */
final class LayerMix implements AutoCloseable {

    final int first;
    final INDArray scalars; // [k]
    final INDArray gamma;   // [1]
    private final INDArray[] outputs;
    private final Buffers saved = new Buffers();
    private float[] w;
    private float g;
    private INDArray mixed;

    LayerMix(int first, INDArray scalars, INDArray gamma) {
        this.first = first;
        this.scalars = scalars;
        this.gamma = gamma;
        this.outputs = new INDArray[(int) scalars.length()];
    }

    int size() {
        return outputs.length;
    }

    /** Starts a forward: the weights of this pass, the mix at 0. */
    void begin(long n, long h, Pass pass, Compute c) {
        float[] s = scalars.toFloatVector();
        double max = Double.NEGATIVE_INFINITY;
        for (float v : s) {
            max = Math.max(max, v);
        }
        double sum = 0;
        w = new float[s.length];
        for (int j = 0; j < s.length; j++) {
            w[j] = (float) Math.exp(s[j] - max);
            sum += w[j];
        }
        for (int j = 0; j < s.length; j++) {
            w[j] = (float) (w[j] / sum);
        }
        g = gamma.getFloat(0);
        mixed = c.output(pass, saved, "mix", n, h);
        mixed.assign(0);
        java.util.Arrays.fill(outputs, null);
    }

    /** Adds layer {@code layer}'s output (when it is mixed); keeps it for backward when the pass saves. */
    void add(int layer, INDArray out, Pass pass) {
        int j = layer - first;
        if (j < 0 || j >= outputs.length) {
            return;
        }
        Nd4j.getBlasWrapper().level1().axpy(out.length(), g * w[j], out, mixed);
        outputs[j] = pass.saves() ? out : null;
    }

    INDArray mixed() {
        return mixed;
    }

    /** Adds {@code dmix}'s share of layer {@code layer} into {@code dOut}, the gradient of that layer's output. */
    void addLayerGradient(int layer, INDArray dMix, INDArray dOut) {
        int j = layer - first;
        if (j >= 0 && j < outputs.length) {
            Nd4j.getBlasWrapper().level1().axpy(dOut.length(), g * w[j], dMix, dOut);
        }
    }

    /** Accumulates the gradients of the scalars and γ from {@code dmix} (before the encoder's backward). */
    void backward(INDArray dMix, INDArray dScalars, INDArray dGamma) {
        double[] dots = new double[outputs.length];
        double mean = 0;
        for (int j = 0; j < outputs.length; j++) {
            dots[j] = Nd4j.getBlasWrapper().dot(dMix, outputs[j]);
            mean += w[j] * dots[j];
        }
        for (int j = 0; j < outputs.length; j++) {
            dScalars.putScalar(j, dScalars.getFloat(j) + (float) (g * w[j] * (dots[j] - mean)));
        }
        dGamma.putScalar(0, dGamma.getFloat(0) + (float) mean);
    }

    /** New mix parameters: the even mix, γ = 1. */
    static INDArray[] initial(int k) {
        return new INDArray[] {Nd4j.zeros(DataType.FLOAT, k), Nd4j.ones(DataType.FLOAT, 1)};
    }

    @Override
    public void close() {
        saved.close();
    }
}
