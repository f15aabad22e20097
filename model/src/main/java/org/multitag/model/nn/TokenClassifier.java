package org.multitag.model.nn;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.multitag.model.kernels.ComputeSetting;
import org.multitag.model.kernels.NativeArrays;
import org.multitag.model.kernels.Parallel;
import org.multitag.weights.BertConfig;
import org.multitag.weights.HfBertNames;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code BertForTokenClassification}: the {@link BertEncoder} and a token head, one logit per label per token:
 * <pre>
 *   h      = BertEncoder(batch)             [B·T, H]
 *   logits = dropout(h) · Wᵀ + b            [B·T, L]     W [L, H] as Hugging Face stores it
 * </pre>
 * The same forward runs inference ({@link Pass#inference()}; {@link #tokenLogits}, what the taggers and the
 * trainer's dev evaluation call, runs it over the real tokens alone) and training ({@link Pass#training}, then {@link
 * #backward}); a classifier made with {@link #trainable} owns {@link Gradients} and lists its {@link #parameters()}
 * for an optimizer, which updates the arrays in place.
 *
 * <p>A step: {@code zeroGradients(); logits = forward(batch, Pass.training(rng)); loss and dLogits;
 * backward(dLogits);} then update the parameters. Not thread-safe.
 */
public final class TokenClassifier implements AutoCloseable {

    private final BertEncoder encoder;
    private final boolean ownsEncoder;
    private final TokenHead head;
    private final Freeze freeze;
    private final Gradients grads;
    private final List<Parameter> parameters = new ArrayList<>();
    private final Compute headCompute;
    private final LayerMix mix;
    private boolean saved;

    private TokenClassifier(BertEncoder encoder, boolean ownsEncoder, INDArray weight, INDArray bias, Freeze freeze,
            INDArray[] mixParams) {
        BertConfig config = encoder.config();
        int h = config.hiddenSize();
        if (weight.rank() != 2 || weight.size(1) != h || bias.length() != weight.size(0)) {
            throw new IllegalArgumentException("classifier shapes " + java.util.Arrays.toString(weight.shape())
                    + " / " + java.util.Arrays.toString(bias.shape()) + " do not fit hidden size " + h);
        }
        this.encoder = encoder;
        this.ownsEncoder = ownsEncoder;
        JsonNode cls = config.extra().get("classifier_dropout");
        double rate = cls == null || cls.isNull() ? BertEncoder.dropoutRate(config, "hidden_dropout_prob")
                : cls.asDouble();
        this.head = new TokenHead(weight, bias, rate);
        this.headCompute = new Compute(encoder.kernels(), new Buffers());
        this.freeze = freeze;
        if (mixParams != null) {
            int k = (int) mixParams[0].length();
            int layers = config.numHiddenLayers();
            if (k < 1 || k > layers || mixParams[1].length() != 1) {
                throw new IllegalArgumentException("a layer mix of " + k + " layers (and " + mixParams[1].length()
                        + " scale) does not fit " + layers + " layers");
            }
            this.mix = new LayerMix(layers - k, mixParams[0], mixParams[1]);
        } else {
            this.mix = null;
        }
        this.grads = freeze == null ? null : new Gradients(config, (int) weight.size(0), freeze,
                mix == null ? 0 : mix.size());
        if (grads != null) {
            listParameters();
        }
    }

    /** A classifier for inference over an encoder the caller keeps (and closes). */
    public TokenClassifier(BertEncoder encoder, INDArray weight, INDArray bias) {
        this(encoder, false, weight, bias, null, null);
    }

    /**
     * A classifier for inference whose head reads a learned mix of the top layers ({@code mix}: the softmax logits
     * {@code [k]} and the scale {@code [1]}, see {@link #layerMix(int)}), over an encoder the caller keeps.
     */
    public TokenClassifier(BertEncoder encoder, INDArray weight, INDArray bias, INDArray[] mix) {
        this(encoder, false, weight, bias, null, mix);
    }

    /**
     * New parameters of a learned mix of the top {@code k} layers (UDify, Stanza): softmax logits {@code [k]} at 0
     * (an even mix) and a scale {@code [1]} at 1, for {@link #trainable(BertWeights, INDArray, INDArray, Freeze, int,
     * INDArray[])}.
     */
    public static INDArray[] layerMix(int k) {
        return LayerMix.initial(k);
    }

    /**
     * A classifier to train: its own encoder over {@code weights} and the head arrays (all trained in place, none
     * closed by this classifier), gradient buffers for what {@code freeze} leaves trainable.
     *
     * @param threads Java kernel threads (ND4J's gemm threads are process-wide, set apart); 0: all cores
     */
    public static TokenClassifier trainable(BertWeights weights, INDArray weight, INDArray bias, Freeze freeze,
            int threads) {
        return trainable(weights, weight, bias, freeze, threads, null);
    }

    /** As {@link #trainable(BertWeights, INDArray, INDArray, Freeze, int)}, computing as {@code setting} says. */
    public static TokenClassifier trainable(BertWeights weights, INDArray weight, INDArray bias, Freeze freeze,
            ComputeSetting setting) {
        return trainable(weights, weight, bias, freeze, setting, null);
    }

    /** As {@link #trainable(BertWeights, INDArray, INDArray, Freeze, ComputeSetting)}, the head reading a layer mix. */
    public static TokenClassifier trainable(BertWeights weights, INDArray weight, INDArray bias, Freeze freeze,
            ComputeSetting setting, INDArray[] mix) {
        return new TokenClassifier(new BertEncoder(weights, setting, false), true, weight, bias, freeze, mix);
    }

    /** As {@link #trainable(BertWeights, INDArray, INDArray, Freeze, int)}, the head reading a layer mix. */
    public static TokenClassifier trainable(BertWeights weights, INDArray weight, INDArray bias, Freeze freeze,
            int threads, INDArray[] mix) {
        return new TokenClassifier(new BertEncoder(weights, threads, false), true, weight, bias, freeze, mix);
    }

    /** A classifier training everything over {@code encoder}, which it owns (the self-check picks its kernels). */
    static TokenClassifier trainable(BertEncoder encoder, INDArray weight, INDArray bias) {
        return new TokenClassifier(encoder, true, weight, bias, Freeze.none(), null);
    }

    private void listParameters() {
        BertWeights w = encoder.weights();
        if (grads.word != null) {
            List<String> names = HfBertNames.embeddingNames();
            List<INDArray> gradients = List.of(grads.word, grads.position, grads.type, grads.embLnGamma, grads.embLnBeta);
            for (int i = 0; i < names.size(); i++) {
                parameters.add(Parameter.of(names.get(i), w.embeddingTensors().get(i), gradients.get(i)));
            }
        }
        for (int n = 0; n < w.layers().size(); n++) {
            BertWeights.Layer g = grads.layers.get(n);
            if (g != null) {
                List<INDArray> values = w.layers().get(n).tensors();
                List<INDArray> gradients = g.tensors();
                List<String> names = BertWeights.Layer.names(n);
                for (int i = 0; i < names.size(); i++) {
                    parameters.add(Parameter.of(names.get(i), values.get(i), gradients.get(i)));
                }
            }
        }
        parameters.add(Parameter.of(HfBertNames.CLASSIFIER_WEIGHT, head.weight, grads.classifierWeight));
        parameters.add(Parameter.of(HfBertNames.CLASSIFIER_BIAS, head.bias, grads.classifierBias));
        if (mix != null) {
            // not decayed: a decay would pull the mix to even and its scale to 0
            parameters.add(new Parameter(HfBertNames.LAYER_MIX_SCALARS, mix.scalars, grads.mixScalars, false));
            parameters.add(new Parameter(HfBertNames.LAYER_MIX_GAMMA, mix.gamma, grads.mixGamma, false));
        }
    }

    /** Whether a parameter name is the token head's (its own learning rate in training). */
    public static boolean isHead(String name) {
        return name.startsWith(HfBertNames.CLASSIFIER_PREFIX);
    }

    /**
     * A new classifier as transformers initializes it: weight {@code [labels, H]} drawn from N(0, 0.02²)
     * ({@code initializer_range} of the config if present), bias 0. Returns {weight, bias}.
     */
    public static INDArray[] newClassifier(BertConfig config, int labels, long seed) {
        double std = config.extra().path("initializer_range").asDouble(0.02);
        int h = config.hiddenSize();
        SplittableRandom r = new SplittableRandom(seed);
        float[] w = new float[labels * h];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (r.nextGaussian() * std);
        }
        return new INDArray[] {NativeArrays.of(w, labels, h), Nd4j.zeros(DataType.FLOAT, labels)};
    }

    /**
     * Runs the model: logits {@code [B·T, L]}, row {@code b·T + i}, a view valid until the next forward. A pass
     * that saves makes {@link #backward} possible.
     */
    public INDArray forward(Batch batch, Pass pass) {
        return forward(batch, pass, null);
    }

    /**
     * The inference logits of the batch's real tokens, laid out as {@link #forward} lays them ({@code [B·T, L]}, a
     * view valid until the next forward): each real token's the bits {@code forward(batch, Pass.inference())} gives
     * it; the rows of padding positions mean nothing (0 when packed). Right-padded rows run packed when the kernels
     * take packed rows, their padding not computed at all (a batch of requests padded to its longest holds 2 to 3
     * times its real tokens); any other mask, or kernels that take padded rows only, run as {@link #forward} does.
     * What the taggers call.
     */
    public INDArray tokenLogits(Batch batch) {
        PackedRows packed = encoder.packing(batch);
        INDArray logits = forward(batch, Pass.inference(), packed);
        return packed == null ? logits
                : packed.unpack(logits, headCompute.scratch().get("head.unpacked", packed.paddedRows(), numLabels()));
    }

    /** The forward over the padded batch, or over {@code packed}'s real tokens ({@code [N, L]}) when not null. */
    private INDArray forward(Batch batch, Pass pass, PackedRows packed) {
        INDArray h = encoder.forward(batch, pass, mix, packed);
        INDArray logits = head.forward(mix == null ? h : mix.mixed(), pass, headCompute);
        saved = pass.saves();
        return logits;
    }

    /**
     * Backpropagates {@code dLogits [B·T, L]} (the loss gradient of the last forward's logits) and adds the
     * parameter gradients into {@link #gradients()}. Frozen parts are skipped: backward stops below the lowest
     * trainable layer.
     */
    public void backward(INDArray dLogits) {
        if (grads == null) {
            throw new IllegalStateException("this classifier was made for inference: it has no gradients");
        }
        if (!saved) {
            throw new IllegalStateException("backward needs a forward that saves (Pass.training or Pass.forBackward)");
        }
        long n = dLogits.size(0);
        if (dLogits.rank() != 2 || dLogits.size(1) != numLabels()) {
            throw new IllegalArgumentException("dLogits " + java.util.Arrays.toString(dLogits.shape()) + ", expected ["
                    + n + ", " + numLabels() + "]");
        }
        boolean encoderTrains = grads.layers.stream().anyMatch(l -> l != null) || grads.word != null;
        long h = config().hiddenSize();
        INDArray dh = encoderTrains || mix != null ? headCompute.scratch().get("head.dh", n, h) : null;
        head.backward(dLogits, dh, grads.classifierWeight, grads.classifierBias, headCompute);
        if (mix != null) {
            mix.backward(dh, grads.mixScalars, grads.mixGamma);
        }
        if (encoderTrains && mix == null) {
            encoder.backward(dh, grads);
        } else if (encoderTrains) {
            INDArray dTop = headCompute.scratch().get("mix.dtop", n, h);
            dTop.assign(0); // the top layer's output reaches the head through the mix only
            encoder.backward(dTop, grads, mix, dh);
        }
    }

    /** See {@link BertEncoder#weightsChanged()}: call after writing into the weights outside training. */
    public void weightsChanged() {
        encoder.weightsChanged();
    }

    /** Sets every gradient to 0 (once per optimizer step). */
    public void zeroGradients() {
        grads.zero();
    }

    public Gradients gradients() {
        return grads;
    }

    /** The trainable tensors with their gradients, in storage layout: what an optimizer updates. */
    public List<Parameter> parameters() {
        return Collections.unmodifiableList(parameters);
    }

    /**
     * Every parameter (trainable or frozen) under its canonical HF name in HF layout, encoder then {@code
     * classifier.weight [L, H]} and {@code classifier.bias}: views for export, matching {@link Gradients#named()}.
     */
    public Map<String, INDArray> namedParameters() {
        Map<String, INDArray> m = new LinkedHashMap<>(encoder.weights().parameters());
        m.put(HfBertNames.CLASSIFIER_WEIGHT, head.weight);
        m.put(HfBertNames.CLASSIFIER_BIAS, head.bias);
        if (mix != null) {
            m.put(HfBertNames.LAYER_MIX_SCALARS, mix.scalars);
            m.put(HfBertNames.LAYER_MIX_GAMMA, mix.gamma);
        }
        return Collections.unmodifiableMap(m);
    }

    public BertEncoder encoder() {
        return encoder;
    }

    public BertConfig config() {
        return encoder.config();
    }

    public BertWeights weights() {
        return encoder.weights();
    }

    public INDArray classifierWeight() {
        return head.weight;
    }

    public INDArray classifierBias() {
        return head.bias;
    }

    public Freeze freeze() {
        return freeze;
    }

    /**
     * The model's kernel threads, for the rest of the step to share (the optimizer's update): they are idle
     * between the model's calls. Closed with the model.
     */
    public Parallel parallel() {
        return encoder.kernels().parallel();
    }

    public int numLabels() {
        return (int) head.weight.size(0);
    }

    TokenHead headBlock() {
        return head;
    }

    /** Dropout sites in forward order, for tests: embeddings, then per layer probs/attention output/ffn, then head. */
    Map<String, Dropout> dropouts() {
        Map<String, Dropout> m = new LinkedHashMap<>();
        m.put("embeddings", encoder.embeddingBlock().dropout);
        List<EncoderLayer> layers = encoder.layerBlocks();
        for (int l = 0; l < layers.size(); l++) {
            EncoderLayer b = layers.get(l);
            m.put("layer." + l + ".probs", b.attention.probsDropout);
            m.put("layer." + l + ".attention", b.attentionOutput.dropout);
            m.put("layer." + l + ".ffn", b.output.dropout);
        }
        m.put("head", head.dropout);
        return m;
    }

    /** Closes the activation buffers and the gradients (and an encoder it made); the weights and head stay open. */
    @Override
    public void close() {
        head.close();
        if (mix != null) {
            mix.close();
        }
        headCompute.scratch().close();
        if (grads != null) {
            grads.close();
        }
        if (ownsEncoder) {
            encoder.close();
        }
    }
}
