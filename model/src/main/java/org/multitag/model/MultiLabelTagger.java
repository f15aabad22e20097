package org.multitag.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.multitag.core.InputException;
import org.multitag.core.LabelSet;
import org.multitag.model.decoding.Decoder;
import org.multitag.model.decoding.Decoding;
import org.multitag.model.decoding.DecodingMode;
import org.multitag.model.nn.BertEncoder;
import org.multitag.model.nn.BertWeights;
import org.multitag.model.nn.TokenClassifier;
import org.multitag.tokenizer.Encoding;
import org.multitag.tokenizer.Tokenizer;
import org.multitag.tokenizer.TruncationParams;
import org.multitag.tokenizer.labels.LabelAlignment;
import org.multitag.tokenizer.labels.WordPrediction;

/**
 * Text in, label sets per word out: the model folder's tokenizer, the encoder and the multi-label head.
 * Each word's label set is decoded from its first sub-token's probabilities by a {@link Decoder}: by default the
 * model folder's default mode ({@link Decoding}; a folder without a decoding setup: each label whose probability
 * reaches its threshold). Inputs are batched in length order (padding stays small) and results returned in input
 * order. A text longer than the limit goes through overlapping windows by default ({@link Options#longText()}).
 */
public final class MultiLabelTagger implements AutoCloseable {

