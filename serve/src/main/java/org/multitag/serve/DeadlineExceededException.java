package org.multitag.serve;

/** A request was still queued when its deadline passed, and was never computed (HTTP 504). */
public final class DeadlineExceededException extends RuntimeException {

    public DeadlineExceededException(String message) {
        super(message);
    }
}
