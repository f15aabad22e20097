package org.multitag.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.multitag.cli.options.BatchOptions;
import org.multitag.cli.options.ComputeOptions;
import org.multitag.cli.options.LengthOptions;
import org.multitag.cli.options.ModelOption;
import org.multitag.core.AtomicFiles;
import org.multitag.core.InputException;
import org.multitag.eval.ConlluWriter;
import org.multitag.model.LongText;
import org.multitag.model.MultiLabelTagger;
import org.multitag.model.TaggingModel;
import org.multitag.model.TokenScorer;
import org.multitag.model.decoding.Decoding;
import org.multitag.model.decoding.DecodingMode;
import org.multitag.serve.PredictionJson;
import org.multitag.tokenizer.Encoding;
import org.multitag.tokenizer.labels.WordPrediction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code multitag predict}: texts, word lists or CoNLL-U in, words with label sets out. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Tag words with a multi-label token classification model.",
            "Input (--input-format): jsonl, one JSON object a line: {\"text\": ...} (words from the "
                + "model's pre-tokenizer; start/end index the text) or {\"tokens\": [...]} (words given; start/end "
                + "index the words joined by single spaces); text, one plain text a line; conllu, a CoNLL-U file "
                + "whose FORM column gives the words; auto (default), decided once for the whole input: a file named "
                + "*.conllu is CoNLL-U, else the first non-blank line decides, JSON Lines when it starts with '{', "
                + "plain text otherwise (a later line is then read the same way: a text line starting with '{' is "
                + "text, and a broken JSON line is an error, never text). Blank lines are skipped (jsonl, text); an "
                + "input with no non-blank line is an error.",
            "Output (--format): json, one line per input line: {\"words\": [{\"text\", \"start\", \"end\", "
                + "\"labels\": [...], \"scores\": {label: p}}]}, scores in label order rounded to 4 decimals; "
                + "table, each word with its labels, for people; conllu (CoNLL-U input only, and its default), the "
                + "input back with UPOS and FEATS filled from the predicted labels (FEATS sorted as UD requires), "
                + "every other column and line as it was: the system file for the official CoNLL 2018 evaluation.",
            "The model needs a token head. A word's label set is decoded from its first sub-token's probabilities "
                + "(--decode; default the model folder's decoding.json, else each label whose probability reaches its "
                + "threshold)."})
