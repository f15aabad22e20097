package org.multitag.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.multitag.weights.BertConfig;
import org.multitag.weights.ImportedModel;
import org.multitag.weights.ModelFolder;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The BERT encoder, forward only, written out by hand over reused native buffers:
 * <pre>
 *   h = Embeddings(input_ids, token_type_ids)        [B·T, H]
 *   for each layer: h = EncoderLayer(h, mask)        [B·T, H]
 * </pre>
 * Float32 throughout; matches transformers' {@code BertModel} in eval mode. Not thread-safe: one forward at
 * a time per instance (its buffers are reused).
 */
public final class BertEncoder implements AutoCloseable {

    /** Which extra outputs a forward pass returns. */
    public record Outputs(boolean hiddenStates, boolean attentions) {
        public static final Outputs LAST = new Outputs(false, false);
        public static final Outputs ALL = new Outputs(true, true);
    }

    private final BertConfig config;
    private final BertWeights weights;
    private final Activation activation;
    private final Compute compute;
    private final boolean ownsWeights;

    /**
     * An encoder over {@code weights}, using {@code threads} threads for gemm (ND4J, process-wide) and for
     * the elementwise kernels; 0 keeps ND4J's default and uses as many Java threads as cores.
     */
    public BertEncoder(BertWeights weights, int threads) {
        this(weights, threads, true);
    }

    /**
     * As {@link #BertEncoder(BertWeights, int)}; with {@code ownsWeights} false, {@link #close()} leaves the
     * weights open (an inference view over weights a trainer keeps updating).
     */
    public BertEncoder(BertWeights weights, int threads, boolean ownsWeights) {
        this.ownsWeights = ownsWeights;
        this.config = weights.config();
        this.weights = weights;
        this.activation = Activation.fromConfig(config.hiddenAct());
        if (config.hiddenSize() % config.numAttentionHeads() != 0) {
            throw new IllegalArgumentException("hidden_size " + config.hiddenSize()
                    + " is not a multiple of num_attention_heads " + config.numAttentionHeads());
        }
        if (threads > 0) {
            Nd4j.getEnvironment().setMaxMasterThreads(threads);
            Nd4j.getEnvironment().setMaxThreads(threads);
        }
        this.compute = Compute.create(threads > 0 ? threads : Runtime.getRuntime().availableProcessors());
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

    /** Runs the encoder and returns fresh arrays the caller owns. */
    public EncoderOutput forward(Batch batch, Outputs outputs) {
        int b = batch.size();
        int t = batch.maxLength();
        int h = config.hiddenSize();
        List<INDArray> states = new ArrayList<>();
        List<INDArray> attentions = new ArrayList<>();
        INDArray last = run(batch, outputs.attentions() ? attentions : null,
                outputs.hiddenStates() ? states : null);
        INDArray lastOut = Nd4j.createUninitialized(DataType.FLOAT, b, t, h);
        lastOut.assign(last.reshape(b, t, h));
        return new EncoderOutput(lastOut, states, attentions, batch.lengths());
    }

    /**
     * Runs the encoder and returns its last hidden state {@code [B·T, H]} as a scratch view, valid until the
     * next call on this encoder: the zero-copy path for heads. When not null, {@code attentions} and
     * {@code hiddenStates} receive fresh arrays.
     */
    public INDArray run(Batch batch, List<INDArray> attentions, List<INDArray> hiddenStates) {
        validate(batch);
        int b = batch.size();
        int t = batch.maxLength();
        int h = config.hiddenSize();
        int heads = config.numAttentionHeads();
        float eps = (float) config.layerNormEps();

        float[] mask = new float[b * t];
        for (int r = 0; r < b; r++) {
            java.util.Arrays.fill(mask, r * t + batch.lengths()[r], (r + 1) * t, -Float.MAX_VALUE);
        }

        INDArray hidden = compute.buffers().get("encoder.hidden", (long) b * t, h);
        Embeddings.forward(weights, batch, hidden, compute);
        keep(hiddenStates, hidden, b, t, h);
        for (BertWeights.Layer layer : weights.layers()) {
            INDArray probs = attentions == null ? null : Nd4j.createUninitialized(DataType.FLOAT, b, heads, t, t);
            EncoderLayer.forward(layer, hidden, hidden, b, t, heads, mask, eps, activation, probs, compute);
            if (probs != null) {
                attentions.add(probs);
            }
            keep(hiddenStates, hidden, b, t, h);
        }
        return hidden;
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
        if (t > config.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("sequence length " + t + " exceeds max_position_embeddings "
                    + config.maxPositionEmbeddings() + " (truncate the input)");
        }
        for (int r = 0; r < batch.size(); r++) {
            for (int i = 0; i < batch.lengths()[r]; i++) {
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
            }
        }
    }

    /** Native bytes of scratch buffers currently held. */
    public long scratchBytes() {
        return compute.buffers().bytes();
    }

    /** Closes the scratch buffers and, when this encoder owns them, the weights. */
    @Override
    public void close() {
        compute.close();
        if (ownsWeights) {
            weights.close();
        }
    }
}
