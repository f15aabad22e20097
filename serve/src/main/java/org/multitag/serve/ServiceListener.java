package org.multitag.serve;

/**
 * Hooks for metrics. Called on the model's thread, so they must be cheap and must not block; every method is a
 * no-op by default.
 */
public interface ServiceListener {

    /** A listener that does nothing. */
    ServiceListener NONE = new ServiceListener() {
    };

    /**
     * A batch ran through the model.
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
     *     cancelled)
     */
    default void requestDropped(String reason) {
    }
}
