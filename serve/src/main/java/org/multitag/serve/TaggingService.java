package org.multitag.serve;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.multitag.model.LongText;
import org.multitag.model.MultiLabelTagger;
import org.multitag.model.TaggingModel;
import org.multitag.model.decoding.Decoding;
import org.multitag.model.nn.BertWeights;
import org.multitag.tokenizer.Encoding;
import org.multitag.tokenizer.labels.WordPrediction;

/**
 * A thread-safe tagging service over one model: callers on any threads, the model on its own thread (or, with
 * {@link Builder#workers}, on several threads, each running its own passes over shared weights, taking batches from
 * the one queue).
 *
 * <p>Callers {@link #submit} texts or word lists (and {@link #submitEmbedding} texts) and get futures. Each input is
 * tokenized and checked on the caller's thread, then queued; the model thread, whenever it is free, takes the queued
 * requests of one kind in arrival order while rows times the longest row stays within {@code maxBatchTokens} (a single
 * longer input runs alone), runs them as one length-sorted batch, decodes each row in its request's mode and completes
 * the futures. With a {@code maxBatchDelay} it first waits, at most that long after the oldest queued request
 * arrived, for a full batch. At most {@code maxConcurrentRequests} are queued or computed at once; beyond that a
 * submit fails at once ({@link ServiceOverloadedException}). A request whose deadline passes while it is queued, or
 * whose future is cancelled, is dropped and never computed.
 *
 * <p>Every answer is exactly what {@link MultiLabelTagger} returns for that input alone (same records, the same float
 * bits): each row of a padded batch computes as the row alone, so which requests share a batch changes nothing.
 *
 * <p>A model's scratch and outputs are made, used and freed on its model thread only, and so are its weights with one
 * worker; several workers share weights loaded by {@link Builder#build()} and freed after the last worker ends.
 * Futures are completed on the model threads too: stages chained with the non-async methods ({@code thenApply}, {@code
 * thenAccept}) run there and hold up every other request while they run, so chain anything more than a hand-off with
 * the {@code ...Async} variants.
 */
public final class TaggingService implements AutoCloseable {

    /** Settings of a service; {@link #build()} loads the model. */
    public static final class Builder {
        private final TaggingModel model;
        private int threads;
        private int workers = 1;
        private int maxLength;
        private LongText longText = LongText.WINDOW;
        private int stride = -1;
        private Decoding decoding;
        private int maxBatchTokens = DEFAULT_MAX_BATCH_TOKENS;
        private Duration maxBatchDelay = Duration.ZERO;
        private int maxConcurrentRequests = DEFAULT_MAX_CONCURRENT_REQUESTS;
        private ServiceListener listener = ServiceListener.NONE;

        private Builder(TaggingModel model) {
            this.model = Objects.requireNonNull(model, "model");
        }

        /** Gemm and kernel threads of each model pass (0: the machine's cores shared out among the workers). */
        public Builder threads(int n) {
            this.threads = n;
            return this;
        }

        /**
         * Copies of the model, each on its own thread taking the next batch from the queue when it is free (default
         * 1). Several single-threaded workers keep every core busy on short inputs, where one model pass cannot use
         * two threads well. They share one copy of the encoder's weights; each has its own scratch buffers and head
         * (and, in bf16, its own bf16 copies of the weights).
         */
        public Builder workers(int n) {
            this.workers = n;
            return this;
        }

        /** The longest input in tokens (0: the model's max_position_embeddings). */
        public Builder maxLength(int tokens) {
            this.maxLength = tokens;
            return this;
        }

        /**
         * Cut longer inputs to the maximum length ({@code true}), or reject them ({@code false}), instead of the
         * default windows ({@link #longText}).
         */
        public Builder truncate(boolean cut) {
            this.longText = cut ? LongText.TRUNCATE : LongText.ERROR;
            return this;
        }

