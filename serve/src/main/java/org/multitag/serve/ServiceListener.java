package org.multitag.serve;

/**
 * Hooks for metrics, every method a no-op by default. {@link #batchComputed} runs on the model's thread, {@link
 * #requestDropped} on the thread that dropped the request (the model's, the deadline timer's, or the one that
 * cancelled the future): both must be cheap, thread-safe and must not block. An exception thrown here is ignored.
 */
public interface ServiceListener {

    /** A listener that does nothing. */
    ServiceListener NONE = new ServiceListener() {
    };

    /**
     * A batch ran through the model (called before its futures complete).
     *
     * @param requests inputs in the batch
     * @param paddedTokens rows times the longest row
     * @param nanos the model pass and the decoding of its rows
     */
    default void batchComputed(int requests, int paddedTokens, long nanos) {
    }

    /**
     * A queued request was dropped before it was computed.
     *
     * @param reason {@code "deadline"} (still queued past its deadline) or {@code "cancelled"} (its future was
     *     cancelled); called before its future fails
     */
    default void requestDropped(String reason) {
    }
}