    /**
     * @param threads gemm and kernel threads (0: the machine's)
     * @param batchSize sequences per forward pass
     * @param maxLength longest sequence in tokens (0: the model's max_position_embeddings)
     * @param longText what happens to a longer text: windows (the default), truncation or an error
     * @param stride tokens consecutive windows share (negative: a quarter of the window)
     * @param decoding the decoding mode ({@code null}: the model folder's default)
     */
    public record Options(int threads, int batchSize, int maxLength, LongText longText, int stride,
            DecodingMode decoding) {
        /** All cores, batches of 32, the model's limit, longer texts through windows, the model's decoding. */
        public static final Options DEFAULT = new Options(0, 32, 0, LongText.WINDOW, -1, null);

        /** Options that truncate longer texts, or refuse them ({@code truncate} false), as before windows. */
        public Options(int threads, int batchSize, int maxLength, boolean truncate, DecodingMode decoding) {
            this(threads, batchSize, maxLength, truncate ? LongText.TRUNCATE : LongText.ERROR, -1, decoding);
        }

        /** Options with the model's default decoding that truncate longer texts or refuse them. */
        public Options(int threads, int batchSize, int maxLength, boolean truncate) {
            this(threads, batchSize, maxLength, truncate, null);
        }

        /** These options with another decoding mode ({@code null}: the model's default). */
        public Options withDecoding(DecodingMode mode) {
            return new Options(threads, batchSize, maxLength, longText, stride, mode);
        }

        /** These options with another long-text rule and stride (negative: the default). */
        public Options withLongText(LongText value, int strideTokens) {
            return new Options(threads, batchSize, maxLength, value, strideTokens, decoding);
        }

        /** Whether longer texts are cut at the limit. */
        public boolean truncate() {
            return longText == LongText.TRUNCATE;
        }

        public Options {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be >= 1, not " + batchSize);
            }
            if (maxLength < 0) {
                throw new IllegalArgumentException("max length must be >= 0, not " + maxLength);
            }
            if (longText == null) {
                throw new IllegalArgumentException("the long-text rule must be given");
            }
        }
    }

    private final Tokenizer tokenizer;
    private final BertEncoder encoder;
    private final MultiLabelHead head;
    private final TokenClassifier classifier;
    private final TokenScorer scorer;
    private final LabelSet labels;
    private final Options options;
    private final Decoder decoder;

    /** A tagger deciding each label alone at the head's thresholds. */
    public MultiLabelTagger(Tokenizer tokenizer, BertEncoder encoder, MultiLabelHead head, Options options) {
        this(tokenizer, encoder, head, options, Decoder.independent(head.labels(), head.thresholds().values()));
    }

    /** A tagger whose words' label sets {@code decoder} decides. */
    public MultiLabelTagger(Tokenizer tokenizer, BertEncoder encoder, MultiLabelHead head, Options options,
            Decoder decoder) {
        this.classifier = new TokenClassifier(encoder, head.weight(), head.bias(), head.layerMix());
        this.scorer = new TokenScorer(classifier, options.batchSize(), options.maxLength(), options.longText(),
                options.stride());
        this.tokenizer = tokenizer.withPadding(null)
                .withTruncation(options.truncate() ? TruncationParams.of(scorer.maxLength()) : null);
        this.encoder = encoder;
        this.head = head;
        this.labels = LabelSet.of(head.labels());
        this.options = options;
        checkDecoder(decoder);
        this.decoder = decoder;
    }

    private void checkDecoder(Decoder d) {
        if (d.thresholds().length != labels.size()) {
            throw new IllegalArgumentException("the decoder is for " + d.thresholds().length + " labels, the head"
                    + " has " + labels.size());
        }
    }

    /** Loads a model folder with a head (config.json id2label, classifier tensors, optional decoding files). */
    public static MultiLabelTagger load(Path folder, Options options) throws IOException {
        return of(TaggingModel.read(folder), options);
    }

    /**
     * A tagger over a model with a head, decoding in the options' mode (the model's default when null). A mode the
     * model's decoding files do not allow, or an encoder this code cannot run, is an error naming the folder.
     */
    public static MultiLabelTagger of(TaggingModel model, Options options) throws IOException {
        return of(model, model.decoding(), options);
    }

    /** As {@link #of(TaggingModel, Options)}, decoding with {@code decoding} instead of the folder's setup. */
    public static MultiLabelTagger of(TaggingModel model, Decoding decoding, Options options) throws IOException {
        return of(model, decoding, options, null);
    }

    /**
     * As {@link #of(TaggingModel, Decoding, Options)} over encoder weights already loaded from {@code model} ({@link
     * TaggingModel#encoderWeights()}), which several taggers may share (only read while tagging); the caller closes
     * them after the last of those taggers. Null: this tagger loads and owns its own.
     */
    public static MultiLabelTagger of(TaggingModel model, Decoding decoding, Options options, BertWeights shared)
            throws IOException {
        Decoder decoder;
        try {
            decoder = decoding.decoder(options.decoding());
        } catch (IllegalArgumentException e) {
            throw new InputException(model.folder().toString(), e.getMessage());
        }
        Tokenizer tokenizer = model.tokenizer();
        BertWeights weights = shared != null ? shared : model.encoderWeights();
        BertEncoder encoder;
        try {
            encoder = new BertEncoder(weights, options.threads(), shared == null);
        } catch (IllegalArgumentException e) {
            if (shared == null) {
                weights.close();
            }
            throw new InputException(model.folder().toString(), e.getMessage());
        }
        MultiLabelHead head;
        try {
            head = model.head(decoding.thresholds(DecodingMode.INDEPENDENT));
        } catch (RuntimeException | IOException e) {
            encoder.close();
            throw e;
        }
        return new MultiLabelTagger(tokenizer, encoder, head, options, decoder);
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public BertEncoder encoder() {
        return encoder;
    }

    public MultiLabelHead head() {
        return head;
    }

    public Options options() {
        return options;
    }

    /** What decides each word's label set. */
    public Decoder decoder() {
        return decoder;
    }

    /** Tags one text. */
    public List<WordPrediction> tag(String text) {
        return tagTexts(List.of(text)).get(0);
    }

    /** Tags texts, words from the tokenizer's pre-tokenizer. */
    public List<List<WordPrediction>> tagTexts(List<String> texts) {
        List<Encoding> enc = new ArrayList<>(texts.size());
        for (String t : texts) {
            enc.add(tokenizer.encode(t, null, true));
        }
        List<float[][]> probs = tokenProbabilities(enc);
        List<List<WordPrediction>> out = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            out.add(decodeText(enc.get(i), texts.get(i), probs.get(i), decoder));
        }
        return out;
    }

    /**
     * A text's words and their label sets from its encoding's per-token probabilities ({@link #tokenProbabilities}),
     * each word decided by {@code decoder} (one of the head's decoders, in any mode): what {@link #tagTexts} returns
     * for the text, for a caller that ran the model itself.
     */
    public List<WordPrediction> decodeText(Encoding encoding, String text, float[][] probabilities, Decoder decoder) {
        checkDecoder(decoder);
        return LabelAlignment.toWords(encoding, text, probabilities, decoder::decide, labels);
    }

    /**
     * Tags pre-split words. Word offsets refer to the words joined by single spaces (the text a reader
     * would see), so a word's {@code start}/{@code end} locate it in that line.
     */
    public List<List<WordPrediction>> tagWords(List<List<String>> sentences) {
        List<Encoding> enc = new ArrayList<>(sentences.size());
        for (List<String> words : sentences) {
            enc.add(tokenizer.encodeWords(words, true));
        }
        List<float[][]> probs = tokenProbabilities(enc);
        List<List<WordPrediction>> out = new ArrayList<>(sentences.size());
        for (int s = 0; s < sentences.size(); s++) {
            out.add(decodeWords(enc.get(s), sentences.get(s), probs.get(s), decoder));
        }
        return out;
    }

    /**
     * Pre-split words' label sets from their encoding's per-token probabilities ({@link #tokenProbabilities}), each
     * word decided by {@code decoder} (one of the head's decoders, in any mode): what {@link #tagWords} returns for
     * the word list, for a caller that ran the model itself.
     */
    public List<WordPrediction> decodeWords(Encoding e, List<String> words, float[][] probabilities,
            Decoder decoder) {
        checkDecoder(decoder);
        List<WordPrediction> preds = new ArrayList<>();
        int[] starts = new int[words.size()];
        for (int w = 1; w < words.size(); w++) {
            starts[w] = starts[w - 1] + words.get(w - 1).length() + 1;
        }
        boolean[] seen = new boolean[words.size()];
        for (int i = 0; i < e.length(); i++) {
            int w = e.wordId(i);
            if (w == Encoding.NONE || seen[w]) {
                continue;
            }
            seen[w] = true;
            float[] p = probabilities[i];
            java.util.Map<String, Float> scores = new java.util.LinkedHashMap<>();
            List<String> chosen = new ArrayList<>();
            boolean[] on = decoder.decide(p);
            for (int l = 0; l < labels.size(); l++) {
                scores.put(labels.name(l), p[l]);
                if (on[l]) {
                    chosen.add(labels.name(l));
                }
            }
            preds.add(new WordPrediction(w, words.get(w), starts[w], starts[w] + words.get(w).length(), chosen,
                    scores));
        }
        return preds;
    }

    /**
     * Per-token label probabilities {@code [tokens][labels]} for each encoding, run in length-sorted batches; an
     * encoding over the limit through windows when the options say so ({@link TokenScorer#scoreWords}).
     *
     * @throws TokenScorer.TooLongException when an encoding is longer than the limit and the options refuse it
     */
    public List<float[][]> tokenProbabilities(List<Encoding> encodings) {
        return scorer.scoreEncodings(encodings);
    }

    /** The batched scorer this tagger runs. */
    public TokenScorer scorer() {
        return scorer;
    }

    @Override
    public void close() {
        classifier.close();
        head.close();
        encoder.close();
    }
}