        /**
         * What happens to an input longer than the maximum length (default: {@link LongText#WINDOW}): with windows a
         * tag request is tagged through overlapping windows, exactly as {@link MultiLabelTagger} tags it, and an
         * embedding request gets each token's vector from the window its word takes its probabilities from
         * ({@link org.multitag.model.TokenEmbeddings}); {@link LongText#TRUNCATE} cuts it; {@link LongText#ERROR}
         * refuses it ({@link org.multitag.core.InputException} naming the token count and the limit).
         *
         * @param strideTokens tokens consecutive windows share (negative: a quarter of the window)
         */
        public Builder longText(LongText mode, int strideTokens) {
            this.longText = Objects.requireNonNull(mode, "mode");
            this.stride = strideTokens;
            return this;
        }

        /** The decoding setup (default: the model folder's). */
        public Builder decoding(Decoding d) {
            this.decoding = d;
            return this;
        }

        /** Padded tokens per batch (rows times the longest row); a single longer input still runs, alone. */
        public Builder maxBatchTokens(int tokens) {
            this.maxBatchTokens = tokens;
            return this;
        }

        /** How long a batch may wait for more inputs once the model is free (default zero: take what is queued). */
        public Builder maxBatchDelay(Duration d) {
            this.maxBatchDelay = d;
            return this;
        }

        /** Requests queued or in flight at most; beyond, a submit fails at once (default 512). */
        public Builder maxConcurrentRequests(int n) {
            this.maxConcurrentRequests = n;
            return this;
        }

        /** Metrics hooks (default: none). */
        public Builder listener(ServiceListener l) {
            this.listener = l == null ? ServiceListener.NONE : l;
            return this;
        }

        /**
         * Starts the model threads (one per worker), loads the model on each and returns once all are ready.
         *
         * @throws org.multitag.core.InputException for a model without a head, a decoding setup or mode it lacks, or an
         *     encoder this code cannot run (naming the folder)
         */
        public TaggingService build() throws IOException {
            if (threads < 0) {
                throw new IllegalArgumentException("threads must be >= 0, not " + threads);
            }
            if (workers < 1) {
                throw new IllegalArgumentException("workers must be >= 1, not " + workers);
            }
            if (maxLength < 0) {
                throw new IllegalArgumentException("max length must be >= 0, not " + maxLength);
            }
            if (maxBatchTokens < 1) {
                throw new IllegalArgumentException("max batch tokens must be >= 1, not " + maxBatchTokens);
            }
            if (maxBatchDelay == null || maxBatchDelay.isNegative()) {
                throw new IllegalArgumentException("max batch delay must be >= 0, not " + maxBatchDelay);
            }
            if (maxConcurrentRequests < 1) {
                throw new IllegalArgumentException("max concurrent requests must be >= 1, not "
                        + maxConcurrentRequests);
            }
            return new TaggingService(this);
        }
    }

    /** The default {@link Builder#maxBatchTokens}: see the module's reference page for the measurement behind it. */
    public static final int DEFAULT_MAX_BATCH_TOKENS = 256;
    /** The default {@link Builder#maxConcurrentRequests}. */
    public static final int DEFAULT_MAX_CONCURRENT_REQUESTS = 512;

    private final TaggingModel model;
    private final Decoding decoding;
    private final InputCheck inputs;
    private final RequestQueue queue;
    private final List<ModelWorker> workers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final ScheduledThreadPoolExecutor timers;

