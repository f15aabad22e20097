package org.multitag.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link EncoderBenchmark} (1 fork, 3 x 5 s warm-up, 5 x 5 s measurement, 1 benchmark thread; about 8 to 9
 * minutes) and renders {@code encoder.md}: tokens/s at batch 32 and ms at batch 1 for multitag and ONNX Runtime,
 * their ratios, the correctness checks the forks ran, and the machine.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar org.multitag.benchmarks.EncoderReport [--out DIR] [--raw DIR]
 *     [--from-json FILE] [--include REGEX] [--quick]
 * </pre>
 *
 * {@code --out} (where {@code encoder.md} goes) defaults to {@code benchmarks/results}; the raw JMH result
 * {@code encoder-jmh.json}, the forks' check lines {@code encoder-checks.txt} and the load average
 * {@code encoder-load.txt} go to {@code --raw}
 * (default {@code benchmarks/target}). {@code --from-json} only renders an existing result (reading the checks
 * and load files beside it). {@code --include} narrows the benchmarks (a regex on method names); {@code --quick} (1 x 2 s
 * warm-up, 2 x 2 s measurement) is for smoke tests, not for numbers.
 */
public final class EncoderReport {

    private static final String[] JVM_ARGS = {"--add-modules", "jdk.incubator.vector", "-Xmx6g"};

    private EncoderReport() {}

