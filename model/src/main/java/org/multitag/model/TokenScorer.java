package org.multitag.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.multitag.model.nn.Batch;
import org.multitag.model.nn.TokenClassifier;
import org.multitag.tokenizer.Encoding;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The one batched scorer: token ids in, per-token label probabilities ({@code [tokens][labels]}, a sigmoid per
 * logit) out, for whatever needs them: the tagger, evaluation, threshold tuning, the trainer's dev evaluation.
 * Inputs run in length-sorted batches through {@link TokenClassifier#tokenLogits} (inference, padding not computed);
 * results come back in input order. The same inputs give bit-identical probabilities wherever they are scored.
 * An input longer than the limit is refused, or, when the scorer was made with {@link LongText#WINDOW} and the
 * caller gives word ids ({@link #scoreWords}), scored through overlapping windows (see {@link LongTextWindows}) and
 * put back together by a {@link WindowMerge} rule (the most central window unless {@link #withMerge} says otherwise).
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
    private final LongText longText;
    private final int stride;
    private final WindowMerge merge;

    /**
     * A scorer that refuses inputs over the limit.
     *
     * @param batchSize sequences per forward pass
     * @param maxLength longest input in tokens (0: the model's max_position_embeddings)
     */
    public TokenScorer(TokenClassifier classifier, int batchSize, int maxLength) {
        this(classifier, batchSize, maxLength, LongText.ERROR, -1);
    }

    /**
     * @param batchSize sequences per forward pass
     * @param maxLength longest input in tokens (0: the model's max_position_embeddings)
     * @param longText what {@link #scoreWords} does with a longer input ({@link LongText#TRUNCATE} is the
     *     tokenizer's or reader's job: a longer input that reaches this scorer is refused)
     * @param stride tokens consecutive windows share (negative: {@link LongText#defaultStride}); only for windows
     */
    public TokenScorer(TokenClassifier classifier, int batchSize, int maxLength, LongText longText, int stride) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, not " + batchSize);
        }
        int limit = classifier.config().maxPositionEmbeddings();
        this.classifier = classifier;
        this.batchSize = batchSize;
        this.maxLength = maxLength <= 0 ? limit : Math.min(maxLength, limit);
        this.longText = longText;
        this.stride = stride < 0 ? LongText.defaultStride(this.maxLength) : stride;
        this.merge = WindowMerge.CENTRAL;
        if (longText == LongText.WINDOW && this.stride > this.maxLength - 3) {
            // [CLS] and [SEP] take two places and a window must move on by at least one token
            throw new IllegalArgumentException("the stride must be smaller than the window (" + this.maxLength
                    + " tokens) minus 2, not " + this.stride);
        }
    }

    private TokenScorer(TokenScorer base, WindowMerge merge) {
        this.classifier = base.classifier;
        this.batchSize = base.batchSize;
        this.maxLength = base.maxLength;
        this.longText = base.longText;
        this.stride = base.stride;
        this.merge = merge;
    }

    /**
     * This scorer (the same classifier, limit and stride) putting windows back together by {@code merge} instead of
     * {@link WindowMerge#CENTRAL}, the default; for comparing the two rules on real data.
     */
    public TokenScorer withMerge(WindowMerge value) {
        if (value == null) {
            throw new IllegalArgumentException("the window merge rule must be given");
        }
        return value == merge ? this : new TokenScorer(this, value);
    }

    /** How a word several windows hold takes its probabilities. */
    public WindowMerge merge() {
        return merge;
    }

    /** What {@link #scoreWords} does with an input over {@link #maxLength()}. */
    public LongText longText() {
        return longText;
    }

    /** Tokens consecutive windows share (the default resolved). */
    public int stride() {
        return stride;
    }

    /** The longest input this scorer takes, in tokens. */
    public int maxLength() {
        return maxLength;
    }

    public TokenClassifier classifier() {
        return classifier;
    }

    /**
     * How many forward-pass rows {@link #scoreWords} spends on one input: 1 when it fits (or the scorer does not
     * window), else its number of windows.
     */
    public int windows(int[] ids, int[] wordIds) {
        if (ids.length <= maxLength || longText != LongText.WINDOW) {
            return 1;
        }
        return LongTextWindows.split(ids, null, wordIds, maxLength, stride).size();
    }

    /** Probabilities of tokenizer encodings (their ids, type ids and word ids: see {@link #scoreWords}). */
    public List<float[][]> scoreEncodings(List<Encoding> encodings) {
        List<int[]> ids = new ArrayList<>(encodings.size());
        List<int[]> types = new ArrayList<>(encodings.size());
        List<int[]> words = new ArrayList<>(encodings.size());
        for (Encoding e : encodings) {
            ids.add(e.ids());
            types.add(e.typeIds());
            words.add(e.wordIds());
        }
        return scoreWords(ids, types, words);
    }

    /**
     * As {@link #score}, except that with {@link LongText#WINDOW} a row longer than {@link #maxLength()} is scored
     * through overlapping windows cut at word boundaries ({@code wordIds}: per token its word, -1 for a special
     * token), every window in the same length-sorted batches as the other rows. When no row is over the limit this
     * is exactly {@link #score}.
     *
     * @throws TooLongException when a row is longer than {@link #maxLength()} and the scorer does not window
     */
    public List<float[][]> scoreWords(List<int[]> ids, List<int[]> typeIds, List<int[]> wordIds) {
        boolean anyLong = false;
        for (int[] row : ids) {
            anyLong |= row.length > maxLength;
        }
        if (!anyLong || longText != LongText.WINDOW) {
            return score(ids, typeIds);
        }
        List<int[]> rows = new ArrayList<>();
        List<int[]> rowTypes = new ArrayList<>();
        LongTextWindows[] split = new LongTextWindows[ids.size()];
        int[] first = new int[ids.size()];
        for (int i = 0; i < ids.size(); i++) {
            int[] types = typeIds == null ? null : typeIds.get(i);
            first[i] = rows.size();
            if (ids.get(i).length <= maxLength) {
                rows.add(ids.get(i));
                rowTypes.add(types);
                continue;
            }
            split[i] = LongTextWindows.split(ids.get(i), types, wordIds.get(i), maxLength, stride);
            for (int k = 0; k < split[i].size(); k++) {
                rows.add(split[i].ids(k));
                rowTypes.add(split[i].types(k));
            }
        }
        List<float[][]> scored = score(rows, rowTypes);
        List<float[][]> out = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            out.add(split[i] == null ? scored.get(first[i])
                    : split[i].stitch(scored.subList(first[i], first[i] + split[i].size()), merge));
        }
        return out;
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
            INDArray logits = classifier.tokenLogits(batch);
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
