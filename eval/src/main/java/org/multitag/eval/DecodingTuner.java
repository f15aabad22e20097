package org.multitag.eval;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.multitag.core.LabelSet;
import org.multitag.model.Thresholds;
import org.multitag.model.decoding.Decoder;
import org.multitag.model.decoding.Decoding;
import org.multitag.model.decoding.DecodingMode;
import org.multitag.model.decoding.LabelGroups;
import org.multitag.model.decoding.SeenLabelSets;

/**
 * Tunes the thresholds of every decoding mode on dev data and picks as the model's default the mode that gets the
 * most dev words' whole label set right (subset accuracy; ties: higher micro-F1, then the simpler mode). Subset
 * accuracy because that is what the structured modes are for: a word with no UPOS or two is wrong as a whole even
 * when most of its labels are right (for UD data it is UPOS+FEATS exact). Tune on dev only, never on the test set.
 * <ul>
 *   <li>{@code independent}: {@link ThresholdTuner} on the words' probabilities (by default for micro-F1);
 *   <li>{@code groups}: a label of an at-most-one group is on only when it is its group's most probable label, so
 *       its threshold is tuned on its probability where it is the argmax and 0 elsewhere (exactly the decisions
 *       the mode makes, label by label); exactly-one groups need no threshold; free labels as independent;
 *   <li>{@code label-sets}: the grouped labels are chosen jointly without thresholds; free labels as independent.
 * </ul>
 */
public final class DecodingTuner {

    /** One mode's tuned thresholds and its dev scores at them. */
    public record ModeResult(DecodingMode mode, Thresholds thresholds, EvaluationReport dev) {}

    /** The tuned setup (default = the best mode) and every mode's result, in mode order. */
    public record Result(Decoding decoding, Map<DecodingMode, ModeResult> modes) {}

    private DecodingTuner() {}

    /**
     * @param dev the dev examples, scored once
     * @param seen the label sets of the training data ({@code label-sets}; null: that mode is left out)
     */
    public static Result tune(Evaluator dev, LabelGroups groups, SeenLabelSets seen) {
        return tune(dev, groups, seen, ThresholdTuner.Objective.MICRO_F1);
    }

    /** As {@link #tune(Evaluator, LabelGroups, SeenLabelSets)}, thresholds tuned for {@code objective}. */
    static Result tune(Evaluator dev, LabelGroups groups, SeenLabelSets seen, ThresholdTuner.Objective objective) {
        LabelSet labels = dev.labels();
        List<String> names = labels.names();
        ThresholdTuner.WordRows rows = ThresholdTuner.WordRows.of(dev.examples(), dev.probabilities());
        float[][] wordRows = rows.probabilities();
        List<int[]> gold = rows.gold();
        float[] independent = ThresholdTuner.tune(wordRows, gold, labels.size(), objective).thresholds();
        Map<DecodingMode, Thresholds> thresholds = new EnumMap<>(DecodingMode.class);
        thresholds.put(DecodingMode.INDEPENDENT, Thresholds.of(names, independent));
        if (!groups.isEmpty()) {
            thresholds.put(DecodingMode.GROUPS, Thresholds.of(names, groupsThresholds(groups, wordRows, gold,
                    independent, objective)));
            if (seen != null) {
                thresholds.put(DecodingMode.LABEL_SETS, Thresholds.of(names, independent));
            }
        }
        Map<DecodingMode, ModeResult> results = new EnumMap<>(DecodingMode.class);
        DecodingMode best = DecodingMode.INDEPENDENT;
        for (Map.Entry<DecodingMode, Thresholds> e : thresholds.entrySet()) {
            EvaluationReport r = dev.evaluate(Decoder.of(e.getKey(), groups, seen, e.getValue().values()));
            results.put(e.getKey(), new ModeResult(e.getKey(), e.getValue(), r));
            EvaluationReport b = results.get(best).dev();
            if (r.subsetAccuracy() > b.subsetAccuracy()
                    || (r.subsetAccuracy() == b.subsetAccuracy() && r.microF1() > b.microF1())) {
                best = e.getKey();
            }
        }
        return new Result(new Decoding(groups, seen, thresholds, best), results);
    }

    /** The groups mode's thresholds: at-most-one labels tuned where they are their group's argmax. */
    static float[] groupsThresholds(LabelGroups groups, float[][] wordRows, List<int[]> gold, float[] independent,
            ThresholdTuner.Objective objective) {
        float[][] masked = new float[wordRows.length][];
        for (int w = 0; w < wordRows.length; w++) {
            float[] p = wordRows[w];
            if (p == null) {
                continue;
            }
            float[] q = p.clone();
            for (LabelGroups.Group g : groups.groups()) {
                int best = Decoder.argmax(p, g.labels());
                for (int l : g.labels()) {
                    if (l != best) {
                        q[l] = 0f;
                    } else if (g.rule() == LabelGroups.Rule.EXACTLY_ONE) {
                        q[l] = 1f; // always on: the other labels' thresholds are tuned against the real decisions
                    }
                }
            }
            masked[w] = q;
        }
        float[] tuned = ThresholdTuner.tune(masked, gold, independent.length, objective).thresholds();
        float[] out = independent.clone();
        for (LabelGroups.Group g : groups.groups()) {
            if (g.rule() == LabelGroups.Rule.AT_MOST_ONE) {
                for (int l : g.labels()) {
                    // above 0, so the masked zeros (not the group's argmax) stay off as the decoder keeps them
                    out[l] = Math.max(tuned[l], Float.MIN_VALUE);
                }
            }
        }
        return out;
    }
}
