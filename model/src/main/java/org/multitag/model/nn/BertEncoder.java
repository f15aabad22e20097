package org.multitag.model.nn;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.multitag.model.kernels.Activation;
import org.multitag.model.kernels.AttentionShape;
import org.multitag.model.kernels.ComputeSetting;
import org.multitag.model.kernels.KernelProfile;
import org.multitag.model.kernels.Kernels;
import org.multitag.model.platform.OpenMpThreads;
import org.multitag.weights.BertConfig;
import org.multitag.weights.ImportedModel;
import org.multitag.weights.ModelFolder;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The BERT encoder, forward and backward, written out by hand over reused native buffers (llm.c style: each block
 * has a forward that saves what its backward needs, and a backward that accumulates into {@link Gradients}):
 * <pre>
 *   h = Embeddings(input_ids, token_type_ids, position_ids)        [B·T, H]
 *   for each layer: h = EncoderLayer(h, attention_mask)            [B·T, H]
 * </pre>
 * One forward serves inference ({@link Pass#inference()}: nothing saved, scratch reused, memory flat) and training
 * (the same forward saving state, then {@link #backward}). Float32 throughout; matches transformers' {@code
 * BertModel} (eval mode) for any attention mask and position ids. Not thread-safe: one pass at a time.
 */
public final class BertEncoder implements AutoCloseable {

    /** Which extra outputs {@link #forward(Batch, Outputs)} returns. */
    public record Outputs(boolean hiddenStates, boolean attentions) {
        public static final Outputs LAST = new Outputs(false, false);
        public static final Outputs ALL = new Outputs(true, true);
    }

    private final BertConfig config;
    private final BertWeights weights;
    private final boolean ownsWeights;
    private final ComputeSetting setting;
    private final Compute compute;
    private final Embeddings embeddings;
    private final List<EncoderLayer> layers = new ArrayList<>();
    private boolean saved;
    private boolean afterBackwardPass;

    /**
     * An encoder over {@code weights}, using {@code threads} threads for gemm and for the kernels (0: as many as
     * cores). The gemm's threads are OpenMP's for the thread that calls this constructor (see below).
     */
    public BertEncoder(BertWeights weights, int threads) {
        this(weights, threads, true);
    }

    /**
     * As {@link #BertEncoder(BertWeights, int)}; with {@code ownsWeights} false, {@link #close()} leaves the weights
     * open.
     */
    public BertEncoder(BertWeights weights, int threads, boolean ownsWeights) {
        this(weights, ComputeSetting.defaults().withThreads(threads), ownsWeights);
    }

    /**
     * An encoder over {@code weights} computing as {@code setting} says (threads, kernels, precision); with {@code
     * ownsWeights} false, {@link #close()} leaves the weights open. oneDNN's gemm takes its threads from the OpenMP
     * setting of the thread that calls it, so this sets that of the calling thread to the setting's thread count; run
     * the model on another thread and set that thread's with {@link OpenMpThreads#setForThisThread}. A positive count
     * also sets ND4J's own (process-wide) threads.
     */
    public BertEncoder(BertWeights weights, ComputeSetting setting, boolean ownsWeights) {
        this(weights, setting, null, ownsWeights);
    }

    /** As {@link #BertEncoder(BertWeights, ComputeSetting, boolean)} on {@code kernels} (null: the setting's). */
    BertEncoder(BertWeights weights, ComputeSetting setting, Kernels kernels, boolean ownsWeights) {
        int threads = setting.threads();
        this.setting = setting;
        this.config = weights.config();
        this.weights = weights;
        this.ownsWeights = ownsWeights;
        if (config.hiddenSize() % config.numAttentionHeads() != 0) {
            throw new IllegalArgumentException("hidden_size " + config.hiddenSize()
                    + " is not a multiple of num_attention_heads " + config.numAttentionHeads());
        }
        String positions = config.extra().path("position_embedding_type").asText("absolute");
        if (!positions.equals("absolute")) {
            throw new IllegalArgumentException("position_embedding_type \"" + positions
                    + "\" is not supported (only absolute)");
        }
        Activation act = Activation.fromConfig(config.hiddenAct());
        if (threads > 0) {
            Nd4j.getEnvironment().setMaxMasterThreads(threads);
            Nd4j.getEnvironment().setMaxThreads(threads);
        }
        // ND4J's setting bounds libnd4j's own loops, not oneDNN's gemm, which takes the OpenMP threads of the thread
        // that calls it: set them for this thread, the one that builds (and, as a rule, runs) the model
        OpenMpThreads.setForThisThread(setting.effectiveThreads());
        this.compute = new Compute(new KernelProfile(kernels != null ? kernels : Kernels.create(setting)),
                new Buffers());
        double hidden = dropoutRate(config, "hidden_dropout_prob");
        double attention = dropoutRate(config, "attention_probs_dropout_prob");
        this.embeddings = new Embeddings(weights, hidden);
        for (BertWeights.Layer w : weights.layers()) {
            layers.add(new EncoderLayer(w, config.numAttentionHeads(), act, config.layerNormEps(), hidden, attention));
            compute.kernels().registerWeights(List.of(w.qkvWeight(), w.attnOutWeight(), w.interWeight(),
                    w.outWeight()));
        }
    }

    /** A dropout rate of the config (transformers' default 0.1 when absent). */
    static double dropoutRate(BertConfig config, String field) {
        JsonNode n = config.extra().get(field);
        return n == null || n.isNull() ? 0.1 : n.asDouble();
    }

    /** The encoder of a Hugging Face model folder (a head, if any, is ignored here). */
    public static BertEncoder load(Path folder, int threads) throws IOException {
        ImportedModel m = ModelFolder.read(folder);
        return new BertEncoder(BertWeights.of(m.config(), m.weights()), threads);
    }

    public BertConfig config() {
        return config;
    }

    public BertWeights weights() {
        return weights;
    }

    /**
     * The setting this encoder computes with; its {@link ComputeSetting#resolvedKernels()} tells the code around the
     * model (loss, optimizer) whether the step runs on host memory or on ND4J ops.
     */
    public ComputeSetting computeSetting() {
        return setting;
    }

    /**
     * Says the weights were written outside a training pass (put back from a file, say), so that kernels computing
     * in bf16 drop their copies. A pass for backward needs no call: its first products read the weights again, and
     * so does the first pass after one, whatever optimizer ran in between.
     */
    public void weightsChanged() {
        compute.kernels().weightsChanged();
    }

    /** The kernels (and their threads) this encoder runs on. */
    public Kernels kernels() {
        return compute.kernels();
    }

    /**
     * The timing of this model's kernel calls (off until enabled): where a forward or a training step spends its
     * time, kernel by kernel and gemm shape by gemm shape.
     */
    public KernelProfile kernelProfile() {
        return (KernelProfile) compute.kernels();
    }

    /** Runs the encoder in inference mode and returns fresh arrays the caller owns. */
    public EncoderOutput forward(Batch batch, Outputs outputs) {
        int b = batch.size();
        int t = batch.maxLength();
        int h = config.hiddenSize();
        List<INDArray> states = new ArrayList<>();
        List<INDArray> attentions = new ArrayList<>();
        INDArray last = forward(batch, Pass.inference(), outputs.attentions() ? attentions : null,
                outputs.hiddenStates() ? states : null);
        INDArray lastOut = Nd4j.createUninitialized(DataType.FLOAT, b, t, h);
        lastOut.assign(last.reshape(b, t, h));
        return new EncoderOutput(lastOut, states, attentions, batch.attentionMask());
    }

    /**
     * Runs the encoder in inference mode and returns its last hidden state {@code [B·T, H]} as a scratch view,
     * valid until the next call on this encoder: the zero-copy path for heads. When not null, {@code attentions}
     * and {@code hiddenStates} receive fresh arrays.
     */
    public INDArray run(Batch batch, List<INDArray> attentions, List<INDArray> hiddenStates) {
        return forward(batch, Pass.inference(), attentions, hiddenStates);
    }

    /**
     * The inference last hidden state of the batch's real tokens, laid out as {@link #run} lays it ({@code [B·T,
     * H]}, a scratch view valid until the next call): each real token's the bits {@link #run} gives it; the rows of
     * padding positions mean nothing (0 when packed). Right-padded rows run packed when the kernels take packed rows
     * (see {@link TokenClassifier#tokenLogits}); any other mask runs as {@link #run} does.
     */
    public INDArray lastHiddenStateOfTokens(Batch batch) {
        PackedRows packed = packing(batch);
        INDArray x = forward(batch, Pass.inference(), null, null, null, packed);
        return packed == null ? x
                : packed.unpack(x, compute.scratch().get("model.unpacked", packed.paddedRows(), config.hiddenSize()));
    }

    /**
     * The forward pass in the given mode: the last hidden state {@code [B·T, H]}, a view valid until the next
     * forward. A pass that saves makes {@link #backward} possible.
     */
    public INDArray forward(Batch batch, Pass pass) {
        return forward(batch, pass, null, null, null, null);
    }

    /**
     * The forward pass feeding each layer's output to {@code mix} (when not null) as it is made; over {@code
     * packed}'s real tokens alone ({@code [N, H]}) when it is not null (an inference pass, see {@link #packing}).
     */
    INDArray forward(Batch batch, Pass pass, LayerMix mix, PackedRows packed) {
        return forward(batch, pass, null, null, mix, packed);
    }

    /**
     * How an inference pass over {@code batch} may skip its padding: its real tokens packed, or null when the batch
     * has none to drop, its mask is not right padding, or these kernels take padded rows only.
     */
    PackedRows packing(Batch batch) {
        return compute.kernels().attendsPackedRows() ? PackedRows.of(batch) : null;
    }

    private INDArray forward(Batch batch, Pass pass, List<INDArray> attentions, List<INDArray> hiddenStates) {
        return forward(batch, pass, attentions, hiddenStates, null, null);
    }

    private INDArray forward(Batch batch, Pass pass, List<INDArray> attentions, List<INDArray> hiddenStates,
            LayerMix mix, PackedRows packed) {
        validate(batch);
        if (packed != null && (pass.saves() || attentions != null || hiddenStates != null)) {
            throw new IllegalArgumentException("packed rows are for an inference pass without attentions or hidden"
                    + " states");
        }
        // an optimizer may have written the weights after a pass for backward: converted copies (bf16) are made anew
        if (pass.saves() || afterBackwardPass) {
            compute.kernels().weightsChanged();
        }
        afterBackwardPass = pass.saves();
        int b = batch.size();
        int t = batch.maxLength();
        int h = config.hiddenSize();
        int heads = config.numAttentionHeads();
        AttentionShape shape = packed == null ? AttentionShape.of(batch.attentionMask(), heads, h / heads)
                : packed.shape(heads, h / heads);
        INDArray x = embeddings.forward(packed == null ? batch : packed.tokens(batch), pass, compute);
        keep(hiddenStates, x, b, t, h);
        if (mix != null) {
            mix.begin(x.size(0), h, pass, compute);
        }
        for (int l = 0; l < layers.size(); l++) {
            INDArray maps = attentions == null ? null : Nd4j.createUninitialized(DataType.FLOAT, b, heads, t, t);
            x = layers.get(l).forward(x, shape, pass, compute, maps);
            if (maps != null) {
                attentions.add(maps);
            }
            keep(hiddenStates, x, b, t, h);
            if (mix != null) {
                mix.add(l, x, pass);
            }
        }
        saved = pass.saves();
        return x;
    }

    /**
     * Backpropagates {@code dHidden [B·T, H]} (the gradient of the last forward's output, which must have been a
     * saving pass) and adds the parameter gradients into {@code grads}. Frozen parts are skipped: backward stops
     * below the lowest trainable layer. {@code dHidden} is used as scratch.
     */
    public void backward(INDArray dHidden, Gradients grads) {
        backward(dHidden, grads, null, null);
    }

    /**
     * The backward with the gradient {@code dMix} of a layer mix's output: each mixed layer's share is added to the
     * gradient of that layer's output on the way down ({@code dHidden} holds the top layer's own gradient, 0 when
     * only the mix reads it).
     */
    void backward(INDArray dHidden, Gradients grads, LayerMix mix, INDArray dMix) {
        if (!saved) {
            throw new IllegalStateException("backward needs a forward that saves (Pass.training or Pass.forBackward)");
        }
        int lowest = layers.size();
        while (lowest > 0 && grads.layers.get(lowest - 1) != null) {
            lowest--;
        }
        long n = dHidden.size(0);
        long h = dHidden.size(1);
        INDArray dCur = dHidden;
        INDArray dNext = compute.scratch().get("model.dh", n, h);
        for (int l = layers.size() - 1; l >= lowest; l--) {
            if (mix != null) {
                mix.addLayerGradient(l, dMix, dCur);
            }
            boolean needInput = l > lowest || grads.word != null;
            layers.get(l).backward(dCur, needInput ? dNext : null, grads.layers.get(l), compute);
            INDArray tmp = dCur;
            dCur = dNext;
            dNext = tmp;
        }
        if (grads.word != null) {
            embeddings.backward(dCur, grads, compute);
        }
    }

    private static void keep(List<INDArray> states, INDArray hidden, int b, int t, int h) {
        if (states != null) {
            INDArray copy = Nd4j.createUninitialized(DataType.FLOAT, b, t, h);
            copy.assign(hidden.reshape(b, t, h));
            states.add(copy);
        }
    }

    private void validate(Batch batch) {
        int t = batch.maxLength();
        for (int r = 0; r < batch.size(); r++) {
            for (int i = 0; i < t; i++) {
                int id = batch.inputIds()[r][i];
                if (id < 0 || id >= config.vocabSize()) {
                    throw new IllegalArgumentException("row " + r + " position " + i + ": input id " + id
                            + " outside the vocabulary [0, " + config.vocabSize() + ")");
                }
                int ty = batch.tokenTypeIds()[r][i];
                if (ty < 0 || ty >= config.typeVocabSize()) {
                    throw new IllegalArgumentException("row " + r + " position " + i + ": token type id " + ty
                            + " outside [0, " + config.typeVocabSize() + ")");
                }
                int p = batch.positionIds()[r][i];
                if (p >= config.maxPositionEmbeddings()) {
                    throw new IllegalArgumentException("row " + r + " position " + i + ": position id " + p
                            + " exceeds max_position_embeddings " + config.maxPositionEmbeddings()
                            + " (truncate the input)");
                }
            }
        }
    }

    // the blocks, for the tests and the step profile of this package
    Embeddings embeddingBlock() {
        return embeddings;
    }

    List<EncoderLayer> layerBlocks() {
        return layers;
    }

    /** Native bytes of scratch buffers currently held. */
    public long scratchBytes() {
        return compute.scratch().bytes();
    }

    /** Closes the buffers and threads and, when this encoder owns them, the weights. */
    @Override
    public void close() {
        embeddings.close();
        layers.forEach(EncoderLayer::close);
        compute.close();
        if (ownsWeights) {
            weights.close();
        }
    }
}
