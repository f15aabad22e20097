package org.multitag.serve.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.multitag.model.MultiLabelTagger;
import org.multitag.model.TaggingModel;
import org.multitag.model.TestTaggers;
import org.multitag.model.Thresholds;
import org.multitag.model.decoding.LabelGroups;
import org.multitag.serve.PredictionJson;
import org.multitag.tokenizer.labels.WordPrediction;

/**
 * The HTTP tests' model, written once per JVM: tinybert (one layer, 512 positions, from tribuo's test jar) with a
 * seeded random four-label head, thresholds and label groups, so answers have real labels and scores at little
 * compute.
 */
final class TinyTagger {

    static final List<String> LABELS = List.of("UPOS=NOUN", "UPOS=VERB", "Number=Sing", "Number=Plur");

    private static Path folder;
    private static MultiLabelTagger tagger;

    private TinyTagger() {}

    static synchronized Path folder() throws IOException {
        if (folder == null) {
            Path dir = TestTaggers.tempDir("multitag-serve-http-test-");
            Path out = TestTaggers.write(TestTaggers.tinybert(), new TestTaggers.Head(LABELS, 11, 0.5, 0),
                    dir.resolve("tagger"));
            Thresholds.of(LABELS, new float[] {0.5f, 0.5f, 0.4f, 0.6f}).write(out);
            LabelGroups.auto(LABELS).write(out);
            folder = out;
        }
        return folder;
    }

    /** The library's tagger on the same model, alone, at the model's default decoding: the expected answers. */
    static synchronized MultiLabelTagger tagger() throws IOException {
        if (tagger == null) {
            tagger = MultiLabelTagger.of(TaggingModel.read(folder()), new MultiLabelTagger.Options(2, 32, 0, false,
                    null));
        }
        return tagger;
    }

    /** What {@code predict} writes for these words (without the newline). */
    static String predicted(List<WordPrediction> words, boolean scores) throws IOException {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            g.configure(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN, true);
            PredictionJson.write(g, words, LABELS, scores);
        }
        return out.toString();
    }

    /** What {@code predict} writes for a text line. */
    static String predicted(String text) throws IOException {
        return predicted(tagger().tag(text), true);
    }
}
