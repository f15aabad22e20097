package org.multitag.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.multitag.cli.options.ComputeOptions;
import org.multitag.cli.options.LengthOptions;
import org.multitag.cli.options.ModelOption;
import org.multitag.core.InputException;
import org.multitag.model.TaggingModel;
import org.multitag.serve.TaggingService;
import org.multitag.serve.http.TagServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code multitag serve}: the model behind an HTTP/1.1 JSON server, requests batched by the tagging service. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve a model over HTTP/1.1 with JSON: POST /v1/tag (predict's JSON Lines input and output, "
                + "one input or {\"inputs\": [...]}), POST /v1/embed, POST /v1/tokenize, GET /v1/model, /health, "
                + "/ready, /metrics (Prometheus), /openapi.json. Concurrent requests are batched by a token budget "
                + "and run on one copy of the model (--workers N: N passes side by side over the same weights, each "
                + "taking the next batch when it is free).",
            "Prints 'listening on http://HOST:PORT' once ready. SIGTERM or Ctrl-C: /ready turns 503, no new "
                + "connection is accepted, every accepted request is answered, then the process exits 0 (1 when "
                + "--drain-timeout-ms ran out first)."})
final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOption.Required model;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Address to listen on; 0.0.0.0 for every interface (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", paramLabel = "N", defaultValue = "8080",
            description = "Port to listen on; 0 for any free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--max-batch-tokens", paramLabel = "N", defaultValue = "" + TaggingService.DEFAULT_MAX_BATCH_TOKENS,
            description = "Padded tokens per model batch (rows times the longest row); a longer single input runs "
                    + "alone (default: ${DEFAULT-VALUE}).")
    int maxBatchTokens;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "1",
            description = "Model workers, each on its own threads, taking batches from the one queue; with N > 1 "
                    + "and no --threads each gets cores/N threads. The copies share the encoder's weights "
                    + "(default: ${DEFAULT-VALUE}; docs/serve.md has the measurement).")
    int workers;

    @Option(names = "--max-batch-delay-ms", paramLabel = "MS", defaultValue = "0",
            description = "How long a batch may wait for more inputs once the model is free; 0 takes what is queued "
                    + "(default: ${DEFAULT-VALUE}).")
    long maxBatchDelayMs;

    @Option(names = "--max-concurrent-requests", paramLabel = "N", defaultValue = "" + TaggingService.DEFAULT_MAX_CONCURRENT_REQUESTS,
            description = "Inputs queued or being computed at most; beyond, requests get 429 (default: "
                    + "${DEFAULT-VALUE}).")
    int maxConcurrentRequests;

    @Option(names = "--max-inputs-per-request", paramLabel = "N", defaultValue = "32",
            description = "Inputs one {\"inputs\": [...]} body may hold (default: ${DEFAULT-VALUE}).")
    int maxInputsPerRequest;

    @Option(names = "--max-body-bytes", paramLabel = "N", defaultValue = "2097152",
            description = "Largest request body; a larger one gets 413 (default: ${DEFAULT-VALUE}, 2 MiB).")
    long maxBodyBytes;

    @Option(names = "--request-timeout-ms", paramLabel = "MS", defaultValue = "30000",
            description = "How long a request may wait for its answer; later it gets 504 (default: ${DEFAULT-VALUE}).")
    long requestTimeoutMs;

    @Option(names = "--drain-timeout-ms", paramLabel = "MS", defaultValue = "30000",
            description = "On SIGTERM or Ctrl-C, how long to wait for the accepted requests (default: "
                    + "${DEFAULT-VALUE}).")
    long drainTimeoutMs;

    @Option(names = "--backlog", paramLabel = "N", defaultValue = "" + TaggingService.DEFAULT_MAX_CONCURRENT_REQUESTS,
            description = "Connections waiting to be accepted before new ones are refused (default: ${DEFAULT-VALUE}).")
    int backlog;

    @Mixin
    LengthOptions lengths;

    @Mixin
    ComputeOptions compute;

    @Override
    public Integer call() throws IOException, InterruptedException {
        int threads = compute.apply();
        positive("--max-batch-tokens", maxBatchTokens);
        positive("--workers", workers);
        positive("--max-concurrent-requests", maxConcurrentRequests);
        positive("--max-inputs-per-request", maxInputsPerRequest);
        positive("--max-body-bytes", maxBodyBytes);
        positive("--request-timeout-ms", requestTimeoutMs);
        positive("--drain-timeout-ms", drainTimeoutMs);
        positive("--backlog", backlog);
        if (maxBatchDelayMs < 0) {
            throw new InputException("--max-batch-delay-ms must be >= 0, not " + maxBatchDelayMs);
        }
        if (port < 0 || port > 65535) {
            throw new InputException("--port must be in [0, 65535], not " + port);
        }
        TaggingModel m = model.read();
        if (!m.hasHead()) {
            throw new InputException(model.value(), "the model has no token classification head: serve needs a "
                    + "tagger (train one, or import a token classification model)");
        }
        int limit = lengths.limit(m.config());
        TagServer server = new TagServer(new TagServer.Options(host, port, backlog, maxInputsPerRequest, maxBodyBytes,
                Duration.ofMillis(requestTimeoutMs), 16));
        TaggingService service = TaggingService.builder(m).threads(threads).workers(workers).maxLength(limit)
                .longText(lengths.longText(), lengths.stride(limit)).maxBatchTokens(maxBatchTokens)
                .maxBatchDelay(Duration.ofMillis(maxBatchDelayMs)).maxConcurrentRequests(maxConcurrentRequests)
                .listener(server.listener()).build();
        try {
            server.start(service);
        } catch (BindException e) {
            service.close();
            throw new InputException("--host " + host + " --port " + port + ": " + e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(server, service, err), "multitag-serve-drain"));
        out.println("listening on " + server.url());
        out.flush();
        new CountDownLatch(1).await();  // the shutdown hook ends the process
        return 0;
    }

    /**
     * The shutdown hook: drain, close the service, then halt with 0 (the JVM would otherwise report the signal, 143)
     * or 1 when the drain timed out.
     */
    private void stop(TagServer server, TaggingService service, PrintWriter err) {
        long start = System.nanoTime();
        err.println("multitag serve: draining (at most " + drainTimeoutMs + " ms)");
        err.flush();
        boolean answered = server.drain(Duration.ofMillis(drainTimeoutMs));
        long left = Math.max(1, drainTimeoutMs - (System.nanoTime() - start) / 1_000_000);
        boolean closed = service.close(Duration.ofMillis(left));
        err.println("multitag serve: " + (answered && closed ? "stopped, every accepted request answered"
                : "stopped at --drain-timeout-ms with requests unanswered"));
        err.flush();
        System.out.flush();
        Runtime.getRuntime().halt(answered && closed ? 0 : 1);
    }

    private static void positive(String option, long value) {
        if (value < 1) {
            throw new InputException(option + " must be >= 1, not " + value);
        }
    }
}
