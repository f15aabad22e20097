package org.multitag.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.multitag.model.decoding.Decoder;
import org.multitag.model.decoding.DecodingMode;
import org.multitag.model.decoding.LabelGroups;
import org.multitag.model.decoding.SeenLabelSets;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What each decoding mode costs per word, with UD English EWT's real label set (80 UPOS + FEATS labels) and its
 * real seen label sets (every UPOS + FEATS combination of the training words), on probability rows shaped like a
 * trained model's (one UPOS near 1, the rest near 0, a few features on): nanoseconds per word, to set beside the
 * encoder's cost per word ({@code EncoderBenchmark}). Needs {@code ../shared/data/ud-english-ewt} (or
 * {@code -Dmultitag.ewt=DIR}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
@State(Scope.Thread)
public class DecoderBenchmark {

    /** Words per invocation. */
    public static final int WORDS = 4096;

    @Param({"independent", "groups", "label-sets"})
    public String mode;

    private Decoder decoder;
    private float[][] rows;
    private boolean[] out;

    @Setup
    public void setup() throws IOException {
        Path dir = Path.of(System.getProperty("multitag.ewt", "../shared/data/ud-english-ewt"));
        List<List<String>> words = new ArrayList<>();
        TreeSet<String> names = new TreeSet<>();
        for (String line : Files.readAllLines(dir.resolve("en_ewt-ud-train.conllu"))) {
            String[] c = line.split("\t");
            if (c.length != 10 || !c[0].matches("\\d+")) {
                continue;
            }
            List<String> labels = new ArrayList<>();
            labels.add("UPOS=" + c[3]);
            if (!c[5].equals("_")) {
                labels.addAll(List.of(c[5].split("\\|")));
            }
            names.addAll(labels);
            words.add(labels);
        }
        List<String> labels = new ArrayList<>(names);
        LabelGroups groups = LabelGroups.auto(labels);
        List<int[]> ids = new ArrayList<>();
        for (List<String> w : words) {
            ids.add(w.stream().mapToInt(labels::indexOf).toArray());
        }
        SeenLabelSets seen = SeenLabelSets.collect(groups, ids);
        float[] thresholds = new float[labels.size()];
        java.util.Arrays.fill(thresholds, 0.5f);
        decoder = Decoder.of(DecodingMode.parse(mode), groups, seen, thresholds);
        SplittableRandom r = new SplittableRandom(1);
        rows = new float[WORDS][labels.size()];
        out = new boolean[labels.size()];
        for (int i = 0; i < WORDS; i++) {
            int[] gold = ids.get(r.nextInt(ids.size()));
            for (int l = 0; l < labels.size(); l++) {
                rows[i][l] = (float) (0.02 * r.nextDouble());
            }
            for (int l : gold) {
                rows[i][l] = (float) (0.6 + 0.4 * r.nextDouble());
            }
            rows[i][r.nextInt(labels.size())] = (float) r.nextDouble(); // some doubt somewhere
        }
        System.err.printf("decoder benchmark: %d labels, %d groups, %d seen label sets%n", labels.size(),
                groups.groups().size(), seen.size());
    }

    @Benchmark
    @OperationsPerInvocation(WORDS)
    public int decode() {
        int n = 0;
        for (float[] p : rows) {
            decoder.decide(p, out);
            n += out[0] ? 1 : 0;
        }
        return n;
    }
}
