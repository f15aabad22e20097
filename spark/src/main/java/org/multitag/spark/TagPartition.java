package org.multitag.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.LongAccumulator;
import org.multitag.model.LongText;
import org.multitag.model.MultiLabelTagger;
import org.multitag.model.nn.BertEncoder;
import org.multitag.tokenizer.labels.WordPrediction;

/**
 * Tags a partition: adds {@code words} (see {@link WordRows}) and {@code error}. The texts and the word lists
 * of a chunk each go to {@link MultiLabelTagger} in one call, as {@code multitag predict} sends its whole input;
 * should a call fail anyway, the chunk is retried row by row so the failure lands on its row alone.
 */
final class TagPartition extends PartitionTask {

    private static final long serialVersionUID = 1L;

    TagPartition(Broadcast<ModelSource> model, TextRows reader, int[] kept, SparkTagger.Options options,
            LongAccumulator rows, LongAccumulator errors) {
        super(model, reader, kept, options, rows, errors);
    }

    @Override
    List<Object[]> process(List<TextRows.Item> items, ExecutorModels.Loaded loaded, BertEncoder encoder) {
        SparkTagger.Options o = options();
        MultiLabelTagger tagger = loaded.tagger(encoder, o.taggerOptions(), o.threshold());
        List<String> labels = tagger.head().labels();
        int positions = encoder.config().maxPositionEmbeddings();
        int limit = o.maxLength() == 0 ? positions : Math.min(o.maxLength(), positions);
        boolean byOption = o.maxLength() != 0 && o.maxLength() <= positions;

        List<Object[]> out = new ArrayList<>(items.size());
        List<Integer> textRows = new ArrayList<>();
        List<Integer> wordRows = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            TextRows.Item item = items.get(i);
            String error = item.ok() ? TextRows.check(tagger.tokenizer(), item, limit, byOption,
                    o.longText() == LongText.ERROR) : item.error();
            out.add(new Object[] {null, error});
            if (error == null) {
                (item.text() != null ? textRows : wordRows).add(i);
            }
        }
        run(tagger, items, textRows, out, labels, true);
        run(tagger, items, wordRows, out, labels, false);
        return out;
    }

    private static void run(MultiLabelTagger tagger, List<TextRows.Item> items, List<Integer> rows,
            List<Object[]> out, List<String> labels, boolean texts) {
        if (rows.isEmpty()) {
            return;
        }
        try {
            List<List<WordPrediction>> r = call(tagger, items, rows, texts);
            for (int k = 0; k < rows.size(); k++) {
                out.get(rows.get(k))[0] = WordRows.toRows(r.get(k), labels);
            }
        } catch (RuntimeException batchFailure) {
            if (rows.size() == 1) {
                out.get(rows.get(0))[1] = "tagging failed: " + describe(batchFailure);
                return;
            }
            for (int row : rows) {
                run(tagger, items, List.of(row), out, labels, texts);
            }
        }
    }

    private static List<List<WordPrediction>> call(MultiLabelTagger tagger, List<TextRows.Item> items,
            List<Integer> rows, boolean texts) {
        if (texts) {
            List<String> t = new ArrayList<>(rows.size());
            for (int row : rows) {
                t.add(items.get(row).text());
            }
            return tagger.tagTexts(t);
        }
        List<List<String>> w = new ArrayList<>(rows.size());
        for (int row : rows) {
            w.add(items.get(row).words());
        }
        return tagger.tagWords(w);
    }

    static String describe(Throwable t) {
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }
}
