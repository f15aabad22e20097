package org.multitag.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * {@link #parameters()} names every tensor under its HF name in HF's layout (transposed views).
 */
public final class BertWeights implements AutoCloseable {

    /** One encoder layer. */
    public record Layer(
            INDArray qkvWeight,   // [H, 3H]  columns: query, key, value
            INDArray qkvBias,     // [3H]
            INDArray attnOutWeight, // [H, H]   [in, out]
            INDArray attnOutBias,   // [H]
            INDArray attnLnGamma,   // [H]
            INDArray attnLnBeta,    // [H]
            INDArray interWeight,   // [H, I]   [in, out]
            INDArray interBias,     // [I]
            INDArray outWeight,     // [I, H]   [in, out]
            INDArray outBias,       // [H]
            INDArray outLnGamma,    // [H]
            INDArray outLnBeta) {}  // [H]

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
        this.wordEmbeddings = load(sd, "embeddings.word_embeddings.weight", config.vocabSize(), h);
        this.positionEmbeddings = load(sd, "embeddings.position_embeddings.weight", config.maxPositionEmbeddings(), h);
        this.typeEmbeddings = load(sd, "embeddings.token_type_embeddings.weight", config.typeVocabSize(), h);
        this.embLnGamma = load(sd, "embeddings.LayerNorm.weight", h);
        this.embLnBeta = load(sd, "embeddings.LayerNorm.bias", h);
        List<Layer> ls = new ArrayList<>();
        for (int n = 0; n < config.numHiddenLayers(); n++) {
            String p = "encoder.layer." + n + ".";
            int i = config.intermediateSize();
            // [H, 3H]: column block k holds the transpose of query / key / value
            float[] qkvW = new float[3 * h * h];
            float[] qkvB = new float[3 * h];
            String[] parts = {"query", "key", "value"};
            for (int k = 0; k < 3; k++) {
                float[] w = tensor(sd, p + "attention.self." + parts[k] + ".weight", h, h).toFloat32();
                for (int o = 0; o < h; o++) {
                    for (int in = 0; in < h; in++) {
                        qkvW[in * 3 * h + k * h + o] = w[o * h + in];
                    }
                }
                System.arraycopy(tensor(sd, p + "attention.self." + parts[k] + ".bias", h).toFloat32(), 0, qkvB,
                        k * h, h);
            }
            INDArray qkvWeight = own(NativeArrays.of(qkvW, h, 3L * h));
            INDArray qkvBias = own(NativeArrays.of(qkvB, 3L * h));
            for (int k = 0; k < 3; k++) {
                parameters.put(p + "attention.self." + parts[k] + ".weight",
                        qkvWeight.get(NDArrayIndex.all(), NDArrayIndex.interval((long) k * h, (long) (k + 1) * h))
                                .transpose());
                parameters.put(p + "attention.self." + parts[k] + ".bias",
                        qkvBias.get(NDArrayIndex.interval((long) k * h, (long) (k + 1) * h)));
            }
            ls.add(new Layer(qkvWeight, qkvBias,
                    loadTransposed(sd, p + "attention.output.dense.weight", h, h),
                    load(sd, p + "attention.output.dense.bias", h),
                    load(sd, p + "attention.output.LayerNorm.weight", h),
                    load(sd, p + "attention.output.LayerNorm.bias", h),
                    loadTransposed(sd, p + "intermediate.dense.weight", i, h),
                    load(sd, p + "intermediate.dense.bias", i),
                    loadTransposed(sd, p + "output.dense.weight", h, i),
                    load(sd, p + "output.dense.bias", h),
                    load(sd, p + "output.LayerNorm.weight", h),
                    load(sd, p + "output.LayerNorm.bias", h)));
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

    private INDArray load(StateDict sd, String name, long... shape) {
        INDArray a = own(NativeArrays.of(tensor(sd, name, shape).toFloat32(), shape));
        parameters.put(name, a);
        return a;
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
        INDArray a = own(NativeArrays.of(t, in, out));
        parameters.put(name, a.transpose());
        return a;
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
