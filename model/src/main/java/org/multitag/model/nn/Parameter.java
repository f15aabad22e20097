package org.multitag.model.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One trainable tensor and its gradient, both in storage layout (the arrays the forward reads and the
 * backward accumulates into), for elementwise optimizers that update {@code value} in place.
 *
 * @param name the Hugging Face name, except for the fused query/key/value tensors, named
 *     {@code encoder.layer.N.attention.self.qkv.weight} ({@code [H, 3H]}) and {@code ….qkv.bias} ({@code [3H]})
 * @param value the parameter; Linear weights are {@code [in, out]} (transposed from HF), the classifier
 *     weight is {@code [L, H]} as in HF
 * @param grad same shape and layout as {@code value}
 * @param weightDecay false for biases and LayerNorm weights (the usual AdamW exclusions), true otherwise
 */
public record Parameter(String name, INDArray value, INDArray grad, boolean weightDecay) {

    static Parameter of(String name, INDArray value, INDArray grad) {
        boolean decay = !(name.endsWith(".bias") || name.contains("LayerNorm"));
        return new Parameter(name, value, grad, decay);
    }
}
