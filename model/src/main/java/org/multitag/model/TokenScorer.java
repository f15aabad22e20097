package org.multitag.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.multitag.model.nn.Batch;
import org.multitag.model.nn.Pass;
import org.multitag.model.nn.TokenClassifier;
import org.multitag.tokenizer.Encoding;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The one batched scorer: token ids in, per-token label probabilities ({@code [tokens][labels]}, a sigmoid per
 * logit) out, for whatever needs them: the tagger, evaluation, threshold tuning, the trainer's dev evaluation.
 * Inputs run in length-sorted batches (little padding) through {@link TokenClassifier#forward} in inference mode;
 * results come back in input order. The same inputs give bit-identical probabilities wherever they are scored.
 */
public final class TokenScorer {

    /** Raised for an input that is longer than the limit. */
    public static final class TooLongException extends IllegalArgumentException {
        private final int index;

        TooLongException(int index, String message) {
            super(message);
            this.index = index;
        }

        /** Which input (0-based, in the order given) was too long. */
        public int index() {
            return index;
        }
    }

    private final TokenClassifier classifier;
    private final int batchSize;
    private final int maxLength;

    /**
     * @param batchSize sequences per forward pass
     * @param maxLength longest input in tokens (0: the model's max_position_embeddings)
     */
    public TokenScorer(TokenClassifier classifier, int batchSize, int maxLength) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, not " + batchSize);
        }
        int limit = classifier.config().maxPositionEmbeddings();
        this.classifier = classifier;
        this.batchSize = batchSize;
        this.maxLength = maxLength <= 0 ? limit : Math.min(maxLength, limit);
    }

    /** The longest input this scorer takes, in tokens. */
    public int maxLength() {
        return maxLength;
    }

    public TokenClassifier classifier() {
        return classifier;
    }

    /** Probabilities of tokenizer encodings (their ids and type ids). */
    public List<float[][]> scoreEncodings(List<Encoding> encodings) {
        List<int[]> ids = new ArrayList<>(encodings.size());
        List<int[]> types = new ArrayList<>(encodings.size());
        for (Encoding e : encodings) {
            ids.add(e.ids());
            types.add(e.typeIds());
        }
        return score(ids, types);
    }

    /**
     * Per-token label probabilities {@code [tokens][labels]} for each row of ids (with its type ids; a null list or
     * row: all 0), in input order.
     *
     * @throws TooLongException when a row is longer than {@link #maxLength()}
     */
    public List<float[][]> score(List<int[]> ids, List<int[]> typeIds) {
        for (int i = 0; i < ids.size(); i++) {
            int len = ids.get(i).length;
            if (len > maxLength) {
                throw new TooLongException(i, "input " + (i + 1) + " has " + len + " tokens, more than the limit of "
                        + maxLength + " (truncate it, or ask for truncation)");
            }
        }
        Integer[] order = new Integer[ids.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt(i -> ids.get(i).length));
        float[][][] result = new float[ids.size()][][];
        for (int from = 0; from < order.length; from += batchSize) {
            int to = Math.min(order.length, from + batchSize);
            List<int[]> batchIds = new ArrayList<>(to - from);
            List<int[]> batchTypes = new ArrayList<>(to - from);
            for (int k = from; k < to; k++) {
                batchIds.add(ids.get(order[k]));
                batchTypes.add(typeIds == null ? null : typeIds.get(order[k]));
            }
            Batch batch = Batch.of(batchIds, batchTypes);
            INDArray logits = classifier.forward(batch, Pass.inference());
            float[][] p = MultiLabelHead.probabilities(logits);
            int t = batch.maxLength();
            for (int k = from; k < to; k++) {
                int row = k - from;
                int len = batchIds.get(row).length;
                result[order[k]] = Arrays.copyOfRange(p, row * t, row * t + len);
            }
        }
        return Arrays.asList(result);
    }
}
