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
     * A batch ran through the model, with its real tokens: what the model computed, its padding being skipped
     * (called before its futures complete). By default calls {@link #batchComputed(int, int, long)}.
     *
     * @param requests inputs in the batch
     * @param paddedTokens rows times the longest row (what the batch budget counts)
     * @param tokens the inputs' tokens (an input through windows: its tokens once)
     * @param nanos the model pass and the decoding of its rows
     */
    default void batchComputed(int requests, int paddedTokens, int tokens, long nanos) {
        batchComputed(requests, paddedTokens, nanos);
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
