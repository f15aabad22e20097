package org.multitag.serve;

/** The service was closed: it takes no new work (HTTP 503). */
public final class ServiceClosedException extends RuntimeException {

    public ServiceClosedException(String message) {
        super(message);
    }
}
