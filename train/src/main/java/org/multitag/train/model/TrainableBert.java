package org.multitag.train.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.multitag.model.Activation;
import org.multitag.model.Batch;
import org.multitag.model.BertWeights;
import org.multitag.model.Buffers;
import org.multitag.model.NativeArrays;
import org.multitag.model.Parallel;
import org.multitag.weights.BertConfig;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code BertForTokenClassification} with a hand-written backward, for fine-tuning a multi-label token head
 * (llm.c style: each block's forward saves what its backward needs, backward accumulates into
 * {@link Gradients}, activation buffers are allocated once for the largest batch and reused):
 * <pre>
 *   h      = EmbeddingBlock(input_ids, token_type_ids)      [B·T, H]
 *   h      = EncoderLayerBlock_l(h)   for l = 0 … layers−1  [B·T, H]
 *   logits = HeadBlock(h)                                   [B·T, L]
 * </pre>
 * The parameters are the encoder's {@link BertWeights} arrays (read by the forward, updated in place by an
 * optimizer) and the classifier {@code weight [L, H]}, {@code bias [L]}. In eval mode the logits equal the
 * inference path ({@code BertEncoder.run} + {@code MultiLabelHead.logits}) up to float rounding.
 *
 * <p>A step: {@code zeroGradients(); logits = forward(batch, true, rng); loss + dLogits; backward(dLogits);}
 * then update {@link #parameters()}. Not thread-safe.
 */
public final class TrainableBert implements AutoCloseable {

    private final BertConfig config;
    private final BertWeights weights;
    private final INDArray classifierWeight; // [L, H]
    private final INDArray classifierBias;   // [L]
    private final Freeze freeze;
    private final Gradients grads;
    private final Parallel par;
    private final Buffers scratch = new Buffers();
    private final EmbeddingBlock embeddings;
    private final List<EncoderLayerBlock> layers = new ArrayList<>();
    private final HeadBlock head;
    private final List<Parameter> parameters = new ArrayList<>();
    private Pass pass;

    /**
     * @param weights the encoder (its arrays are trained in place)
     * @param classifierWeight [L, H] (trained in place)
     * @param classifierBias [L]
     * @param threads Java threads for the elementwise loops (ND4J's gemm threads are process-wide, set apart)
     */
    public TrainableBert(BertWeights weights, INDArray classifierWeight, INDArray classifierBias, Freeze freeze,
            int threads) {
        this.config = weights.config();
        this.weights = weights;
        this.classifierWeight = classifierWeight;
        this.classifierBias = classifierBias;
        this.freeze = freeze;
        int h = config.hiddenSize();
        int labels = (int) classifierWeight.size(0);
        if (classifierWeight.rank() != 2 || classifierWeight.size(1) != h || classifierBias.length() != labels) {
            throw new IllegalArgumentException("classifier shapes " + java.util.Arrays.toString(classifierWeight.shape())
                    + " / " + java.util.Arrays.toString(classifierBias.shape()) + " do not fit hidden size " + h);
        }
        if (Activation.fromConfig(config.hiddenAct()) != Activation.GELU) {
            throw new IllegalArgumentException("training supports hidden_act gelu only, not " + config.hiddenAct());
        }
        if (!config.extra().path("position_embedding_type").asText("absolute").equals("absolute")) {
            throw new IllegalArgumentException("only absolute position embeddings are supported");
        }
        this.grads = new Gradients(config, labels, freeze);
        this.par = new Parallel(threads);
        double eps = config.layerNormEps();
        double hidden = dropoutRate(config, "hidden_dropout_prob");
        double attn = dropoutRate(config, "attention_probs_dropout_prob");
        JsonNode cls = config.extra().get("classifier_dropout");
        double classifier = cls == null || cls.isNull() ? hidden : cls.asDouble();

        embeddings = new EmbeddingBlock(weights.wordEmbeddings(), weights.positionEmbeddings(),
                weights.typeEmbeddings(), grads.word, grads.position, grads.type,
                new LayerNormBlock(weights.embLnGamma(), weights.embLnBeta(), grads.embLnGamma, grads.embLnBeta, eps, par),
                hidden, config.padTokenId(), scratch, par);
        if (grads.word != null) {
            parameters.add(Parameter.of("embeddings.word_embeddings.weight", weights.wordEmbeddings(), grads.word));
            parameters.add(Parameter.of("embeddings.position_embeddings.weight", weights.positionEmbeddings(), grads.position));
            parameters.add(Parameter.of("embeddings.token_type_embeddings.weight", weights.typeEmbeddings(), grads.type));
            parameters.add(Parameter.of("embeddings.LayerNorm.weight", weights.embLnGamma(), grads.embLnGamma));
            parameters.add(Parameter.of("embeddings.LayerNorm.bias", weights.embLnBeta(), grads.embLnBeta));
        }
        for (int n = 0; n < config.numHiddenLayers(); n++) {
            BertWeights.Layer w = weights.layers().get(n);
            BertWeights.Layer g = grads.layers.get(n);
            boolean trains = g != null;
            AttentionBlock attention = new AttentionBlock(
                    new Dense(w.qkvWeight(), w.qkvBias(), trains ? g.qkvWeight() : null, trains ? g.qkvBias() : null),
                    new Dense(w.attnOutWeight(), w.attnOutBias(), trains ? g.attnOutWeight() : null,
                            trains ? g.attnOutBias() : null),
                    config.numAttentionHeads(), attn, hidden, scratch, par);
            LayerNormBlock norm1 = new LayerNormBlock(w.attnLnGamma(), w.attnLnBeta(), trains ? g.attnLnGamma() : null,
                    trains ? g.attnLnBeta() : null, eps, par);
            FeedForwardBlock ffn = new FeedForwardBlock(
                    new Dense(w.interWeight(), w.interBias(), trains ? g.interWeight() : null, trains ? g.interBias() : null),
                    new Dense(w.outWeight(), w.outBias(), trains ? g.outWeight() : null, trains ? g.outBias() : null),
                    hidden, scratch, par);
            LayerNormBlock norm2 = new LayerNormBlock(w.outLnGamma(), w.outLnBeta(), trains ? g.outLnGamma() : null,
                    trains ? g.outLnBeta() : null, eps, par);
            layers.add(new EncoderLayerBlock(attention, norm1, ffn, norm2, scratch));
            if (trains) {
                String p = "encoder.layer." + n + ".";
                parameters.add(Parameter.of(p + "attention.self.qkv.weight", w.qkvWeight(), g.qkvWeight()));
                parameters.add(Parameter.of(p + "attention.self.qkv.bias", w.qkvBias(), g.qkvBias()));
                parameters.add(Parameter.of(p + "attention.output.dense.weight", w.attnOutWeight(), g.attnOutWeight()));
                parameters.add(Parameter.of(p + "attention.output.dense.bias", w.attnOutBias(), g.attnOutBias()));
                parameters.add(Parameter.of(p + "attention.output.LayerNorm.weight", w.attnLnGamma(), g.attnLnGamma()));
                parameters.add(Parameter.of(p + "attention.output.LayerNorm.bias", w.attnLnBeta(), g.attnLnBeta()));
                parameters.add(Parameter.of(p + "intermediate.dense.weight", w.interWeight(), g.interWeight()));
                parameters.add(Parameter.of(p + "intermediate.dense.bias", w.interBias(), g.interBias()));
                parameters.add(Parameter.of(p + "output.dense.weight", w.outWeight(), g.outWeight()));
                parameters.add(Parameter.of(p + "output.dense.bias", w.outBias(), g.outBias()));
                parameters.add(Parameter.of(p + "output.LayerNorm.weight", w.outLnGamma(), g.outLnGamma()));
                parameters.add(Parameter.of(p + "output.LayerNorm.bias", w.outLnBeta(), g.outLnBeta()));
            }
        }
        head = new HeadBlock(classifierWeight, classifierBias, grads.classifierWeight, grads.classifierBias, classifier, par);
        parameters.add(Parameter.of("classifier.weight", classifierWeight, grads.classifierWeight));
        parameters.add(Parameter.of("classifier.bias", classifierBias, grads.classifierBias));
    }

    /** Whether a parameter name is the token head's (its own learning rate in training). */
    public static boolean isHead(String name) {
        return name.startsWith("classifier.");
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
        return new INDArray[] {NativeArrays.of(w, labels, h), F32.zeros(labels)};
    }

    private static double dropoutRate(BertConfig config, String field) {
        JsonNode n = config.extra().get(field);
        return n == null || n.isNull() ? 0.1 : n.asDouble();
    }

    /**
     * Runs the model. In training mode dropout masks come from {@code rng} (give each step its own seed, e.g.
     * {@code new SplittableRandom(seed + step)}, for reproducible runs); in eval mode {@code rng} may be null.
     *
     * @return logits [B·T, L], row {@code b·T + i}; a view valid until the next forward
     */
    public INDArray forward(Batch batch, boolean training, RandomGenerator rng) {
        validate(batch);
        pass = new Pass(batch.size(), batch.maxLength(), batch.lengths(), training, rng);
        INDArray h = embeddings.forward(batch, pass);
        for (EncoderLayerBlock layer : layers) {
            h = layer.forward(h, pass);
        }
        return head.forward(h, pass);
    }

    /**
     * Backpropagates {@code dLogits [B·T, L]} (the loss gradient of the last forward's logits) and adds the
     * parameter gradients into {@link #gradients()}. Frozen parts are skipped: backward stops below the
     * lowest trainable layer.
     */
    public void backward(INDArray dLogits) {
        if (pass == null) {
            throw new IllegalStateException("backward before forward");
        }
        int n = pass.rows();
        if (dLogits.rank() != 2 || dLogits.size(0) != n || dLogits.size(1) != classifierWeight.size(0)) {
            throw new IllegalArgumentException("dLogits " + java.util.Arrays.toString(dLogits.shape()) + ", expected ["
                    + n + ", " + classifierWeight.size(0) + "]");
        }
        int lowest = lowestTrainableLayer();
        long h = config.hiddenSize();
        if (lowest == layers.size() && grads.word == null) {
            head.backward(dLogits, null);
            return;
        }
        INDArray dCur = scratch.get("model.dh.a", n, h);
        INDArray dNext = scratch.get("model.dh.b", n, h);
        head.backward(dLogits, dCur);
        for (int l = layers.size() - 1; l >= lowest; l--) {
            boolean needInput = l > lowest || grads.word != null;
            layers.get(l).backward(dCur, needInput ? dNext : null);
            INDArray t = dCur;
            dCur = dNext;
            dNext = t;
        }
        if (grads.word != null) {
            embeddings.backward(dCur);
        }
    }

    private int lowestTrainableLayer() {
        int l = layers.size();
        while (l > 0 && grads.layers.get(l - 1) != null) {
            l--;
        }
        return l;
    }

    private void validate(Batch batch) {
        int t = batch.maxLength();
        if (t > config.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("sequence length " + t + " exceeds max_position_embeddings "
                    + config.maxPositionEmbeddings());
        }
        for (int r = 0; r < batch.size(); r++) {
            for (int i = 0; i < t; i++) {
                int id = batch.inputIds()[r][i];
                int ty = batch.tokenTypeIds()[r][i];
                if (id < 0 || id >= config.vocabSize() || ty < 0 || ty >= config.typeVocabSize()) {
                    throw new IllegalArgumentException("row " + r + " position " + i + ": input id " + id
                            + " / token type " + ty + " outside the vocabulary");
                }
            }
        }
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
     * Every parameter (trainable or frozen) under its canonical HF name in HF layout, encoder then
     * {@code classifier.weight [L, H]} and {@code classifier.bias}: views for export, matching
     * {@link Gradients#named()}.
     */
    public Map<String, INDArray> namedParameters() {
        Map<String, INDArray> m = new LinkedHashMap<>(weights.parameters());
        m.put("classifier.weight", classifierWeight);
        m.put("classifier.bias", classifierBias);
        return Collections.unmodifiableMap(m);
    }

    public BertConfig config() {
        return config;
    }

    public BertWeights weights() {
        return weights;
    }

    public INDArray classifierWeight() {
        return classifierWeight;
    }

    public INDArray classifierBias() {
        return classifierBias;
    }

    public Freeze freeze() {
        return freeze;
    }

    /**
     * The model's kernel threads, for the rest of the step to share (the optimizer's update): they are idle
     * between the model's calls. Closed with the model.
     */
    public Parallel parallel() {
        return par;
    }

    public int numLabels() {
        return (int) classifierWeight.size(0);
    }

    // the blocks, for the step profile in the tests
    EmbeddingBlock embeddingBlock() {
        return embeddings;
    }

    List<EncoderLayerBlock> layerBlocks() {
        return layers;
    }

    HeadBlock headBlock() {
        return head;
    }

    /** Dropout sites in forward order, for tests: embeddings, then per layer probs/attention output/ffn, then head. */
    Map<String, Dropout> dropouts() {
        Map<String, Dropout> m = new LinkedHashMap<>();
        m.put("embeddings", embeddings.dropout);
        for (int l = 0; l < layers.size(); l++) {
            EncoderLayerBlock b = layers.get(l);
            m.put("layer." + l + ".probs", b.attention.probsDropout);
            m.put("layer." + l + ".attention", b.attention.outputDropout);
            m.put("layer." + l + ".ffn", b.feedForward.dropout);
        }
        m.put("head", head.dropout);
        return m;
    }

    /** Closes the activation buffers, the gradients and the threads; the weights and the head stay open. */
    @Override
    public void close() {
        embeddings.close();
        layers.forEach(EncoderLayerBlock::close);
        head.close();
        scratch.close();
        grads.close();
        par.close();
    }
}
