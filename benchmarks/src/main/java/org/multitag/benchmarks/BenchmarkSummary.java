package org.multitag.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;
import org.multitag.core.AtomicFiles;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs every JMH suite against its peer and sums them up: the tokenizer vs Hugging Face tokenizers
 * ({@link Report}), the encoder vs ONNX Runtime ({@link EncoderReport}), the fine-tuning step
 * ({@link TrainStepBenchmark}) vs the same step in PyTorch ({@code benchmarks/torch/train_step_torch.py}, run right
 * after it when {@code /usr/bin/python3} has torch). Writes {@code summary.md} (one speed ratio per comparison,
 * the machine) and {@code ratios.png} (a bar per ratio, 1.0 marked) beside the suites' own reports.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar org.multitag.benchmarks.BenchmarkSummary [--render-only] [--out DIR]
 *     [--raw DIR]
 * </pre>
 *
 * {@code --render-only} reads the suites' last JSON results ({@code tokenizer-jmh.json} in {@code --out},
 * {@code encoder-jmh.json}, {@code train-step-jmh.json}, {@code train-step-torch.json} in {@code --raw}) instead of
 * running them.
 */
public final class BenchmarkSummary {

    /** One comparison: multitag's figure, the peer's, and how many times faster multitag is (> 1: faster). */
    record Ratio(String suite, String name, String unit, double multitag, double peer, String peerName,
            double speedup) {}

    private BenchmarkSummary() {}

