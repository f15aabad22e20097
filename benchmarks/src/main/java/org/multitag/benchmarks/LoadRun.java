package org.multitag.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One closed-loop load level: {@code concurrency} threads, each sending the next request of the mix as soon as its
 * previous one was answered, until {@code maxRequests} were sent or {@code duration} has passed (the requests in
 * flight then still finish and count). Measures latency from send to the whole body read, and the server's resident
 * set ({@code VmRSS} of {@code /proc/PID/status}) at the start, after the first {@code rssAfter} answers, every
 * {@code sampleEvery}, and at the end.
 */
final class LoadRun {

    /** How a correct {@code POST /v1/tag} answer starts. */
    static final String TAG_ANSWER = "{\"words\":";
    /** How a correct {@code POST /v1/embed} answer starts. */
    static final String EMBED_ANSWER = "{\"tokens\":";

    /**
     * One level's figures; latencies over the correct answers only, RSS in kB (null without a PID).
     *
     * @param errors counts by kind: {@code "HTTP <status>"}, {@code "bad body"} (200 but not an answer) or the
     *     exception's class name
     * @param rssSamples {@code [seconds since start, answers so far, VmRSS kB]} every sampling period
     * @param serverCpuSeconds the server's CPU time (all threads, user + system) over the measured phase, null
     *     without a PID
     */
    record Result(String server, int concurrency, long requests, long ok, Map<String, Long> errors, double seconds,
            double sentencesPerSecond, double tokensPerSecond, double meanTokens, double meanMs, double p50Ms,
            double p90Ms, double p99Ms, double maxMs, Long rssStartKb, long rssAfterRequests, Long rssAfterKb,
            Long rssEndKb, List<long[]> rssSamples, Double serverCpuSeconds) {

        /** The server's CPU milliseconds per answered request, or null. */
        Double cpuMsPerRequest() {
            return serverCpuSeconds == null || requests == 0 ? null : serverCpuSeconds * 1000 / requests;
        }
    }

    private final HttpClient client;
    private final URI uri;
    private final RequestMix mix;
    private final int[] order;
    private final Duration timeout;
    private final byte[] answerStart;

