package org.multitag.model;

import java.util.List;
import org.multitag.model.kernels.NativeArrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The token head of {@code BertForTokenClassification} read as multi-label: one logit per label per token
 * ({@code logits = hidden · Wᵀ + b}, W {@code [L, H]}), an independent sigmoid per label (never a softmax),
 * and a threshold per label deciding the label set. The logits themselves come from {@link
 * org.multitag.model.nn.TokenClassifier}, the one forward path.
 */
public final class MultiLabelHead implements AutoCloseable {

    private final List<String> labels;
    private final INDArray weight; // [L, H]
    private final INDArray bias;   // [L]
    private final INDArray[] layerMix; // null, or {softmax logits [k], scale [1]}
    private Thresholds thresholds;

    public MultiLabelHead(List<String> labels, INDArray weight, INDArray bias, Thresholds thresholds) {
        this(labels, weight, bias, null, thresholds);
    }

    /**
     * A head reading a learned mix of the top layers ({@code layerMix}: the softmax logits {@code [k]} and the scale
     * {@code [1]}; null: the last layer alone, as Hugging Face's head).
     */
    public MultiLabelHead(List<String> labels, INDArray weight, INDArray bias, INDArray[] layerMix,
            Thresholds thresholds) {
        if (labels.isEmpty()) {
            throw new IllegalArgumentException("a head needs at least one label");
        }
        if (weight.rank() != 2 || weight.size(0) != labels.size() || bias.length() != labels.size()) {
            throw new IllegalArgumentException("classifier shapes " + java.util.Arrays.toString(weight.shape()) + " / "
                    + java.util.Arrays.toString(bias.shape()) + " do not fit " + labels.size() + " labels");
        }
        this.labels = List.copyOf(labels);
        this.weight = weight;
        this.bias = bias;
        this.layerMix = layerMix == null ? null : layerMix.clone();
        this.thresholds = thresholds;
    }

    public List<String> labels() {
        return labels;
    }

    public int numLabels() {
        return labels.size();
    }

    public INDArray weight() {
        return weight;
    }

    public INDArray bias() {
        return bias;
    }

    /** The layer mix the head reads ({softmax logits [k], scale [1]}), or null for the last layer alone. */
    public INDArray[] layerMix() {
        return layerMix == null ? null : layerMix.clone();
    }

    public Thresholds thresholds() {
        return thresholds;
    }

    /**
     * Replaces the thresholds {@link #decide} uses. A {@link MultiLabelTagger} already built keeps the decoder it
     * was made with; give a new tagger a {@code Decoder} to tag at other thresholds.
     */
    public void setThresholds(Thresholds thresholds) {
        if (!thresholds.labels().equals(labels)) {
            throw new IllegalArgumentException("thresholds are for other labels");
        }
        this.thresholds = thresholds;
    }

    /** The logistic sigmoid, stable for large |x|. */
    public static float sigmoid(float x) {
        return x >= 0 ? (float) (1 / (1 + Math.exp(-x))) : (float) (Math.exp(x) / (1 + Math.exp(x)));
    }

    /** Per-label probabilities of logits {@code [N, L]} as Java rows. */
    public static float[][] probabilities(INDArray logits) {
        int n = (int) logits.size(0);
        int l = (int) logits.size(1);
        float[] v = NativeArrays.toFloats(logits);
        float[][] p = new float[n][l];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < l; j++) {
                p[i][j] = sigmoid(v[i * l + j]);
            }
        }
        return p;
    }

    /** The label ids a probability row selects: those at or over their thresholds. */
    public int[] decide(float[] probabilities) {
        return java.util.stream.IntStream.range(0, labels.size())
                .filter(j -> probabilities[j] >= thresholds.get(j)).toArray();
    }

    @Override
    public void close() {
        weight.close();
        bias.close();
        if (layerMix != null) {
            layerMix[0].close();
            layerMix[1].close();
        }
    }
}
