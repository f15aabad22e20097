package org.multitag.train.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.multitag.model.BertWeights;
import org.multitag.weights.BertConfig;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * One gradient buffer per trainable parameter, in the storage layout of {@link BertWeights} (Linear weights
 * {@code [in, out]}, fused query/key/value {@code [H, 3H]}) plus the classifier's {@code [L, H]} and
 * {@code [L]}. Backward accumulates into them; {@link #zero()} once per step. Frozen parts have no buffer
 * (null here, absent from {@link #named()}).
 */
public final class Gradients implements AutoCloseable {

    private final BertConfig config;
    final INDArray word;        // [V, H]
    final INDArray position;    // [P, H]
    final INDArray type;        // [T_types, H]
    final INDArray embLnGamma;  // [H]
    final INDArray embLnBeta;   // [H]
    final List<BertWeights.Layer> layers; // gradient arrays in the Layer record's shapes; null = frozen
    final INDArray classifierWeight; // [L, H]
    final INDArray classifierBias;   // [L]
    private final List<INDArray> owned = new ArrayList<>();
    private final Map<String, INDArray> named = new LinkedHashMap<>();

    Gradients(BertConfig config, int numLabels, Freeze freeze) {
        this.config = config;
        int h = config.hiddenSize();
        int i = config.intermediateSize();
        if (freeze.embeddings()) {
            word = own("embeddings.word_embeddings.weight", config.vocabSize(), h);
            position = own("embeddings.position_embeddings.weight", config.maxPositionEmbeddings(), h);
            type = own("embeddings.token_type_embeddings.weight", config.typeVocabSize(), h);
            embLnGamma = own("embeddings.LayerNorm.weight", h);
            embLnBeta = own("embeddings.LayerNorm.bias", h);
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
            String p = "encoder.layer." + n + ".";
            INDArray qkvW = own(null, h, 3L * h);
            INDArray qkvB = own(null, 3L * h);
            String[] parts = {"query", "key", "value"};
            for (int k = 0; k < 3; k++) {
                named.put(p + "attention.self." + parts[k] + ".weight",
                        qkvW.get(NDArrayIndex.all(), NDArrayIndex.interval((long) k * h, (long) (k + 1) * h)).transpose());
                named.put(p + "attention.self." + parts[k] + ".bias",
                        qkvB.get(NDArrayIndex.interval((long) k * h, (long) (k + 1) * h)));
            }
            ls.add(new BertWeights.Layer(qkvW, qkvB,
                    ownTransposed(p + "attention.output.dense.weight", h, h),
                    own(p + "attention.output.dense.bias", h),
                    own(p + "attention.output.LayerNorm.weight", h),
                    own(p + "attention.output.LayerNorm.bias", h),
                    ownTransposed(p + "intermediate.dense.weight", h, i),
                    own(p + "intermediate.dense.bias", i),
                    ownTransposed(p + "output.dense.weight", i, h),
                    own(p + "output.dense.bias", h),
                    own(p + "output.LayerNorm.weight", h),
                    own(p + "output.LayerNorm.bias", h)));
        }
        layers = Collections.unmodifiableList(ls);
        classifierWeight = own("classifier.weight", numLabels, h);
        classifierBias = own("classifier.bias", numLabels);
    }

    private INDArray own(String hfName, long... shape) {
        INDArray a = F32.zeros(shape);
        owned.add(a);
        if (hfName != null) {
            named.put(hfName, a);
        }
        return a;
    }

    /** A Linear weight gradient kept {@code [in, out]}, named as HF's {@code [out, in]} (a transposed view). */
    private INDArray ownTransposed(String hfName, long in, long out) {
        INDArray a = own(null, in, out);
        named.put(hfName, a.transpose());
        return a;
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

    /** The gradients in storage layout, the arrays that {@link BertWeights} mirrors; trainable only. */
    List<INDArray> buffers() {
        return Collections.unmodifiableList(owned);
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
