package org.multitag.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.multitag.core.AtomicFiles;
import org.multitag.core.InputException;

/**
 * A closed-loop HTTP load client for {@code POST /v1/tag} (multitag's {@code serve} or the ORT peer,
 * {@link OrtTagServer}): at each concurrency level, that many threads each send the next sentence of the
 * {@link RequestMix} as soon as their previous request was answered; the level ends after {@code --max-requests}
 * or {@code --duration-s}. Loopback only: the URL must name this machine.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar org.multitag.benchmarks.LoadClient --url http://127.0.0.1:8080
 *     --model DIR --server multitag [--concurrency 1,4,16,64] [--warmup-s 10] [--duration-s 60]
 *     [--max-requests 0] [--pid PID] [--rss-after 1000] [--sample-s 10] [--out results.json]
 *     [--conllu ../shared/data/ud-english-ewt/en_ewt-ud-test.conllu] [--input text|words] [--seed 1]
 *     [--route tag|embed|health]
 * java ... LoadClient --model DIR --write-inputs requests.jsonl     (the same bodies as predict's input)
 * </pre>
 *
 * {@code --model} is the served model folder: its tokenizer counts each sentence's model tokens (for tokens/s).
 * {@code --route health} times {@code GET /health} instead (the HTTP round trip alone, no model); {@code --route
 * embed} sends the same texts to {@code POST /v1/embed} (the last hidden state per token).
 * {@code --pid} names the server process whose RSS is read from {@code /proc/PID/status}. Writes one JSON array of
 * {@link LoadRun.Result}s (one per level) to {@code --out} and prints a line per level.
 */
public final class LoadClient {

    /** The EWT test set, from the repository root (where run.sh runs). */
    static final String DEFAULT_CONLLU = "../shared/data/ud-english-ewt/en_ewt-ud-test.conllu";

    private LoadClient() {}

    public static void main(String[] args) throws Exception {
        try {
            System.exit(run(args));
        } catch (InputException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
        }
    }