final class PredictCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOption.Required model;

    @Option(names = "--input", paramLabel = "FILE", description = "Input file (default: stdin).")
    Path input;

    @Option(names = "--output", paramLabel = "FILE", description = "Output file (default: stdout); written atomically.")
    Path output;

    @Option(names = "--input-format", paramLabel = "auto|jsonl|text|conllu", defaultValue = "auto",
            description = "What the input lines are (default: ${DEFAULT-VALUE}: *.conllu is CoNLL-U, else JSON Lines "
                    + "when the first non-blank line starts with '{', else plain text).")
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
    Float threshold;

    @Option(names = "--documents",
            description = "Tag CoNLL-U input as documents: each # newdoc group's sentences joined with spaces into "
                    + "one input (one over --max-length goes through windows); the output is still per sentence.")
    boolean documents;

    @Mixin
    BatchOptions batching;

    @Mixin
    LengthOptions lengths;

    @Mixin
    ComputeOptions compute;

    /** One input line: a text, or pre-split words. */
    record Item(JsonlInput.Line line, String text, List<String> words) {}

    /**
     * What was read: the items to tag, for CoNLL-U the lines to write back, and with {@code --documents} for each
     * item (a document) its sentences' word counts (else null).
     */
    record Input(List<Item> items, List<String> conllu, List<int[]> sentenceWords) {}

    @Override
    public Integer call() throws IOException {
        if (threshold != null && !(threshold >= 0 && threshold <= 1)) {
            throw new InputException("--threshold must be in [0, 1], not " + threshold);
        }
        int batchSize = batching.batchSize();
        int threads = compute.apply();
        Checks.outputFile(output);
        String in = inputFormat.toLowerCase(Locale.ROOT);
        if (!List.of("auto", "jsonl", "text", "conllu").contains(in)) {
            throw new InputException("--input-format must be auto, jsonl, text or conllu, not '" + inputFormat + "'");
        }
        if (in.equals("auto") && input != null
                && input.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".conllu")) {
            in = "conllu";
        }
        String outFormat = format == null ? (in.equals("conllu") ? "conllu" : "json") : format.toLowerCase(Locale.ROOT);
        if (!List.of("json", "table", "conllu").contains(outFormat)) {
            throw new InputException("--format must be json, table or conllu, not '" + format + "'");
        }
        if (outFormat.equals("conllu") && !in.equals("conllu")) {
            throw new InputException("--format conllu writes CoNLL-U input back: give --input-format conllu");
        }
        if (documents && !in.equals("conllu")) {
            throw new InputException("--documents reads the # newdoc groups of CoNLL-U input: give --input-format "
                    + "conllu (or a *.conllu --input)");
        }
        DecodingMode mode = null;
        if (decode != null) {
            mode = DecodingMode.parse(decode);
            if (mode == null) {
                throw new InputException("--decode must be independent, groups or label-sets, not '" + decode + "'");
            }
        }
        Input read = read(in);

        TaggingModel m = model.read();
        Decoding decoding = threshold == null ? m.decoding() : m.decoding().withUniformThresholds(threshold);
        int limit = lengths.limit(m.config());
        List<List<WordPrediction>> tagged;
        try (MultiLabelTagger tagger = MultiLabelTagger.of(m, decoding, new MultiLabelTagger.Options(threads,
                batchSize, limit, lengths.longText(), lengths.stride(limit), mode))) {
            checkLengths(tagger, read.items(), limit);
            tagged = tag(tagger, read.items());
        }
        List<List<WordPrediction>> results = read.sentenceWords() == null ? tagged
                : bySentence(tagged, read.sentenceWords());

        List<String> labels = m.labels().names();
        AtomicFiles.StreamWriter body = switch (outFormat) {
            case "conllu" -> out -> out.write(ConlluWriter.write(read.conllu(), labelNames(results))
                    .getBytes(StandardCharsets.UTF_8));
            case "table" -> out -> out.write(ReportTables.tagged(results, "").getBytes(StandardCharsets.UTF_8));
            default -> out -> write(new JsonFactory().createGenerator(out, JsonEncoding.UTF8), results, labels);
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
        return 0;
    }

    /** The input in format {@code in}, every bad line an error naming it. */
    private Input read(String in) throws IOException {
        String source = input == null ? "<stdin>" : input.toString();
        List<Item> items = new ArrayList<>();
        if (!in.equals("conllu")) {
            for (JsonlInput.Line line : JsonlInput.read(input, System.in, JsonlInput.Format.parse(in,
                    "--input-format"))) {
                items.add(parse(line));
            }
            return new Input(items, null, null);
        }
        List<String> raw = JsonlInput.readLines(input, System.in);
        List<List<ConlluWriter.Sentence>> groups;
        try {
            groups = documents ? ConlluWriter.documents(raw)
                    : ConlluWriter.sentences(raw).stream().map(List::of).toList();
        } catch (IllegalArgumentException e) {
            throw new InputException(source, e.getMessage());
        }
        List<int[]> sentenceWords = documents ? new ArrayList<>() : null;
        for (List<ConlluWriter.Sentence> group : groups) {
            int line = group.get(0).line();
            List<String> words = new ArrayList<>();
            int[] sizes = new int[group.size()];
            for (int s = 0; s < sizes.length; s++) {
                words.addAll(group.get(s).words());
                sizes[s] = group.get(s).words().size();
            }
            items.add(new Item(new JsonlInput.Line(line, null, InputException.at(source, line)), null, words));
            if (documents) {
                sentenceWords.add(sizes);
            }
        }
        if (items.isEmpty()) {
            throw InputException.empty(input == null ? null : input.toString());
        }
        return new Input(items, raw, sentenceWords);
    }

    /**
     * Documents' predictions cut back into their sentences ({@code sentenceWords}: per document, its sentences' word
     * counts), each word's id and offsets then counted within its sentence, as tagging the sentence alone gives them.
     */
    static List<List<WordPrediction>> bySentence(List<List<WordPrediction>> perDocument, List<int[]> sentenceWords) {
        List<List<WordPrediction>> out = new ArrayList<>();
        for (int d = 0; d < perDocument.size(); d++) {
            List<WordPrediction> words = perDocument.get(d);
            int from = 0;
            for (int size : sentenceWords.get(d)) {
                List<WordPrediction> sentence = new ArrayList<>(size);
                int offset = words.get(from).start();
                for (int w = from; w < from + size; w++) {
                    WordPrediction p = words.get(w);
                    sentence.add(new WordPrediction(p.wordId() - from, p.text(), p.start() - offset, p.end() - offset,
                            p.labels(), p.scores()));
                }
                out.add(sentence);
                from += size;
            }
            if (from != words.size()) {
                throw new IllegalStateException("document " + (d + 1) + ": " + words.size() + " words tagged, "
                        + from + " in its sentences");
            }
        }
        return out;
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

    /**
     * Fails on the first line (in input order) the tokenizer refuses, or that is longer than {@code limit} when the
     * tagger refuses longer lines, before any compute.
     */
    private void checkLengths(MultiLabelTagger tagger, List<Item> items, int limit) {
        for (Item item : items) {
            Encoding e;
            try {
                e = item.text() != null ? tagger.tokenizer().encode(item.text(), null, true)
                        : tagger.tokenizer().encodeWords(item.words(), true);
            } catch (IllegalArgumentException ex) {
                throw new InputException(item.line().location(), ex.getMessage());
            }
            if (e.length() > limit && tagger.options().longText() == LongText.ERROR) {
                throw new InputException(item.line().location(), e.length() + " tokens, more than the limit of "
                        + limit + (lengths.given() ? " (--max-length)" : " (the model's max_position_embeddings)")
                        + "; use --long-text window (or truncate) for long lines");
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
            PredictionJson.write(g, words, labels, true);
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
}
