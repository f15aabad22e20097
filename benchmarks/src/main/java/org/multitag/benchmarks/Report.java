package org.multitag.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link TokenizerBenchmark} with modest settings (1 fork, 3 x 2 s warm-up, 5 x 3 s measurement, 1 thread),
 * then turns the JMH JSON result into {@code tokenizer.md}: tokens/s of multitag and HF tokenizers per corpus and
 * tokenizer config, with the machine it ran on.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar org.multitag.benchmarks.Report [--out DIR] [--from-json FILE]
 * </pre>
 *
 * {@code --out} defaults to {@code benchmarks/results}; the raw JMH result is kept there as
 * {@code tokenizer-jmh.json}. {@code --from-json} skips the run and only renders an existing JMH JSON file.
 */
public final class Report {

    private Report() {}

    public static void main(String[] args) throws Exception {
        Path out = Paths.get("benchmarks", "results");
        Path fromJson = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Paths.get(args[++i]);
                case "--from-json" -> fromJson = Paths.get(args[++i]);
                default -> {
                    System.err.println("usage: Report [--out DIR] [--from-json FILE]");
                    System.exit(2);
                }
            }
        }
        Files.createDirectories(out);
        Path json = fromJson;
        if (json == null) {
            json = out.resolve("tokenizer-jmh.json");
            Options options = new OptionsBuilder()
                    .include(TokenizerBenchmark.class.getName() + "\\.")
                    .forks(1)
                    .warmupIterations(3)
                    .warmupTime(TimeValue.seconds(2))
                    .measurementIterations(5)
                    .measurementTime(TimeValue.seconds(3))
                    .threads(1)
                    .timeUnit(TimeUnit.SECONDS)
                    .resultFormat(ResultFormatType.JSON)
                    .result(json.toString())
                    .build();
            new Runner(options).run();
        }
        Path md = out.resolve("tokenizer.md");
        Files.writeString(md, render(new ObjectMapper().readTree(json.toFile()),
                ZonedDateTime.ofInstant(Files.getLastModifiedTime(json).toInstant(), java.time.ZoneOffset.UTC)), StandardCharsets.UTF_8);
        System.out.println("wrote " + md.toAbsolutePath());
        System.out.println(Files.readString(md));
    }

    /** One row: a corpus and tokenizer config, with each library's tokens/s score and error. */
    private static final class Row {
        final String corpus;
        final String config;
        final double[] score = {Double.NaN, Double.NaN}; // multitag, hf
        final double[] error = {Double.NaN, Double.NaN};
        final double[] charsPerSec = {Double.NaN, Double.NaN};

        Row(String corpus, String config) {
            this.corpus = corpus;
            this.config = config;
        }
    }

    /** Renders the markdown; {@code when} is the time the JMH result was written. */
    static String render(JsonNode results, ZonedDateTime when) throws IOException {
        Map<String, Row> rows = new LinkedHashMap<>();
        String jvm = "?";
        String jvmArgs = "";
        String params = "";
        for (JsonNode r : results) {
            String method = r.get("benchmark").asText();
            method = method.substring(method.lastIndexOf('.') + 1);
            int lib = switch (method) {
                case "multitag" -> 0;
                case "hf" -> 1;
                default -> -1;
            };
            if (lib < 0) {
                continue;
            }
            String corpus = r.get("params").get("corpus").asText();
            String config = r.get("params").get("config").asText();
            Row row = rows.computeIfAbsent(corpus + "\0" + config, k -> new Row(corpus, config));
            JsonNode tokens = r.get("secondaryMetrics").get("tokens");
            row.score[lib] = tokens.get("score").asDouble();
            row.error[lib] = tokens.get("scoreError").asDouble();
            row.charsPerSec[lib] = r.get("secondaryMetrics").get("chars").get("score").asDouble();
            jvm = r.get("vmName").asText() + " " + r.get("vmVersion").asText() + " (JDK " + r.get("jdkVersion").asText()
                    + ")";
            jvmArgs = String.join(" ", toStrings(r.get("jvmArgs")));
            params = String.format(Locale.ROOT, "%d fork, %d x %s warm-up, %d x %s measurement, %d thread",
                    r.get("forks").asInt(), r.get("warmupIterations").asInt(), r.get("warmupTime").asText(),
                    r.get("measurementIterations").asInt(), r.get("measurementTime").asText(), r.get("threads").asInt());
        }
        StringBuilder sb = new StringBuilder();
        sb.append("# Tokenizer throughput: multitag vs Hugging Face tokenizers\n\n");
        sb.append("Generated by `org.multitag.benchmarks.Report` from the JMH benchmark ")
                .append("`org.multitag.benchmarks.TokenizerBenchmark`. Do not edit by hand.\n\n");
        sb.append("One thread; one `encode` call per sentence (special tokens on, truncation and padding off), ")
                .append("reading ids, offsets and word ids of every token. HF tokenizers runs through DJL ")
                .append("(`ai.djl.huggingface:tokenizers`), so its numbers include the JNI crossing and DJL's copying of ")
                .append("the encoding into Java arrays, which is what a Java caller pays. Tokens count every id produced, ")
                .append("[CLS] and [SEP] included. Both tokenizers were checked to give identical ids and word ids for ")
                .append("every sentence before measuring. ± is JMH's 99.9% confidence half-interval over the ")
                .append("measurement iterations of a single fork.\n\n");
        sb.append("| Corpus | Config | multitag tokens/s | HF tokens/s | Ratio (multitag / HF) | multitag chars/s | HF chars/s |\n");
        sb.append("|---|---|---:|---:|---:|---:|---:|\n");
        for (Row row : rows.values()) {
            sb.append("| ").append(row.corpus).append(" | ").append(row.config).append(" | ")
                    .append(withError(row.score[0], row.error[0])).append(" | ")
                    .append(withError(row.score[1], row.error[1])).append(" | ")
                    .append(Double.isNaN(row.score[0] / row.score[1]) ? "n/a"
                            : String.format(Locale.ROOT, "%.2f×", row.score[0] / row.score[1]))
                    .append(" | ").append(number(row.charsPerSec[0]))
                    .append(" | ").append(number(row.charsPerSec[1])).append(" |\n");
        }
        sb.append("\n## Machine\n\n");
        sb.append("- Date (JMH result written): ").append(when.withNano(0).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)).append('\n');
        sb.append("- `nproc`: ").append(Machine.nproc()).append('\n');
        sb.append("- CPU: ").append(Machine.cpuModel(false)).append('\n');
        sb.append("- Java: ").append(jvm).append('\n');
        if (!jvmArgs.isEmpty()) {
            sb.append("- JVM arguments: `").append(jvmArgs).append("`\n");
        }
        sb.append("- OS: ").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.version"))
                .append(' ').append(System.getProperty("os.arch")).append('\n');
        sb.append("- JMH: ").append(params).append('\n');
        double worst = 0;
        for (Row row : rows.values()) {
            for (int lib = 0; lib < 2; lib++) {
                if (!Double.isNaN(row.error[lib]) && row.score[lib] > 0) {
                    worst = Math.max(worst, row.error[lib] / row.score[lib]);
                }
            }
        }
        sb.append(String.format(Locale.ROOT, "%nOne run, one fork per row and library; JMH runs all HF trials first, "
                + "then all multitag trials, so background load hits them at different times. The largest error "
                + "bar in this run is ±%.0f%% of its score: ", 100 * worst))
                .append(worst > 0.15
                        ? "the machine was busy with other work, so read the absolute rates as rough and the ratios "
                                + "as good to about a factor of 1.5.\n"
                        : "the rates are reasonably stable.\n");
        sb.append("\n## Reproduce\n\n```\nmvn -q -pl benchmarks -am package -DskipTests\n")
                .append("java -cp benchmarks/target/benchmarks.jar org.multitag.benchmarks.Report\n```\n");
        return sb.toString();
    }

    private static List<String> toStrings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null) {
            array.forEach(n -> out.add(n.asText()));
        }
        return out;
    }

    private static String withError(double score, double error) {
        if (Double.isNaN(score)) {
            return "n/a";
        }
        return Double.isNaN(error) ? number(score) : number(score) + " ± " + number(error);
    }

    private static String number(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%,.0f", v);
    }
}