    private static int run(String[] args) throws IOException, InterruptedException {
        String url = null;
        String server = "server";
        Path model = null;
        Path conllu = Path.of(DEFAULT_CONLLU);
        String input = "text";
        List<Integer> levels = List.of(1, 4, 16, 64);
        Duration warmup = Duration.ofSeconds(10);
        Duration duration = Duration.ofSeconds(60);
        long maxRequests = 0;
        long pid = 0;
        long rssAfter = 1000;
        Duration sample = Duration.ofSeconds(10);
        Path out = null;
        Path writeInputs = null;
        long seed = 1;
        String route = "tag";
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 >= args.length) {
                throw new InputException("option " + a + " needs a value (see the LoadClient javadoc)");
            }
            String v = args[++i];
            switch (a) {
                case "--url" -> url = v;
                case "--server" -> server = v;
                case "--model" -> model = Path.of(v);
                case "--conllu" -> conllu = Path.of(v);
                case "--input" -> input = v;
                case "--concurrency" -> levels = parseLevels(v);
                case "--warmup-s" -> warmup = Duration.ofMillis((long) (number(a, v) * 1000));
                case "--duration-s" -> duration = Duration.ofMillis((long) (number(a, v) * 1000));
                case "--max-requests" -> maxRequests = (long) number(a, v);
                case "--pid" -> pid = (long) number(a, v);
                case "--rss-after" -> rssAfter = (long) number(a, v);
                case "--sample-s" -> sample = Duration.ofMillis((long) (number(a, v) * 1000));
                case "--out" -> out = Path.of(v);
                case "--write-inputs" -> writeInputs = Path.of(v);
                case "--seed" -> seed = (long) number(a, v);
                case "--route" -> route = v;
                default -> throw new InputException("unknown option " + a + " (see the LoadClient javadoc)");
            }
        }
        if (model == null) {
            throw new InputException("--model DIR is required (the served model folder, for token counts)");
        }
        RequestMix mix = RequestMix.read(conllu, input, model);
        System.out.println("request mix: " + mix.describe(conllu));
        if (writeInputs != null) {
            AtomicFiles.write(writeInputs, o -> o.write((String.join("\n", mix.bodies()) + "\n")
                    .getBytes(StandardCharsets.UTF_8)));
            System.out.println("wrote " + writeInputs);
            return 0;
        }
        if (url == null) {
            throw new InputException("--url is required (e.g. http://127.0.0.1:8080)");
        }
        if (!route.equals("tag") && !route.equals("embed") && !route.equals("health")) {
            throw new InputException("--route must be tag, embed or health, not '" + route + "'");
        }
        if (route.equals("embed") && !mix.input().equals("text")) {
            throw new InputException("--route embed takes --input text (/v1/embed reads texts)");
        }
        URI uri = loopback(url, route.equals("health") ? "/health" : "/v1/" + route);
        int[] order = shuffled(mix.size(), seed);
        List<LoadRun.Result> results = new ArrayList<>();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        LoadRun load = new LoadRun(client, uri, mix, order, Duration.ofSeconds(120), switch (route) {
            case "tag" -> LoadRun.TAG_ANSWER;
            case "embed" -> LoadRun.EMBED_ANSWER;
            default -> null;
        });
        for (int c : levels) {
            LoadRun.Result r = load.run(server, c, warmup, duration, maxRequests, pid, rssAfter, sample);
            results.add(r);
            System.out.println(line(r));
            if (out != null) {
                // Written after every level, so a run stopped early keeps the levels it finished.
                byte[] json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(results);
                AtomicFiles.write(out, o -> o.write(json));
            }
        }
        return 0;
    }

    /** One level as a line of text. */
    static String line(LoadRun.Result r) {
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                "%s c=%d: %d requests in %.1f s, %.1f sentences/s, %.0f tokens/s, latency mean %.1f p50 %.1f"
                        + " p90 %.1f p99 %.1f max %.1f ms, errors %s",
                r.server(), r.concurrency(), r.requests(), r.seconds(), r.sentencesPerSecond(), r.tokensPerSecond(),
                r.meanMs(), r.p50Ms(), r.p90Ms(), r.p99Ms(), r.maxMs(), r.errors().isEmpty() ? "none" : r.errors()));
        if (r.cpuMsPerRequest() != null) {
            s.append(String.format(Locale.ROOT, ", server CPU %.1f ms per request", r.cpuMsPerRequest()));
        }
        if (r.rssStartKb() != null) {
            s.append(String.format(Locale.ROOT, ", RSS start %d MB, %send %d MB", r.rssStartKb() >> 10,
                    r.rssAfterKb() == null ? "" : "after " + r.rssAfterRequests() + " answers " + (r.rssAfterKb() >> 10)
                            + " MB, ", r.rssEndKb() >> 10));
        }
        return s.toString();
    }

    /** The URL with {@code path} (unless it has one); refuses a host that is not this machine's loopback. */
    private static URI loopback(String url, String path) throws IOException {
        URI base = URI.create(url);
        if (base.getHost() == null || !InetAddress.getByName(base.getHost()).isLoopbackAddress()) {
            throw new InputException("--url " + url + ": the load client only runs against a loopback address"
                    + " (127.0.0.1, localhost)");
        }
        boolean bare = base.getPath() == null || base.getPath().isEmpty() || base.getPath().equals("/");
        return bare ? base.resolve(path) : base;
    }

    /** 0..n-1 in a seeded random order: the order requests go out, the same for every server. */
    static int[] shuffled(int n, long seed) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Random random = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    private static List<Integer> parseLevels(String v) {
        List<Integer> levels = new ArrayList<>();
        for (String part : v.split(",")) {
            int c = (int) number("--concurrency", part.trim());
            if (c < 1) {
                throw new InputException("--concurrency levels must be at least 1, not " + c);
            }
            levels.add(c);
        }
        return levels;
    }

    static double number(String option, String v) {
        try {
            double d = Double.parseDouble(v);
            if (!(d >= 0)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new InputException(option + " must be a non-negative number, not '" + v + "'");
        }
    }
}
