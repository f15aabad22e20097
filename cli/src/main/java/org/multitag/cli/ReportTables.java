package org.multitag.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.multitag.eval.DecodingTuner;
import org.multitag.eval.EvaluationReport;
import org.multitag.eval.LabelScores;
import org.multitag.eval.UdMetrics;
import org.multitag.model.decoding.DecodingMode;
import org.multitag.tokenizer.labels.WordPrediction;

/**
 * The tables commands print for people: a report (scores, the most frequent labels), the decoding modes side by side,
 * the model next to baselines, tagged sentences.
 */
final class ReportTables {

    /** Per-label rows a report shows. */
    static final int TOP_LABELS = 20;

    private ReportTables() {}

    /**
     * The compact table: micro and macro P/R/F1, span scores when present, Hamming loss, subset accuracy, the UD
     * measures, then the per-label rows by support (largest first), at most {@code top}.
     */
    static void printReport(PrintWriter out, EvaluationReport r, int top) {
        out.printf(Locale.ROOT, "%-14s %9s %9s %9s%n", "", "precision", "recall", "F1");
        out.printf(Locale.ROOT, "%-14s %9.4f %9.4f %9.4f%n", "micro", r.microPrecision(), r.microRecall(),
                r.microF1());
        out.printf(Locale.ROOT, "%-14s %9.4f %9.4f %9.4f%n", "macro", r.macroPrecision(), r.macroRecall(),
                r.macroF1());
        if (r.hasSpans()) {
            out.printf(Locale.ROOT, "%-14s %9.4f %9.4f %9.4f   (exact match; %d gold, %d predicted)%n",
                    "spans (micro)", r.spanMicroPrecision(), r.spanMicroRecall(), r.spanMicroF1(), r.nGoldSpans(),
                    r.nPredictedSpans());
        }
        out.printf(Locale.ROOT, "Hamming loss %.5f, subset accuracy %.4f (%d words, %d labels)%n", r.hammingLoss(),
                r.subsetAccuracy(), r.nWords(), r.nLabels());
        if (r.unknownGoldLabels() > 0) {
            out.printf(Locale.ROOT, "%d gold labels are not labels of the model: counted as missed%n",
                    r.unknownGoldLabels());
        }
        if (r.ud() != null) {
            UdMetrics.Scores u = r.ud();
            out.printf(Locale.ROOT, "CoNLL 2018 (official definitions): UPOS %.2f %%, UFeats %.2f %%; UPOS+FEATS exact "
                    + "%.2f %%, all FEATS exact %.2f %%%s%n", 100 * u.upos(), 100 * u.ufeats(), 100 * u.uposFeats(),
                    100 * u.allFeats(), u.wordsWithoutOneUpos() == 0 ? "" : String.format(Locale.ROOT,
                            " (%d words got no UPOS or several)", u.wordsWithoutOneUpos()));
        }
        List<Map.Entry<String, LabelScores>> rows = bySupport(r);
        int width = 5;
        for (int i = 0; i < Math.min(top, rows.size()); i++) {
            width = Math.max(width, Math.min(40, rows.get(i).getKey().length()));
        }
        out.printf(Locale.ROOT, "%-" + width + "s %9s %9s %9s %8s %9s%n", "label", "precision", "recall", "F1",
                "support", "threshold");
        for (int i = 0; i < Math.min(top, rows.size()); i++) {
            LabelScores s = rows.get(i).getValue();
            out.printf(Locale.ROOT, "%-" + width + "s %9.4f %9.4f %9.4f %8d %9s%n", rows.get(i).getKey(),
                    s.precision(), s.recall(), s.f1(), s.support(), threshold(s, "%.4f"));
        }
        if (rows.size() > top) {
            out.println("(" + (rows.size() - top) + " more labels, fewer gold occurrences)");
        }
        out.flush();
    }

    /** The decoding modes a tuning compared, on its dev data, the chosen default marked. */
    static void printModes(PrintWriter out, DecodingTuner.Result tuned) {
        Map<DecodingMode, EvaluationReport> reports = new LinkedHashMap<>();
        tuned.modes().forEach((mode, r) -> reports.put(mode, r.dev()));
        printModes(out, reports, tuned.decoding().defaultMode());
    }