    public static void main(String[] args) throws Exception {
        Path out = Paths.get("benchmarks", "results");
        Path raw = Paths.get("benchmarks", "target");
        boolean run = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Paths.get(args[++i]);
                case "--raw" -> raw = Paths.get(args[++i]);
                case "--render-only" -> run = false;
                default -> {
                    System.err.println("usage: BenchmarkSummary [--render-only] [--out DIR] [--raw DIR]");
                    System.exit(2);
                }
            }
        }
        Files.createDirectories(out);
        Files.createDirectories(raw);
        String loadBefore = EncoderReport.loadAverage();
        if (run) {
            Report.main(new String[] {"--out", out.toString()});
            EncoderReport.main(new String[] {"--out", out.toString(), "--raw", raw.toString()});
            runTrainStep(raw);
            new Runner(new OptionsBuilder().include(GemmPrecisionBenchmark.class.getName() + "\\.")
                    .resultFormat(ResultFormatType.JSON).result(raw.resolve("gemm-jmh.json").toString()).build()).run();
        }
        String load = loadBefore + " before, " + EncoderReport.loadAverage() + " after";
        ObjectMapper json = new ObjectMapper();
        List<Ratio> ratios = new ArrayList<>();
        JsonNode none = json.createArrayNode();
        ratios.addAll(tokenizerRatios(readIfThere(json, out.resolve("tokenizer-jmh.json"), none)));
        ratios.addAll(encoderRatios(readIfThere(json, raw.resolve("encoder-jmh.json"), none)));
        Path torch = raw.resolve("train-step-torch.json");
        ratios.addAll(trainStepRatios(readIfThere(json, raw.resolve("train-step-jmh.json"), none),
                readIfThere(json, torch, null), readIfThere(json, raw.resolve("train-step-torch-bf16.json"), null)));
        ratios.addAll(gemmRatios(readIfThere(json, raw.resolve("gemm-jmh.json"), none)));
        Path png = out.resolve("ratios.png");
        writeChart(png, ratios);
        Path md = out.resolve("summary.md");
        Files.writeString(md, render(ratios, run ? load : null, torch), StandardCharsets.UTF_8);
        System.out.println("wrote " + md.toAbsolutePath() + " and " + png.toAbsolutePath());
        System.out.println(Files.readString(md));
    }

    private static JsonNode readIfThere(ObjectMapper json, Path file, JsonNode absent) throws IOException {
        if (!Files.exists(file)) {
            System.err.println("note: no " + file + ": its rows are left out");
            return absent;
        }
        return json.readTree(file.toFile());
    }

    /** The train-step JMH run (its own annotations: 1 fork, 2 x 10 s warm-up, 5 x 10 s), then PyTorch's step. */
    private static void runTrainStep(Path raw) throws Exception {
        Path result = raw.resolve("train-step-jmh.json");
        new Runner(new OptionsBuilder().include(TrainStepBenchmark.class.getName() + "\\.")
                .resultFormat(ResultFormatType.JSON).result(result.toString()).build()).run();
        runTorch(raw.resolve("train-step-torch.json"), false);
        runTorch(raw.resolve("train-step-torch-bf16.json"), true);
    }

    /** PyTorch's step, float32 eager or under bf16 autocast, into {@code out}. */
    private static void runTorch(Path out, boolean bf16) throws Exception {
        Files.deleteIfExists(out);
        Path script = Paths.get("benchmarks", "torch", "train_step_torch.py");
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", script.toString(), "--json", out.toString()));
        if (bf16) {
            cmd.add("--bf16");
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
        pb.environment().putIfAbsent("OMP_WAIT_POLICY", "passive");
        try {
            Process p = pb.start();
            if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                System.err.println("note: the PyTorch train step did not finish; its row stays empty");
            }
        } catch (IOException e) {
            System.err.println("note: no /usr/bin/python3 (" + e.getMessage() + "); the PyTorch row stays empty");
        }
    }

    static List<Ratio> tokenizerRatios(JsonNode results) {
        List<Ratio> out = new ArrayList<>();
        for (JsonNode m : results) {
            if (!m.get("benchmark").asText().endsWith(".multitag")) {
                continue;
            }
            JsonNode params = m.get("params");
            for (JsonNode h : results) {
                if (h.get("benchmark").asText().endsWith(".hf") && h.get("params").equals(params)) {
                    double a = tokens(m);
                    double b = tokens(h);
                    out.add(new Ratio("tokenizer", params.get("corpus").asText() + ", "
                            + params.get("config").asText(), "tokens/s", a, b, "HF tokenizers", a / b));
                }
            }
        }
        return out;
    }

    private static double tokens(JsonNode r) {
        return r.get("secondaryMetrics").get("tokens").get("score").asDouble();
    }

    static List<Ratio> encoderRatios(JsonNode results) {
        double perBatch = EncoderBenchmark.BATCH * EncoderBenchmark.SEQ;
        List<Ratio> out = new ArrayList<>();
        for (String precision : List.of("", "Bf16")) {
            String tag = precision.isEmpty() ? "" : " (multitag bf16)";
            double[] mini = scores(results, "miniLmThroughputMultitag" + precision, "miniLmThroughputOrt");
            if (mini != null) {
                out.add(new Ratio("encoder", "MiniLM-L6 batch 32x128" + tag, "tokens/s", mini[0] * perBatch,
                        mini[1] * perBatch, "ONNX Runtime", mini[0] / mini[1]));
            }
            double[] latency = scores(results, "miniLmLatencyMultitag" + precision, "miniLmLatencyOrt");
            if (latency != null) {
                out.add(new Ratio("encoder", "MiniLM-L6 batch 1x128 latency" + tag, "ms", latency[0], latency[1],
                        "ONNX Runtime", latency[1] / latency[0]));
            }
            double[] base = scores(results, "bertBaseThroughputMultitag" + precision, "bertBaseThroughputOrt");
            if (base != null) {
                out.add(new Ratio("encoder", "bert-base batch 32x128" + tag, "tokens/s", base[0] * perBatch,
                        base[1] * perBatch, "ONNX Runtime", base[0] / base[1]));
            }
            double[] baseLatency = scores(results, "bertBaseLatencyMultitag" + precision, "bertBaseLatencyOrt");
            if (baseLatency != null) {
                out.add(new Ratio("encoder", "bert-base batch 1x128 latency" + tag, "ms", baseLatency[0],
                        baseLatency[1], "ONNX Runtime", baseLatency[1] / baseLatency[0]));
            }
        }
        return out;
    }

    /** The mean scores of two benchmark methods, or null when either is missing. */
    private static double[] scores(JsonNode results, String a, String b) {
        double[] s = {Double.NaN, Double.NaN};
        for (JsonNode r : results) {
            String method = r.get("benchmark").asText();
            method = method.substring(method.lastIndexOf('.') + 1);
            double v = r.get("primaryMetric").get("score").asDouble();
            if (method.equals(a)) {
                s[0] = v;
            } else if (method.equals(b)) {
                s[1] = v;
            }
        }
        return Double.isNaN(s[0]) || Double.isNaN(s[1]) ? null : s;
    }

    static List<Ratio> trainStepRatios(JsonNode jmh, JsonNode torch, JsonNode torchBf16) {
        double tokens = TrainStepBenchmark.BATCH * TrainStepBenchmark.SEQ;
        List<Ratio> out = new ArrayList<>();
        for (String precision : List.of("", "Bf16")) {
            double ms = Double.NaN;
            for (JsonNode r : jmh) {
                if (r.get("benchmark").asText().endsWith(".miniLmTrainStep" + precision)) {
                    ms = r.get("primaryMetric").get("score").asDouble();
                }
            }
            if (Double.isNaN(ms)) {
                continue;
            }
            String name = "MiniLM-L6 + 16 labels, batch 16x128" + (precision.isEmpty() ? "" : " (multitag bf16)");
            List<JsonNode> peers = precision.isEmpty() ? java.util.Collections.singletonList(torch)
                    : java.util.Arrays.asList(torch, torchBf16);
            for (int i = 0; i < peers.size(); i++) {
                double peerMs = peers.get(i) == null ? Double.NaN : peers.get(i).get("mean_ms").asDouble();
                out.add(new Ratio("train step", name, "tokens/s", tokens / ms * 1e3, tokens / peerMs * 1e3,
                        i == 0 ? "PyTorch eager" : "PyTorch bf16 autocast", peerMs / ms));
            }
        }
        return out;
    }

    /**
     * The gemm ceiling in both precisions ({@link GemmPrecisionBenchmark}): per shape, bf16 alone and bf16 as the
     * model runs it (activations cast, result read back) against float32, in GFLOP/s.
     */
    static List<Ratio> gemmRatios(JsonNode results) {
        List<Ratio> out = new ArrayList<>();
        for (String shape : GemmPrecisionBenchmark.SHAPES) {
            double[] gflops = new double[3];
            List<String> precisions = List.of("fp32", "bf16", "bf16-model");
            for (JsonNode r : results) {
                JsonNode p = r.get("params");
                if (p != null && p.path("shape").asText().equals(shape)) {
                    int i = precisions.indexOf(p.path("precision").asText());
                    long[] s = GemmPrecisionBenchmark.parse(shape);
                    gflops[i] = 2.0 * s[0] * s[1] * s[2] / (r.get("primaryMetric").get("score").asDouble() * 1e6);
                }
            }
            if (gflops[0] > 0) {
                String name = shape.replaceFirst("x(\\d+)x(\\d+)", "x$1 . ($2x$1)T");
                out.add(new Ratio("gemm", name + " bf16", "GFLOP/s", gflops[1], gflops[0], "ND4J float32 gemm",
                        gflops[1] / gflops[0]));
                out.add(new Ratio("gemm", name + " bf16 as the model runs it", "GFLOP/s", gflops[2], gflops[0],
                        "ND4J float32 gemm", gflops[2] / gflops[0]));
            }
        }
        return out;
    }

    static String render(List<Ratio> ratios, String load, Path torchFile) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("# Benchmarks: multitag next to its peers\n\n");
        sb.append("Generated by `org.multitag.benchmarks.BenchmarkSummary` (`benchmarks/run-all.sh`). Do not edit by "
                + "hand. Each row compares multitag with the peer measured in the same run on the same machine; "
                + "the ratio is how many times faster multitag is (above 1: multitag faster). Details, error bars "
                + "and the correctness checks run before timing: `tokenizer.md`, `encoder.md`. Chart: "
                + "`ratios.png`.\n\n");
        sb.append("| Suite | Workload | multitag | Peer | Peer figure | Speed ratio |\n|---|---|---:|---|---:|---:|\n");
        for (Ratio r : ratios) {
            sb.append("| ").append(r.suite()).append(" | ").append(r.name()).append(" | ")
                    .append(figure(r.multitag(), r.unit())).append(" | ").append(r.peerName()).append(" | ")
                    .append(figure(r.peer(), r.unit())).append(" | ")
                    .append(Double.isNaN(r.speedup()) ? "not measured"
                            : String.format(Locale.ROOT, "%.2f×", r.speedup())).append(" |\n");
        }
        sb.append("\nTrain step: one full fine-tuning step (forward with dropout, BCE, backward through the head and "
                + "the whole encoder, gradient clipping, AdamW) on 16 unpadded rows of 128 tokens, 2 threads. ");
        if (torchFile != null && Files.exists(torchFile)) {
            JsonNode t = new ObjectMapper().readTree(torchFile.toFile());
            sb.append(String.format(Locale.ROOT, "PyTorch %s (Debian `python3-torch`), %d threads, BLAS `%s`, the same "
                    + "step in plain torch in eval mode (no dropout), mean of %d steps after 2 warm-up steps (best "
                    + "%.0f ms).", t.get("torch").asText(), t.get("threads").asInt(), t.get("blas").asText(),
                    t.get("step_ms").size(), t.get("best_ms").asDouble()));
        } else {
            sb.append("PyTorch was not run (no `/usr/bin/python3` with torch).");
        }
        sb.append("\n\n## Machine\n\n");
        sb.append("- Date: ").append(ZonedDateTime.now(ZoneOffset.UTC).withNano(0)
                .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)).append('\n');
        sb.append("- `nproc`: ").append(Machine.nproc()).append('\n');
        sb.append("- CPU: ").append(Machine.cpuModel(true)).append('\n');
        sb.append("- CPU bfloat16 flags: ").append(Machine.bf16Flags()).append('\n');
        sb.append("- Java: ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.version")).append('\n');
        sb.append("- `OMP_WAIT_POLICY`: ").append(System.getenv().getOrDefault("OMP_WAIT_POLICY", "(unset)"))
                .append('\n');
        if (load != null) {
            sb.append("- Load average (1, 5, 15 min): ").append(load).append('\n');
        }
        sb.append("\nThe machine is shared; other work moves absolute figures between runs. The ratios compare "
                + "figures taken minutes apart in one run.\n");
        return sb.toString();
    }

    private static String figure(double v, String unit) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        return unit.equals("ms") ? String.format(Locale.ROOT, "%.2f ms", v)
                : String.format(Locale.ROOT, "%,.0f %s", v, unit);
    }

    /** A horizontal bar per ratio (log scale, labelled), coloured by suite, with the parity line at 1. */
    static void writeChart(Path file, List<Ratio> ratios) throws IOException {
        System.setProperty("java.awt.headless", "true");
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        List<String> suites = new ArrayList<>();
        List<String> rowSuite = new ArrayList<>();
        for (Ratio r : ratios) {
            if (!Double.isNaN(r.speedup())) {
                String suite = r.suite() + " vs " + r.peerName();
                if (!suites.contains(suite)) {
                    suites.add(suite);
                }
                rowSuite.add(suite);
                String key = r.suite() + ": " + r.name();
                // the bf16 train step has two peers (PyTorch eager and bf16 autocast): one bar each
                data.addValue(r.speedup(), "ratio", data.getColumnKeys().contains(key) ? key + " vs " + r.peerName()
                        : key);
            }
        }
        Color[] palette = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0x9467bd),
                new Color(0x8c564b)};
        BarRenderer bars = new BarRenderer() {
            @Override
            public java.awt.Paint getItemPaint(int row, int column) {
                return palette[suites.indexOf(rowSuite.get(column)) % palette.length];
            }
        };
        bars.setBarPainter(new StandardBarPainter());
        bars.setShadowVisible(false);
        bars.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}×",
                new java.text.DecimalFormat("0.00")));
        bars.setDefaultItemLabelsVisible(true);
        bars.setDefaultPositiveItemLabelPosition(new ItemLabelPosition(ItemLabelAnchor.OUTSIDE3, TextAnchor.CENTER_LEFT));
        bars.setDefaultNegativeItemLabelPosition(new ItemLabelPosition(ItemLabelAnchor.OUTSIDE9, TextAnchor.CENTER_RIGHT));
        bars.setBase(1.0); // bars grow from parity: right for faster, left for slower
        LogAxis axis = new LogAxis("speed ratio multitag / peer, log scale (right of 1: multitag faster)");
        axis.setBase(10);
        axis.setSmallestValue(0.1);
        double max = 1;
        for (Ratio r : ratios) {
            max = Double.isNaN(r.speedup()) ? max : Math.max(max, r.speedup());
        }
        axis.setRange(0.25, max * 2.5);
        axis.setTickUnit(new NumberTickUnit(Math.log10(2))); // ticks at 1/4, 1/2, 1, 2, 4, 8, ...
        axis.setNumberFormatOverride(new java.text.DecimalFormat("0.##"));
        CategoryPlot plot = new CategoryPlot(data, new CategoryAxis(null), axis, bars);
        plot.setOrientation(PlotOrientation.HORIZONTAL);
        ValueMarker parity = new ValueMarker(1.0);
        parity.setPaint(Color.DARK_GRAY);
        parity.setStroke(new java.awt.BasicStroke(1.5f));
        plot.addRangeMarker(parity);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        LegendItemCollection legend = new LegendItemCollection();
        for (int i = 0; i < suites.size(); i++) {
            legend.add(new LegendItem(suites.get(i), palette[i % palette.length]));
        }
        plot.setFixedLegendItems(legend);
        JFreeChart chart = new JFreeChart("multitag vs peers, measured in one run", JFreeChart.DEFAULT_TITLE_FONT,
                plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        BufferedImage image = chart.createBufferedImage(1000, 140 + 30 * Math.max(1, data.getColumnCount()));
        AtomicFiles.write(file, o -> ImageIO.write(image, "png", o));
    }
}