    public static void main(String[] args) throws Exception {
        Path out = Paths.get("benchmarks", "results");
        Path raw = Paths.get("benchmarks", "target");
        Path fromJson = null;
        String include = ".*";
        boolean quick = false;
        String loadBefore = null;
        String loadAfter = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Paths.get(args[++i]);
                case "--raw" -> raw = Paths.get(args[++i]);
                case "--from-json" -> fromJson = Paths.get(args[++i]);
                case "--include" -> include = args[++i];
                case "--quick" -> quick = true;
                default -> {
                    System.err.println("usage: EncoderReport [--out DIR] [--raw DIR] [--from-json FILE] [--include REGEX] "
                            + "[--quick]");
                    System.exit(2);
                }
            }
        }
        Files.createDirectories(out);
        Files.createDirectories(raw);
        Path json = fromJson;
        Path checks = (fromJson == null ? raw : fromJson.toAbsolutePath().getParent()).resolve("encoder-checks.txt");
        if (json == null) {
            json = raw.resolve("encoder-jmh.json");
            Files.deleteIfExists(checks);
            Files.deleteIfExists(checks.resolveSibling("encoder-load.txt"));
            List<String> jvmArgs = new ArrayList<>(List.of(JVM_ARGS));
            jvmArgs.add("-D" + EncoderModels.CHECKS_FILE_PROPERTY + "=" + checks.toAbsolutePath());
            ChainedOptionsBuilder options = new OptionsBuilder()
                    .include(EncoderBenchmark.class.getName() + "\\." + include)
                    .forks(1)
                    .threads(1)
                    .jvmArgsAppend(jvmArgs.toArray(new String[0]))
                    .resultFormat(ResultFormatType.JSON)
                    .result(json.toString());
            if (quick) {
                options.warmupIterations(1).warmupTime(TimeValue.seconds(2))
                        .measurementIterations(2).measurementTime(TimeValue.seconds(2));
            } else {
                options.warmupIterations(3).warmupTime(TimeValue.seconds(5))
                        .measurementIterations(5).measurementTime(TimeValue.seconds(5));
            }
            loadBefore = loadAverage();
            new Runner(options.build()).run();
            loadAfter = loadAverage();
        }
        List<String> checkLines = Files.exists(checks) ? Files.readAllLines(checks) : List.of();
        Path md = out.resolve("encoder.md");
        Path loadFile = checks.resolveSibling("encoder-load.txt");
        if (loadBefore != null) {
            Files.writeString(loadFile, loadBefore + " before the run, " + loadAfter + " after it\n");
        }
        String load = Files.exists(loadFile) ? Files.readString(loadFile).trim() : null;
        Files.writeString(md, render(new ObjectMapper().readTree(json.toFile()), checkLines, load,
                ZonedDateTime.ofInstant(Files.getLastModifiedTime(json).toInstant(), ZoneOffset.UTC)),
                StandardCharsets.UTF_8);
        System.out.println("wrote " + md.toAbsolutePath());
        System.out.println(Files.readString(md));
    }

    /**
     * One JMH result: mean score and 99.9% half-interval in the benchmark's own unit, and the best measurement
     * iteration (highest throughput, lowest time).
     */
    private record Score(double score, double error, String unit, double best) {

        /** The best iteration as a score without error bar. */
        Score bestOnly() {
            return new Score(best, Double.NaN, unit, best);
        }
    }

    private static double best(JsonNode primaryMetric, boolean higherIsBetter) {
        double best = Double.NaN;
        JsonNode raw = primaryMetric.get("rawData");
        if (raw != null) {
            for (JsonNode fork : raw) {
                for (JsonNode v : fork) {
                    double x = v.asDouble();
                    if (Double.isNaN(best) || (higherIsBetter ? x > best : x < best)) {
                        best = x;
                    }
                }
            }
        }
        return best;
    }

    static String render(JsonNode results, List<String> checks, String load, ZonedDateTime when) {
        Map<String, Score> scores = new HashMap<>();
        String jvm = "?";
        String jvmArgs = "";
        String params = "";
        for (JsonNode r : results) {
            String method = r.get("benchmark").asText();
            method = method.substring(method.lastIndexOf('.') + 1);
            JsonNode p = r.get("primaryMetric");
            boolean throughput = "thrpt".equals(r.get("mode").asText());
            scores.put(method, new Score(p.get("score").asDouble(), p.get("scoreError").asDouble(),
                    p.get("scoreUnit").asText(), best(p, throughput)));
            jvm = r.get("vmName").asText() + " " + r.get("vmVersion").asText() + " (JDK " + r.get("jdkVersion").asText()
                    + ")";
            List<String> a = new ArrayList<>();
            r.get("jvmArgs").forEach(n -> {
                if (!n.asText().startsWith("-D" + EncoderModels.CHECKS_FILE_PROPERTY)) {
                    a.add(n.asText());
                }
            });
            jvmArgs = String.join(" ", a);
            params = String.format(Locale.ROOT, "%d fork, %d x %s warm-up, %d x %s measurement, %d benchmark thread",
                    r.get("forks").asInt(), r.get("warmupIterations").asInt(), r.get("warmupTime").asText(),
                    r.get("measurementIterations").asInt(), r.get("measurementTime").asText(), r.get("threads").asInt());
        }
        int tokensPerBatch = EncoderBenchmark.BATCH * EncoderBenchmark.SEQ;
        StringBuilder sb = new StringBuilder();
        sb.append("# BERT encoder inference: multitag vs ONNX Runtime\n\n");
        sb.append("Generated by `org.multitag.benchmarks.EncoderReport` from the JMH benchmark ")
                .append("`org.multitag.benchmarks.EncoderBenchmark`. Do not edit by hand.\n\n");
        sb.append("Forward pass only (last_hidden_state), float32, sequence length ").append(EncoderBenchmark.SEQ)
                .append(", every row unpadded: the State of the Union corpus tokenized with the all-MiniLM-L6-v2 ")
                .append("tokenizer (the bert-base-uncased vocabulary) and packed into rows of exactly ")
                .append(EncoderBenchmark.SEQ).append(" tokens ([CLS], 126 word pieces, [SEP]); the same ids go to ")
                .append("both engines and both models. Two threads each: multitag `new BertEncoder(weights, 2)` ")
                .append("(ND4J gemm on the oneDNN build, Java Vector API elementwise kernels), ORT ")
                .append("`intraOpNumThreads=2`, `interOpNumThreads=1`, sequential, `ALL_OPT`. multitag is timed ")
                .append("through `BertEncoder.run` (output left in its scratch buffer), ORT through `session.run` on ")
                .append("prebuilt input tensors (output left in native memory and released). Throughput is ")
                .append("batches/s × ").append(tokensPerBatch).append(" tokens. ± is JMH's 99.9% confidence ")
                .append("half-interval over the measurement iterations of a single fork.\n\n");
        sb.append("| Model | Measure | multitag | ONNX Runtime | Ratio multitag / ORT | |\n");
        sb.append("|---|---|---:|---:|---:|---|\n");
        throughputRow(sb, "all-MiniLM-L6-v2 (6 layers, H 384)", scores.get("miniLmThroughputMultitag"),
                scores.get("miniLmThroughputOrt"), tokensPerBatch);
        latencyRow(sb, "all-MiniLM-L6-v2 (6 layers, H 384)", scores.get("miniLmLatencyMultitag"),
                scores.get("miniLmLatencyOrt"));
        throughputRow(sb, "bert-base-uncased (12 layers, H 768)", scores.get("bertBaseThroughputMultitag"),
                scores.get("bertBaseThroughputOrt"), tokensPerBatch);
        latencyRow(sb, "bert-base-uncased (12 layers, H 768)", scores.get("bertBaseLatencyMultitag"),
                scores.get("bertBaseLatencyOrt"));
        sb.append("\nThe machine is shared (2 cores) and other work comes and goes during a run, which moves the ")
                .append("means above (see the load average below). The best ")
                .append("measurement iteration of each benchmark is the closer estimate of undisturbed speed:\n\n");
        sb.append("| Model | Measure (best iteration) | multitag | ONNX Runtime | Ratio multitag / ORT | |\n");
        sb.append("|---|---|---:|---:|---:|---|\n");
        throughputRow(sb, "all-MiniLM-L6-v2 (6 layers, H 384)", best(scores.get("miniLmThroughputMultitag")),
                best(scores.get("miniLmThroughputOrt")), tokensPerBatch);
        latencyRow(sb, "all-MiniLM-L6-v2 (6 layers, H 384)", best(scores.get("miniLmLatencyMultitag")),
                best(scores.get("miniLmLatencyOrt")));
        throughputRow(sb, "bert-base-uncased (12 layers, H 768)", best(scores.get("bertBaseThroughputMultitag")),
                best(scores.get("bertBaseThroughputOrt")), tokensPerBatch);
        latencyRow(sb, "bert-base-uncased (12 layers, H 768)", best(scores.get("bertBaseLatencyMultitag")),
                best(scores.get("bertBaseLatencyOrt")));
        sb.append('\n');
        Score original = scores.get("miniLmThroughputOrt");
        Score export = scores.get("miniLmThroughputOrtExport");
        sb.append("ONNX Runtime has no bert-base ONNX file here, so its bert-base row runs a graph that ")
                .append("`EncoderOnnxExporter` (benchmarks module) builds from the same weights: the graph PyTorch ")
                .append("exports for `BertModel` (MatMul + Add per Linear, Reshape/Transpose heads, Div by √d, Softmax, ")
                .append("erf GELU), with opset-17 `LayerNormalization`. After ORT's optimization it has the same ops ")
                .append("and fusions as the original MiniLM ONNX (`BiasGelu`, `FusedMatMul`, `LayerNormalization`; ")
                .append("`EncoderExportCheck` prints both)");
        if (export != null) {
            sb.append(". On MiniLM, ORT on that export ran ").append(withError(export.score * tokensPerBatch,
                    export.error * tokensPerBatch)).append(" tokens/s");
            if (original != null) {
                sb.append(String.format(Locale.ROOT, " (%.2f× ORT on the original ONNX in this run; best "
                        + "iterations %.2f×)", export.score / original.score, export.best / original.best));
            }
        }
        sb.append(".\n\n");
        sb.append("## Checks run before timing (each fork; a failure aborts the benchmark)\n\n");
        if (checks.isEmpty()) {
            sb.append("- (no check lines recorded)\n");
        }
        for (String c : checks) {
            sb.append("- ").append(c).append('\n');
        }
        sb.append("- multitag's Vector API kernels were active (`Kernels.vectorized()` asserted in each fork)\n");
        sb.append(String.format(Locale.ROOT, "- Tolerances: multitag vs ORT %.0e on MiniLM, %.0e on bert-base (12 "
                + "layers of H 768 accumulate more float32 rounding than 6 layers of H 384; the measured differences "
                + "are listed above); ORT on our export vs ORT on the original MiniLM ONNX %.0e%n",
                EncoderBenchmark.TOLERANCE, EncoderBenchmark.BERT_BASE_TOLERANCE, EncoderBenchmark.EXPORT_TOLERANCE));
        sb.append("\n## Machine\n\n");
        sb.append("- Date (JMH result written): ").append(when.withNano(0).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
                .append('\n');
        sb.append("- `nproc`: ").append(Machine.nproc()).append('\n');
        sb.append("- CPU: ").append(Machine.cpuModel(true)).append('\n');
        sb.append("- Java: ").append(jvm).append('\n');
        if (!jvmArgs.isEmpty()) {
            sb.append("- JVM arguments of the forks: `").append(jvmArgs).append("`\n");
        }
        sb.append("- OS: ").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.version"))
                .append(' ').append(System.getProperty("os.arch")).append('\n');
        sb.append("- ONNX Runtime (Java): ").append(ortVersion()).append('\n');
        sb.append("- `OMP_WAIT_POLICY` where this report was written (the JMH forks inherit it): ").append(System.getenv().getOrDefault("OMP_WAIT_POLICY", "(unset: OpenMP threads spin)"))
                .append('\n');
        sb.append("- ND4J: ").append(version("org.nd4j", "nd4j-native")).append(", native build ")
                .append(nd4jBuild()).append('\n');
        sb.append("- JMH: ").append(params).append('\n');
        if (load != null) {
            sb.append("- Load average (1, 5, 15 min; other work on the machine shows here): ").append(load).append('\n');
        }
        double worst = 0;
        for (Score s : scores.values()) {
            if (s.score > 0 && !Double.isNaN(s.error)) {
                worst = Math.max(worst, s.error / s.score);
            }
        }
        sb.append(String.format(Locale.ROOT, "%nOne run, one fork per benchmark; the forks run one after another, so "
                + "background load hits the two engines at different times. The largest error bar in this run is "
                + "±%.0f%% of its score: ", 100 * worst))
                .append(worst > 0.15
                        ? "the machine (2 shared cores) was busy with other work, so read the absolute rates as rough.\n"
                        : "the rates are reasonably stable, but the machine has 2 shared cores: expect a few percent "
                                + "between runs.\n");
        sb.append("\n## Reproduce\n\n```\nbenchmarks/run-encoder-bench.sh\n```\n\nor\n\n```\n")
                .append("mvn -q -pl benchmarks -am package -DskipTests\n")
                .append("java -cp benchmarks/target/benchmarks.jar org.multitag.benchmarks.EncoderReport\n```\n");
        return sb.toString();
    }

    private static Score best(Score s) {
        return s == null ? null : s.bestOnly();
    }

    private static void throughputRow(StringBuilder sb, String model, Score ours, Score ort, int tokensPerBatch) {
        sb.append("| ").append(model).append(" | throughput, batch ").append(EncoderBenchmark.BATCH)
                .append(", tokens/s (higher is better) | ")
                .append(ours == null ? "n/a" : withError(ours.score * tokensPerBatch, ours.error * tokensPerBatch))
                .append(" | ")
                .append(ort == null ? "n/a" : withError(ort.score * tokensPerBatch, ort.error * tokensPerBatch))
                .append(" | ");
        if (ours != null && ort != null) {
            double r = ours.score / ort.score;
            sb.append(String.format(Locale.ROOT, "%.2f× | %s |", r, r >= 1
                    ? String.format(Locale.ROOT, "multitag %.2f× faster", r)
                    : String.format(Locale.ROOT, "ORT %.2f× faster", 1 / r)));
        } else {
            sb.append("n/a | |");
        }
        sb.append('\n');
    }

    private static void latencyRow(StringBuilder sb, String model, Score ours, Score ort) {
        sb.append("| ").append(model).append(" | latency, batch 1, ms per forward (lower is better) | ")
                .append(ours == null ? "n/a" : withErrorMs(ours)).append(" | ")
                .append(ort == null ? "n/a" : withErrorMs(ort)).append(" | ");
        if (ours != null && ort != null) {
            double r = ours.score / ort.score;
            sb.append(String.format(Locale.ROOT, "%.2f× | %s |", r, r <= 1
                    ? String.format(Locale.ROOT, "multitag %.2f× faster", 1 / r)
                    : String.format(Locale.ROOT, "ORT %.2f× faster", r)));
        } else {
            sb.append("n/a | |");
        }
        sb.append('\n');
    }

    private static String withError(double score, double error) {
        return Double.isNaN(error) ? number(score) : number(score) + " ± " + number(error);
    }

    private static String withErrorMs(Score s) {
        return Double.isNaN(s.error) ? String.format(Locale.ROOT, "%.2f", s.score)
                : String.format(Locale.ROOT, "%.2f ± %.2f", s.score, s.error);
    }

    private static String number(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%,.0f", v);
    }

    private static String version(String group, String artifact) {
        String resource = "META-INF/maven/" + group + "/" + artifact + "/pom.properties";
        try (InputStream in = EncoderReport.class.getClassLoader().getResourceAsStream(resource)) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "?");
            }
        } catch (IOException e) {
            // fall through
        }
        return "?";
    }

    /** The first three fields of /proc/loadavg. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Paths.get("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private static String ortVersion() {
        try {
            return ai.onnxruntime.OrtEnvironment.getEnvironment().getVersion();
        } catch (RuntimeException | LinkageError e) {
            return "?";
        }
    }

    private static String nd4jBuild() {
        List<String> builds = new ArrayList<>();
        for (String b : List.of("linux-x86_64", "linux-x86_64-onednn", "linux-x86_64-onednn-avx512",
                "linux-x86_64-onednn-avx2", "linux-x86_64-avx2", "linux-x86_64-avx512")) {
            if (EncoderReport.class.getClassLoader()
                    .getResource("org/nd4j/linalg/cpu/nativecpu/bindings/" + b + "/libnd4jcpu.so") != null) {
                builds.add("`" + b + "`");
            }
        }
        return builds.isEmpty() ? "?" : String.join(", ", builds);
    }
}
