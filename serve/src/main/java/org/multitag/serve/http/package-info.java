/**
 * The HTTP/1.1 JSON server over a {@link org.multitag.serve.TaggingService} ({@code multitag serve}): its routes
 * ({@code /v1/tag}, {@code /v1/embed}, {@code /v1/tokenize}, {@code /v1/model}, {@code /health}, {@code /ready},
 * {@code /metrics}, {@code /openapi.json}), JSON errors with their statuses, Prometheus metrics, and the drain on
 * shutdown. {@link org.multitag.serve.http.TagServer} is the only public type.
 *
 * <p>Runs on the JDK's {@code com.sun.net.httpserver} (chosen over Jetty 12 by a loopback benchmark: both answer in
 * well under a millisecond, far below a model pass, and the JDK server needs no dependency). Uses the serve package's
 * service and JSON writers, Jackson, and the Prometheus Java client.
 */
package org.multitag.serve.http;
