package org.multitag.eval;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.multitag.core.LabelSet;
import org.multitag.data.Example;
import org.multitag.data.TrainingData;
import org.multitag.model.MultiLabelTagger;
import org.multitag.model.TaggingModel;
import org.multitag.model.Thresholds;
import org.multitag.model.TokenScorer;
import org.multitag.model.decoding.Decoder;
import org.multitag.model.decoding.Decoding;
import org.multitag.model.decoding.DecodingMode;

/**
 * Scorer + labelled data → {@link EvaluationReport}: the one place a model is measured ({@code eval},
 * {@code tune-thresholds}, the demo, the trainer's dev evaluation). {@link #score} runs the {@link TokenScorer} over
 * the examples once; each {@code evaluate} then decodes those probabilities (a word's prediction read at its first
 * sub-token) and measures them with {@link MultiLabelMetrics}: word-level P/R/F1, Hamming loss, subset accuracy,
 * exact-match span scores for span data, and the CoNLL 2018 UPOS/UFeats measures when the labels are CoNLL-U's.
 * Scoring is the costly part, so comparing decoding modes or thresholds on the same data costs one forward pass.
 */
public final class Evaluator {

    private final LabelSet labels;
    private final List<Example> examples;
    private final List<float[][]> probabilities;

    private Evaluator(LabelSet labels, List<Example> examples, List<float[][]> probabilities) {
        if (examples.size() != probabilities.size()) {
            throw new IllegalArgumentException(examples.size() + " examples but " + probabilities.size()
                    + " probability tables");
        }
        this.labels = labels;
        this.examples = List.copyOf(examples);
        this.probabilities = List.copyOf(probabilities);
    }

    /**
     * Runs {@code scorer} over every example of {@code data} (inference, length-sorted batches); an example longer
     * than the scorer's limit goes through windows when the scorer windows ({@link TokenScorer#scoreWords}).
     *
     * @throws IllegalArgumentException when the scorer's head has another number of labels than the data
     */
    public static Evaluator score(TokenScorer scorer, TrainingData data) {
        int heads = scorer.classifier().numLabels();
        if (heads != data.labels().size()) {
            throw new IllegalArgumentException("the model has " + heads + " labels, the data " + data.labels().size());
        }
        List<int[]> ids = new ArrayList<>(data.examples().size());
        List<int[]> types = new ArrayList<>(data.examples().size());
        List<int[]> words = new ArrayList<>(data.examples().size());
        for (Example e : data.examples()) {
            ids.add(e.inputIds());
            types.add(e.typeIds());
            words.add(e.tokenWords());
        }
        return new Evaluator(data.labels(), data.examples(), scorer.scoreWords(ids, types, words));
    }

    /**
     * Runs a model folder's encoder and head over {@code data}: loaded for this, closed afterwards (the folder's
     * decoding files are not read: probabilities do not depend on them).
     *
     * @param threads Java kernel threads (0: all cores)
     * @param batchSize sequences per forward pass
     */
    public static Evaluator score(TaggingModel model, TrainingData data, int threads, int batchSize)
            throws IOException {
        return score(model, data, new MultiLabelTagger.Options(threads, batchSize, 0, false));
    }

    /**
     * As {@link #score(TaggingModel, TrainingData, int, int)} with the tagger's options: threads, batch size, the
     * limit and what happens to a longer example (windows, or an error; truncation is the reader's job).
     */
    public static Evaluator score(TaggingModel model, TrainingData data, MultiLabelTagger.Options options)
            throws IOException {
        Decoding any = Decoding.independent(Thresholds.uniform(model.labels().names(), Thresholds.DEFAULT));
        try (MultiLabelTagger tagger = MultiLabelTagger.of(model, any, options.withDecoding(null))) {
            return score(tagger.scorer(), data);
        }
    }

    /**
     * Examples with their token probabilities computed elsewhere.
     *
     * @param probabilities per example, {@code [tokens][labels]}, in the order of {@code examples}
     */
    public static Evaluator of(LabelSet labels, List<Example> examples, List<float[][]> probabilities) {
        return new Evaluator(labels, examples, probabilities);
    }

    public LabelSet labels() {
        return labels;
    }

    public List<Example> examples() {
        return examples;
    }

    /** Per example, {@code [tokens][labels]}: what the threshold tuners work on. */
    public List<float[][]> probabilities() {
        return probabilities;
    }

    /** The scores of the label sets {@code decoder} makes of the probabilities; its thresholds are reported. */
    public EvaluationReport evaluate(Decoder decoder) {
        MultiLabelMetrics m = new MultiLabelMetrics(labels);
        for (int i = 0; i < examples.size(); i++) {
            m.addExample(examples.get(i), probabilities.get(i), decoder);
        }
        return m.report(decoder.thresholds());
    }

    /** Independent decisions at one threshold per label. */
    public EvaluationReport evaluate(float[] thresholds) {
        if (thresholds.length != labels.size()) {
            throw new IllegalArgumentException(thresholds.length + " thresholds for " + labels.size() + " labels");
        }
        return evaluate(Decoder.independent(labels.names(), thresholds));
    }

    /**
     * One report per mode of a decoding setup, in the order given.
     *
     * @throws IllegalArgumentException for a mode the setup lacks ({@link Decoding#modes()})
     */
    public Map<DecodingMode, EvaluationReport> evaluate(Decoding decoding, List<DecodingMode> modes) {
        Map<DecodingMode, EvaluationReport> reports = new LinkedHashMap<>();
        for (DecodingMode mode : modes) {
            reports.put(mode, evaluate(decoding.decoder(mode)));
        }
        return reports;
    }
}
