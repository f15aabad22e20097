package org.multitag.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.multitag.core.AtomicFiles;
import org.multitag.core.InputException;

/**
 * Renders the serve benchmark's raw results (what {@code benchmarks/serve/run.sh} leaves in its raw folder) as
 * {@code serve-load.md}: throughput and latency per concurrency for multitag's server and the ORT peer, the offline
 * {@code predict} ceiling, the in-process tagger's latency, the long run's RSS, and issue 22's goals against them.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar org.multitag.benchmarks.ServeLoadReport --raw DIR --out FILE.md
 *     [--note TEXT]... [--setup TEXT]... [--predict-sentences N --predict-seconds S --predict-one-seconds S1]
 *     [--predict-cpu-seconds C --predict-one-cpu-seconds C1]
 * </pre>
 *
 * Raw files read: {@code level-<server>-c<N>.json} (one {@link LoadClient} level each), {@code long-multitag.json},
 * {@code inprocess.json}, {@code floor-multitag.json} ({@code GET /health}). {@code --setup} and {@code --note}
 * lines are printed as given (bullets).
 */
public final class ServeLoadReport {

    private static final String MULTITAG = "multitag";
    private static final String ORT = "ort-per-request";

    private ServeLoadReport() {}

    public static void main(String[] args) throws IOException {
        Path raw = null;
        Path out = null;
        List<String> setup = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        double predictSentences = 0;
        double predictSeconds = 0;
        double predictOneSeconds = 0;
        double predictCpu = Double.NaN;
        double predictOneCpu = Double.NaN;
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--raw" -> raw = Path.of(v);
                case "--out" -> out = Path.of(v);
                case "--setup" -> setup.add(v);
                case "--note" -> notes.add(v);
                case "--predict-sentences" -> predictSentences = LoadClient.number(args[i], v);
                case "--predict-seconds" -> predictSeconds = LoadClient.number(args[i], v);
                case "--predict-one-seconds" -> predictOneSeconds = LoadClient.number(args[i], v);
                case "--predict-cpu-seconds" -> predictCpu = LoadClient.number(args[i], v);
                case "--predict-one-cpu-seconds" -> predictOneCpu = LoadClient.number(args[i], v);
                default -> throw new InputException("unknown option " + args[i]);
            }
        }
        if (raw == null || out == null) {
            throw new InputException("usage: ServeLoadReport --raw DIR --out FILE.md [...]");
        }
        Map<String, Map<Integer, LoadRun.Result>> levels = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(raw)) {
            for (Path f : files.sorted().toList()) {
                if (f.getFileName().toString().matches("level-.*\\.json")) {
                    for (LoadRun.Result r : read(f)) {
                        levels.computeIfAbsent(r.server(), k -> new LinkedHashMap<>()).put(r.concurrency(), r);
                    }
                }
            }
        }
        LoadRun.Result inProcess = first(raw.resolve("inprocess.json"));
        LoadRun.Result floor = first(raw.resolve("floor-multitag.json"));
        LoadRun.Result longRun = first(raw.resolve("long-multitag.json"));
        // Offline predict: the fixed cost (JVM start, model load) measured on one sentence is taken off.
        double predictRate = predictSeconds > predictOneSeconds && predictSentences > 1
                ? (predictSentences - 1) / (predictSeconds - predictOneSeconds) : Double.NaN;
        double predictCpuMs = (predictCpu - predictOneCpu) * 1000 / (predictSentences - 1);
        String md = render(levels, inProcess, floor, longRun, predictSentences, predictSeconds, predictOneSeconds,
                predictRate, predictCpuMs, setup, notes);
        AtomicFiles.write(out, o -> o.write(md.getBytes(StandardCharsets.UTF_8)));
        System.out.println(md);
        System.out.println("wrote " + out);
    }

    private static String render(Map<String, Map<Integer, LoadRun.Result>> levels, LoadRun.Result inProcess,
            LoadRun.Result floor, LoadRun.Result longRun, double predictSentences, double predictSeconds,
            double predictOneSeconds,
            double predictRate, double predictCpuMs, List<String> setup, List<String> notes) {
        StringBuilder s = new StringBuilder(
                "# Serving under load: `multitag serve` against ONNX Runtime per request\n\n");
        s.append(String.format(Locale.ROOT, "CPU: %s, %s cores; JDK: %s %s.%n%n", Machine.cpuModel(true),
                Machine.nproc(), System.getProperty("java.vm.vendor"), System.getProperty("java.runtime.version")));
        setup.forEach(line -> s.append("- ").append(line).append('\n'));
        notes.forEach(line -> s.append("- ").append(line).append('\n'));
        s.append("\n## Closed-loop throughput and latency\n\n");
        s.append("| concurrency | server | requests | sentences/s | tokens/s | p50 ms | p90 ms | p99 ms | p99/p50 |"
                + " errors | server CPU ms / sentence | server RSS at end |\n"
                + "|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|\n");
        TreeSet<Integer> cs = new TreeSet<>();
        levels.values().forEach(m -> cs.addAll(m.keySet()));
        for (int c : cs) {
            for (var e : levels.entrySet()) {
                LoadRun.Result r = e.getValue().get(c);
                if (r != null) {
                    s.append(String.format(Locale.ROOT, "| %d | %s | %d | %.1f | %.0f | %.1f | %.1f | %.1f | %.2f |"
                                    + " %s | %s | %s |%n", c, r.server(), r.requests(), r.sentencesPerSecond(),
                            r.tokensPerSecond(), r.p50Ms(), r.p90Ms(), r.p99Ms(), r.p99Ms() / r.p50Ms(),
                            errors(r), cpu(r.cpuMsPerRequest()), mb(r.rssEndKb())));
                }
            }
            LoadRun.Result mt = get(levels, MULTITAG, c);
            LoadRun.Result ort = get(levels, ORT, c);
            if (mt != null && ort != null) {
                s.append(String.format(Locale.ROOT, "| %d | **ratio multitag / ORT** | | **%.2fx** | | %.2fx | | %.2fx"
                                + " | | | %s | |%n", c, mt.sentencesPerSecond() / ort.sentencesPerSecond(),
                        mt.p50Ms() / ort.p50Ms(), mt.p99Ms() / ort.p99Ms(),
                        mt.cpuMsPerRequest() == null || ort.cpuMsPerRequest() == null ? ""
                                : String.format(Locale.ROOT, "%.2fx", mt.cpuMsPerRequest() / ort.cpuMsPerRequest())));
            }
        }
        if (inProcess != null) {
            s.append(String.format(Locale.ROOT, "| 1 | in-process `MultiLabelTagger.tag`, no HTTP | %d | %.1f | %.0f |"
                            + " %.1f | %.1f | %.1f | %.2f | | %s | |%n", inProcess.requests(),
                    inProcess.sentencesPerSecond(), inProcess.tokensPerSecond(), inProcess.p50Ms(), inProcess.p90Ms(),
                    inProcess.p99Ms(), inProcess.p99Ms() / inProcess.p50Ms(), cpu(inProcess.cpuMsPerRequest())));
        }
        if (floor != null) {
            s.append(String.format(Locale.ROOT, "| 1 | `GET /health` on multitag's server (HTTP round trip, no model) |"
                            + " %d | %.1f | | %.2f | %.2f | %.2f | %.2f | %s | | |%n", floor.requests(),
                    floor.sentencesPerSecond(), floor.p50Ms(), floor.p90Ms(), floor.p99Ms(),
                    floor.p99Ms() / floor.p50Ms(), errors(floor)));
        }
        if (predictSentences > 0) {
            s.append(String.format(Locale.ROOT, "| offline | `multitag predict` (batch 32) | %.0f | %.1f | | | | | |"
                    + " | %s | |%n", predictSentences, predictRate,
                    Double.isNaN(predictCpuMs) ? "" : cpu(predictCpuMs)));
            s.append(String.format(Locale.ROOT, "%nOffline `predict`: %.0f sentences in %.1f s wall time, one sentence"
                    + " in %.1f s (JVM start and model load); the rate above is (%.0f − 1) / (%.1f − %.1f) s.%n",
                    predictSentences, predictSeconds, predictOneSeconds, predictSentences, predictSeconds,
                    predictOneSeconds));
        }
        s.append("\n## Issue 22's goals\n\n| goal | measured | met |\n|---|---|---|\n");
        LoadRun.Result mt16 = get(levels, MULTITAG, 16);
        LoadRun.Result ort16 = get(levels, ORT, 16);
        if (mt16 != null && ort16 != null) {
            double x = mt16.sentencesPerSecond() / ort16.sentencesPerSecond();
            goal(s, "concurrency 16: throughput >= 3x the ORT-per-request peer", String.format(Locale.ROOT,
                    "%.1f vs %.1f sentences/s: %.2fx%s", mt16.sentencesPerSecond(), ort16.sentencesPerSecond(), x,
                    mt16.cpuMsPerRequest() == null || ort16.cpuMsPerRequest() == null ? ""
                            : String.format(Locale.ROOT, " (server CPU per sentence: %.1f vs %.1f ms, so %.2fx as"
                                    + " many sentences per CPU second)", mt16.cpuMsPerRequest(),
                                    ort16.cpuMsPerRequest(), ort16.cpuMsPerRequest() / mt16.cpuMsPerRequest())),
                    x >= 3);
        }
        if (mt16 != null && !Double.isNaN(predictRate)) {
            double x = mt16.sentencesPerSecond() / predictRate;
            goal(s, "concurrency 16: throughput >= 0.8x offline `predict`", String.format(Locale.ROOT,
                    "%.1f vs %.1f sentences/s: %.2fx%s", mt16.sentencesPerSecond(), predictRate, x,
                    mt16.cpuMsPerRequest() == null || Double.isNaN(predictCpuMs) ? ""
                            : String.format(Locale.ROOT, " (CPU per sentence: %.1f vs %.1f ms, so %.2fx as many per"
                                    + " CPU second)", mt16.cpuMsPerRequest(), predictCpuMs,
                                    predictCpuMs / mt16.cpuMsPerRequest())), x >= 0.8);
        }
        if (mt16 != null) {
            double x = mt16.p99Ms() / mt16.p50Ms();
            goal(s, "concurrency 16: p99 <= 3x p50", String.format(Locale.ROOT, "p99 %.1f ms, p50 %.1f ms: %.2fx",
                    mt16.p99Ms(), mt16.p50Ms(), x), x <= 3);
        }
        LoadRun.Result mt1 = get(levels, MULTITAG, 1);
        if (mt1 != null && inProcess != null) {
            double x = mt1.p50Ms() / inProcess.p50Ms();
            goal(s, "concurrency 1: latency within 10 % of the in-process tagger", String.format(Locale.ROOT,
                    "p50 %.2f ms over HTTP vs %.2f ms in process: %+.1f %% (mean %.2f vs %.2f ms: %+.1f %%)%s",
                    mt1.p50Ms(), inProcess.p50Ms(), (x - 1) * 100, mt1.meanMs(), inProcess.meanMs(),
                    (mt1.meanMs() / inProcess.meanMs() - 1) * 100, floor == null ? "" : String.format(Locale.ROOT,
                            "; an empty `GET /health` round trip alone takes p50 %.2f ms here", floor.p50Ms())),
                    x <= 1.10);
        }
        if (longRun != null && longRun.rssAfterKb() != null && longRun.rssEndKb() != null) {
            double x = (double) longRun.rssEndKb() / longRun.rssAfterKb();
            goal(s, "RSS after 100,000 requests within 10 % of RSS after the first 1,000", String.format(Locale.ROOT,
                    "after %,d requests%s %d MB vs %d MB after the first %,d: %+.1f %%", longRun.requests(),
                    longRun.requests() >= 100_000 ? "" : " (not 100,000: the run was bounded in time)",
                    longRun.rssEndKb() >> 10,
                    longRun.rssAfterKb() >> 10, longRun.rssAfterRequests(), (x - 1) * 100),
                    longRun.requests() >= 100_000 ? x <= 1.10 : null);
        }
        if (longRun != null) {
            s.append(String.format(Locale.ROOT, "%n## Long run (RSS)%n%nA fresh `multitag serve`, concurrency %d,"
                            + " no warm-up: %,d requests in %.0f s (%.1f sentences/s, p50 %.1f ms, p99 %.1f ms,"
                            + " errors %s). RSS when ready %s, after the first %,d answers %s, at the end %s.%n%n",
                    longRun.concurrency(), longRun.requests(), longRun.seconds(), longRun.sentencesPerSecond(),
                    longRun.p50Ms(), longRun.p99Ms(), errors(longRun), mb(longRun.rssStartKb()),
                    longRun.rssAfterRequests(), mb(longRun.rssAfterKb()), mb(longRun.rssEndKb())));
            s.append("| seconds | answers | RSS MB |\n|---:|---:|---:|\n");
            List<long[]> samples = longRun.rssSamples();
            int step = Math.max(1, samples.size() / 20);
            for (int i = 0; i < samples.size(); i++) {
                if (i % step == 0 || i == samples.size() - 1) {
                    long[] v = samples.get(i);
                    s.append(String.format(Locale.ROOT, "| %d | %,d | %d |%n", v[0], v[1], v[2] >> 10));
                }
            }
        }
        return s.toString();
    }

    private static void goal(StringBuilder s, String goal, String measured, Boolean met) {
        s.append("| ").append(goal).append(" | ").append(measured).append(" | ")
                .append(met == null ? "not measured as stated" : met ? "yes" : "**no**").append(" |\n");
    }

    private static LoadRun.Result get(Map<String, Map<Integer, LoadRun.Result>> levels, String server, int c) {
        Map<Integer, LoadRun.Result> m = levels.get(server);
        return m == null ? null : m.get(c);
    }

    private static String errors(LoadRun.Result r) {
        return r.errors().isEmpty() ? "none" : r.errors().toString();
    }

    private static String cpu(Double ms) {
        return ms == null ? "" : String.format(Locale.ROOT, "%.1f", ms);
    }

    private static String mb(Long kb) {
        return kb == null ? "n/a" : (kb >> 10) + " MB";
    }

    private static List<LoadRun.Result> read(Path f) throws IOException {
        return Arrays.asList(new ObjectMapper().readValue(f.toFile(), LoadRun.Result[].class));
    }

    private static LoadRun.Result first(Path f) throws IOException {
        if (!Files.isRegularFile(f)) {
            return null;
        }
        List<LoadRun.Result> r = read(f);
        return r.isEmpty() ? null : r.get(0);
    }
}
