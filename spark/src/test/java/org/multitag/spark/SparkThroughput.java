package org.multitag.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.multitag.model.MultiLabelTagger;

/**
 * Throughput of tagging N sentences of UD English EWT: single-JVM (predict's path: {@link MultiLabelTagger#tagTexts}
 * over all lines, 1 and 2 threads) against spark-tag's path (JSONL read with row ids, range partitions, tagging in
 * mapPartitions, written to Spark's no-op sink) on local[1] and local[2], each configuration measured
 * {@code --reps} times in turn (interleaved, so a change in the shared machine's load hits all alike), after an
 * untimed warm-up. Model loading and JVM start are outside the timings. Writes {@code OUT/spark-bench.md}, and
 * the model and input for the end-to-end check that {@code spark/run-spark-bench.sh} runs afterwards.
 *
 * <p>Arguments: {@code [--sentences N] [--reps R] [--conllu FILE] [--out DIR]}.
 */
public final class SparkThroughput {

    /** Process CPU seconds of the last timed section (all threads: tasks, kernels, gemm, Spark's own). */
    private static double lastCpu;

    private SparkThroughput() {}

    private static double cpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
    }

    public static void main(String[] args) throws IOException {
        int n = 2000;
        int reps = 3;
        Path conllu = null; // the full treebank lives outside the repository: run-spark-bench.sh names it
        Path out = Path.of("spark/target/bench");
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--sentences" -> n = Integer.parseInt(args[i + 1]);
                case "--reps" -> reps = Integer.parseInt(args[i + 1]);
                case "--conllu" -> conllu = Path.of(args[i + 1]);
                case "--out" -> out = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (conllu == null) {
            throw new IllegalArgumentException("give UD English EWT's train file with --conllu FILE");
        }
        if (!Files.isRegularFile(conllu)) {
            // a benchmark, not a test: it needs the full treebank, which the repository does not carry
            throw new IllegalArgumentException(conllu.toAbsolutePath() + " not found: give UD English EWT's train "
                    + "file with --conllu FILE");
        }
        Files.createDirectories(out);
        List<String> texts = new ArrayList<>();
        for (String line : Files.readAllLines(conllu, StandardCharsets.UTF_8)) {
            if (line.startsWith("# text = ") && texts.size() < n) {
                texts.add(line.substring("# text = ".length()));
            }
        }
        Path model = out.resolve("model");
        if (!Files.isDirectory(model)) {
            TestModels.write(model, null);
        }
        ObjectMapper json = new ObjectMapper();
        List<String> lines = new ArrayList<>();
        for (String t : texts) {
            lines.add(json.writeValueAsString(Map.of("text", t)));
        }
        Path input = Files.write(out.resolve("input.jsonl"), lines);

        long tokens;
        try (MultiLabelTagger t = MultiLabelTagger.load(model, MultiLabelTagger.Options.DEFAULT)) {
            tokens = texts.stream().mapToLong(s -> t.tokenizer().encode(s, null, true).length()).sum();
        }
        String[] configs = {"single JVM, 1 thread", "single JVM, 2 threads", "Spark local[1]", "Spark local[2]"};
        Map<String, List<Double>> seconds = new LinkedHashMap<>();
        Map<String, List<String>> loads = new LinkedHashMap<>();
        Map<String, List<Double>> cpus = new LinkedHashMap<>();
        for (String c : configs) {
            cpus.put(c, new ArrayList<>());
            seconds.put(c, new ArrayList<>());
            loads.put(c, new ArrayList<>());
        }
        for (int rep = 0; rep <= reps; rep++) {
            for (int c = 0; c < configs.length; c++) {
                String load = loadAverage();
                double s = c < 2 ? single(model, texts, c + 1) : spark(model, input, c - 1);
                if (rep > 0) {   // rep 0 warms up
                    seconds.get(configs[c]).add(s);
                    cpus.get(configs[c]).add(lastCpu / s);
                    loads.get(configs[c]).add(load);
                }
                System.err.printf(Locale.ROOT, "%s%s: %.2f s, %.2f cores busy (load %s)%n",
                        rep == 0 ? "[warm-up] " : "", configs[c], s, lastCpu / s, load);
            }
        }
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "%d sentences of UD English EWT train, %,d tokens (special tokens "
                + "included), all-MiniLM-L6-v2 + 5-label head, batch 32; best and median of %d runs; %s%n%n",
                texts.size(), tokens, reps, machine()));
        md.append("| configuration | best s | median s | sentences/s (best) | tokens/s (best) | cores busy "
                + "(CPU s / wall s) | load avg at start |\n");
        md.append("|---|---:|---:|---:|---:|---|---|\n");
        Map<String, Double> best = new LinkedHashMap<>();
        for (String c : configs) {
            List<Double> v = new ArrayList<>(seconds.get(c));
            v.sort(null);
            best.put(c, v.get(0));
            List<String> busy = new ArrayList<>();
            for (double x : cpus.get(c)) {
                busy.add(String.format(Locale.ROOT, "%.2f", x));
            }
            md.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %,.0f | %,.0f | %s | %s |%n", c, v.get(0),
                    v.get(v.size() / 2), texts.size() / v.get(0), tokens / v.get(0), String.join(", ", busy),
                    String.join(", ", loads.get(c))));
        }
        md.append(String.format(Locale.ROOT, "%nRatios (best times): local[2] / local[1] = **%.2f×** (2.00× would be "
                + "linear); local[1] / single JVM 1 thread = %.2f×; local[2] / single JVM 2 threads = %.2f×.%n",
                best.get(configs[2]) / best.get(configs[3]), best.get(configs[0]) / best.get(configs[2]),
                best.get(configs[1]) / best.get(configs[3])));
        Files.writeString(out.resolve("spark-bench.md"), md);
        System.out.print(md);
    }

    private static double single(Path model, List<String> texts, int threads) throws IOException {
        try (MultiLabelTagger tagger = MultiLabelTagger.load(model, new MultiLabelTagger.Options(threads, 32, 0,
                false))) {
            tagger.tagTexts(texts.subList(0, Math.min(64, texts.size())));
            double c0 = cpuSeconds();
            long t0 = System.nanoTime();
            List<?> r = tagger.tagTexts(texts);
            double s = (System.nanoTime() - t0) / 1e9;
            lastCpu = cpuSeconds() - c0;
            if (r.size() != texts.size()) {
                throw new IllegalStateException("lost rows");
            }
            return s;
        }
    }

    private static double spark(Path model, Path input, int cores) throws IOException {
        SparkSession spark = SparkSession.builder().master("local[" + cores + "]").appName("multitag-bench")
                .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
                .getOrCreate();
        try {
            spark.sparkContext().setLogLevel("WARN");
            SparkTagger tagger = new SparkTagger(spark, ModelSource.path(model), SparkTagger.Options.DEFAULT);
            run(spark, tagger, input);     // warm: model in this JVM already, JIT, Spark's code paths
            double c0 = cpuSeconds();
            long t0 = System.nanoTime();
            run(spark, tagger, input);
            double s = (System.nanoTime() - t0) / 1e9;
            lastCpu = cpuSeconds() - c0;
            return s;
        } finally {
            spark.stop();
        }
    }

    private static void run(SparkSession spark, SparkTagger tagger, Path input) throws IOException {
        Dataset<Row> rows = SparkInputs.read(spark, input.toString(), SparkInputs.Format.JSONL);
        Dataset<Row> tagged = tagger.tag(SparkInputs.partition(spark, rows, 0));
        List<Column> cols = new ArrayList<>();
        for (String c : tagged.columns()) {
            if (!c.equals("text") && !c.equals("tokens")) {
                cols.add(functions.col(c));
            }
        }
        tagged.select(cols.toArray(new Column[0])).write().format("noop").mode("overwrite").save();
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0];
        } catch (IOException e) {
            return "?";
        }
    }

    private static String machine() {
        String cpu = "?";
        try {
            for (String l : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (l.startsWith("model name")) {
                    cpu = l.substring(l.indexOf(':') + 1).strip();
                    break;
                }
            }
        } catch (IOException ignored) {
            // not Linux
        }
        return Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), Java "
                + System.getProperty("java.version");
    }
}
