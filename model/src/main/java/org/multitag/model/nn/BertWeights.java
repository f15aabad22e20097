package org.multitag.model.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.multitag.model.kernels.NativeArrays;
import org.multitag.weights.BertConfig;
import org.multitag.weights.HfBertNames;
import org.multitag.weights.StateDict;
import org.multitag.weights.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The encoder's parameters as native float32 arrays. Linear weights are stored transposed, {@code [in, out]}
 * (Hugging Face keeps {@code [out, in]}): oneDNN's gemm runs 25–40 % faster on small batches without the
 * transpose flag. Query, key and value are one {@code [H, 3H]} matrix so one gemm computes all three.
 * {@link #parameters()} names every tensor under its HF name in HF's layout (transposed views); {@link
 * HfBertNames} spells every name.
 */
public final class BertWeights implements AutoCloseable {

    /** One encoder layer's tensors in storage layout (also the layout of their gradients). */
    public record Layer(
            INDArray qkvWeight,     // [H, 3H]  columns: query, key, value
            INDArray qkvBias,       // [3H]
            INDArray attnOutWeight, // [H, H]   [in, out]
            INDArray attnOutBias,   // [H]
            INDArray attnLnGamma,   // [H]
            INDArray attnLnBeta,    // [H]
            INDArray interWeight,   // [H, I]   [in, out]
            INDArray interBias,     // [I]
            INDArray outWeight,     // [I, H]   [in, out]
            INDArray outBias,       // [H]
            INDArray outLnGamma,    // [H]
            INDArray outLnBeta) {   // [H]

        /** The tensors in record order. */
        public List<INDArray> tensors() {
            return List.of(qkvWeight, qkvBias, attnOutWeight, attnOutBias, attnLnGamma, attnLnBeta, interWeight,
                    interBias, outWeight, outBias, outLnGamma, outLnBeta);
        }

        /**
         * The names of layer {@code n}'s tensors in record order: {@link HfBertNames#fusedQkvName} for the fused
         * query/key/value, the HF names for the rest.
         */
        public static List<String> names(int n) {
            List<String> hf = HfBertNames.layerNames(n);
            List<String> out = new ArrayList<>(List.of(HfBertNames.fusedQkvName(n, false),
                    HfBertNames.fusedQkvName(n, true)));
            out.addAll(hf.subList(QKV_ROWS, hf.size()));
            return out;
        }

        /**
         * Every tensor of layer {@code n} under its HF name in HF's layout, in state-dict order: views over this
         * layer's storage (query/key/value as slices of the fused tensors, Linear weights transposed).
         */
        Map<String, INDArray> hfViews(int n, int h) {
            List<String> hf = HfBertNames.layerNames(n);
            Map<String, INDArray> m = new LinkedHashMap<>();
            for (int k = 0; k < 3; k++) {
                m.put(hf.get(2 * k), qkvWeight.get(NDArrayIndex.all(),
                        NDArrayIndex.interval((long) k * h, (long) (k + 1) * h)).transpose());
                m.put(hf.get(2 * k + 1), qkvBias.get(NDArrayIndex.interval((long) k * h, (long) (k + 1) * h)));
            }
            List<INDArray> rest = tensors().subList(2, 12);
            for (int i = 0; i < rest.size(); i++) {
                INDArray a = rest.get(i);
                // the Linear weights (attention output, intermediate, output) are kept [in, out]
                m.put(hf.get(QKV_ROWS + i), a.rank() == 2 ? a.transpose() : a);
            }
            return m;
        }
    }

    /** Rows of {@link HfBertNames#layerNames} for query, key and value (weight and bias each). */
    private static final int QKV_ROWS = 6;

    private final BertConfig config;
    private final INDArray wordEmbeddings;     // [V, H]
    private final INDArray positionEmbeddings; // [P, H]
    private final INDArray typeEmbeddings;     // [T, H]
    private final INDArray embLnGamma;         // [H]
    private final INDArray embLnBeta;          // [H]
    private final List<Layer> layers;
    private final Map<String, INDArray> parameters = new LinkedHashMap<>();
    private final List<INDArray> owned = new ArrayList<>();

