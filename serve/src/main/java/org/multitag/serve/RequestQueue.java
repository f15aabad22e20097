package org.multitag.serve;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded queue and the batcher over it. Callers {@link #offer} requests (all of a call or none, against the
 * capacity); the model thread {@link #take}s a batch when it is free: queued requests of the head's kind in arrival
 * order while the padded tokens (rows times the longest row) stay within the budget; the first request that would
 * overflow it heads the next batch, and a single request over the budget runs alone. Requests past their deadline or
 * cancelled are dropped on the way, never handed out.
 *
 * <p>Admission and batch forming happen under one lock; the requests themselves settle their state by compare-and-set
 * ({@link Pending}), so a deadline timer or a cancelling caller racing the batcher leaves exactly one winner.
 */
final class RequestQueue {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Pending<?>> queue = new ArrayDeque<>();
    private final int maxBatchTokens;
    private final long maxDelayNanos;
    private final int capacity;
    private final ServiceListener listener;
    /** Queued plus being computed. */
    private int inFlight;
    /** Written under the lock; read without it by {@link #isClosed()}. */
    private volatile boolean closed;

    RequestQueue(int maxBatchTokens, long maxDelayNanos, int capacity, ServiceListener listener) {
        this.maxBatchTokens = maxBatchTokens;
        this.maxDelayNanos = maxDelayNanos;
        this.capacity = capacity;
        this.listener = listener;
    }

    /**
     * Queues all of {@code items} or none.
     *
     * @throws ServiceClosedException after {@link #close()}
     * @throws ServiceOverloadedException when they would take more than the capacity
     */
    void offer(List<? extends Pending<?>> items) {
        lock.lock();
        try {
            if (closed) {
                throw new ServiceClosedException("the tagging service is closed (shutting down): it takes no new "
                        + "requests");
            }
            if (inFlight + items.size() > capacity) {
                throw new ServiceOverloadedException(inFlight + " requests are queued or in flight, the limit is "
                        + capacity + (items.size() > 1 ? " (" + items.size() + " more asked)" : "")
                        + ": retry later");
            }
            inFlight += items.size();
            queue.addAll(items);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Drops a queued request unanswered (its deadline passed, or its caller cancelled it); nothing when it is already
     * in a batch or dropped. Completes its future with {@link DeadlineExceededException} for {@code "deadline"} (a
     * cancelled future is complete already).
     */
    void drop(Pending<?> p, String reason) {
        if (!p.drop()) {
            return;
        }
        lock.lock();
        try {
            queue.remove(p);
            inFlight--;
        } finally {
            lock.unlock();
        }
        dropped(p, reason);
    }

    private void dropped(Pending<?> p, String reason) {
        try {
            listener.requestDropped(reason);
        } catch (RuntimeException e) {
            // a metrics hook must not keep a request from its answer
        }
        if (reason.equals("deadline")) {
            p.future.completeExceptionally(new DeadlineExceededException("the request's deadline passed while it "
                    + "waited in the queue; it was not computed"));
        } else {
            p.future.completeExceptionally(new CancellationException("cancelled"));
        }
    }

    /**
     * The next batch, waiting for requests (and up to the batch delay for more); null once the queue is closed and
     * empty. The caller {@link #release}s the batch once it is answered.
     */
    List<Pending<?>> take() throws InterruptedException {
        while (true) {
            List<Pending<?>> expired = new ArrayList<>();
            List<Pending<?>> batch;
            lock.lock();
            try {
                while (queue.isEmpty() && !closed) {
                    changed.await();
                }
                if (queue.isEmpty()) {
                    return null;
                }
                if (maxDelayNanos > 0) {
                    awaitFullOrDelay();
                }
                batch = select(expired);
            } finally {
                lock.unlock();
            }
            for (Pending<?> p : expired) {
                dropped(p, "deadline");
            }
            if (!batch.isEmpty()) {
                return batch;
            }
        }
    }

    /** Waits until the queued requests fill a batch, the oldest has waited the delay, or the queue closes. */
    private void awaitFullOrDelay() throws InterruptedException {
        while (!closed && !queue.isEmpty()) {
            long left = queue.peekFirst().queuedAt + maxDelayNanos - System.nanoTime();
            if (left <= 0 || fillsBatch()) {
                return;
            }
            changed.awaitNanos(left);
        }
    }

    /** Whether the queued requests of the head's kind overflow one batch. */
    private boolean fillsBatch() {
        Pending.Kind kind = queue.peekFirst().kind;
        int rows = 0;
        int longest = 0;
        for (Pending<?> p : queue) {
            if (p.kind == kind && p.queued()) {
                rows++;
                longest = Math.max(longest, p.length());
                if ((long) rows * longest > maxBatchTokens) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Takes the batch out of the queue (under the lock); expired requests met on the way go to {@code expired}. */
    private List<Pending<?>> select(List<Pending<?>> expired) {
        List<Pending<?>> batch = new ArrayList<>();
        Pending.Kind kind = null;
        int longest = 0;
        long now = System.nanoTime();
        for (Iterator<Pending<?>> it = queue.iterator(); it.hasNext();) {
            Pending<?> p = it.next();
            if (!p.queued()) {
                it.remove(); // dropped by a timer or a caller; the dropper accounts for it
                continue;
            }
            if (p.expired(now)) {
                if (p.drop()) {
                    it.remove();
                    inFlight--;
                    expired.add(p);
                }
                continue;
            }
            if (kind == null) {
                kind = p.kind;
            } else if (p.kind != kind) {
                continue;
            }
            int l = Math.max(longest, p.length());
            if (!batch.isEmpty() && (long) (batch.size() + 1) * l > maxBatchTokens) {
                break;
            }
            if (p.take()) {
                it.remove();
                batch.add(p);
                longest = l;
            }
        }
        return batch;
    }

    /** A taken batch is answered (or failed): its requests no longer count against the capacity. */
    void release(int n) {
        lock.lock();
        try {
            inFlight -= n;
        } finally {
            lock.unlock();
        }
    }

    /** Takes no more requests; {@link #take} hands out what is queued, then null. */
    void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    boolean isClosed() {
        return closed;
    }

    /** Requests waiting, not yet in a batch. */
    int queued() {
        lock.lock();
        try {
            int n = 0;
            for (Pending<?> p : queue) {
                if (p.queued()) {
                    n++;
                }
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** Requests queued or being computed. */
    int inFlight() {
        lock.lock();
        try {
            return inFlight;
        } finally {
            lock.unlock();
        }
    }
}