    /**
     * {@code order}: the mix's indices in the order the requests go out (cycled); {@code answerStart}: how a
     * correct answer (status 200) to {@code POST uri} with the mix starts ({@link #TAG_ANSWER}, {@link
     * #EMBED_ANSWER}), or null to send {@code GET uri} instead (the HTTP round trip alone, e.g. {@code /health}), any
     * 200 correct.
     */
    LoadRun(HttpClient client, URI uri, RequestMix mix, int[] order, Duration timeout, String answerStart) {
        this.client = client;
        this.uri = uri;
        this.mix = mix;
        this.order = order;
        this.timeout = timeout;
        this.answerStart = answerStart == null ? null : answerStart.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Runs {@code warmup} unmeasured (same threads and mix), then the measured level.
     *
     * @param maxRequests at most this many measured requests, 0 for no limit
     * @param pid the server's process id for RSS readings, 0 for none
     */
    Result run(String server, int concurrency, Duration warmup, Duration duration, long maxRequests, long pid,
            long rssAfter, Duration sampleEvery) throws InterruptedException {
        if (!warmup.isZero()) {
            phase(concurrency, warmup, 0, null, 0, 0);
        }
        Long rssStart = pid > 0 ? PeakMemory.rssKb(pid) : null;
        Double cpuStart = pid > 0 ? ProcessCpu.seconds(pid) : null;
        List<long[]> samples = new ArrayList<>();
        long start = System.nanoTime();
        Phase p;
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rss-sampler");
            t.setDaemon(true);
            return t;
        });
        try {
            Phase[] holder = new Phase[1];
            if (pid > 0 && !sampleEvery.isZero()) {
                sampler.scheduleAtFixedRate(() -> {
                    Phase running = holder[0];
                    long done = running == null ? 0 : running.completed.get();
                    Long kb = PeakMemory.rssKb(pid);
                    if (kb != null) {
                        synchronized (samples) {
                            samples.add(new long[] {(System.nanoTime() - start) / 1_000_000_000L, done, kb});
                        }
                    }
                }, sampleEvery.toMillis(), sampleEvery.toMillis(), TimeUnit.MILLISECONDS);
            }
            p = phase(concurrency, duration, maxRequests, holder, rssAfter, pid);
        } finally {
            sampler.shutdownNow();
        }
        Long rssEnd = pid > 0 ? PeakMemory.rssKb(pid) : null;
        Double cpuEnd = pid > 0 ? ProcessCpu.seconds(pid) : null;
        return p.result(server, concurrency, rssStart, rssAfter, rssEnd, samples,
                cpuStart == null || cpuEnd == null ? null : cpuEnd - cpuStart);
    }

    private Phase phase(int concurrency, Duration duration, long maxRequests, Phase[] holder, long rssAfter, long pid)
            throws InterruptedException {
        Phase p = new Phase(concurrency, System.nanoTime() + duration.toNanos(),
                maxRequests > 0 ? maxRequests : Long.MAX_VALUE, pid > 0 ? rssAfter : 0, pid);
        if (holder != null) {
            holder[0] = p;
        }
        Thread[] threads = new Thread[concurrency];
        for (int i = 0; i < concurrency; i++) {
            Worker w = p.workers[i];
            threads[i] = new Thread(() -> loop(p, w), "load-" + i);
            threads[i].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        p.end = System.nanoTime();
        return p;
    }

    private void loop(Phase p, Worker w) {
        while (System.nanoTime() < p.deadline) {
            long k = p.issued.getAndIncrement();
            if (k >= p.maxRequests) {
                return;
            }
            int s = order[(int) (k % order.length)];
            HttpRequest request = answerStart == null ? HttpRequest.newBuilder(uri).timeout(timeout).GET().build()
                    : HttpRequest.newBuilder(uri).timeout(timeout).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(mix.bodies().get(s), StandardCharsets.UTF_8))
                            .build();
            long t0 = System.nanoTime();
            String error = null;
            try {
                HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
                if (response.statusCode() != 200) {
                    error = "HTTP " + response.statusCode();
                } else if (answerStart != null && !isAnswer(response.body())) {
                    error = "bad body";
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                error = e.getClass().getSimpleName();
            }
            long t1 = System.nanoTime();
            w.record(error, t1 - t0, answerStart == null ? 0 : mix.tokens()[s]);
            if (p.completed.incrementAndGet() == p.rssAfter) {
                p.rssAfterKb = PeakMemory.rssKb(p.pid);
            }
        }
    }

    private boolean isAnswer(byte[] body) {
        if (body.length < answerStart.length + 2) {
            return false;
        }
        for (int i = 0; i < answerStart.length; i++) {
            if (body[i] != answerStart[i]) {
                return false;
            }
        }
        int last = body.length - 1;
        while (last > 0 && (body[last] == '\n' || body[last] == '\r' || body[last] == ' ')) {
            last--;
        }
        return body[last] == '}';
    }

    /** The shared state of one phase. */
    private static final class Phase {
        final Worker[] workers;
        final long start = System.nanoTime();
        final long deadline;
        final long maxRequests;
        final long rssAfter;
        final AtomicLong issued = new AtomicLong();
        final AtomicLong completed = new AtomicLong();
        final long pid;
        volatile Long rssAfterKb;
        long end;

        Phase(int concurrency, long deadline, long maxRequests, long rssAfter, long pid) {
            this.workers = new Worker[concurrency];
            for (int i = 0; i < concurrency; i++) {
                workers[i] = new Worker();
            }
            this.deadline = deadline;
            this.maxRequests = maxRequests;
            this.rssAfter = rssAfter;
            this.pid = pid;
        }

        Result result(String server, int concurrency, Long rssStart, long rssAfterRequests, Long rssEnd,
                List<long[]> samples, Double cpuSeconds) {
            long ok = 0;
            long tokens = 0;
            int n = 0;
            Map<String, Long> errors = new TreeMap<>();
            for (Worker w : workers) {
                ok += w.ok;
                tokens += w.tokens;
                n += w.count;
                w.errors.forEach((k, v) -> errors.merge(k, v, Long::sum));
            }
            long[] all = new long[n];
            int at = 0;
            for (Worker w : workers) {
                System.arraycopy(w.latencies, 0, all, at, w.count);
                at += w.count;
            }
            Arrays.sort(all);
            long requests = ok + errors.values().stream().mapToLong(Long::longValue).sum();
            double seconds = (end - start) / 1e9;
            double sum = 0;
            for (long v : all) {
                sum += v;
            }
            synchronized (samples) {
                return new Result(server, concurrency, requests, ok, errors, seconds, ok / seconds, tokens / seconds,
                        ok == 0 ? 0 : (double) tokens / ok, n == 0 ? 0 : sum / n / 1e6, percentile(all, 50),
                        percentile(all, 90), percentile(all, 99), n == 0 ? 0 : all[n - 1] / 1e6, rssStart,
                        rssAfterRequests, rssAfterKb, rssEnd, List.copyOf(samples), cpuSeconds);
            }
        }
    }

    /** Nearest-rank percentile of sorted nanoseconds, in milliseconds. */
    static double percentile(long[] sorted, double pct) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(pct / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)] / 1e6;
    }

    /** One thread's answers: latencies of the correct ones, errors by kind. */
    private static final class Worker {
        long[] latencies = new long[1024];
        int count;
        long ok;
        long tokens;
        final Map<String, Long> errors = new TreeMap<>();

        void record(String error, long nanos, int tokenCount) {
            if (error != null) {
                errors.merge(error, 1L, Long::sum);
                return;
            }
            if (count == latencies.length) {
                latencies = Arrays.copyOf(latencies, count * 2);
            }
            latencies[count++] = nanos;
            ok++;
            tokens += tokenCount;
        }
    }
}
