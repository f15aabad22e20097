package org.multitag.weights;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.multitag.core.InputException;

/**
 * The one table of BERT parameter names: Hugging Face name, shape in HF layout, and the name the same
 * tensor has in Google's TensorFlow checkpoints (whose dense kernels are stored transposed, [in, out]).
 * {@code {N}} stands for the layer index. Shapes use V vocab, P positions, T token types, H hidden,
 * I intermediate, L labels.
 *
 * <p>Encoder names carry no prefix in a plain {@code BertModel} file and the prefix {@code bert.} in a file
 * with a head; {@link #match} accepts both, like transformers does.
 */
public final class HfBertNames {

    /** Prefix of encoder tensors in checkpoints of models with a head. */
    public static final String PREFIX = "bert.";
    /** Prefix of the token classification head's tensors. */
    public static final String CLASSIFIER_PREFIX = "classifier.";
    /** The head's weight, {@code [L, H]}. */
    public static final String CLASSIFIER_WEIGHT = CLASSIFIER_PREFIX + "weight";
    /** The head's bias, {@code [L]}. */
    public static final String CLASSIFIER_BIAS = CLASSIFIER_PREFIX + "bias";
    /**
     * The config field that says the head reads a learned mix of the top {@code k} layers (multitag's, not Hugging
     * Face's: transformers would ignore the mix's two tensors and read the last layer alone).
     */
    public static final String LAYER_MIX_FIELD = "multitag_layer_mix";
    /** The mix's softmax logits [k]. */
    public static final String LAYER_MIX_SCALARS = CLASSIFIER_PREFIX + "layer_mix.scalars";
    /** The mix's scale, [1]. */
    public static final String LAYER_MIX_GAMMA = CLASSIFIER_PREFIX + "layer_mix.gamma";
    /** The word embeddings, {@code [V, H]}. */
    public static final String WORD_EMBEDDINGS = "embeddings.word_embeddings.weight";

    /** One row of the table. */
    public record Row(String hf, String tf, String shape, boolean transposeFromTf) {}

    private static Row row(String hf, String tf, String shape) {
        return new Row(hf, tf, shape, false);
    }

    private static Row kernel(String hf, String tf, String shape) {
        return new Row(hf, tf, shape, true);
    }

    private static final String LAYER_PREFIX = "encoder.layer.";

    // @formatter:off
    static final List<Row> EMBEDDINGS = List.of(
        row(WORD_EMBEDDINGS,                           "bert/embeddings/word_embeddings",       "V H"),
        row("embeddings.position_embeddings.weight",   "bert/embeddings/position_embeddings",   "P H"),
        row("embeddings.token_type_embeddings.weight", "bert/embeddings/token_type_embeddings", "T H"),
        row("embeddings.LayerNorm.weight",             "bert/embeddings/LayerNorm/gamma",       "H"),
        row("embeddings.LayerNorm.bias",               "bert/embeddings/LayerNorm/beta",        "H"));

    static final List<Row> LAYER = List.of(
        kernel("encoder.layer.{N}.attention.self.query.weight",   "bert/encoder/layer_{N}/attention/self/query/kernel",   "H H"),
        row("encoder.layer.{N}.attention.self.query.bias",        "bert/encoder/layer_{N}/attention/self/query/bias",     "H"),
        kernel("encoder.layer.{N}.attention.self.key.weight",     "bert/encoder/layer_{N}/attention/self/key/kernel",     "H H"),
        row("encoder.layer.{N}.attention.self.key.bias",          "bert/encoder/layer_{N}/attention/self/key/bias",       "H"),
        kernel("encoder.layer.{N}.attention.self.value.weight",   "bert/encoder/layer_{N}/attention/self/value/kernel",   "H H"),
        row("encoder.layer.{N}.attention.self.value.bias",        "bert/encoder/layer_{N}/attention/self/value/bias",     "H"),
        kernel("encoder.layer.{N}.attention.output.dense.weight", "bert/encoder/layer_{N}/attention/output/dense/kernel", "H H"),
        row("encoder.layer.{N}.attention.output.dense.bias",      "bert/encoder/layer_{N}/attention/output/dense/bias",   "H"),
        row("encoder.layer.{N}.attention.output.LayerNorm.weight", "bert/encoder/layer_{N}/attention/output/LayerNorm/gamma", "H"),
        row("encoder.layer.{N}.attention.output.LayerNorm.bias",  "bert/encoder/layer_{N}/attention/output/LayerNorm/beta", "H"),
        kernel("encoder.layer.{N}.intermediate.dense.weight",     "bert/encoder/layer_{N}/intermediate/dense/kernel",     "I H"),
        row("encoder.layer.{N}.intermediate.dense.bias",          "bert/encoder/layer_{N}/intermediate/dense/bias",       "I"),
        kernel("encoder.layer.{N}.output.dense.weight",           "bert/encoder/layer_{N}/output/dense/kernel",           "H I"),
        row("encoder.layer.{N}.output.dense.bias",                "bert/encoder/layer_{N}/output/dense/bias",             "H"),
        row("encoder.layer.{N}.output.LayerNorm.weight",          "bert/encoder/layer_{N}/output/LayerNorm/gamma",        "H"),
        row("encoder.layer.{N}.output.LayerNorm.bias",            "bert/encoder/layer_{N}/output/LayerNorm/beta",         "H"));

