package org.multitag.serve.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.multitag.model.MultiLabelTagger;
import org.multitag.model.TaggingModel;
import org.multitag.model.decoding.DecodingMode;
import org.multitag.serve.EncodingJson;
import org.multitag.serve.PredictionJson;
import org.multitag.tokenizer.labels.WordPrediction;

/**
 * Every route of {@link TagServer} through the JDK HttpClient, each answer checked against the library computing
 * the same thing directly; every error status with its JSON body, and the server answering correctly after each.
 */
class TagServerTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String TEXT = "The quick brown foxes jumped over 3 lazy dogs.";
    static final String TEXT2 = "Unaffable ministers sang; nobody listened.";
    static final List<String> WORDS = List.of("Dr.", "Smith", "unaffably", "jumped");

    static Served served;
    static MultiLabelTagger tagger;

    @BeforeAll
    static void start() throws IOException {
        // long inputs refused (--long-text error), so the 422 of a long input is tested; windows: ServiceRequestsTest
        served = new Served(b -> b.longText(org.multitag.model.LongText.ERROR, -1), o -> new TagServer.Options(
                o.host(), o.port(), o.backlog(), 3, 4096, o.requestTimeout(), 4));
        tagger = TinyTagger.tagger();
    }

    @AfterAll
    static void stop() {
        served.close();
    }

    static String predicted(List<WordPrediction> words, boolean scores) throws IOException {
        return TinyTagger.predicted(words, scores);
    }

    static JsonNode json(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body());
    }

    @Test
    void tagAnswersWhatPredictWritesForTheLine() throws Exception {
        HttpResponse<String> r = served.post("/v1/tag", "{\"text\": \"" + TEXT + "\", \"id\": 7}");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
        assertEquals(predicted(tagger.tag(TEXT), true), r.body());
        // the seeded head makes real decisions
        assertTrue(r.body().contains("\"labels\":[\""), r.body());

        HttpResponse<String> words = served.post("/v1/tag", "{\"tokens\": " + JSON.writeValueAsString(WORDS)
                + ", \"scores\": false}");
        assertEquals(200, words.statusCode(), words.body());
        assertEquals(predicted(tagger.tagWords(List.of(WORDS)).get(0), false), words.body());
        assertFalse(words.body().contains("scores"));
    }

    @Test
    void decodingIsPerInput() throws Exception {
        try (MultiLabelTagger groups = MultiLabelTagger.of(TaggingModel.read(TinyTagger.folder()),
                new MultiLabelTagger.Options(2, 32, 0, false, DecodingMode.GROUPS))) {
            HttpResponse<String> r = served.post("/v1/tag", "{\"text\": \"" + TEXT + "\", \"decoding\": \"groups\"}");
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(predicted(groups.tag(TEXT), true), r.body());
            // exactly one UPOS label per word: the groups rule, which independent decoding does not enforce
            for (JsonNode w : json(r).get("words")) {
                long upos = 0;
                for (JsonNode l : w.get("labels")) {
                    upos += l.asText().startsWith("UPOS=") ? 1 : 0;
                }
                assertEquals(1, upos, w.toString());
            }
        }
    }

    @Test
    void inputsAreAnsweredInOrder() throws Exception {
        HttpResponse<String> r = served.post("/v1/tag", "{\"inputs\": [{\"text\": \"" + TEXT2 + "\"}, {\"tokens\": "
                + JSON.writeValueAsString(WORDS) + "}, {\"text\": \"" + TEXT + "\", \"scores\": false}]}");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("{\"outputs\":[" + predicted(tagger.tag(TEXT2), true) + ","
                + predicted(tagger.tagWords(List.of(WORDS)).get(0), true) + "," + predicted(tagger.tag(TEXT), false)
                + "]}", r.body());
    }

    @Test
    void embedGivesALastHiddenStateRowPerToken() throws Exception {
        HttpResponse<String> r = served.post("/v1/embed", "{\"text\": \"" + TEXT + "\"}");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode e = json(r);
        var encoding = tagger.tokenizer().encode(TEXT, null, true);
        assertEquals(List.of(encoding.tokens()), JSON.convertValue(e.get("tokens"), List.class));
        JsonNode rows = e.get("last_hidden_state");
        assertEquals(encoding.length(), rows.size());
        int hidden = served.service.model().config().hiddenSize();
        for (JsonNode row : rows) {
            assertEquals(hidden, row.size());
        }
        // a text's rows do not depend on its neighbours in the batch
        HttpResponse<String> both = served.post("/v1/embed", "{\"inputs\": [{\"text\": \"" + TEXT2
                + "\"}, {\"text\": \"" + TEXT + "\"}]}");
        assertEquals(200, both.statusCode(), both.body());
        assertEquals(e, json(both).get("outputs").get(1));
    }

    @Test
    void tokenizeWritesWhatTokenizeWrites() throws Exception {
        HttpResponse<String> r = served.post("/v1/tokenize", "{\"text\": \"" + TEXT + "\"}");
        assertEquals(200, r.statusCode(), r.body());
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
            EncodingJson.write(g, served.service.model().tokenizer().encode(TEXT, null, true));
        }
        assertEquals(out.toString(), r.body());
    }

    @Test
    void modelHealthReadyAndMetrics() throws Exception {
        JsonNode model = json(served.get("/v1/model"));
        assertEquals(TinyTagger.LABELS, JSON.convertValue(model.get("labels"), List.class));
        assertEquals(served.service.maxLength(), model.get("max_length").asInt());
        assertEquals(2, model.get("label_groups").size(), model.toString());
        assertEquals(200, served.get("/health").statusCode());
        HttpResponse<String> ready = served.get("/ready");
        assertEquals(200, ready.statusCode());
        assertEquals("ready", json(ready).get("status").asText());

        served.post("/v1/tag", "{\"text\": \"metrics\"}");
        served.post("/v1/tag", "[]");
        HttpResponse<String> m = served.get("/metrics");
        assertEquals(200, m.statusCode());
        assertTrue(m.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        String text = m.body();
        assertTrue(counter(text, "multitag_http_requests_total{route=\"/v1/tag\",status=\"200\"}") >= 1, text);
        assertTrue(counter(text, "multitag_http_requests_total{route=\"/v1/tag\",status=\"422\"}") >= 1, text);
        assertTrue(counter(text, "multitag_batch_size_count") >= 1, text);
        assertTrue(counter(text, "multitag_batch_tokens_sum") >= 3, text);
        assertTrue(counter(text, "multitag_batch_real_tokens_sum") >= 3, text);
        assertTrue(counter(text, "multitag_batch_real_tokens_sum") <= counter(text, "multitag_batch_tokens_sum"), text);
        assertTrue(counter(text, "multitag_inference_duration_seconds_count") >= 1, text);
        assertTrue(counter(text, "multitag_http_request_duration_seconds_count{route=\"/v1/tag\"}") >= 2, text);
        assertEquals(0, counter(text, "multitag_queue_size"), text);
    }

    /** A sample's value in Prometheus text, or -1 when it is missing. */
    static double counter(String text, String sample) {
        for (String line : text.split("\n")) {
            if (line.startsWith(sample + " ")) {
                return Double.parseDouble(line.substring(sample.length() + 1).trim());
            }
        }
        return -1;
    }

    @Test
    void openApiListsExactlyTheRoutes() throws Exception {
        JsonNode api = json(served.get("/openapi.json"));
        assertTrue(api.get("openapi").asText().startsWith("3."));
        Set<String> described = new HashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = api.get("paths").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> path = it.next();
            path.getValue().fieldNames().forEachRemaining(m -> described.add(m.toUpperCase() + " " + path.getKey()));
        }
        Set<String> routes = new HashSet<>();
        for (Route r : Route.all()) {
            routes.add(r.method + " " + r.path);
        }
        assertEquals(routes, described);
        // and each described route exists: not a 404 or 405
        for (String route : described) {
            String[] mp = route.split(" ");
            HttpResponse<String> r = served.client.send(served.request(mp[1]).method(mp[0], mp[0].equals("POST")
                    ? HttpRequest.BodyPublishers.ofString("{}") : HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(r.statusCode() != 404 && r.statusCode() != 405, route + " " + r.statusCode());
        }
    }

    /** Each error: its status, its JSON body naming the problem; then a good request still answered exactly. */
    @Test
    void errorsAreJsonWithTheirStatus() throws Exception {
        String good = predicted(tagger.tag(TEXT), true);
        List<Object[]> cases = new ArrayList<>();
        cases.add(new Object[] {"/v1/tag", "{\"text\": ", 400, "invalid_json",
            "not JSON at line 1, column 10: unexpected end of input (a truncated body?)"});
        cases.add(new Object[] {"/v1/tag", "{\"text\": \"a\"} trailing", 400, "invalid_json",
            "not JSON at line 1, column 15: unrecognized token 'trailing' (text must be in double quotes)"});
        cases.add(new Object[] {"/v1/tag", "nope", 400, "invalid_json", "unrecognized token 'nope'"});
        cases.add(new Object[] {"/v1/tag", "", 400, "invalid_json", "empty"});
        cases.add(new Object[] {"/v1/tag", "\"text\"", 422, "invalid_request", "JSON object"});
        cases.add(new Object[] {"/v1/tag", "{\"text\": 5}", 422, "invalid_request", "\"text\" must be a string"});
        cases.add(new Object[] {"/v1/tag", "{\"tokens\": [\"a\", 1]}", 422, "invalid_request", "\"tokens\"[1]"});
        cases.add(new Object[] {"/v1/tag", "{\"id\": 1}", 422, "invalid_request", "expected \"text\" or \"tokens\""});
        cases.add(new Object[] {"/v1/tag", "{\"text\": \"a\", \"tokens\": [\"a\"]}", 422, "invalid_request",
            "not both"});
        cases.add(new Object[] {"/v1/tag", "{\"text\": \"a\", \"threshold\": 0.1}", 422, "invalid_request",
            "\"threshold\" is not supported"});
        cases.add(new Object[] {"/v1/tag", "{\"text\": \"a\", \"decoding\": \"best\"}", 422, "invalid_request",
            "\"decoding\""});
        cases.add(new Object[] {"/v1/tag", "{\"text\": \"a\", \"scores\": \"no\"}", 422, "invalid_request",
            "\"scores\""});
        cases.add(new Object[] {"/v1/tag", "{\"inputs\": [{\"text\": \"a\"}, {\"text\": \"b\"}, {\"text\": \"c\"}, "
            + "{\"text\": \"d\"}]}", 422, "invalid_request", "more than the limit of 3"});
        cases.add(new Object[] {"/v1/tag", "{\"inputs\": [{\"text\": \"a\"}, {\"text\": 2}]}", 422,
            "invalid_request", "inputs[1]"});
        cases.add(new Object[] {"/v1/tag", "{\"inputs\": []}", 422, "invalid_request", "empty"});
        cases.add(new Object[] {"/v1/tag", "{\"inputs\": [{\"text\": \"a\"}, {\"text\": \"" + "word ".repeat(700)
            + "\"}]}", 422, "invalid_request", "inputs[1]: 702 tokens, more than the limit of "
            + served.service.maxLength()});
        cases.add(new Object[] {"/v1/tag", "{\"text\": \"" + "word ".repeat(800) + "\"}", 422, "invalid_request",
            "limit of " + served.service.maxLength()});
        cases.add(new Object[] {"/v1/tag", "{\"text\": \"" + "x".repeat(5000) + "\"}", 413, "body_too_large",
            "4096 bytes"});
        cases.add(new Object[] {"/v1/tokenize", "{\"text\": \"a\", \"text_pair\": \"b\"}", 422, "invalid_request",
            "text_pair"});
        cases.add(new Object[] {"/v1/embed", "{\"texts\": [\"a\"]}", 422, "invalid_request", "expected \"text\""});
        cases.add(new Object[] {"/v1/embed", "{\"inputs\": [{\"text\": \"a\"}, {\"text\": \"" + "word ".repeat(700)
            + "\"}]}", 422, "invalid_request", "inputs[1]: 702 tokens, more than the limit of "
            + served.service.maxLength()});
        cases.add(new Object[] {"/v2/tag", "{}", 404, "not_found", "/v2/tag"});
        for (Object[] c : cases) {
            HttpResponse<String> r = served.post((String) c[0], (String) c[1]);
            String what = c[0] + " " + c[1].toString().substring(0, Math.min(60, c[1].toString().length()));
            assertEquals(c[2], r.statusCode(), what + " -> " + r.body());
            JsonNode body = json(r);
            assertEquals(c[3], body.get("type").asText(), what + " -> " + r.body());
            assertTrue(body.get("error").asText().contains((String) c[4]), what + " -> " + r.body());
            assertFalse(body.get("error").asText().contains("\n"));
            assertEquals(good, served.post("/v1/tag", "{\"text\": \"" + TEXT + "\"}").body(), "after " + what);
        }
        HttpResponse<String> wrongMethod = served.get("/v1/tag");
        assertEquals(405, wrongMethod.statusCode());
        assertEquals("POST", wrongMethod.headers().firstValue("Allow").orElse(""));
        assertEquals("method_not_allowed", json(wrongMethod).get("type").asText());
        assertEquals(405, served.post("/health", "{}").statusCode());
        assertEquals(good, served.post("/v1/tag", "{\"text\": \"" + TEXT + "\"}").body());
    }

    /** A body without a length (chunked) is refused once it grows past the limit, not after reading it all. */
    @Test
    void chunkedBodyOverTheLimitIs413() throws Exception {
        byte[] big = ("{\"text\": \"" + "y".repeat(1 << 20) + "\"}").getBytes();
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> r = served.client.send(served.request("/v1/tag")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(413, r.statusCode(), r.body());
            assertEquals("body_too_large", json(r).get("type").asText());
            // and a declared length over the limit
            HttpResponse<String> declared = served.post("/v1/tag", new String(big));
            assertEquals(413, declared.statusCode(), declared.body());
            assertTrue(json(declared).get("error").asText().contains(big.length + " bytes"), declared.body());
            assertEquals(predicted(tagger.tag(TEXT), true), served.post("/v1/tag", "{\"text\": \"" + TEXT
                    + "\"}").body());
        }
    }
}
