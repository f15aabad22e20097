package org.multitag.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.multitag.core.AtomicFiles;
import org.multitag.core.InputException;
import org.multitag.eval.ConlluWriter;
import org.multitag.model.MultiLabelTagger;
import org.multitag.model.Thresholds;
import org.multitag.model.TokenScorer;
import org.multitag.model.decoding.DecodingMode;
import org.multitag.tokenizer.Encoding;
import org.multitag.tokenizer.labels.WordPrediction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code multitag predict}: texts, word lists or CoNLL-U in, words with label sets out. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Tag words with a multi-label token classification model.",
            "Input (--input-format): jsonl (default), one JSON object a line: {\"text\": ...} (words from the "
                + "model's pre-tokenizer; start/end index the text) or {\"tokens\": [...]} (words given; start/end "
                + "index the words joined by single spaces); text, one plain text a line; conllu, a CoNLL-U file "
                + "whose FORM column gives the words. Blank lines are skipped (jsonl, text).",
            "Output (--format): json, one line per input line: {\"words\": [{\"text\", \"start\", \"end\", "
                + "\"labels\": [...], \"scores\": {label: p}}]}, scores in label order rounded to 4 decimals; "
                + "table, each word with its labels, for people; conllu (CoNLL-U input only, and its default), the "
                + "input back with UPOS and FEATS filled from the predicted labels (FEATS sorted as UD requires), "
                + "every other column and line as it was: the system file for the official CoNLL 2018 evaluation.",
            "A word's label set is decoded from its first sub-token's probabilities (--decode; default the model "
                + "folder's decoding.json, else each label whose probability reaches its threshold)."})
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

    @Option(names = "--input-format", paramLabel = "jsonl|text|conllu", defaultValue = "jsonl",
            description = "What the input lines are (default: ${DEFAULT-VALUE}).")
    String inputFormat;

    @Option(names = "--format", paramLabel = "json|table|conllu",
            description = "What to write (default: conllu for CoNLL-U input, else json).")
    String format;

    @Option(names = "--decode", paramLabel = "MODE",
            description = "independent, groups or label-sets (default: the model's, decoding.json, else "
                    + "independent).")
    String decode;

    @Option(names = "--threshold", paramLabel = "X",
            description = "One threshold in [0, 1] for every label, instead of the tuned ones.")
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
        String in = inputFormat.toLowerCase(Locale.ROOT);
        if (!List.of("jsonl", "text", "conllu").contains(in)) {
            throw new InputException("--input-format must be jsonl, text or conllu, not '" + inputFormat + "'");
        }
        String outFormat = format == null ? (in.equals("conllu") ? "conllu" : "json") : format.toLowerCase(Locale.ROOT);
        if (!List.of("json", "table", "conllu").contains(outFormat)) {
            throw new InputException("--format must be json, table or conllu, not '" + format + "'");
        }
        if (outFormat.equals("conllu") && !in.equals("conllu")) {
            throw new InputException("--format conllu writes CoNLL-U input back: give --input-format conllu");
        }
        List<Item> items = new ArrayList<>();
        List<String> conllu = null;
        if (in.equals("jsonl")) {
            for (JsonlInput.Line line : JsonlInput.readAll(input, System.in)) {
                items.add(parse(line));
            }
        } else {
            List<String> raw = JsonlInput.readLines(input, System.in);
            if (in.equals("text")) {
                for (int i = 0; i < raw.size(); i++) {
                    if (!raw.get(i).isBlank()) {
                        String where = InputException.at(source, i + 1);
                        items.add(new Item(new JsonlInput.Line(i + 1, null, where), raw.get(i), null));
                    }
                }
            } else {
                conllu = raw;
                List<ConlluWriter.Sentence> sentences;
                try {
                    sentences = ConlluWriter.sentences(raw);
                } catch (IllegalArgumentException e) {
                    throw new InputException(source, e.getMessage());
                }
                for (ConlluWriter.Sentence sentence : sentences) {
                    String where = InputException.at(source, sentence.line());
                    items.add(new Item(new JsonlInput.Line(sentence.line(), null, where), null, sentence.words()));
                }
            }
        }
        Path folder = ModelArgument.resolve(model);
        List<List<WordPrediction>> results;
        List<String> labels;
        MultiLabelTagger tagger;
        DecodingMode mode = null;
        if (decode != null) {
            mode = DecodingMode.parse(decode);
            if (mode == null) {
                throw new InputException("--decode must be independent, groups or label-sets, not '" + decode + "'");
            }
        }
        try {
            tagger = MultiLabelTagger.load(folder, new MultiLabelTagger.Options(threads, batchSize,
                    maxLength == null ? 0 : maxLength, truncate, mode));
        } catch (IllegalArgumentException e) {
            throw new InputException(folder.toString(), e.getMessage());
        }
        try (tagger) {
            labels = tagger.head().labels();
            MultiLabelTagger use = tagger;
            if (threshold != null) {
                float[] uniform = Thresholds.uniform(labels, threshold.floatValue()).values();
                use = new MultiLabelTagger(tagger.tokenizer(), tagger.encoder(), tagger.head(), tagger.options(),
                        tagger.decoder().withThresholds(uniform));
            }
            checkLengths(use, items);
            results = tag(use, items);
        }

        List<List<WordPrediction>> all = results;
        List<String> conlluLines = conllu;
        AtomicFiles.StreamWriter body = switch (outFormat) {
            case "conllu" -> out -> out.write(ConlluWriter.write(conlluLines, labelNames(all))
                    .getBytes(StandardCharsets.UTF_8));
            case "table" -> out -> out.write(table(all).getBytes(StandardCharsets.UTF_8));
            default -> out -> write(new JsonFactory().createGenerator(out, JsonEncoding.UTF8), all, labels);
        };
        if (output == null) {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            body.write(bytes);
            PrintWriter out = spec.commandLine().getOut();
            out.print(bytes.toString(StandardCharsets.UTF_8));
            out.flush();
        } else {
            AtomicFiles.write(output, body);
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
        } catch (TokenScorer.TooLongException e) {
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

    /** Each sentence's words' label names. */
    private static List<List<List<String>>> labelNames(List<List<WordPrediction>> results) {
        List<List<List<String>>> out = new ArrayList<>();
        for (List<WordPrediction> words : results) {
            List<List<String>> s = new ArrayList<>();
            words.forEach(w -> s.add(w.labels()));
            out.add(s);
        }
        return out;
    }

    /** Each input as its text (or words), then one line per word with its labels, a blank line between inputs. */
    static String table(List<List<WordPrediction>> results) {
        StringBuilder b = new StringBuilder();
        for (List<WordPrediction> words : results) {
            int width = 4;
            for (WordPrediction w : words) {
                width = Math.max(width, Math.min(24, w.text().length()));
            }
            StringBuilder line = new StringBuilder();
            words.forEach(w -> line.append(line.isEmpty() ? "" : " ").append(w.text()));
            b.append(line).append('\n');
            for (WordPrediction w : words) {
                b.append(String.format(Locale.ROOT, "  %-" + width + "s  %s%n", w.text(),
                        w.labels().isEmpty() ? "-" : String.join(" ", w.labels())));
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** A probability to 4 decimals, without trailing zeros (0.98, 0.0001, 1). */
    static BigDecimal round(float p) {
        BigDecimal d = BigDecimal.valueOf(p).setScale(4, RoundingMode.HALF_EVEN).stripTrailingZeros();
        return d.signum() == 0 ? BigDecimal.ZERO : d;
    }
}
