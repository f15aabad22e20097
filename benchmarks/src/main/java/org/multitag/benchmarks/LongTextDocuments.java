package org.multitag.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.multitag.data.Example;
import org.multitag.data.ExampleReader;
import org.multitag.data.TrainingData;
import org.multitag.eval.EvaluationReport;
import org.multitag.eval.Evaluator;
import org.multitag.eval.UdMetrics;
import org.multitag.model.LongText;
import org.multitag.model.MultiLabelTagger;
import org.multitag.model.TaggingModel;
import org.multitag.model.TokenScorer;
import org.multitag.model.WindowMerge;
import org.multitag.model.decoding.Decoding;
import org.multitag.model.decoding.DecodingMode;

/**
 * Texts of any length measured on real documents: a CoNLL-U file tagged sentence by sentence (at the model's limit)
 * and as documents (its {@code # newdoc} groups, sentences joined with spaces) through windows at each
 * {@code --max-length}, with each window merge rule; the official CoNLL 2018 UPOS and UFeats (and the stricter
 * UPOS+FEATS and all-FEATS) of the model's default decoding for each, and how many windows the documents took.
 * One process, one model load; the rows run one after another (wall times are for orientation only).
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar org.multitag.benchmarks.LongTextDocuments --model DIR
 *     --data FILE.conllu [--max-length 128,64] [--merge central,average] [--threads N] [--batch N]</pre>
 */
public final class LongTextDocuments {

    private LongTextDocuments() {}

    public static void main(String[] args) throws Exception {
        Path model = null;
        Path data = null;
        List<Integer> lengths = List.of(128);
        List<WindowMerge> merges = List.of(WindowMerge.CENTRAL, WindowMerge.AVERAGE);
        int threads = 0;
        int batch = 32;
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--model" -> model = Path.of(v);
                case "--data" -> data = Path.of(v);
                case "--max-length" -> lengths = List.of(v.split(",")).stream().map(Integer::parseInt).toList();
                case "--merge" -> merges = List.of(v.split(",")).stream()
                        .map(s -> WindowMerge.valueOf(s.toUpperCase(Locale.ROOT))).toList();
                case "--threads" -> threads = Integer.parseInt(v);
                case "--batch" -> batch = Integer.parseInt(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (model == null || data == null) {
            throw new IllegalArgumentException("usage: --model DIR --data FILE.conllu [--max-length 128,64] "
                    + "[--merge central,average] [--threads N] [--batch N]");
        }
        TaggingModel m = TaggingModel.read(model).requireHead();
        Decoding decoding = m.decoding();
        DecodingMode mode = decoding.defaultMode();
        ExampleReader.Options read = new ExampleReader.Options(0, false, false, false, true);
        TrainingData sentences = new ExampleReader(m.tokenizer(), m.labels(), read).read(data);
        TrainingData documents = new ExampleReader(m.tokenizer(), m.labels(), read.withDocuments(true)).read(data);
        if (sentences.wordCount() != documents.wordCount()) {
            throw new IllegalStateException(sentences.wordCount() + " words as sentences, " + documents.wordCount()
                    + " as documents");
        }
        int limit = m.config().maxPositionEmbeddings();
        System.out.printf(Locale.ROOT, "model %s (decoding: %s)%ndata %s: %d sentences, %d documents, %d words%n"
                + "CPU %s, %s cores; JDK %s%n%n", model, mode, data, sentences.examples().size(),
                documents.examples().size(), documents.wordCount(), Machine.cpuModel(true), Machine.nproc(),
                System.getProperty("java.version"));
        System.out.printf(Locale.ROOT, "%-10s %5s %-8s %6s %6s %7s %9s %7s %7s %7s %10s %9s %6s %6s%n", "input",
                "max", "merge", "inputs", "over", "rows", "tokens", "win/doc", "max win", "UPOS", "UFeats",
                "UPOS+FEATS", "allF", "s");
        List<int[]> runs = new ArrayList<>();
        runs.add(new int[] {0, limit, 0});
        for (int length : lengths) {
            for (WindowMerge merge : merges) {
                runs.add(new int[] {1, length, merge.ordinal()});
            }
        }
        for (int[] run : runs) {
            TrainingData d = run[0] == 0 ? sentences : documents;
            WindowMerge merge = WindowMerge.values()[run[2]];
            MultiLabelTagger.Options options = new MultiLabelTagger.Options(threads, batch, run[1], LongText.WINDOW,
                    -1, null);
            try (MultiLabelTagger tagger = MultiLabelTagger.of(m, decoding, options)) {
                TokenScorer scorer = tagger.scorer().withMerge(merge);
                int over = 0;
                long rows = 0;
                long tokens = 0;
                int maxWindows = 0;
                long windowsOfLong = 0;
                for (Example e : d.examples()) {
                    int w = scorer.windows(e.inputIds(), e.tokenWords());
                    rows += w;
                    if (e.length() > scorer.maxLength()) {
                        over++;
                        windowsOfLong += w;
                        // each window repeats [CLS] and [SEP]
                        tokens += e.length() + (w - 1) * 2L;
                    } else {
                        tokens += e.length();
                    }
                    maxWindows = Math.max(maxWindows, w);
                }
                long start = System.nanoTime();
                Evaluator evaluator = Evaluator.score(scorer, d);
                double seconds = (System.nanoTime() - start) / 1e9;
                EvaluationReport r = evaluator.evaluate(decoding.decoder(mode));
                UdMetrics.Scores ud = r.ud();
                System.out.printf(Locale.ROOT, "%-10s %5d %-8s %6d %6d %7d %9s %7s %7d %6.2f%% %9.2f%% %9.2f%% "
                        + "%5.2f%% %6.1f%n", run[0] == 0 ? "sentences" : "documents", run[1],
                        run[0] == 0 ? "-" : merge.name().toLowerCase(Locale.ROOT), d.examples().size(), over, rows,
                        "~" + tokens, over == 0 ? "-" : String.format(Locale.ROOT, "%.1f", (double) windowsOfLong / over),
                        maxWindows, 100 * ud.upos(), 100 * ud.ufeats(), 100 * ud.uposFeats(), 100 * ud.allFeats(),
                        seconds);
                if (ud.wordsWithoutOneUpos() != 0) {
                    System.out.println("  words without exactly one UPOS: " + ud.wordsWithoutOneUpos());
                }
            }
        }
    }
}
