package org.multitag.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.multitag.core.AtomicFiles;
import org.multitag.core.InputException;
import org.multitag.serve.EncodingJson;
import org.multitag.tokenizer.Encoding;
import org.multitag.tokenizer.PaddingParams;
import org.multitag.tokenizer.Tokenizer;
import org.multitag.tokenizer.TruncationParams;
import org.multitag.weights.NamedModels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code multitag tokenize}: JSONL texts in, JSONL encodings out, as HF tokenizers would encode them. */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = {"Tokenize JSON Lines ({\"text\": ...} or {\"text\": ..., \"text_pair\": ...}) into ids, "
                + "tokens, offsets, word ids and sequence ids, exactly as Hugging Face tokenizers.",
            "Truncation and padding are off unless asked for here (settings inside tokenizer.json are ignored)."})
final class TokenizeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--tokenizer", required = true, paramLabel = "NAME|PATH",
            description = "A model name (minilm-l6, bert-base-uncased, ...: imported on first use, as --model takes "
                    + "them), a tokenizer.json, a vocab.txt, or a model folder holding either.")
    String tokenizer;

    @Option(names = "--input", paramLabel = "FILE", description = "JSONL input (default: stdin).")
    Path input;

    @Option(names = "--output", paramLabel = "FILE", description = "JSONL output (default: stdout); written atomically.")
    Path output;

    @Option(names = "--max-length", paramLabel = "N", description = "Truncate to N tokens, special tokens included.")
    Integer maxLength;

    @Option(names = "--truncation", paramLabel = "STRATEGY",
            description = "longest_first (default), only_first or only_second; needs --max-length.")
    String truncation;

    @Option(names = "--truncation-side", paramLabel = "SIDE", description = "right (default) or left.")
    String truncationSide = "right";

    @Option(names = "--stride", paramLabel = "N", defaultValue = "0",
            description = "Overlap of overflowing windows, in tokens (output field \"overflowing\").")
    int stride;

    @Option(names = "--padding", paramLabel = "MODE",
            description = "longest (to the longest line of the input) or max_length (needs --max-length).")
    String padding;

    @Option(names = "--pad-to-multiple-of", paramLabel = "N", defaultValue = "0",
            description = "Round padded lengths up to a multiple of N.")
    int padToMultipleOf;

    @Option(names = "--padding-side", paramLabel = "SIDE", description = "right (default) or left.")
    String paddingSide = "right";

    @Option(names = "--no-special-tokens", description = "Do not add [CLS]/[SEP].")
    boolean noSpecialTokens;

    @Override
    public Integer call() throws IOException {
        Tokenizer tk = configure(Tokenizer.load(tokenizerPath(tokenizer)));
        String source = input == null ? "<stdin>" : input.toString();
        List<JsonlInput.Line> lines = JsonlInput.readAll(input, System.in);
        List<Encoding> encodings = new ArrayList<>(lines.size());
        List<String> texts = new ArrayList<>(lines.size());
        List<String> pairs = new ArrayList<>(lines.size());
        for (JsonlInput.Line line : lines) {
            texts.add(line.text("text"));
            pairs.add(line.optionalText("text_pair"));
        }
        boolean special = !noSpecialTokens;
        Tokenizer perLine = tk.withPadding(null);
        for (int i = 0; i < texts.size(); i++) {
            try {
                encodings.add(perLine.encode(texts.get(i), pairs.get(i), special));
            } catch (IllegalArgumentException e) {
                throw new InputException(lines.get(i).location(), e.getMessage());
            }
        }
        if (tk.padding() != null) {
            encodings = tk.pad(encodings);
        }
        List<Encoding> result = encodings;
        if (output == null) {
            PrintWriter out = spec.commandLine().getOut();
            writeAll(new JsonFactory().createGenerator(out), result);
            out.flush();
        } else {
            AtomicFiles.write(output, out -> writeAll(new JsonFactory().createGenerator(out, JsonEncoding.UTF8),
                    result));
        }
        if (lines.isEmpty()) {
            spec.commandLine().getErr().println("warning: " + source + " holds no input lines");
        }
        return 0;
    }

    /** A model name's folder (imported on first use), else the path as given; neither is an error naming both. */
    static Path tokenizerPath(String nameOrPath) throws IOException {
        if (NamedModels.isName(nameOrPath)) {
            return NamedModels.fromEnvironment().resolve(nameOrPath);
        }
        Path path = Path.of(nameOrPath);
        if (!Files.exists(path)) {
            throw new InputException(nameOrPath, "no such file, and not a model name (known: "
                    + String.join(", ", NamedModels.MODELS.keySet()) + ")");
        }
        return path;
    }

    private static void writeAll(JsonGenerator g, List<Encoding> encodings) throws IOException {
        g.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
        g.setRootValueSeparator(null);
        for (Encoding e : encodings) {
            EncodingJson.write(g, e);
            g.writeRaw('\n');
        }
        g.close();
    }

    Tokenizer configure(Tokenizer tk) {
        tk = tk.withTruncation(null).withPadding(null);
        if (truncation != null && maxLength == null) {
            throw new InputException("--truncation needs --max-length");
        }
        if (maxLength != null) {
            if (maxLength < 0) {
                throw new InputException("--max-length must be >= 0");
            }
            TruncationParams.Strategy strategy = switch (truncation == null ? "longest_first" : truncation) {
                case "longest_first" -> TruncationParams.Strategy.LONGEST_FIRST;
                case "only_first" -> TruncationParams.Strategy.ONLY_FIRST;
                case "only_second" -> TruncationParams.Strategy.ONLY_SECOND;
                default -> throw new InputException("--truncation must be longest_first, only_first or only_second, "
                        + "got '" + truncation + "'");
            };
            TruncationParams.Direction dir = side(truncationSide, "--truncation-side").equals("left")
                    ? TruncationParams.Direction.LEFT : TruncationParams.Direction.RIGHT;
            tk = tk.withTruncation(new TruncationParams(maxLength, stride, strategy, dir));
        } else if (stride != 0) {
            throw new InputException("--stride needs --max-length");
        }
        if (padding != null) {
            int length = switch (padding) {
                case "longest" -> PaddingParams.BATCH_LONGEST;
                case "max_length" -> {
                    if (maxLength == null) {
                        throw new InputException("--padding max_length needs --max-length");
                    }
                    yield maxLength;
                }
                default -> throw new InputException("--padding must be longest or max_length, got '" + padding + "'");
            };
            if (padToMultipleOf < 0) {
                throw new InputException("--pad-to-multiple-of must be >= 0");
            }
            String padToken = "[PAD]";
            Integer padId = tk.tokenToId(padToken);
            PaddingParams.Direction dir = side(paddingSide, "--padding-side").equals("left")
                    ? PaddingParams.Direction.LEFT : PaddingParams.Direction.RIGHT;
            tk = tk.withPadding(new PaddingParams(length, dir, padToMultipleOf, padId == null ? 0 : padId, 0, padToken));
        }
        return tk;
    }

    private static String side(String value, String option) {
        if (!value.equals("left") && !value.equals("right")) {
            throw new InputException(option + " must be left or right, got '" + value + "'");
        }
        return value;
    }
}
