package org.multitag.spark;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.LongAccumulator;
import org.multitag.model.nn.BertEncoder;

/**
 * What a partition does, shared by tagging and embedding: rows are read in chunks (so the model sees full,
 * length-sorted batches), each chunk is turned into output rows in input order, and the encoder's native
 * scratch is opened on the first chunk and closed when the partition ends (or its task completes, whichever
 * comes first). The model itself comes from {@link ExecutorModels}, once per JVM. Every input row gives exactly
 * one output row: the kept input columns, then the columns the subclass adds, the last of which is the error.
 */
abstract class PartitionTask implements MapPartitionsFunction<Row, Row> {

    private static final long serialVersionUID = 1L;

    /** Encoders (native scratch) open in this JVM right now. */
    private static final AtomicInteger OPEN = new AtomicInteger();

    private final Broadcast<ModelSource> model;
    private final TextRows reader;
    private final int[] kept;
    private final SparkTagger.Options options;
    private final LongAccumulator rows;
    private final LongAccumulator errors;

    PartitionTask(Broadcast<ModelSource> model, TextRows reader, int[] kept, SparkTagger.Options options,
            LongAccumulator rows, LongAccumulator errors) {
        this.model = model;
        this.reader = reader;
        this.kept = kept;
        this.options = options;
        this.rows = rows;
        this.errors = errors;
    }

    SparkTagger.Options options() {
        return options;
    }

    /** How many partitions of this JVM hold an open encoder now (0 once every partition has ended). */
    static int openEncoders() {
        return OPEN.get();
    }

    /**
     * The added column values for each item of a chunk, in order; an item whose {@code error()} is set, or that
     * fails here, gets its reason in the last value and nulls before it.
     */
    abstract List<Object[]> process(List<TextRows.Item> items, ExecutorModels.Loaded loaded, BertEncoder encoder);

    @Override
    public Iterator<Row> call(Iterator<Row> input) {
        return new Chunks(input);
    }

    private int threads() {
        if (options.threads() > 0) {
            return options.threads();
        }
        TaskContext task = TaskContext.get();
        return task == null ? 1 : Math.max(1, task.cpus());
    }

    /** Lazily reads chunks and hands out their output rows; closes the encoder at the end. */
    private final class Chunks implements Iterator<Row> {
        private final Iterator<Row> input;
        private final Deque<Row> ready = new ArrayDeque<>();
        private ExecutorModels.Loaded loaded;
        private BertEncoder encoder;
        private boolean closed;

        Chunks(Iterator<Row> input) {
            this.input = input;
            TaskContext task = TaskContext.get();
            if (task != null) {
                task.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) ctx -> close());
            }
        }

        @Override
        public boolean hasNext() {
            while (ready.isEmpty() && input.hasNext()) {
                fill();
            }
            if (ready.isEmpty()) {
                close();
                return false;
            }
            return true;
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return ready.poll();
        }

        private void fill() {
            List<Row> chunk = new ArrayList<>(options.rowsPerChunk());
            while (chunk.size() < options.rowsPerChunk() && input.hasNext()) {
                chunk.add(input.next());
            }
            List<TextRows.Item> items = new ArrayList<>(chunk.size());
            for (Row r : chunk) {
                items.add(reader.read(r));
            }
            if (encoder == null) {
                loaded = ExecutorModels.get(model.value());
                encoder = loaded.openEncoder(options.computeSetting(threads()));
                OPEN.incrementAndGet();
            }
            List<Object[]> added = process(items, loaded, encoder);
            for (int i = 0; i < chunk.size(); i++) {
                Object[] extra = added.get(i);
                Object[] values = new Object[kept.length + extra.length];
                for (int k = 0; k < kept.length; k++) {
                    values[k] = chunk.get(i).get(kept[k]);
                }
                System.arraycopy(extra, 0, values, kept.length, extra.length);
                ready.add(RowFactory.create(values));
                if (extra[extra.length - 1] != null) {
                    errors.add(1);
                }
            }
            rows.add(chunk.size());
        }

        private synchronized void close() {
            if (!closed) {
                closed = true;
                if (encoder != null) {
                    encoder.close();
                    encoder = null;
                    OPEN.decrementAndGet();
                }
            }
        }
    }
}
