package org.multitag.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;
import org.multitag.core.InputException;
import org.multitag.core.LabelSet;
import org.multitag.model.decoding.Decoding;
import org.multitag.model.kernels.NativeArrays;
import org.multitag.model.nn.BertWeights;
import org.multitag.model.nn.Freeze;
import org.multitag.model.nn.TokenClassifier;
import org.multitag.tokenizer.Tokenizer;
import org.multitag.weights.BertConfig;
import org.multitag.weights.HfBertNames;
import org.multitag.weights.ImportedModel;
import org.multitag.weights.ModelFolder;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A model folder as multitag reads it, in one place: the config, the head's labels ({@code config.json} id2label, in
 * id order), the decoding setup ({@link Decoding#read}: thresholds, label groups, seen label sets, default mode), the
 * tokenizer, and the encoder and classifier tensors. A folder without id2label is a plain encoder: no head, an empty
 * label set (what fine-tuning starts from).
 *
 * <p>{@link #read} reads {@code config.json} only; the tensors are read on first use (so checking a model, as the
 * Spark driver does before it ships it, costs no weights). Nothing native is held here: {@link #encoderWeights} and
 * {@link #head} make new ND4J arrays that the caller closes, so this is not {@code AutoCloseable}. Every problem
 * with the folder is an {@link InputException} naming the file, or the folder when it concerns the tensors.
 */
public final class TaggingModel {

    private final Path folder;
    private final BertConfig config;
    private final LabelSet labels;
    private ImportedModel files;

    private TaggingModel(Path folder, BertConfig config, LabelSet labels) {
        this.folder = folder;
        this.config = config;
        this.labels = labels;
    }

    /** Reads the folder's config.json and its labels. */
    public static TaggingModel read(Path folder) throws IOException {
        if (!ModelFolder.isModelFolder(folder)) {
            throw new InputException(folder.toString(),
                    "not a model folder (needs config.json and model.safetensors; see 'multitag import')");
        }
        BertConfig config = BertConfig.read(folder);
        LabelSet labels;
        try {
            labels = LabelSet.of(new ArrayList<>(config.id2label().values()));
        } catch (IllegalArgumentException e) {
            throw new InputException(folder.resolve(BertConfig.FILE).toString(), "id2label: " + e.getMessage());
        }
        return new TaggingModel(folder, config, labels);
    }

    public Path folder() {
        return folder;
    }

    public BertConfig config() {
        return config;
    }

    /** The head's labels in output order; empty for a plain encoder. */
    public LabelSet labels() {
        return labels;
    }

    /** Whether config.json declares a token head (its classifier tensors are checked when they are read). */
    public boolean hasHead() {
        return labels.size() > 0;
    }

    /** This model, when it has a token head; else an error naming the folder. */
    public TaggingModel requireHead() {
        if (!hasHead()) {
            throw new InputException(folder.toString(), "the model has no token head (config.json has no "
                    + "id2label): train one first ('multitag train', or FineTuner)");
        }
        return this;
    }

    /** The decoding setup of the head: every mode's thresholds, the groups, the seen label sets, the default. */
    public Decoding decoding() throws IOException {
        requireHead();
        return Decoding.read(folder, labels.names());
    }

    /** The folder's tokenizer without padding or truncation. */
    public Tokenizer tokenizer() throws IOException {
        try {
            return Tokenizer.load(folder).withPadding(null).withTruncation(null);
        } catch (IllegalArgumentException e) {
            throw new InputException(folder.toString(), e.getMessage());
        }
    }

    /** The tokenizer files by name, as a trained model folder carries them on. */
    public Map<String, byte[]> tokenizerFiles() throws IOException {
        return files().tokenizerFiles();
    }

    /** The encoder's weights as new native arrays (the caller closes them). */
    public BertWeights encoderWeights() throws IOException {
        return encoderWeights(config);
    }

    /**
     * The encoder's weights under another config of the same shapes (fine-tuning's dropout override), as new native
     * arrays (the caller closes them).
     */
    public BertWeights encoderWeights(BertConfig shapes) throws IOException {
        ImportedModel m = files();
        try {
            return BertWeights.of(shapes, m.weights());
        } catch (IllegalArgumentException e) {
            throw new InputException(folder.toString(), e.getMessage());
        }
    }

    /** The head for inference, deciding at {@code thresholds} (the caller closes it). */
    public MultiLabelHead head(Thresholds thresholds) throws IOException {
        if (!thresholds.labels().equals(labels.names())) {
            throw new IllegalArgumentException("thresholds for other labels than the model's");
        }
        INDArray[] c = classifier(labels);
        return new MultiLabelHead(labels.names(), c[0], c[1], layerMix(), thresholds);
    }

    /**
     * The learned mix of the top layers the head reads ({softmax logits [k], scale [1]} as new native arrays the caller
     * closes), or null when the config names none (the head reads the last layer, as Hugging Face's).
     */
    public INDArray[] layerMix() throws IOException {
        int k = HfBertNames.layerMix(config);
        if (k == 0) {
            return null;
        }
        ImportedModel m = files();
        if (!m.weights().contains(HfBertNames.LAYER_MIX_SCALARS) || !m.weights().contains(HfBertNames.LAYER_MIX_GAMMA)) {
            throw new InputException(folder.toString(), "config.json has " + HfBertNames.LAYER_MIX_FIELD + " " + k
                    + ", but the weights have no " + HfBertNames.LAYER_MIX_SCALARS + " / " + HfBertNames.LAYER_MIX_GAMMA);
        }
        return new INDArray[] {NativeArrays.of(m.weights().get(HfBertNames.LAYER_MIX_SCALARS).toFloat32(), k),
            NativeArrays.of(m.weights().get(HfBertNames.LAYER_MIX_GAMMA).toFloat32(), 1)};
    }

    /**
     * The classifier ({@code weight [L, H]}, {@code bias [L]}) as new native arrays for training (the caller closes
     * them), rows in the order of {@code order}: the head's labels, maybe reordered.
     */
    public INDArray[] classifier(LabelSet order) throws IOException {
        requireHead();
        ImportedModel m = files();
        if (!HfBertNames.hasHead(m.weights())) {
            throw new InputException(folder.toString(), "config.json has id2label, but the weights have no "
                    + HfBertNames.CLASSIFIER_WEIGHT + " / " + HfBertNames.CLASSIFIER_BIAS);
        }
        float[] wv = m.weights().get(HfBertNames.CLASSIFIER_WEIGHT).toFloat32();
        float[] bv = m.weights().get(HfBertNames.CLASSIFIER_BIAS).toFloat32();
        int h = config.hiddenSize();
        int n = order.size();
        float[] weight = new float[n * h];
        float[] bias = new float[n];
        for (int l = 0; l < n; l++) {
            int row = labels.indexOf(order.name(l));
            if (row < 0) {
                throw new IllegalArgumentException("label " + order.name(l) + " is not in the head");
            }
            System.arraycopy(wv, row * h, weight, l * h, h);
            bias[l] = bv[row];
        }
        return new INDArray[] {NativeArrays.of(weight, n, h), NativeArrays.of(bias, n)};
    }

    /**
     * The model to train over {@code weights} and {@code head} ({weight, bias}; none of them closed by it). A model
     * training does not support is an error naming the folder.
     *
     * @param threads Java kernel threads, 0: all cores
     */
    public TokenClassifier trainable(BertWeights weights, INDArray[] head, Freeze freeze, int threads) {
        return trainable(weights, head, null, freeze, threads);
    }

    /**
     * As {@link #trainable(BertWeights, INDArray[], Freeze, int)}, the head reading a learned mix of the top layers
     * ({@code mix}: {softmax logits [k], scale [1]}, trained in place; null: the last layer alone).
     */
    public TokenClassifier trainable(BertWeights weights, INDArray[] head, INDArray[] mix, Freeze freeze,
            int threads) {
        try {
            return TokenClassifier.trainable(weights, head[0], head[1], freeze, threads, mix);
        } catch (IllegalArgumentException e) {
            throw new InputException(folder.toString(), "cannot train this model: " + e.getMessage());
        }
    }

    private synchronized ImportedModel files() throws IOException {
        if (files == null) {
            files = ModelFolder.read(folder);
        }
        return files;
    }
}
