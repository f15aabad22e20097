package org.multitag.serve;

/** The service already holds its maxConcurrentRequests queued or in flight: retry later (HTTP 429). */
public final class ServiceOverloadedException extends RuntimeException {

    public ServiceOverloadedException(String message) {
        super(message);
    }
}