    static final List<Row> POOLER = List.of(
        kernel("pooler.dense.weight", "bert/pooler/dense/kernel", "H H"),
        row("pooler.dense.bias",      "bert/pooler/dense/bias",   "H"));

    /** The token classification head; it has no TF counterpart. */
    static final List<Row> HEAD = List.of(
        row(CLASSIFIER_WEIGHT, null, "L H"),
        row(CLASSIFIER_BIAS,   null, "L"));

    /** BERT's pre-training heads: named here so TF imports can report them, never loaded by multitag. */
    static final List<Row> PRETRAINING = List.of(
        kernel("cls.predictions.transform.dense.weight",  "cls/predictions/transform/dense/kernel",  "H H"),
        row("cls.predictions.transform.dense.bias",       "cls/predictions/transform/dense/bias",    "H"),
        row("cls.predictions.transform.LayerNorm.weight", "cls/predictions/transform/LayerNorm/gamma", "H"),
        row("cls.predictions.transform.LayerNorm.bias",   "cls/predictions/transform/LayerNorm/beta",  "H"),
        row("cls.predictions.bias",                       "cls/predictions/output_bias",             "V"),
        row("cls.seq_relationship.weight",                "cls/seq_relationship/output_weights",     "2 H"),
        row("cls.seq_relationship.bias",                  "cls/seq_relationship/output_bias",        "2"));
    // @formatter:on

    /** Buffers some checkpoints store that are not parameters; transformers skips them silently. */
    static final Set<String> IGNORED = Set.of("embeddings.position_ids");

    private HfBertNames() {}

    /** Every table row with {@code {N}} expanded for the config's layers, in HF state-dict order. */
    public static List<Row> rows(int layers, boolean pooler, boolean head, boolean pretraining) {
        List<Row> out = new ArrayList<>(EMBEDDINGS);
        for (int n = 0; n < layers; n++) {
            String idx = Integer.toString(n);
            for (Row r : LAYER) {
                out.add(new Row(r.hf().replace("{N}", idx), r.tf().replace("{N}", idx), r.shape(), r.transposeFromTf()));
            }
        }
        if (pooler) {
            out.addAll(POOLER);
        }
        if (pretraining) {
            out.addAll(PRETRAINING);
        }
        if (head) {
            out.addAll(HEAD);
        }
        return out;
    }

    /** Whether {@code name} (canonical) is a weight or bias of BERT's encoder or pooler (not of a head). */
    public static boolean isEncoderParameter(String name) {
        return (name.startsWith("embeddings.") || name.startsWith("encoder.") || name.startsWith("pooler."))
                && (name.endsWith(".weight") || name.endsWith(".bias"));
    }

    /** Whether {@code name} (canonical) is one of the embedding tables or their LayerNorm. */
    public static boolean isEmbedding(String name) {
        return EMBEDDINGS.stream().anyMatch(r -> r.hf().equals(name));
    }

    /** Whether a state dict (canonical names) holds the pooler. */
    public static boolean hasPooler(StateDict sd) {
        return sd.contains(POOLER.get(0).hf());
    }

    /** Whether a state dict (canonical names) holds the token classification head. */
    public static boolean hasHead(StateDict sd) {
        return sd.contains(CLASSIFIER_WEIGHT) && sd.contains(CLASSIFIER_BIAS);
    }

    /** Encoder layers in a state dict with canonical names: one more than the highest layer index. */
    public static int layerCount(StateDict sd) {
        int layers = 0;
        for (String n : sd.names()) {
            if (n.startsWith(LAYER_PREFIX)) {
                String rest = n.substring(LAYER_PREFIX.length());
                layers = Math.max(layers, Integer.parseInt(rest.substring(0, rest.indexOf('.'))) + 1);
            }
        }
        return layers;
    }

    /**
     * The config that a state dict's shapes imply (vocabulary, hidden and intermediate sizes, positions, token types)
     * with {@code layers} layers of {@code heads} heads, everything else at BERT's defaults.
     */
    public static BertConfig configFromShapes(StateDict hf, int layers, int heads) {
        List<String> emb = embeddingNames();
        int[] words = hf.get(emb.get(0)).shape();
        return BertConfig.encoder(words[0], words[1], layers, heads, hf.get(layerNames(0).get(11)).dim(0),
                hf.get(emb.get(1)).dim(0), hf.get(emb.get(2)).dim(0));
    }