    /** One row per decoding mode: micro/macro-F1, subset accuracy, and the UD measures for CoNLL-U labels. */
    static void printModes(PrintWriter out, Map<DecodingMode, EvaluationReport> reports, DecodingMode marked) {
        boolean ud = reports.values().stream().anyMatch(r -> r.ud() != null);
        out.printf(Locale.ROOT, "%-12s %9s %9s %9s%s%n", "decoding", "micro-F1", "macro-F1", "subset",
                ud ? String.format(Locale.ROOT, " %8s %8s %11s %10s", "UPOS", "UFeats", "UPOS+FEATS", "all FEATS")
                        : "");
        reports.forEach((mode, r) -> {
            String row = String.format(Locale.ROOT, "%-12s %9.4f %9.4f %9.4f", mode.id() + (mode == marked ? " *" : ""),
                    r.microF1(), r.macroF1(), r.subsetAccuracy());
            if (r.ud() != null) {
                row += String.format(Locale.ROOT, " %7.2f%% %7.2f%% %10.2f%% %9.2f%%", 100 * r.ud().upos(),
                        100 * r.ud().ufeats(), 100 * r.ud().uposFeats(), 100 * r.ud().allFeats());
            }
            out.println(row);
        });
        out.flush();
    }

    /** One row per metric, one column for the model and one per baseline. */
    static void printComparison(PrintWriter out, EvaluationReport model, Map<String, EvaluationReport> baselines) {
        List<String> names = new ArrayList<>(baselines.keySet());
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-16s %10s", "", "multitag"));
        for (String n : names) {
            head.append(String.format(Locale.ROOT, " %24s", n));
        }
        out.println(head);
        row(out, "micro precision", model, baselines, EvaluationReport::microPrecision);
        row(out, "micro recall", model, baselines, EvaluationReport::microRecall);
        row(out, "micro F1", model, baselines, EvaluationReport::microF1);
        row(out, "macro precision", model, baselines, EvaluationReport::macroPrecision);
        row(out, "macro recall", model, baselines, EvaluationReport::macroRecall);
        row(out, "macro F1", model, baselines, EvaluationReport::macroF1);
        row(out, "Hamming loss", model, baselines, EvaluationReport::hammingLoss);
        row(out, "subset accuracy", model, baselines, EvaluationReport::subsetAccuracy);
        out.flush();
    }

    private static void row(PrintWriter out, String name, EvaluationReport model,
            Map<String, EvaluationReport> baselines, ToDoubleFunction<EvaluationReport> metric) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-16s %10.4f", name,
                metric.applyAsDouble(model)));
        for (EvaluationReport b : baselines.values()) {
            line.append(String.format(Locale.ROOT, " %24.4f", metric.applyAsDouble(b)));
        }
        out.println(line);
    }

    /** The {@code top} labels with the most gold occurrences: support, the model's P/R/F1, a baseline's F1. */
    static void printTopLabels(PrintWriter out, EvaluationReport model, EvaluationReport baseline, int top) {
        List<Map.Entry<String, LabelScores>> rows = bySupport(model);
        out.printf(Locale.ROOT, "the %d most frequent labels in test%n", Math.min(top, rows.size()));
        out.printf(Locale.ROOT, "%-18s %8s %9s %9s %9s %9s %16s%n", "label", "support", "precision", "recall", "F1",
                "threshold", "most-freq set F1");
        for (int i = 0; i < Math.min(top, rows.size()); i++) {
            String label = rows.get(i).getKey();
            LabelScores s = rows.get(i).getValue();
            LabelScores b = baseline.perLabel().get(label);
            out.printf(Locale.ROOT, "%-18s %8d %9.4f %9.4f %9.4f %9s %16.4f%n", label, s.support(), s.precision(),
                    s.recall(), s.f1(), threshold(s, "%.3f"), b == null ? 0.0 : b.f1());
        }
        out.flush();
    }

    /**
     * Each sentence as its words, then one line per word with its labels ({@code -}: none), a blank line after each
     * sentence; every line starts with {@code indent}.
     */
    static String tagged(List<List<WordPrediction>> sentences, String indent) {
        StringBuilder b = new StringBuilder();
        for (List<WordPrediction> words : sentences) {
            int width = 4;
            for (WordPrediction w : words) {
                width = Math.max(width, Math.min(24, w.text().length()));
            }
            StringBuilder line = new StringBuilder();
            words.forEach(w -> line.append(line.isEmpty() ? "" : " ").append(w.text()));
            b.append(indent).append(line).append('\n');
            for (WordPrediction w : words) {
                b.append(String.format(Locale.ROOT, "%s  %-" + width + "s  %s%n", indent, w.text(),
                        w.labels().isEmpty() ? "-" : String.join(" ", w.labels())));
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** A report's labels, most gold occurrences first (ties by name). */
    private static List<Map.Entry<String, LabelScores>> bySupport(EvaluationReport r) {
        List<Map.Entry<String, LabelScores>> rows = new ArrayList<>(r.perLabel().entrySet());
        rows.sort(Comparator.comparingLong((Map.Entry<String, LabelScores> e) -> e.getValue().support()).reversed()
                .thenComparing(Map.Entry::getKey));
        return rows;
    }

    private static String threshold(LabelScores s, String format) {
        return s.threshold() == null ? "-" : String.format(Locale.ROOT, format, s.threshold());
    }
}
