package org.multitag.serve;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A listener that records every batch and drop, and can hold the model thread inside its first batch's hook (the
 * batch is computed, its futures not yet completed) until the test opens the gate: meanwhile everything submitted
 * stays queued, so the tests decide exactly what the batcher sees.
 */
final class Recorder implements ServiceListener {

    /** One computed batch. */
    record Computed(int requests, int paddedTokens) {}

    final List<Computed> batches = new CopyOnWriteArrayList<>();
    /** Per batch: {real tokens, padded tokens}. */
    final List<int[]> tokenCounts = new CopyOnWriteArrayList<>();
    final ConcurrentHashMap<String, AtomicInteger> drops = new ConcurrentHashMap<>();
    private final CountDownLatch held = new CountDownLatch(1);
    private final CountDownLatch gate;

    /** A recorder that holds the first batch until {@link #open()}, or none when {@code hold} is false. */
    Recorder(boolean hold) {
        this.gate = new CountDownLatch(hold ? 1 : 0);
    }

    @Override
    public void batchComputed(int requests, int paddedTokens, int tokens, long nanos) {
        batches.add(new Computed(requests, paddedTokens));
        tokenCounts.add(new int[] {tokens, paddedTokens});
        held.countDown();
        try {
            gate.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void requestDropped(String reason) {
        drops.computeIfAbsent(reason, k -> new AtomicInteger()).incrementAndGet();
    }

    /** Waits until the model thread is held in the first batch's hook. */
    void awaitHeld() throws InterruptedException {
        if (!held.await(60, TimeUnit.SECONDS)) {
            throw new AssertionError("the model thread never computed a batch");
        }
    }

    void open() {
        gate.countDown();
    }

    /** Opens the gate when closed: a try-with-resources after the service's, so a failed assertion cannot leave the
     *  model thread held and the service's close waiting for it. */
    interface Gate extends AutoCloseable {
        @Override
        void close();
    }

    Gate gate() {
        return this::open;
    }

    int dropped(String reason) {
        AtomicInteger n = drops.get(reason);
        return n == null ? 0 : n.get();
    }

    /** Inputs computed, over all batches. */
    int rows() {
        return batches.stream().mapToInt(Computed::requests).sum();
    }
}