    /** The HF names of the embedding parameters, in state-dict order. */
    public static List<String> embeddingNames() {
        return EMBEDDINGS.stream().map(Row::hf).toList();
    }

    /**
     * The HF names of layer {@code n}'s parameters in state-dict order: query, key and value (weight, bias), the
     * attention output dense and LayerNorm, the intermediate dense, the output dense and LayerNorm.
     */
    public static List<String> layerNames(int n) {
        String idx = Integer.toString(n);
        return LAYER.stream().map(r -> r.hf().replace("{N}", idx)).toList();
    }

    /**
     * The name of layer {@code n}'s query, key and value fused into one tensor ({@code [H, 3H]} weight or {@code [3H]}
     * bias, as the model stores them): not a Hugging Face tensor, the name optimizers and checkpoints use.
     */
    public static String fusedQkvName(int n, boolean bias) {
        return LAYER_PREFIX + n + ".attention.self.qkv." + (bias ? "bias" : "weight");
    }

    /**
     * Expected HF names and shapes for a config: a base model has a pooler, a token-classification head none (and the
     * layer mix's tensors when the config names one, see {@link #layerMix}).
     */
    public static Map<String, int[]> expected(BertConfig c, boolean head) {
        Map<String, int[]> out = new LinkedHashMap<>();
        for (Row r : rows(c.numHiddenLayers(), !head, head, false)) {
            out.put(r.hf(), shape(r.shape(), c));
        }
        int k = layerMix(c);
        if (head && k > 0) {
            out.put(LAYER_MIX_SCALARS, new int[] {k});
            out.put(LAYER_MIX_GAMMA, new int[] {1});
        }
        return out;
    }

    /** How many top layers the head of a config mixes (0: it reads the last layer, as Hugging Face's does). */
    public static int layerMix(BertConfig c) {
        return c.extra().path(LAYER_MIX_FIELD).asInt(0);
    }

    /** Evaluates a shape expression of the table for a config. */
    public static int[] shape(String expr, BertConfig c) {
        String[] parts = expr.split(" ");
        int[] s = new int[parts.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = switch (parts[i]) {
                case "V" -> c.vocabSize();
                case "P" -> c.maxPositionEmbeddings();
                case "T" -> c.typeVocabSize();
                case "H" -> c.hiddenSize();
                case "I" -> c.intermediateSize();
                case "L" -> c.numLabels();
                default -> Integer.parseInt(parts[i]);
            };
        }
        return s;
    }

    /** The HF name of a checkpoint name: without {@code bert.}, LayerNorm gamma/beta read as weight/bias. */
    public static String canonical(String name) {
        String n = name.startsWith(PREFIX) ? name.substring(PREFIX.length()) : name;
        // Checkpoints converted by old transformers versions still say gamma/beta.
        if (n.endsWith("LayerNorm.gamma")) {
            n = n.substring(0, n.length() - "gamma".length()) + "weight";
        } else if (n.endsWith("LayerNorm.beta")) {
            n = n.substring(0, n.length() - "beta".length()) + "bias";
        }
        return n;
    }

    /** The name a tensor gets in a file: encoder tensors prefixed with {@code bert.} when there is a head. */
    public static String fileName(String canonical, boolean head) {
        return head && !canonical.startsWith(CLASSIFIER_PREFIX) ? PREFIX + canonical : canonical;
    }

    /**
     * Matches checkpoint tensors against what a model with this config expects. A tensor with the right
     * name but the wrong shape is an error; missing and unexpected names are reported, as transformers does.
     *
     * @param head true for a token-classification model ({@code classifier.*}, no pooler)
     */
    public static LoadReport match(StateDict checkpoint, BertConfig config, boolean head, String source) {
        Map<String, int[]> expected = expected(config, head);
        StateDict weights = new StateDict();
        List<String> unexpected = new ArrayList<>();
        Set<String> found = new LinkedHashSet<>();
        for (Tensor t : checkpoint.tensors()) {
            String name = canonical(t.name());
            int[] want = expected.get(name);
            if (want == null) {
                if (!IGNORED.contains(name)) {
                    unexpected.add(t.name());
                }
                continue;
            }
            if (!java.util.Arrays.equals(want, t.shape())) {
                throw new InputException(source, "tensor '" + t.name() + "': expected shape "
                        + Tensor.shapeString(want) + ", found " + Tensor.shapeString(t.shape()));
            }
            if (!found.add(name)) {
                throw new InputException(source, "tensor '" + t.name() + "' appears twice (with and without '"
                        + PREFIX + "')");
            }
            weights.put(t.renamed(name));
        }
        List<String> missing = new ArrayList<>();
        for (String name : expected.keySet()) {
            if (!found.contains(name)) {
                missing.add(fileName(name, head));
            }
        }
        return new LoadReport(weights, missing, unexpected);
    }
}
