package org.multitag.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.multitag.core.AtomicFiles;
import org.multitag.core.InputException;
import org.multitag.model.MultiLabelTagger;
import org.multitag.model.kernels.Kernels;

/**
 * The serve benchmark's reference for concurrency 1: {@code MultiLabelTagger} in this process, one sentence of the
 * {@link RequestMix} per call, one call after the other (the same order as {@link LoadClient}'s), timed per call.
 * Writes a one-element JSON array of {@link LoadRun.Result} (server "in-process tagger", concurrency 1; its CPU
 * time is this process's).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar
 *     org.multitag.benchmarks.InProcessLatency --model DIR [--threads 2]
 *     [--warmup-s 10] [--duration-s 60] [--conllu FILE] [--input text|words] [--seed 1] [--out FILE]
 * </pre>
 */
public final class InProcessLatency {

    private InProcessLatency() {}

    public static void main(String[] args) throws Exception {
        Path model = null;
        Path conllu = Path.of(LoadClient.DEFAULT_CONLLU);
        String input = "text";
        int threads = 2;
        double warmupS = 10;
        double durationS = 60;
        long seed = 1;
        Path out = null;
        try {
            for (int i = 0; i + 1 < args.length; i += 2) {
                String v = args[i + 1];
                switch (args[i]) {
                    case "--model" -> model = Path.of(v);
                    case "--conllu" -> conllu = Path.of(v);
                    case "--input" -> input = v;
                    case "--threads" -> threads = (int) LoadClient.number(args[i], v);
                    case "--warmup-s" -> warmupS = LoadClient.number(args[i], v);
                    case "--duration-s" -> durationS = LoadClient.number(args[i], v);
                    case "--seed" -> seed = (long) LoadClient.number(args[i], v);
                    case "--out" -> out = Path.of(v);
                    default -> throw new InputException("unknown option " + args[i]);
                }
            }
            if (model == null || args.length % 2 != 0) {
                throw new InputException("usage: InProcessLatency --model DIR [--threads 2] [--duration-s 60] ...");
            }
        } catch (InputException e) {
            System.err.println("error: " + e.getMessage());
            System.exit(2);
        }
        if (!Kernels.vectorized()) {
            // The server runs the Vector API kernels (the launcher adds the module); so must its reference.
            throw new IllegalStateException("multitag runs its scalar kernels: start with --add-modules "
                    + "jdk.incubator.vector");
        }
        RequestMix mix = RequestMix.read(conllu, input, model);
        System.out.println("request mix: " + mix.describe(conllu));
        int[] order = LoadClient.shuffled(mix.size(), seed);
        LoadRun.Result r;
        try (MultiLabelTagger tagger = MultiLabelTagger.load(model, new MultiLabelTagger.Options(threads, 32, 0,
                false))) {
            int k = time(tagger, mix, order, 0, warmupS, null);
            long[] latencies = new long[1 << 16];
            Double cpu0 = ProcessCpu.seconds(0);
            long start = System.nanoTime();
            int n = time(tagger, mix, order, k, durationS, latencies) - k;
            double seconds = (System.nanoTime() - start) / 1e9;
            Double cpu1 = ProcessCpu.seconds(0);
            long tokens = 0;
            double sum = 0;
            for (int i = 0; i < n; i++) {
                tokens += mix.tokens()[order[(k + i) % order.length]];
                sum += latencies[i];
            }
            long[] sorted = Arrays.copyOf(latencies, n);
            Arrays.sort(sorted);
            r = new LoadRun.Result("in-process tagger", 1, n, n, Map.of(), seconds, n / seconds, tokens / seconds,
                    (double) tokens / n, sum / n / 1e6, LoadRun.percentile(sorted, 50), LoadRun.percentile(sorted, 90),
                    LoadRun.percentile(sorted, 99), sorted[n - 1] / 1e6, null, 0, null, null, List.of(),
                    cpu0 == null || cpu1 == null ? null : cpu1 - cpu0);
        }
        System.out.println(LoadClient.line(r));
        if (out != null) {
            byte[] json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(List.of(r));
            AtomicFiles.write(out, o -> o.write(json));
        }
    }

    /**
     * Tags sentences {@code order[from], order[from + 1], ...} one per call for {@code seconds} (at most
     * {@code latencies.length} calls when given), recording each call's nanoseconds; returns the next index.
     */
    private static int time(MultiLabelTagger tagger, RequestMix mix, int[] order, int from, double seconds,
            long[] latencies) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        int k = from;
        while (System.nanoTime() < end && (latencies == null || k - from < latencies.length)) {
            int s = order[k % order.length];
            long t0 = System.nanoTime();
            if (mix.texts() != null) {
                tagger.tag(mix.texts().get(s));
            } else {
                tagger.tagWords(List.of(mix.words().get(s)));
            }
            if (latencies != null) {
                latencies[k - from] = System.nanoTime() - t0;
            }
            k++;
        }
        return k;
    }
}
