package org.multitag.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.multitag.eval.EvaluationReport;
import org.multitag.eval.LabelScores;
import org.multitag.tokenizer.labels.WordPrediction;

/** The demo's printed tables: the model next to the baselines, the frequent labels, and tagged sentences. */
final class DemoTable {

    private DemoTable() {}

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
        List<Map.Entry<String, LabelScores>> rows = new ArrayList<>(model.perLabel().entrySet());
        rows.sort(Comparator.comparingLong((Map.Entry<String, LabelScores> e) -> e.getValue().support()).reversed()
                .thenComparing(Map.Entry::getKey));
        out.printf(Locale.ROOT, "the %d most frequent labels in test%n", Math.min(top, rows.size()));
        out.printf(Locale.ROOT, "%-18s %8s %9s %9s %9s %9s %16s%n", "label", "support", "precision", "recall", "F1",
                "threshold", "most-freq set F1");
        for (int i = 0; i < Math.min(top, rows.size()); i++) {
            String label = rows.get(i).getKey();
            LabelScores s = rows.get(i).getValue();
            LabelScores b = baseline.perLabel().get(label);
            out.printf(Locale.ROOT, "%-18s %8d %9.4f %9.4f %9.4f %9s %16.4f%n", label, s.support(), s.precision(),
                    s.recall(), s.f1(), s.threshold() == null ? "-" : String.format(Locale.ROOT, "%.3f",
                            s.threshold()), b == null ? 0.0 : b.f1());
        }
        out.flush();
    }

    /** Each word of each sentence with its predicted label set. */
    static void printTagged(PrintWriter out, List<List<WordPrediction>> sentences) {
        out.println("tagged with the fine-tuned model (each word's label set):");
        for (List<WordPrediction> sentence : sentences) {
            StringBuilder text = new StringBuilder();
            sentence.forEach(w -> text.append(text.isEmpty() ? "" : " ").append(w.text()));
            out.println("  " + text);
            for (WordPrediction w : sentence) {
                out.printf(Locale.ROOT, "    %-12s %s%n", w.text(),
                        w.labels().isEmpty() ? "(none)" : String.join(" ", w.labels()));
            }
        }
        out.flush();
    }
}
