package org.multitag.serve.http;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.function.IntSupplier;
import org.multitag.serve.ServiceListener;

/**
 * The server's Prometheus metrics, in a registry of its own (two servers in one JVM, as in tests, do not share
 * counts): requests by route and status, request durations, the service's queue, and per batch its size, padded
 * tokens and compute time (fed by the service as its {@link ServiceListener}).
 */
final class ServerMetrics implements ServiceListener {

    /** The content type of {@link #write}: Prometheus text format 0.0.4. */
    static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.builder()
            .setIncludeCreatedTimestamps(false).build();
    private final Counter requests;
    private final Histogram duration;
    private final Histogram batchSize;
    private final Histogram batchTokens;
    private final Histogram realTokens;
    private final Histogram inference;
    private final Counter dropped;

    ServerMetrics() {
        requests = Counter.builder().name("multitag_http_requests_total")
                .help("HTTP requests answered, by route (the path, or \"unknown\") and status code")
                .labelNames("route", "status").register(registry);
        duration = Histogram.builder().name("multitag_http_request_duration_seconds")
                .help("Time from a request's arrival to its answer, by route").labelNames("route")
                .classicOnly().classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
                        10, 30)
                .register(registry);
        batchSize = Histogram.builder().name("multitag_batch_size").help("Inputs per model batch").classicOnly()
                .classicUpperBounds(1, 2, 4, 8, 16, 32, 64, 128, 256, 512).register(registry);
        batchTokens = Histogram.builder().name("multitag_batch_tokens")
                .help("Padded tokens per model batch (rows times the longest row)").classicOnly()
                .classicUpperBounds(16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384).register(registry);
        realTokens = Histogram.builder().name("multitag_batch_real_tokens")
                .help("The inputs' tokens per model batch (what a packed batch computes)").classicOnly()
                .classicUpperBounds(16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384).register(registry);
        inference = Histogram.builder().name("multitag_inference_duration_seconds")
                .help("Model pass and decoding time per batch").classicOnly()
                .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
                .register(registry);
        dropped = Counter.builder().name("multitag_requests_dropped_total")
                .help("Queued inputs dropped before compute, by reason (deadline, cancelled)")
                .labelNames("reason").register(registry);
    }

    /** Registers the service's queue gauges, read at each scrape. */
    void queue(IntSupplier queued, IntSupplier inFlight) {
        GaugeWithCallback.builder().name("multitag_queue_size").help("Inputs waiting for a batch")
                .callback(cb -> cb.call(queued.getAsInt())).register(registry);
        GaugeWithCallback.builder().name("multitag_requests_in_flight").help("Inputs queued or being computed")
                .callback(cb -> cb.call(inFlight.getAsInt())).register(registry);
    }

    /** Counts one answered request. */
    void answered(String route, int status, long nanos) {
        requests.labelValues(route, Integer.toString(status)).inc();
        duration.labelValues(route).observe(nanos / 1e9);
    }

    @Override
    public void batchComputed(int inputs, int paddedTokens, int tokens, long nanos) {
        batchSize.observe(inputs);
        batchTokens.observe(paddedTokens);
        realTokens.observe(tokens);
        inference.observe(nanos / 1e9);
    }

    @Override
    public void requestDropped(String reason) {
        dropped.labelValues(reason).inc();
    }

    /** Writes every metric in the Prometheus text format. */
    void write(OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
    }
}
