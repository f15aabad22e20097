package org.multitag.benchmarks;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import ai.onnxruntime.OrtException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.multitag.core.InputException;
import org.multitag.model.nn.Batch;
import org.multitag.tokenizer.labels.WordPrediction;
import org.multitag.weights.BertConfig;
import org.multitag.weights.HfBertNames;
import org.multitag.weights.ImportedModel;
import org.multitag.weights.ModelFolder;
import org.multitag.weights.Tensor;

/**
 * The serve benchmark's peer (a), "the pattern JVM teams use today": Hugging Face tokenizers through DJL, then
 * one ONNX Runtime {@code session.run} per input on the model folder's encoder (exported to ONNX by
 * {@link EncoderOnnxExporter}, run by {@link OrtEncoder}: ALL_OPT, {@code threads} intra-op threads), then the
 * token head in Java: {@code sigmoid(W·h + b)} on each word's first token, and each label whose probability reaches
 * its threshold in {@code thresholds.json} (multitag's "independent" decoding; 0.5 without the file). Thread-safe:
 * ORT sessions and DJL tokenizers may be called from many threads at once, which is how such a server uses them.
 */
final class OrtTagger implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HuggingFaceTokenizer tokenizer;
    private final OrtEncoder encoder;
    private final float[] weight;
    private final float[] bias;
    private final int hidden;
    private final String[] labels;
    private final float[] thresholds;
    private final int maxLength;

    private OrtTagger(HuggingFaceTokenizer tokenizer, OrtEncoder encoder, float[] weight, float[] bias, int hidden,
            String[] labels, float[] thresholds, int maxLength) {
        this.tokenizer = tokenizer;
        this.encoder = encoder;
        this.weight = weight;
        this.bias = bias;
        this.hidden = hidden;
        this.labels = labels;
        this.thresholds = thresholds;
        this.maxLength = maxLength;
    }

    /** Loads a multitag model folder (a BERT token-classification head, no layer mix). */
    static OrtTagger load(Path dir, int threads) throws IOException, OrtException {
        ImportedModel m = ModelFolder.read(dir);
        BertConfig config = m.config();
        if (config.numLabels() == 0 || !m.weights().contains(HfBertNames.CLASSIFIER_WEIGHT)) {
            throw new InputException(dir.toString(), "not a model folder with a token head (classifier.weight)");
        }
        if (m.weights().contains(HfBertNames.LAYER_MIX_SCALARS)) {
            throw new InputException(dir.toString(), "the ORT peer runs the last layer only; this head mixes layers");
        }
        String[] labels = new String[config.numLabels()];
        config.label2id().forEach((name, id) -> labels[id] = name);
        float[] thresholds = new float[labels.length];
        java.util.Arrays.fill(thresholds, 0.5f);
        Path file = dir.resolve("thresholds.json");
        if (Files.isRegularFile(file)) {
            JsonNode t = JSON.readTree(file.toFile());
            for (int l = 0; l < labels.length; l++) {
                if (t.has(labels[l])) {
                    thresholds[l] = (float) t.get(labels[l]).asDouble();
                }
            }
        }
        Tensor w = m.weights().get(HfBertNames.CLASSIFIER_WEIGHT);
        Tensor b = m.weights().get(HfBertNames.CLASSIFIER_BIAS);
        OrtEncoder encoder = new OrtEncoder(EncoderOnnxExporter.export(config, m.weights()), threads);
        HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.builder().optTokenizerPath(dir.resolve("tokenizer.json"))
                .optTruncation(false).optPadding(false).build();
        return new OrtTagger(tokenizer, encoder, w.toFloat32(), b.toFloat32(), config.hiddenSize(), labels,
                thresholds, config.maxPositionEmbeddings());
    }

    /**
     * Tags one {@code predict} input line ({@code {"text": ...}} or {@code {"tokens": [...]}}).
     *
     * @throws InputException for a body that is not such an input, or one longer than the model's positions
     */
    List<WordPrediction> tag(JsonNode input) throws OrtException {
        JsonNode text = input.get("text");
        JsonNode tokens = input.get("tokens");
        List<String> words = null;
        Encoding e;
        if (text != null && text.isTextual() && tokens == null) {
            e = tokenizer.encode(text.asText());
        } else if (tokens != null && tokens.isArray() && text == null) {
            words = new ArrayList<>();
            for (JsonNode w : tokens) {
                if (!w.isTextual()) {
                    throw new InputException("\"tokens\" must be an array of strings");
                }
                words.add(w.asText());
            }
            e = tokenizer.encode(words.toArray(new String[0]));
        } else {
            throw new InputException("expected {\"text\": string} or {\"tokens\": [string, ...]}");
        }
        long[] ids = e.getIds();
        if (ids.length > maxLength) {
            throw new InputException(ids.length + " tokens, more than the limit of " + maxLength);
        }
        int[] row = new int[ids.length];
        int[] types = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            row[i] = (int) ids[i];
            types[i] = (int) e.getTypeIds()[i];
        }
        float[] h;
        try (OrtEncoder.Inputs in = encoder.inputs(Batch.of(List.of(row), List.of(types)))) {
            h = encoder.lastHiddenState(in);
        }
        return words == null ? words(e, text.asText(), h) : words(e, words, h);
    }

    /** Words from the pre-tokenizer: a word spans its first token's start to its last token's end. */
    private List<WordPrediction> words(Encoding e, String text, float[] h) {
        long[] wordIds = e.getWordIds();
        CharSpan[] spans = e.getCharTokenSpans();
        List<WordPrediction> out = new ArrayList<>();
        for (int i = 0; i < wordIds.length; i++) {
            if (wordIds[i] < 0 || (i > 0 && wordIds[i - 1] == wordIds[i])) {
                continue;
            }
            int last = i;
            while (last + 1 < wordIds.length && wordIds[last + 1] == wordIds[i]) {
                last++;
            }
            int start = spans[i].getStart();
            int end = spans[last].getEnd();
            out.add(predict((int) wordIds[i], text.substring(start, end), start, end, h, i));
        }
        return out;
    }

    /** Pre-split words: offsets in the words joined by single spaces, as multitag's {@code tagWords}. */
    private List<WordPrediction> words(Encoding e, List<String> words, float[] h) {
        long[] wordIds = e.getWordIds();
        int[] starts = new int[words.size()];
        for (int w = 1; w < words.size(); w++) {
            starts[w] = starts[w - 1] + words.get(w - 1).length() + 1;
        }
        List<WordPrediction> out = new ArrayList<>();
        for (int i = 0; i < wordIds.length; i++) {
            if (wordIds[i] < 0 || (i > 0 && wordIds[i - 1] == wordIds[i])) {
                continue;
            }
            int w = (int) wordIds[i];
            out.add(predict(w, words.get(w), starts[w], starts[w] + words.get(w).length(), h, i));
        }
        return out;
    }

    /** The head on token {@code t}'s hidden state: every label's probability and the labels over threshold. */
    private WordPrediction predict(int wordId, String text, int start, int end, float[] h, int t) {
        Map<String, Float> scores = new LinkedHashMap<>();
        List<String> chosen = new ArrayList<>();
        int off = t * hidden;
        for (int l = 0; l < labels.length; l++) {
            float z = bias[l];
            int row = l * hidden;
            for (int k = 0; k < hidden; k++) {
                z += weight[row + k] * h[off + k];
            }
            float p = (float) (1 / (1 + Math.exp(-z)));
            scores.put(labels[l], p);
            if (p >= thresholds[l]) {
                chosen.add(labels[l]);
            }
        }
        return new WordPrediction(wordId, text, start, end, chosen, scores);
    }

    /** Label names in id order. */
    List<String> labels() {
        return List.of(labels);
    }

    @Override
    public void close() throws OrtException {
        encoder.close();
        tokenizer.close();
    }
}
