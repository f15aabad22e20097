package org.multitag.serve.http;

/**
 * A request answered with an error status: the JSON body {@code {"error": message, "type": type}}, and for 405 and
 * 429 the header the status needs ({@code Allow}, {@code Retry-After}).
 */
final class HttpError extends RuntimeException {

    final int status;
    final String type;
    /** The header name and value to add, or null. */
    final String header;
    final String headerValue;

    HttpError(int status, String type, String message) {
        this(status, type, message, null, null);
    }

    HttpError(int status, String type, String message, String header, String headerValue) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.header = header;
        this.headerValue = headerValue;
    }

    static HttpError badJson(String message) {
        return new HttpError(400, "invalid_json", message);
    }

    static HttpError invalid(String message) {
        return new HttpError(422, "invalid_request", message);
    }
}
