package org.multitag.benchmarks;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.ToIntFunction;
import org.multitag.tokenizer.Tokenizer;

/**
 * Quick scaling check (not JMH): encode time of one very long word and of long texts made of long words, at
 * doubling sizes, for multitag and HF tokenizers. Linear behaviour shows as a time ratio near 2 per doubling;
 * quadratic as near 4.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar org.multitag.benchmarks.LongInputCheck [config]</pre>
 */
public final class LongInputCheck {

    private LongInputCheck() {}

    public static void main(String[] args) throws Exception {
        String config = args.length > 0 ? args[0] : "all-MiniLM-L6-v2";
        Path file = Corpora.tokenizerFile(config);
        Tokenizer multitag = Tokenizer.load(file).withTruncation(null).withPadding(null);
        try (HuggingFaceTokenizer hf = HuggingFaceTokenizer.builder().optTokenizerPath(file).optTruncation(false)
                .optPadding(false).build()) {
            ToIntFunction<String> mt = s -> multitag.encode(s).length();
            ToIntFunction<String> h = s -> hf.encode(s, true, false).getIds().length;
            System.out.println("config " + config + "; time = best of repeated runs after warm-up\n");
            series("single word of N chars", new int[] {10_000, 20_000, 40_000, 80_000}, n -> word(n, 0), mt, h);
            series("N chars, words of 200 chars", new int[] {125_000, 250_000, 500_000, 1_000_000},
                    n -> words(n, 200), mt, h);
            series("N chars, words of 100 chars (<= max_input_chars_per_word: WordPiece runs)",
                    new int[] {125_000, 250_000, 500_000, 1_000_000}, n -> words(n, 100), mt, h);
            series("N chars, words of 101 chars (> max_input_chars_per_word: [UNK])",
                    new int[] {125_000, 250_000, 500_000, 1_000_000}, n -> words(n, 101), mt, h);
        }
    }

    /** A word of n letters without any long vocabulary match ("xqz..." pattern defeats long prefixes). */
    static String word(int n, int seed) {
        StringBuilder sb = new StringBuilder(n);
        String letters = "abcdefghijklmnopqrstuvwxyz";
        long x = 0x9E3779B97F4A7C15L ^ seed;
        for (int i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            sb.append(letters.charAt((int) Math.floorMod(x, 26L)));
        }
        return sb.toString();
    }

    /** About n chars: words of wordLen pseudo-random letters separated by single spaces. */
    static String words(int n, int wordLen) {
        StringBuilder sb = new StringBuilder(n + wordLen);
        int seed = 0;
        while (sb.length() < n) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(word(wordLen, seed++));
        }
        sb.setLength(n);
        return sb.toString();
    }

    interface Gen {
        String make(int n);
    }

    static void series(String title, int[] sizes, Gen gen, ToIntFunction<String> mt, ToIntFunction<String> hf) {
        System.out.println(title);
        System.out.println(String.format(Locale.ROOT, "  %10s %10s %12s %8s %12s %8s", "N", "tokens", "multitag ms",
                "x prev", "HF ms", "x prev"));
        double prevMt = Double.NaN;
        double prevHf = Double.NaN;
        for (int n : sizes) {
            String text = gen.make(n);
            int tokens = mt.applyAsInt(text);
            int hfTokens = hf.applyAsInt(text);
            if (tokens != hfTokens) {
                throw new IllegalStateException(title + " N=" + n + ": multitag " + tokens + " tokens, HF " + hfTokens);
            }
            double tMt = best(text, mt);
            double tHf = best(text, hf);
            System.out.println(String.format(Locale.ROOT, "  %,10d %,10d %12.2f %8s %12.2f %8s", n, tokens, tMt,
                    ratio(tMt, prevMt), tHf, ratio(tHf, prevHf)));
            prevMt = tMt;
            prevHf = tHf;
        }
        System.out.println();
    }

    private static String ratio(double now, double prev) {
        return Double.isNaN(prev) ? "" : String.format(Locale.ROOT, "%.2f", now / prev);
    }

    /** Best wall time in ms over enough runs to take ~1 s (at least 5, after 3 warm-up runs). */
    static double best(String text, ToIntFunction<String> f) {
        for (int i = 0; i < 3; i++) {
            f.applyAsInt(text);
        }
        double best = Double.MAX_VALUE;
        long deadline = System.nanoTime() + 1_000_000_000L;
        for (int i = 0; i < 5 || System.nanoTime() < deadline; i++) {
            long t0 = System.nanoTime();
            f.applyAsInt(text);
            best = Math.min(best, (System.nanoTime() - t0) / 1e6);
            if (i > 200) {
                break;
            }
        }
        return best;
    }
}
