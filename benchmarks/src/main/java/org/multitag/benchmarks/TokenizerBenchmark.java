package org.multitag.benchmarks;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.multitag.tokenizer.Encoding;
import org.multitag.tokenizer.Tokenizer;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Single-thread tokenization throughput: multitag's pure-Java WordPiece tokenizer against Hugging Face tokenizers
 * (Rust, through DJL's JNI binding), on the same sentences and the same tokenizer.json, in the same run.
 *
 * <p>Each invocation encodes the next {@link #BATCH} sentences of the corpus (cycling), one {@code encode} call per
 * sentence with special tokens, no truncation, no padding, and reads the ids, offsets and word ids of every token.
 * The primary score is batches/s; the {@code tokens} secondary score ({@link Counters}) is tokens/s, counting every
 * id produced including [CLS] and [SEP]. Before any measurement, the trial setup encodes the whole corpus with both
 * tokenizers and fails if any sentence gets different ids or word ids.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(1)
@Threads(1)
@State(Scope.Thread)
public class TokenizerBenchmark {

    /** Sentences per benchmark invocation. */
    public static final int BATCH = 256;

    @Param({"sotu", "moby-dick", "udhr"})
    public String corpus;

    @Param({"all-MiniLM-L6-v2", "bert-base-cased"})
    public String config;

    private String[] sentences;
    private Tokenizer multitag;
    private HuggingFaceTokenizer hf;
    private int cursor;

    /** Tokens (ids) and input chars encoded, reported per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        public long tokens;
        public long chars;

        @Setup(Level.Iteration)
        public void reset() {
            tokens = 0;
            chars = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        List<String> list = Corpora.sentences(corpus);
        sentences = list.toArray(new String[0]);
        Path file = Corpora.tokenizerFile(config);
        multitag = Tokenizer.load(file).withTruncation(null).withPadding(null);
        hf = HuggingFaceTokenizer.builder().optTokenizerPath(file).optTruncation(false).optPadding(false).build();
        verifyIdentical();
        cursor = 0;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (hf != null) {
            hf.close();
        }
    }

    /** Throws unless both tokenizers give the same ids and word ids for every sentence of the corpus. */
    private void verifyIdentical() {
        long tokens = 0;
        for (int i = 0; i < sentences.length; i++) {
            String s = sentences[i];
            Encoding ours = multitag.encode(s);
            ai.djl.huggingface.tokenizers.Encoding theirs = hf.encode(s, true, false);
            int[] hfIds = toInt(theirs.getIds());
            if (!Arrays.equals(hfIds, ours.ids())) {
                throw new IllegalStateException("ids differ on " + corpus + " sentence " + i + " with " + config
                        + ": " + s + "\n  hf       = " + Arrays.toString(hfIds)
                        + "\n  multitag = " + Arrays.toString(ours.ids()));
            }
            int[] hfWords = toInt(theirs.getWordIds());
            if (!Arrays.equals(hfWords, ours.wordIds())) {
                throw new IllegalStateException("word ids differ on " + corpus + " sentence " + i + " with "
                        + config + ": " + s + "\n  hf       = " + Arrays.toString(hfWords)
                        + "\n  multitag = " + Arrays.toString(ours.wordIds()));
            }
            tokens += hfIds.length;
        }
        System.out.printf("%n[check] %s / %s: %,d sentences, %,d tokens, identical ids and word ids%n",
                corpus, config, sentences.length, tokens);
    }

    private static int[] toInt(long[] a) {
        int[] out = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = Math.toIntExact(a[i]);
        }
        return out;
    }

    @Benchmark
    public long multitag(Counters counters) {
        String[] s = sentences;
        int c = cursor;
        long checksum = 0;
        long tokens = 0;
        long chars = 0;
        for (int k = 0; k < BATCH; k++) {
            String text = s[c];
            c = c + 1 == s.length ? 0 : c + 1;
            Encoding e = multitag.encode(text);
            int n = e.length();
            for (int i = 0; i < n; i++) {
                checksum += e.id(i) + 31L * e.offsetStart(i) + 17L * e.offsetEnd(i) + 7L * e.wordId(i);
            }
            tokens += n;
            chars += text.length();
        }
        cursor = c;
        counters.tokens += tokens;
        counters.chars += chars;
        return checksum;
    }

    @Benchmark
    public long hf(Counters counters) {
        String[] s = sentences;
        int c = cursor;
        long checksum = 0;
        long tokens = 0;
        long chars = 0;
        for (int k = 0; k < BATCH; k++) {
            String text = s[c];
            c = c + 1 == s.length ? 0 : c + 1;
            ai.djl.huggingface.tokenizers.Encoding e = hf.encode(text, true, false);
            long[] ids = e.getIds();
            CharSpan[] spans = e.getCharTokenSpans();
            long[] words = e.getWordIds();
            int n = ids.length;
            for (int i = 0; i < n; i++) {
                CharSpan span = spans[i];
                int start = span == null ? 0 : span.getStart();
                int end = span == null ? 0 : span.getEnd();
                checksum += ids[i] + 31L * start + 17L * end + 7L * words[i];
            }
            tokens += n;
            chars += text.length();
        }
        cursor = c;
        counters.tokens += tokens;
        counters.chars += chars;
        return checksum;
    }
}
