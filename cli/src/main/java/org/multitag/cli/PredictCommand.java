package org.multitag.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.multitag.core.AtomicFiles;
import org.multitag.core.InputException;
import org.multitag.model.MultiLabelTagger;
import org.multitag.model.Thresholds;
import org.multitag.tokenizer.Encoding;
import org.multitag.tokenizer.labels.WordPrediction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code multitag predict}: JSONL texts or word lists in, one JSON line of words with label sets out per line. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Tag words with a multi-label token classification model: one JSON line out per input line.",
            "A line is {\"text\": ...} (words from the model's pre-tokenizer; start/end index the text) or "
                + "{\"tokens\": [...]} (words given; start/end index the words joined by single spaces). "
                + "Blank lines are skipped.",
            "Output: {\"words\": [{\"text\", \"start\", \"end\", \"labels\": [...], \"scores\": {label: p}}]}, "
                + "scores in label order rounded to 4 decimals. A word takes the labels whose probability at its "
                + "first sub-token reaches the label's threshold (thresholds.json in the model folder, else 0.5)."})
final class PredictCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR",
            description = "Model folder with a token head (config.json id2label, classifier tensors).")
    String model;

    @Option(names = "--input", paramLabel = "FILE", description = "JSONL input (default: stdin).")
    Path input;

    @Option(names = "--output", paramLabel = "FILE",
            description = "JSONL output (default: stdout); written atomically.")
    Path output;

    @Option(names = "--threshold", paramLabel = "X",
            description = "One threshold in [0, 1] for every label, instead of thresholds.json.")
    Double threshold;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "32",
            description = "Sequences per forward pass (default: ${DEFAULT-VALUE}); lines are batched by length.")
    int batchSize;

    @Option(names = "--max-length", paramLabel = "N",
            description = "Longest line in tokens, special tokens included (default: the model's "
                    + "max_position_embeddings). A longer line is an error unless --truncate.")
    Integer maxLength;

    @Option(names = "--truncate", description = "Cut longer lines to the maximum length (their last words get no "
            + "labels) instead of failing.")
    boolean truncate;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
            description = "Compute threads (default 0: all cores).")
    int threads;

    /** One input line: a text, or pre-split words. */
    record Item(JsonlInput.Line line, String text, List<String> words) {}

    @Override
    public Integer call() throws IOException {
        if (threshold != null && !(threshold >= 0 && threshold <= 1)) {
            throw new InputException("--threshold must be in [0, 1], not " + threshold);
        }
        if (batchSize < 1) {
            throw new InputException("--batch-size must be >= 1, not " + batchSize);
        }
        if (threads < 0) {
            throw new InputException("--threads must be >= 0, not " + threads);
        }
        if (maxLength != null && maxLength < 1) {
            throw new InputException("--max-length must be >= 1, not " + maxLength);
        }
        if (output != null && Files.isDirectory(output)) {
            throw new InputException(output.toString(), "is a folder, not a file");
        }
        String source = input == null ? "<stdin>" : input.toString();
        List<JsonlInput.Line> lines = JsonlInput.readAll(input, System.in);
        List<Item> items = new ArrayList<>(lines.size());
        for (JsonlInput.Line line : lines) {
            items.add(parse(line));
        }
        Path folder = ModelArgument.resolve(model);
        List<List<WordPrediction>> results;
        List<String> labels;
        MultiLabelTagger tagger;
        try {
            tagger = MultiLabelTagger.load(folder, new MultiLabelTagger.Options(threads, batchSize,
                    maxLength == null ? 0 : maxLength, truncate));
        } catch (IllegalArgumentException e) {
            throw new InputException(folder.toString(), e.getMessage());
        }
        try (tagger) {
            labels = tagger.head().labels();
            if (threshold != null) {
                tagger.head().setThresholds(Thresholds.uniform(labels, threshold.floatValue()));
            }
            checkLengths(tagger, items);
            results = tag(tagger, items);
        }

        if (output == null) {
            PrintWriter out = spec.commandLine().getOut();
            write(new JsonFactory().createGenerator(out), results, labels);
            out.flush();
        } else {
            List<List<WordPrediction>> all = results;
            AtomicFiles.write(output, out -> write(new JsonFactory().createGenerator(out, JsonEncoding.UTF8), all,
                    labels));
        }
        if (items.isEmpty()) {
            spec.commandLine().getErr().println("warning: " + source + " holds no input lines");
        }
        return 0;
    }

    private static Item parse(JsonlInput.Line line) {
        JsonNode json = line.json();
        JsonNode tokens = json.get("tokens");
        boolean hasTokens = tokens != null && !tokens.isNull();
        JsonNode text = json.get("text");
        if (text != null && !text.isNull()) {
            if (hasTokens) {
                throw new InputException(line.location(), "give either \"text\" or \"tokens\", not both");
            }
            return new Item(line, line.text("text"), null);
        }
        if (!hasTokens) {
            throw new InputException(line.location(), "expected \"text\" or \"tokens\"");
        }
        if (!tokens.isArray()) {
            throw new InputException(line.location(), "\"tokens\" must be an array of strings, got "
                    + tokens.getNodeType().toString().toLowerCase(Locale.ROOT));
        }
        List<String> words = new ArrayList<>(tokens.size());
        for (int i = 0; i < tokens.size(); i++) {
            JsonNode w = tokens.get(i);
            if (!w.isTextual()) {
                throw new InputException(line.location(), "\"tokens\"[" + i + "] must be a string, got " + w);
            }
            words.add(w.asText());
        }
        return new Item(line, null, words);
    }

    /** Fails on the first line (in input order) the model cannot take whole, before any compute. */
    private void checkLengths(MultiLabelTagger tagger, List<Item> items) {
        int positions = tagger.encoder().config().maxPositionEmbeddings();
        int limit = maxLength == null ? positions : Math.min(maxLength, positions);
        for (Item item : items) {
            Encoding e;
            try {
                e = item.text() != null ? tagger.tokenizer().encode(item.text(), null, true)
                        : tagger.tokenizer().encodeWords(item.words(), true);
            } catch (IllegalArgumentException ex) {
                throw new InputException(item.line().location(), ex.getMessage());
            }
            if (e.length() > limit) {
                throw new InputException(item.line().location(), e.length() + " tokens, more than the limit of "
                        + limit + (maxLength == null || maxLength > positions ? " (the model's max_position_embeddings)"
                        : " (--max-length)") + "; use --truncate to cut long lines");
            }
        }
    }

    /** Texts and word lists each go to the tagger in one call (it batches by length); results in input order. */
    private static List<List<WordPrediction>> tag(MultiLabelTagger tagger, List<Item> items) {
        List<Integer> textRows = new ArrayList<>();
        List<Integer> wordRows = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        List<List<String>> sentences = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            if (items.get(i).text() != null) {
                textRows.add(i);
                texts.add(items.get(i).text());
            } else {
                wordRows.add(i);
                sentences.add(items.get(i).words());
            }
        }
        List<List<WordPrediction>> results = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            results.add(null);
        }
        List<Integer> rows = textRows;
        try {
            if (!texts.isEmpty()) {
                List<List<WordPrediction>> r = tagger.tagTexts(texts);
                for (int k = 0; k < r.size(); k++) {
                    results.set(textRows.get(k), r.get(k));
                }
            }
            rows = wordRows;
            if (!sentences.isEmpty()) {
                List<List<WordPrediction>> r = tagger.tagWords(sentences);
                for (int k = 0; k < r.size(); k++) {
                    results.set(wordRows.get(k), r.get(k));
                }
            }
        } catch (MultiLabelTagger.TooLongException e) {
            // checkLengths catches these first; kept so the message still names the line.
            throw new InputException(items.get(rows.get(e.index())).line().location(), e.getMessage());
        }
        return results;
    }

    private static void write(JsonGenerator g, List<List<WordPrediction>> results, List<String> labels)
            throws IOException {
        g.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
        g.configure(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN, true);
        g.setRootValueSeparator(null);
        for (List<WordPrediction> words : results) {
            g.writeStartObject();
            g.writeArrayFieldStart("words");
            for (WordPrediction w : words) {
                g.writeStartObject();
                g.writeStringField("text", w.text());
                g.writeNumberField("start", w.start());
                g.writeNumberField("end", w.end());
                g.writeArrayFieldStart("labels");
                for (String label : w.labels()) {
                    g.writeString(label);
                }
                g.writeEndArray();
                g.writeObjectFieldStart("scores");
                for (String label : labels) {
                    g.writeFieldName(label);
                    Float p = w.scores().get(label);
                    if (p == null || !Float.isFinite(p)) {
                        g.writeNull();
                    } else {
                        g.writeNumber(round(p));
                    }
                }
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeRaw('\n');
        }
        g.close();
    }

    /** A probability to 4 decimals, without trailing zeros (0.98, 0.0001, 1). */
    static BigDecimal round(float p) {
        BigDecimal d = BigDecimal.valueOf(p).setScale(4, RoundingMode.HALF_EVEN).stripTrailingZeros();
        return d.signum() == 0 ? BigDecimal.ZERO : d;
    }
}
