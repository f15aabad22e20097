package org.multitag.spark;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.LongAccumulator;
import org.multitag.model.LongText;
import org.multitag.model.TokenEmbeddings;
import org.multitag.model.nn.BertEncoder;
import org.multitag.tokenizer.Encoding;
import org.multitag.tokenizer.Tokenizer;
import org.multitag.tokenizer.TruncationParams;

/**
 * Embeds a partition: adds {@code embedding} ({@link SparkTagger.Pooling#MEAN}: the mean of the last hidden
 * state over the row's tokens, special tokens included, {@code array<float>} of the hidden size) or
 * {@code token_embeddings} ({@link SparkTagger.Pooling#TOKENS}: one {@code array<float>} per token), and
 * {@code error}. Rows run through the encoder in length-sorted batches, one batch failing being retried row
 * by row; a row over the limit, with {@link LongText#WINDOW}, through windows ({@link TokenEmbeddings}: each token
 * from the window its word is tagged from).
 */
final class EmbedPartition extends PartitionTask {

    private static final long serialVersionUID = 1L;

    private final SparkTagger.Pooling pooling;

    EmbedPartition(Broadcast<ModelSource> model, TextRows reader, int[] kept, SparkTagger.Options options,
            LongAccumulator rows, LongAccumulator errors, SparkTagger.Pooling pooling) {
        super(model, reader, kept, options, rows, errors);
        this.pooling = pooling;
    }

    @Override
    List<Object[]> process(List<TextRows.Item> items, ExecutorModels.Loaded loaded, BertEncoder encoder) {
        SparkTagger.Options o = options();
        int positions = encoder.config().maxPositionEmbeddings();
        int limit = o.maxLength() == 0 ? positions : Math.min(o.maxLength(), positions);
        boolean byOption = o.maxLength() != 0 && o.maxLength() <= positions;
        Tokenizer tokenizer = loaded.tokenizer().withPadding(null)
                .withTruncation(o.truncate() ? TruncationParams.of(limit) : null);

        List<Object[]> out = new ArrayList<>(items.size());
        List<Integer> good = new ArrayList<>();
        List<Encoding> encodings = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            TextRows.Item item = items.get(i);
            String error = item.ok() ? TextRows.check(tokenizer, item, limit, byOption,
                    o.longText() == LongText.ERROR) : item.error();
            out.add(new Object[] {null, error});
            encodings.add(null);
            if (error == null) {
                good.add(i);
                encodings.set(i, item.text() != null ? tokenizer.encode(item.text(), null, true)
                        : tokenizer.encodeWords(item.words(), true));
            }
        }
        good.sort(Comparator.comparingInt(i -> encodings.get(i).length()));
        for (int from = 0; from < good.size(); from += o.batchSize()) {
            run(encoder, good.subList(from, Math.min(good.size(), from + o.batchSize())), encodings, out, limit);
        }
        return out;
    }

    private void run(BertEncoder encoder, List<Integer> rows, List<Encoding> encodings, List<Object[]> out,
            int limit) {
        List<Encoding> batch = new ArrayList<>(rows.size());
        for (int row : rows) {
            batch.add(encodings.get(row));
        }
        try {
            List<float[][]> states = TokenEmbeddings.lastHiddenState(encoder, batch, limit, options().stride());
            int hidden = encoder.config().hiddenSize();
            for (int r = 0; r < rows.size(); r++) {
                out.get(rows.get(r))[0] = pooling == SparkTagger.Pooling.MEAN ? mean(states.get(r), hidden)
                        : WordRows.seq(java.util.Arrays.asList(states.get(r)));
            }
        } catch (RuntimeException e) {
            if (rows.size() == 1) {
                out.get(rows.get(0))[1] = "embedding failed: " + TagPartition.describe(e);
                return;
            }
            for (int row : rows) {
                run(encoder, List.of(row), encodings, out, limit);
            }
        }
    }

    /** Mean over {@code len} token vectors starting at {@code offset}, summed in double. */
    static float[] mean(float[] h, int offset, int len, int hidden) {
        float[][] rows = new float[len][];
        for (int i = 0; i < len; i++) {
            rows[i] = java.util.Arrays.copyOfRange(h, offset + i * hidden, offset + (i + 1) * hidden);
        }
        return mean(rows, hidden);
    }

    /** Mean of token vectors, summed in double. */
    static float[] mean(float[][] rows, int hidden) {
        double[] sum = new double[hidden];
        for (float[] v : rows) {
            for (int c = 0; c < hidden; c++) {
                sum[c] += v[c];
            }
        }
        float[] m = new float[hidden];
        for (int c = 0; c < hidden; c++) {
            m[c] = rows.length == 0 ? 0f : (float) (sum[c] / rows.length);
        }
        return m;
    }
}
