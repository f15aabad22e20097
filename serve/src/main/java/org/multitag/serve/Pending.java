package org.multitag.serve;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.multitag.model.decoding.Decoder;
import org.multitag.tokenizer.Encoding;

/**
 * One accepted request on its way through the queue: its encoding (made on the caller's thread), what the model
 * thread needs to answer it, and the caller's future. Its state moves once, from queued to taken (into a batch) or
 * to dropped (past its deadline, or cancelled), whichever thread gets there first.
 *
 * @param <T> what the caller gets
 */
final class Pending<T> {

    /** Requests of one kind share a batch. */
    enum Kind { TAG, EMBED }

    private static final int QUEUED = 0;
    private static final int TAKEN = 1;
    private static final int DROPPED = 2;

    final Kind kind;
    final Encoding encoding;
    /** The tag request (null for an embedding). */
    final TagRequest request;
    /** Its decoder (null for an embedding). */
    final Decoder decoder;
    final CompletableFuture<T> future = new CompletableFuture<>();
    /** {@link System#nanoTime()} at the deadline, or {@link Long#MAX_VALUE} for none. */
    final long deadline;
    /** {@link System#nanoTime()} when it was queued. */
    final long queuedAt;
    private final AtomicInteger state = new AtomicInteger(QUEUED);
    private volatile Future<?> timer;

    Pending(Kind kind, Encoding encoding, TagRequest request, Decoder decoder, long deadline) {
        this.kind = kind;
        this.encoding = encoding;
        this.request = request;
        this.decoder = decoder;
        this.deadline = deadline;
        this.queuedAt = System.nanoTime();
    }

    /** Tokens of the input, special tokens included. */
    int length() {
        return encoding.length();
    }

    boolean queued() {
        return state.get() == QUEUED;
    }

    boolean expired(long now) {
        return deadline != Long.MAX_VALUE && now - deadline >= 0;
    }

    /** Into a batch: false when it was dropped first. */
    boolean take() {
        return leave(TAKEN);
    }

    /** Out of the queue unanswered: false when it was taken (or dropped) first. */
    boolean drop() {
        return leave(DROPPED);
    }

    /** Leaves the queue for {@code to}, its deadline timer no longer needed; false when it had left already. */
    private boolean leave(int to) {
        if (!state.compareAndSet(QUEUED, to)) {
            return false;
        }
        Future<?> t = timer;
        if (t != null) {
            t.cancel(false);
        }
        return true;
    }

    /** The task that drops it at its deadline (cancelled when it is taken first). */
    void timer(Future<?> t) {
        this.timer = t;
        if (!queued()) {
            t.cancel(false);
        }
    }

    @SuppressWarnings("unchecked")
    void complete(Object result) {
        future.complete((T) result);
    }
}
