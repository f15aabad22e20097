package org.multitag.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.multitag.model.MultiLabelHead;
import org.multitag.model.MultiLabelTagger;
import org.multitag.model.TaggingModel;
import org.multitag.model.Thresholds;
import org.multitag.model.decoding.Decoder;
import org.multitag.model.decoding.Decoding;
import org.multitag.model.decoding.DecodingMode;
import org.multitag.model.kernels.ComputeSetting;
import org.multitag.model.nn.BertEncoder;
import org.multitag.model.nn.BertWeights;
import org.multitag.tokenizer.Tokenizer;

/**
 * The models loaded in this JVM (an executor, or the driver in local mode): each {@link ModelSource} is read
 * once, however many tasks use it, and stays until the JVM exits. Weights, tokenizer and head are shared
 * read-only; every partition gets its own encoder scratch ({@link Loaded#openEncoder}), closed when the
 * partition ends, so concurrent tasks never share buffers and no native scratch outlives its partition.
 */
final class ExecutorModels {

    /** One loaded model: tokenizer, weights, and the token head when the folder has one. */
    public record Loaded(Tokenizer tokenizer, BertWeights weights, MultiLabelHead head, Decoding decoding) {

        /** A fresh encoder (own scratch buffers) over the shared weights; closing it leaves the weights open. */
        public BertEncoder openEncoder(ComputeSetting setting) {
            return new BertEncoder(weights, setting, false);
        }

        /**
         * A tagger over {@code encoder} and the shared head, decoding in the options' mode (null: the model's
         * default), with one threshold for every label when {@code threshold} is given. Close the encoder, not the
         * tagger (closing the tagger would close the shared head).
         */
        public MultiLabelTagger tagger(BertEncoder encoder, MultiLabelTagger.Options options, Float threshold) {
            if (head == null) {
                throw new IllegalStateException("the model has no token head (config.json has no id2label)");
            }
            Decoder decoder = (threshold == null ? decoding : decoding.withUniformThresholds(threshold))
                    .decoder(options.decoding());
            MultiLabelHead view = new MultiLabelHead(head.labels(), head.weight(), head.bias(),
                    Thresholds.of(head.labels(), decoder.thresholds()));
            return new MultiLabelTagger(tokenizer, encoder, view, options, decoder);
        }
    }

    private static final Map<String, Loaded> MODELS = new HashMap<>();
    private static int loads;

    private ExecutorModels() {}

    /** The model of {@code source}, loaded on first use in this JVM. */
    public static synchronized Loaded get(ModelSource source) {
        Loaded m = MODELS.get(source.key());
        if (m == null) {
            Path folder = source.materialize();
            try {
                m = load(folder);
            } catch (IOException e) {
                throw new UncheckedIOException(folder + ": " + e.getMessage(), e);
            } finally {
                if (source.isShipped()) {
                    deleteQuietly(folder);
                }
            }
            MODELS.put(source.key(), m);
            loads++;
        }
        return m;
    }

    /** How many models this JVM has loaded so far (for tests: one per model, not one per task). */
    public static synchronized int loads() {
        return loads;
    }

    private static Loaded load(Path folder) throws IOException {
        TaggingModel m = TaggingModel.read(folder);
        Tokenizer tokenizer = m.tokenizer();
        Decoding decoding = m.hasHead() ? m.decoding() : null;
        BertWeights weights = m.encoderWeights();
        MultiLabelHead head = null;
        if (decoding != null) {
            try {
                head = m.head(decoding.thresholds(DecodingMode.INDEPENDENT));
            } catch (RuntimeException | IOException e) {
                weights.close();
                throw e;
            }
        }
        return new Loaded(tokenizer, weights, head, decoding);
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            dir.toFile().deleteOnExit();
        }
    }
}
