package org.multitag.serve;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.multitag.model.TaggingModel;
import org.multitag.model.decoding.Decoding;
import org.multitag.tokenizer.Encoding;
import org.multitag.tokenizer.labels.WordPrediction;

/**
 * A thread-safe tagging service over one model: callers on any threads, the model on its own thread.
 */
public final class TaggingService implements AutoCloseable {

    /** Settings of a service; {@link #build()} loads the model. */
    public static final class Builder {
        private final TaggingModel model;
        private int threads;
        private int maxLength;
        private boolean truncate;
        private Decoding decoding;
        private int maxBatchTokens = 4096;
        private Duration maxBatchDelay = Duration.ZERO;
        private int maxConcurrentRequests = 512;
        private ServiceListener listener = ServiceListener.NONE;

        private Builder(TaggingModel model) {
            this.model = Objects.requireNonNull(model, "model");
        }

        /** Gemm and kernel threads of the model pass (0: the machine's cores). */
        public Builder threads(int n) {
            this.threads = n;
            return this;
        }

        /** The longest input in tokens (0: the model's max_position_embeddings). */
        public Builder maxLength(int tokens) {
            this.maxLength = tokens;
            return this;
        }

        /** Cut longer inputs to the maximum length instead of rejecting them. */
        public Builder truncate(boolean cut) {
            this.truncate = cut;
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
            this.listener = l;
            return this;
        }

        /** Loads the model and starts its thread. */
        public TaggingService build() throws IOException {
            throw new UnsupportedOperationException("not yet");
        }
    }

    private TaggingService() {
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
     * @throws org.multitag.core.InputException for an input over maxLength without truncate (the message names the
     *     token count and the limit), a decoding mode this model does not have, or an input the tokenizer rejects
     */
    public CompletableFuture<List<WordPrediction>> submit(TagRequest request, Instant deadline) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Several inputs admitted together (all or none against maxConcurrentRequests); futures in input order. */
    public List<CompletableFuture<List<WordPrediction>>> submitAll(List<TagRequest> requests, Instant deadline) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Blocking convenience: {@code submit(request, null).join()}, its exception unwrapped. */
    public List<WordPrediction> tag(TagRequest request) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * The encoder's last hidden state per token of the text as {@code embed} computes it ([CLS] and [SEP]
     * included), batched through the same queue. Same exceptions as {@link #submit}.
     */
    public CompletableFuture<Embedding> submitEmbedding(String text, Instant deadline) {
        throw new UnsupportedOperationException("not yet");
    }

    /** The model's tokenization of a text (special tokens added), no model pass. */
    public Encoding tokenize(String text) {
        throw new UnsupportedOperationException("not yet");
    }

    public TaggingModel model() {
        throw new UnsupportedOperationException("not yet");
    }

    /** The longest input in tokens. */
    public int maxLength() {
        throw new UnsupportedOperationException("not yet");
    }

    /** Requests waiting, not yet in a batch. */
    public int queued() {
        throw new UnsupportedOperationException("not yet");
    }

    /** Requests queued or being computed. */
    public int inFlight() {
        throw new UnsupportedOperationException("not yet");
    }

    /** Whether {@link #close()} began. */
    public boolean isClosed() {
        throw new UnsupportedOperationException("not yet");
    }

    /** Stops taking work, finishes every accepted request, then frees the model. Idempotent. */
    @Override
    public void close() {
        throw new UnsupportedOperationException("not yet");
    }

    /** {@link #close()}, waiting at most {@code timeout} for the accepted work; true when all was answered. */
    public boolean close(Duration timeout) {
        throw new UnsupportedOperationException("not yet");
    }
}
