package org.multitag.serve.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.multitag.model.TaggingModel;
import org.multitag.serve.TaggingService;

/** A server over the tiny tagger on an ephemeral loopback port, and a JDK HttpClient to call it. */
final class Served implements AutoCloseable {

    final TaggingService service;
    final TagServer server;
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    /** A server with the defaults but port 0, its service changed by {@code service}, its options by {@code http}. */
    Served(UnaryOperator<TaggingService.Builder> service, UnaryOperator<TagServer.Options> http) throws IOException {
        server = new TagServer(http.apply(TagServer.Options.defaults().withPort(0)));
        this.service = service.apply(TaggingService.builder(TaggingModel.read(TinyTagger.folder())).threads(2)
                .listener(server.listener())).build();
        server.start(this.service);
    }

    Served() throws IOException {
        this(b -> b, o -> o);
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofSeconds(60));
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return client.send(postRequest(path, body), HttpResponse.BodyHandlers.ofString());
    }

    CompletableFuture<HttpResponse<String>> postAsync(String path, String body) {
        return client.sendAsync(postRequest(path, body), HttpResponse.BodyHandlers.ofString());
    }

    HttpRequest postRequest(String path, String body) {
        return request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
    }

    @Override
    public void close() {
        server.drain(Duration.ofSeconds(10));
        service.close();
    }
}