    private BertWeights(BertConfig config, StateDict sd) {
        this.config = config;
        int h = config.hiddenSize();
        int inter = config.intermediateSize();
        List<String> emb = HfBertNames.embeddingNames();
        this.wordEmbeddings = load(sd, emb.get(0), config.vocabSize(), h);
        this.positionEmbeddings = load(sd, emb.get(1), config.maxPositionEmbeddings(), h);
        this.typeEmbeddings = load(sd, emb.get(2), config.typeVocabSize(), h);
        this.embLnGamma = load(sd, emb.get(3), h);
        this.embLnBeta = load(sd, emb.get(4), h);
        for (int i = 0; i < emb.size(); i++) {
            parameters.put(emb.get(i), embeddingTensors().get(i));
        }
        List<Layer> ls = new ArrayList<>();
        for (int n = 0; n < config.numHiddenLayers(); n++) {
            List<String> hf = HfBertNames.layerNames(n);
            // [H, 3H]: column block k holds the transpose of query / key / value
            float[] qkvW = new float[3 * h * h];
            float[] qkvB = new float[3 * h];
            for (int k = 0; k < 3; k++) {
                float[] w = tensor(sd, hf.get(2 * k), h, h).toFloat32();
                for (int o = 0; o < h; o++) {
                    for (int in = 0; in < h; in++) {
                        qkvW[in * 3 * h + k * h + o] = w[o * h + in];
                    }
                }
                System.arraycopy(tensor(sd, hf.get(2 * k + 1), h).toFloat32(), 0, qkvB, k * h, h);
            }
            Layer layer = new Layer(own(NativeArrays.of(qkvW, h, 3L * h)), own(NativeArrays.of(qkvB, 3L * h)),
                    loadTransposed(sd, hf.get(6), h, h), load(sd, hf.get(7), h),
                    load(sd, hf.get(8), h), load(sd, hf.get(9), h),
                    loadTransposed(sd, hf.get(10), inter, h), load(sd, hf.get(11), inter),
                    loadTransposed(sd, hf.get(12), h, inter), load(sd, hf.get(13), h),
                    load(sd, hf.get(14), h), load(sd, hf.get(15), h));
            ls.add(layer);
            parameters.putAll(layer.hfViews(n, h));
        }
        this.layers = Collections.unmodifiableList(ls);
    }

    /**
     * The encoder weights of a state dict with canonical HF names (no {@code bert.} prefix; a prefixed dict
     * is accepted too). A missing tensor or a wrong shape is an error naming the tensor.
     */
    public static BertWeights of(BertConfig config, StateDict stateDict) {
        return new BertWeights(config, canonical(stateDict));
    }

    private static StateDict canonical(StateDict sd) {
        StateDict out = new StateDict();
        for (Tensor t : sd.tensors()) {
            String c = HfBertNames.canonical(t.name());
            out.put(c.equals(t.name()) ? t : t.renamed(c));
        }
        return out;
    }

    private INDArray own(INDArray a) {
        owned.add(a);
        return a;
    }

    private static Tensor tensor(StateDict sd, String name, long... shape) {
        Tensor t = sd.get(name);
        if (t == null) {
            throw new IllegalArgumentException("missing tensor " + name);
        }
        long[] actual = new long[t.rank()];
        for (int i = 0; i < actual.length; i++) {
            actual[i] = t.dim(i);
        }
        if (!java.util.Arrays.equals(actual, shape)) {
            throw new IllegalArgumentException("tensor " + name + " has shape " + java.util.Arrays.toString(actual)
                    + ", the config needs " + java.util.Arrays.toString(shape));
        }
        return t;
    }

    /** A tensor kept as the file has it (embeddings, biases, LayerNorm). */
    private INDArray load(StateDict sd, String name, long... shape) {
        return own(NativeArrays.of(tensor(sd, name, shape).toFloat32(), shape));
    }

    /** A Linear weight stored {@code [out, in]} in the file, kept as {@code [in, out]}. */
    private INDArray loadTransposed(StateDict sd, String name, int out, int in) {
        float[] w = tensor(sd, name, out, in).toFloat32();
        float[] t = new float[w.length];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                t[i * out + o] = w[o * in + i];
            }
        }
        return own(NativeArrays.of(t, in, out));
    }

    public BertConfig config() {
        return config;
    }

    public INDArray wordEmbeddings() {
        return wordEmbeddings;
    }

    public INDArray positionEmbeddings() {
        return positionEmbeddings;
    }

    public INDArray typeEmbeddings() {
        return typeEmbeddings;
    }

    public INDArray embLnGamma() {
        return embLnGamma;
    }

    public INDArray embLnBeta() {
        return embLnBeta;
    }

    /** The embedding tensors in {@link HfBertNames#embeddingNames()} order. */
    public List<INDArray> embeddingTensors() {
        return List.of(wordEmbeddings, positionEmbeddings, typeEmbeddings, embLnGamma, embLnBeta);
    }

    public List<Layer> layers() {
        return layers;
    }

    /** Every parameter under its canonical HF name, in HF state-dict order (views, not copies). */
    public Map<String, INDArray> parameters() {
        return Collections.unmodifiableMap(parameters);
    }

    @Override
    public void close() {
        for (INDArray a : owned) {
            a.close();
        }
        owned.clear();
    }
}
