package org.multitag.model.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.multitag.weights.BertConfig;
import org.multitag.weights.HfBertNames;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One gradient buffer per trainable parameter, in the storage layout of {@link BertWeights} (Linear weights
 * {@code [in, out]}, fused query/key/value {@code [H, 3H]}) plus the classifier's {@code [L, H]} and {@code [L]}
 * (and a layer mix's {@code [k]} and {@code [1]}).
 * Backward accumulates into them; {@link #zero()} once per step. Frozen parts have no buffer (null here, absent
 * from {@link #named()}).
 */
public final class Gradients implements AutoCloseable {

    private final BertConfig config;
    final INDArray word;        // [V, H]
    final INDArray position;    // [P, H]
    final INDArray type;        // [T_types, H]
    final INDArray embLnGamma;  // [H]
    final INDArray embLnBeta;   // [H]
    final List<BertWeights.Layer> layers; // null = frozen
    final INDArray classifierWeight; // [L, H]
    final INDArray classifierBias;   // [L]
    final INDArray mixScalars;       // [k], null without a layer mix
    final INDArray mixGamma;         // [1], null without a layer mix
    private final List<INDArray> owned = new ArrayList<>();
    private final Map<String, INDArray> named = new LinkedHashMap<>();

    Gradients(BertConfig config, int numLabels, Freeze freeze, int mixLayers) {
        this.config = config;
        int h = config.hiddenSize();
        int i = config.intermediateSize();
        if (freeze.embeddings()) {
            List<String> emb = HfBertNames.embeddingNames();
            word = own(emb.get(0), config.vocabSize(), h);
            position = own(emb.get(1), config.maxPositionEmbeddings(), h);
            type = own(emb.get(2), config.typeVocabSize(), h);
            embLnGamma = own(emb.get(3), h);
            embLnBeta = own(emb.get(4), h);
        } else {
            word = position = type = embLnGamma = embLnBeta = null;
        }
        List<BertWeights.Layer> ls = new ArrayList<>();
        int count = config.numHiddenLayers();
        for (int n = 0; n < count; n++) {
            if (!freeze.layerTrains(n, count)) {
                ls.add(null);
                continue;
            }
            BertWeights.Layer g = new BertWeights.Layer(own(null, h, 3L * h), own(null, 3L * h),
                    own(null, h, h), own(null, h), own(null, h), own(null, h),
                    own(null, h, i), own(null, i), own(null, i, h), own(null, h), own(null, h), own(null, h));
            named.putAll(g.hfViews(n, h));
            ls.add(g);
        }
        layers = Collections.unmodifiableList(ls);
        classifierWeight = own(HfBertNames.CLASSIFIER_WEIGHT, numLabels, h);
        classifierBias = own(HfBertNames.CLASSIFIER_BIAS, numLabels);
        mixScalars = mixLayers == 0 ? null : own(HfBertNames.LAYER_MIX_SCALARS, mixLayers);
        mixGamma = mixLayers == 0 ? null : own(HfBertNames.LAYER_MIX_GAMMA, 1);
    }

    private INDArray own(String hfName, long... shape) {
        INDArray a = Nd4j.zeros(DataType.FLOAT, shape);
        owned.add(a);
        if (hfName != null) {
            named.put(hfName, a);
        }
        return a;
    }

    /** The gradients of layer {@code n} in storage layout, or null when it is frozen. */
    public BertWeights.Layer layer(int n) {
        return layers.get(n);
    }

    /** Sets every gradient to 0: once per step, before backward (or before the first of accumulated micro-batches). */
    public void zero() {
        for (INDArray a : owned) {
            a.assign(0);
        }
    }

    /**
     * Every gradient under its canonical HF name (no {@code bert.} prefix) in HF's layout ({@code [out, in]}
     * for Linear weights, query/key/value separate, {@code classifier.weight [L, H]}), in state-dict order.
     * Views over the buffers, not copies; frozen parameters are absent.
     */
    public Map<String, INDArray> named() {
        return Collections.unmodifiableMap(named);
    }

    public BertConfig config() {
        return config;
    }

    @Override
    public void close() {
        owned.forEach(INDArray::close);
        owned.clear();
    }
}
