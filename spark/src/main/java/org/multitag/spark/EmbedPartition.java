package org.multitag.spark;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.LongAccumulator;
import org.multitag.model.kernels.NativeArrays;
import org.multitag.model.nn.Batch;
import org.multitag.model.nn.BertEncoder;
import org.multitag.model.nn.EncoderOutput;
import org.multitag.tokenizer.Encoding;
import org.multitag.tokenizer.Tokenizer;
import org.multitag.tokenizer.TruncationParams;

/**
 * Embeds a partition: adds {@code embedding} ({@link SparkTagger.Pooling#MEAN}: the mean of the last hidden
 * state over the row's tokens, special tokens included, {@code array<float>} of the hidden size) or
 * {@code token_embeddings} ({@link SparkTagger.Pooling#TOKENS}: one {@code array<float>} per token), and
 * {@code error}. Rows run through the encoder in length-sorted batches, one batch failing being retried row
 * by row.
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
            String error = item.ok() ? TextRows.check(tokenizer, item, limit, byOption) : item.error();
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
            run(encoder, good.subList(from, Math.min(good.size(), from + o.batchSize())), encodings, out);
        }
        return out;
    }

    private void run(BertEncoder encoder, List<Integer> rows, List<Encoding> encodings, List<Object[]> out) {
        List<int[]> ids = new ArrayList<>(rows.size());
        List<int[]> types = new ArrayList<>(rows.size());
        for (int row : rows) {
            ids.add(encodings.get(row).ids());
            types.add(encodings.get(row).typeIds());
        }
        try {
            Batch batch = Batch.of(ids, types);
            float[] h;
            try (EncoderOutput result = encoder.forward(batch, BertEncoder.Outputs.LAST)) {
                h = NativeArrays.toFloats(result.lastHiddenState());
            }
            int t = batch.maxLength();
            int hidden = encoder.config().hiddenSize();
            for (int r = 0; r < rows.size(); r++) {
                out.get(rows.get(r))[0] = pooling == SparkTagger.Pooling.MEAN
                        ? mean(h, r * t * hidden, batch.lengths()[r], hidden)
                        : tokens(h, r * t * hidden, batch.lengths()[r], hidden);
            }
        } catch (RuntimeException e) {
            if (rows.size() == 1) {
                out.get(rows.get(0))[1] = "embedding failed: " + TagPartition.describe(e);
                return;
            }
            for (int row : rows) {
                run(encoder, List.of(row), encodings, out);
            }
        }
    }

    /** Mean over {@code len} token vectors starting at {@code offset}, summed in double. */
    static float[] mean(float[] h, int offset, int len, int hidden) {
        double[] sum = new double[hidden];
        for (int i = 0; i < len; i++) {
            for (int c = 0; c < hidden; c++) {
                sum[c] += h[offset + i * hidden + c];
            }
        }
        float[] m = new float[hidden];
        for (int c = 0; c < hidden; c++) {
            m[c] = len == 0 ? 0f : (float) (sum[c] / len);
        }
        return m;
    }

    private static scala.collection.Seq<float[]> tokens(float[] h, int offset, int len, int hidden) {
        List<float[]> out = new ArrayList<>(len);
        for (int i = 0; i < len; i++) {
            float[] v = new float[hidden];
            System.arraycopy(h, offset + i * hidden, v, 0, hidden);
            out.add(v);
        }
        return WordRows.seq(out);
    }
}