    private TaggingService(Builder b) throws IOException {
        this.model = b.model.requireHead();
        this.decoding = b.decoding != null ? b.decoding : model.decoding();
        // a delay past a year is "wait for a full batch": kept far from overflowing nanoTime arithmetic
        long delay = b.maxBatchDelay.compareTo(Duration.ofDays(365)) > 0 ? Duration.ofDays(365).toNanos()
                : b.maxBatchDelay.toNanos();
        this.queue = new RequestQueue(b.maxBatchTokens, delay, b.maxConcurrentRequests, b.listener);
        // the queue forms the batches, so the tagger runs each one as a single pass: no batch size of its own
        MultiLabelTagger.Options options = new MultiLabelTagger.Options(threadsPerWorker(b.threads, b.workers),
                Integer.MAX_VALUE, b.maxLength, b.longText, b.stride, null);
        Decoding d = decoding;
        // several workers share one copy of the encoder's weights (read only while tagging), freed after the last
        // worker has ended; a single worker loads and frees its own on its thread
        BertWeights shared = b.workers > 1 ? model.encoderWeights() : null;
        for (int i = 0; i < b.workers; i++) {
            ModelWorker w = new ModelWorker(() -> MultiLabelTagger.of(model, d, options, shared), queue, b.listener);
            Thread t = new Thread(w, b.workers == 1 ? "multitag-model" : "multitag-model-" + (i + 1));
            t.setDaemon(true);
            workers.add(w);
            threads.add(t);
        }
        this.timers = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "multitag-deadlines");
            t.setDaemon(true);
            return t;
        });
        timers.setRemoveOnCancelPolicy(true);
        if (shared != null) {
            CompletableFuture.allOf(workers.stream().map(w -> w.terminated).toArray(CompletableFuture[]::new))
                    .whenComplete((r, e) -> shared.close());
        }
        threads.forEach(Thread::start);
        MultiLabelTagger tagger = null;
        try {
            for (ModelWorker w : workers) {
                MultiLabelTagger loaded = w.loaded.get();
                tagger = tagger == null ? loaded : tagger;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopLoading();
            throw new IOException("interrupted while loading " + model.folder(), e);
        } catch (ExecutionException e) {
            stopLoading();
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            if (c instanceof RuntimeException r) {
                throw r;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IOException(c);
        }
        // the tagger checked the decoding setup's default mode (an error naming the folder) before it loaded
        this.inputs = new InputCheck(tagger.tokenizer(), tagger.scorer().maxLength(),
                b.longText == LongText.WINDOW, decoding);
    }

    /** Threads per model pass: as asked, or the cores shared out among the workers (at least one each). */
    static int threadsPerWorker(int threads, int workers) {
        return threads > 0 ? threads : Math.max(1, Runtime.getRuntime().availableProcessors() / workers);
    }

    /** A worker failed to load: the others (loaded or still loading) end and free their models. */
    private void stopLoading() {
        queue.close();
        for (ModelWorker w : workers) {
            w.terminated.join();
        }
        timers.shutdownNow();
    }

    /** Settings for a service over {@code model}, which must have a head. */
    public static Builder builder(TaggingModel model) {
        return new Builder(model);
    }

    /**
     * Queues one input; the future completes with exactly what {@link org.multitag.model.MultiLabelTagger} returns
     * for it alone.
     *
     * @param deadline null: none; a request still queued past it completes exceptionally with
     *     {@link DeadlineExceededException} and is never computed. Cancelling the future drops it likewise.
     * @throws ServiceOverloadedException at once when maxConcurrentRequests are queued or in flight
     * @throws ServiceClosedException after close() began
     * @throws org.multitag.core.InputException for an input over maxLength without truncate or windows (the message names the
     *     token count and the limit), a decoding mode this model does not have, or an input the tokenizer rejects
     */
    public CompletableFuture<List<WordPrediction>> submit(TagRequest request, Instant deadline) {
        return submitAll(List.of(request), deadline).get(0);
    }

    /** Several inputs admitted together (all or none against maxConcurrentRequests); futures in input order. */
    public List<CompletableFuture<List<WordPrediction>>> submitAll(List<TagRequest> requests, Instant deadline) {
        checkOpen();
        long due = nanoDeadline(deadline);
        List<Pending<List<WordPrediction>>> items = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            TagRequest r = Objects.requireNonNull(requests.get(i), "request");
            String which = requests.size() > 1 ? "input " + (i + 1) : "input";
            Encoding e = inputs.encode(which, r);
            items.add(new Pending<>(Pending.Kind.TAG, e, r, inputs.decoder(which, r.decoding()), due));
        }
        enqueue(items);
        List<CompletableFuture<List<WordPrediction>>> out = new ArrayList<>(items.size());
        for (Pending<List<WordPrediction>> p : items) {
            out.add(p.future);
        }
        return out;
    }

    /** Blocking convenience: {@code submit(request, null).join()}, its exception unwrapped. */
    public List<WordPrediction> tag(TagRequest request) {
        try {
            return submit(request, null).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    /**
     * The encoder's last hidden state per token of the text as {@code embed} computes it ([CLS] and [SEP]
     * included; a text over the limit through windows, as the service's long-text setting says), batched through the
     * same queue (in batches of embeddings only). Same exceptions as {@link #submit}.
     */
    public CompletableFuture<Embedding> submitEmbedding(String text, Instant deadline) {
        checkOpen();
        long due = nanoDeadline(deadline);
        Encoding e = inputs.encodeEmbedding("input", text);
        Pending<Embedding> p = new Pending<>(Pending.Kind.EMBED, e, null, null, due);
        enqueue(List.of(p));
        return p.future;
    }

    /** The model's tokenization of a text (special tokens added, truncated when the service truncates), no pass. */
    public Encoding tokenize(String text) {
        return inputs.encodeText("input", text);
    }

    /** The model folder this service tags with. */
    public TaggingModel model() {
        return model;
    }

    /** The decoding setup the service decodes with. */
    public Decoding decoding() {
        return decoding;
    }

    /** The longest input in tokens. */
    public int maxLength() {
        return inputs.maxLength();
    }

    /** Requests waiting, not yet in a batch. */
    public int queued() {
        return queue.queued();
    }

    /** Requests queued or being computed. */
    public int inFlight() {
        return queue.inFlight();
    }

    /** Whether {@link #close()} began. */
    public boolean isClosed() {
        return queue.isClosed();
    }

    /** How many copies of the model take batches ({@link Builder#workers}). */
    public int workers() {
        return workers.size();
    }

    /**
     * Stops taking work, finishes every accepted request, then frees the model (on its thread). Idempotent; called on
     * a model thread itself (from a chained stage) it returns without waiting.
     */
    @Override
    public void close() {
        queue.close();
        if (!threads.contains(Thread.currentThread())) {
            for (ModelWorker w : workers) {
                w.terminated.join();
            }
        }
        timers.shutdownNow();
    }

    /** {@link #close()}, waiting at most {@code timeout} for the accepted work; true when all was answered. */
    public boolean close(Duration timeout) {
        queue.close();
        if (threads.contains(Thread.currentThread())) {
            return false;
        }
        try {
            CompletableFuture.allOf(workers.stream().map(w -> w.terminated).toArray(CompletableFuture[]::new))
                    .get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            timers.shutdownNow();
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    private void checkOpen() {
        if (queue.isClosed()) {
            throw new ServiceClosedException("the tagging service is closed (shutting down): it takes no new "
                    + "requests");
        }
    }

    private static long nanoDeadline(Instant deadline) {
        if (deadline == null) {
            return Long.MAX_VALUE;
        }
        long left;
        try {
            left = Duration.between(Instant.now(), deadline).toNanos();
        } catch (ArithmeticException e) {
            return deadline.isBefore(Instant.now()) ? System.nanoTime() : Long.MAX_VALUE;
        }
        return System.nanoTime() + left;
    }

    /** Queues the items, then arms their deadlines and the drop on cancel. */
    private <T> void enqueue(List<Pending<T>> items) {
        queue.offer(items);
        for (Pending<T> p : items) {
            p.future.whenComplete((r, e) -> {
                if (e instanceof CancellationException) {
                    queue.drop(p, "cancelled");
                }
            });
            if (p.deadline != Long.MAX_VALUE) {
                long delay = p.deadline - System.nanoTime();
                try {
                    p.timer(timers.schedule(() -> queue.drop(p, "deadline"), Math.max(0, delay),
                            TimeUnit.NANOSECONDS));
                } catch (RejectedExecutionException e) {
                    // closed meanwhile: the request is answered already (close drains the queue first)
                }
            }
        }
    }
}
