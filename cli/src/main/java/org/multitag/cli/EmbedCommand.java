package org.multitag.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.multitag.cli.options.BatchOptions;
import org.multitag.cli.options.ComputeOptions;
import org.multitag.cli.options.LengthOptions;
import org.multitag.cli.options.ModelOption;
import org.multitag.core.InputException;
import org.multitag.model.LongText;
import org.multitag.model.LongTextSplit;
import org.multitag.model.TaggingModel;
import org.multitag.model.kernels.NativeArrays;
import org.multitag.model.nn.Batch;
import org.multitag.model.nn.BertEncoder;
import org.multitag.model.nn.EncoderOutput;
import org.multitag.tokenizer.Encoding;
import org.multitag.tokenizer.Tokenizer;
import org.multitag.tokenizer.TruncationParams;
import org.multitag.weights.BertConfig;
import org.multitag.weights.DType;
import org.multitag.weights.SafetensorsWriter;
import org.multitag.weights.StateDict;
import org.multitag.weights.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code multitag embed}: JSONL texts or token ids in, the encoder's contextual embeddings out (safetensors). */
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = {"Run the BERT encoder over JSON Lines (or plain text, one text a line) and write contextual "
                + "embeddings to a safetensors file.",
            "A line is {\"text\": ...} (optionally with \"text_pair\"), tokenized with the model's tokenizer with "
                + "[CLS]/[SEP] added, or Hugging Face's inputs {\"input_ids\": [...]} with optional "
                + "\"token_type_ids\" (default 0), \"attention_mask\" (0/1, any pattern: left padding, masked "
                + "positions; default 1) and \"position_ids\" (default 0..n-1), used as given. Other fields are "
                + "ignored (named once on stderr); inputs the encoder does not take (inputs_embeds, head_mask...) "
                + "are errors. Blank lines are skipped; an input with no non-blank line is an error.",
            "--input-format auto (default) decides once for the whole file: JSON Lines when the first non-blank line "
                + "starts with '{', else plain text, each line read as {\"text\": LINE} (so a later text line "
                + "starting with '{' is text, and a broken JSON line is an error, never text).",
            "The file holds, rows in input order, T the longest line, every position past a line's end zero: "
                + "last_hidden_state F32 [N, T, H] (masked positions too, as transformers computes them), "
                + "attention_mask I64 [N, T], input_ids I64 [N, T]; "
                + "--hidden-states adds hidden_states.0 (embeddings output) .. hidden_states.L [N, T, H]; "
                + "--attentions adds attentions.1 .. attentions.L F32 [N, heads, T, T].",
            "A text line longer than --max-length (default: the model's max_position_embeddings) goes through "
                + "overlapping windows by default (--long-text window): each token's vectors come from the window its "
                + "word takes its probabilities from in predict, so its row holds all its tokens; --long-text "
                + "truncate cuts it, error refuses it. input_ids lines are used as given: a longer one is an error. "
                + "--attentions needs every line within the limit (no attention runs between windows).",
            "The file is written atomically: on any error nothing is written."})
final class EmbedCommand implements Callable<Integer> {

    /** Bytes one tensor may hold: its data lives in one Java byte buffer. */
    static final long MAX_TENSOR_BYTES = Integer.MAX_VALUE - 8;

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOption.WithDefault model;

    @Option(names = "--input", required = true, paramLabel = "FILE", description = "JSONL or text input.")
    Path input;

    @Option(names = "--input-format", paramLabel = "auto|jsonl|text", defaultValue = "auto",
            description = "What the input lines are (default: ${DEFAULT-VALUE}: JSON Lines when the first non-blank "
                    + "line starts with '{', else plain text).")
    String inputFormat;

    @Option(names = "--output", required = true, paramLabel = "OUT.safetensors",
            description = "Safetensors output, written atomically.")
    Path output;

    @Mixin
    BatchOptions batching;

    @Mixin
    LengthOptions lengths;

    @Option(names = "--hidden-states", description = "Also write every layer's output (hidden_states.0 .. L).")
    boolean hiddenStates;

    @Option(names = "--attentions", description = "Also write every layer's attention probabilities.")
    boolean attentions;

    @Mixin
    ComputeOptions compute;

    /** Fields of an input line that change the encoder's result and are not supported: an error, never dropped. */
    static final java.util.Set<String> UNSUPPORTED = java.util.Set.of("inputs_embeds", "head_mask",
            "encoder_hidden_states", "encoder_attention_mask", "past_key_values", "use_cache", "output_attentions",
            "output_hidden_states");
    /** Fields of an input line that the command reads. */
    static final java.util.Set<String> READ = java.util.Set.of("text", "text_pair", "input_ids", "token_type_ids",
            "attention_mask", "position_ids");

    /**
     * One encoder input: Hugging Face's four arrays, all of the same length, and for a text over the limit the
     * windows it is run in (null otherwise).
     */
    record Sequence(int[] ids, int[] typeIds, int[] mask, int[] positions, LongTextSplit windows) {
        int length() {
            return ids.length;
        }
    }

    /**
     * One row of a batch: a line, or one window of a windowed line ({@code to}: for each of its positions, the line's
     * token it gives its vectors to, or -1; null: each to its own place).
     */
    record Piece(Sequence seq, int line, int[] to) {
        int length() {
            return seq.length();
        }
    }

    @Override
    public Integer call() throws IOException {
        long t0 = System.nanoTime();
        int batchSize = batching.batchSize();
        int threads = compute.apply();
        Checks.outputFile(output);
        JsonlInput.Format format = JsonlInput.Format.parse(inputFormat, "--input-format");
        lengths.longText();
        TaggingModel m = model.read();
        BertConfig config = m.config();
        lengths.stride(lengths.limit(config));
        List<JsonlInput.Line> lines = JsonlInput.read(input, System.in, format);
        List<Sequence> seqs = parse(lines, m);

        int n = seqs.size();
        int t = seqs.stream().mapToInt(Sequence::length).max().orElse(0);
        int h = config.hiddenSize();
        int layers = config.numHiddenLayers();
        int heads = config.numAttentionHeads();
        long hiddenBytes = tensorBytes("last_hidden_state", 4, n, t, h);
        long attentionBytes = attentions ? tensorBytes("attentions.1", 4, n, heads, t, t) : 0;
        tensorBytes("input_ids", 8, n, t);
        long total = hiddenBytes * (hiddenStates ? layers + 2 : 1) + attentionBytes * layers + 16L * n * t;

        ByteBuffer last;
        ByteBuffer[] states = new ByteBuffer[hiddenStates ? layers + 1 : 0];
        ByteBuffer[] probs = new ByteBuffer[attentions ? layers : 0];
        try {
            last = allocate(hiddenBytes);
            for (int i = 0; i < states.length; i++) {
                states[i] = allocate(hiddenBytes);
            }
            for (int i = 0; i < probs.length; i++) {
                probs[i] = allocate(attentionBytes);
            }
        } catch (OutOfMemoryError e) {
            throw new InputException(input.toString(), String.format(Locale.ROOT, "the output needs %,d MB of memory "
                    + "and the Java heap allows %,d MB: split the input, lower --max-length, or raise the heap "
                    + "(MULTITAG_JAVA_OPTS=-Xmx...)", total >> 20, Runtime.getRuntime().maxMemory() >> 20));
        }

        if (n > 0) {
            run(m, batchSize, threads, seqs, t, h, heads, last, states, probs);
        }

        StateDict sd = new StateDict();
        sd.put(new Tensor("last_hidden_state", DType.F32, new int[] {n, t, h}, last));
        sd.put(new Tensor("attention_mask", DType.I64, new int[] {n, t}, longs(seqs, t, Sequence::mask, 0)));
        sd.put(new Tensor("input_ids", DType.I64, new int[] {n, t}, longs(seqs, t, Sequence::ids,
                config.padTokenId())));
        for (int i = 0; i < states.length; i++) {
            sd.put(new Tensor("hidden_states." + i, DType.F32, new int[] {n, t, h}, states[i]));
        }
        for (int i = 0; i < probs.length; i++) {
            sd.put(new Tensor("attentions." + (i + 1), DType.F32, new int[] {n, heads, t, t}, probs[i]));
        }
        SafetensorsWriter.write(output, sd);

        long tokens = seqs.stream().mapToLong(Sequence::length).sum();
        spec.commandLine().getOut().printf(Locale.ROOT, "embedded %d lines (%,d tokens, padded to %d) with %s in "
                + "%.1f s -> %s (%d tensors, %,d bytes)%n", n, tokens, t, model.value(), (System.nanoTime() - t0) / 1e9,
                output, sd.size(), sd.byteSize());
        return 0;
    }

    /** Reads every line into encoder inputs, failing on the first bad one. */
    private List<Sequence> parse(List<JsonlInput.Line> lines, TaggingModel model) throws IOException {
        BertConfig config = model.config();
        List<Sequence> seqs = new ArrayList<>(lines.size());
        java.util.Set<String> ignored = new java.util.TreeSet<>();
        Tokenizer tokenizer = null;
        int positions = config.maxPositionEmbeddings();
        int limit = lengths.limit(config);
        LongText longText = lengths.longText();
        String limitName = lengths.given() ? "--max-length " : "the model's max_position_embeddings ";
        for (JsonlInput.Line line : lines) {
            JsonNode json = line.json();
            boolean text = present(json, "text");
            boolean ids = present(json, "input_ids");
            if (text && ids) {
                throw new InputException(line.location(), "give either \"text\" or \"input_ids\", not both");
            }
            for (java.util.Iterator<String> it = json.fieldNames(); it.hasNext();) {
                String f = it.next();
                if (UNSUPPORTED.contains(f)) {
                    throw new InputException(line.location(), "\"" + f + "\" is not supported: it changes the "
                            + "encoder's result" + (f.startsWith("output_") ? " (use --attentions / --hidden-states)"
                            : ""));
                }
                if (!READ.contains(f)) {
                    ignored.add(f);
                }
            }
            if (text) {
                for (String f : List.of("token_type_ids", "attention_mask", "position_ids")) {
                    if (present(json, f)) {
                        throw new InputException(line.location(), "\"" + f + "\" goes with \"input_ids\", not "
                                + "with \"text\"");
                    }
                }
                String s = line.text("text");
                String pair = line.optionalText("text_pair");
                if (tokenizer == null) {
                    tokenizer = model.tokenizer()
                            .withTruncation(longText == LongText.TRUNCATE ? TruncationParams.of(limit) : null);
                }
                Encoding e;
                try {
                    e = tokenizer.encode(s, pair, true);
                } catch (IllegalArgumentException ex) {
                    throw new InputException(line.location(), ex.getMessage());
                }
                LongTextSplit windows = null;
                if (e.length() > limit) {
                    if (longText != LongText.WINDOW) {
                        throw new InputException(line.location(), e.length() + " tokens, more than the limit of "
                                + limit + " (" + limitName.strip() + "); use --long-text window (or truncate) for "
                                + "long lines");
                    }
                    if (attentions) {
                        throw new InputException(line.location(), e.length() + " tokens, more than the limit of "
                                + limit + ": --attentions needs every line within it (a windowed line has no "
                                + "attention between its windows); use --long-text truncate");
                    }
                    try {
                        windows = LongTextSplit.of(e.ids(), e.typeIds(), e.wordIds(), limit, lengths.stride(limit));
                    } catch (IllegalArgumentException ex) {
                        throw new InputException(line.location(), ex.getMessage());
                    }
                }
                seqs.add(new Sequence(e.ids(), e.typeIds(), ones(e.length()), range(e.length()), windows));
            } else if (ids) {
                if (present(json, "text_pair")) {
                    throw new InputException(line.location(), "\"text_pair\" goes with \"text\", not with "
                            + "\"input_ids\"");
                }
                int[] in = ints(line, "input_ids", config.vocabSize(), "the vocabulary");
                if (in.length == 0) {
                    throw new InputException(line.location(), "\"input_ids\" is empty");
                }
                int[] types = optional(line, "token_type_ids", config.typeVocabSize(), "type_vocab_size", in.length,
                        new int[in.length]);
                int[] mask = optional(line, "attention_mask", 2, null, in.length, ones(in.length));
                int[] posIds = optional(line, "position_ids", positions, "max_position_embeddings", in.length,
                        range(in.length));
                if (in.length > limit) {
                    throw new InputException(line.location(), in.length + " input_ids, more than " + limitName
                            + limit + " (input_ids lines are neither truncated nor windowed)");
                }
                seqs.add(new Sequence(in, types, mask, posIds, null));
            } else {
                throw new InputException(line.location(), "expected \"text\" or \"input_ids\"");
            }
        }
        if (!ignored.isEmpty()) {
            spec.commandLine().getErr().println("note: ignored field" + (ignored.size() > 1 ? "s " : " ")
                    + String.join(", ", ignored.stream().map(f -> "\"" + f + "\"").toList())
                    + " (not an encoder input)");
        }
        return seqs;
    }

    private static int[] ones(int n) {
        int[] a = new int[n];
        Arrays.fill(a, 1);
        return a;
    }

    private static int[] range(int n) {
        int[] a = new int[n];
        Arrays.setAll(a, i -> i);
        return a;
    }

    /** An optional array of integers in {@code [0, bound)} with one value per input id, else {@code absent}. */
    private static int[] optional(JsonlInput.Line line, String field, int bound, String what, int n, int[] absent) {
        if (!present(line.json(), field)) {
            return absent;
        }
        int[] v = ints(line, field, bound, what);
        if (v.length != n) {
            throw new InputException(line.location(), v.length + " " + field + " for " + n + " input_ids");
        }
        return v;
    }

    private static boolean present(JsonNode json, String field) {
        JsonNode v = json.get(field);
        return v != null && !v.isNull();
    }

    /** An array of integers in {@code [0, bound)} ({@code what} names the range; null: a 0/1 mask). */
    private static int[] ints(JsonlInput.Line line, String field, int bound, String what) {
        JsonNode v = line.json().get(field);
        if (!v.isArray()) {
            throw new InputException(line.location(), "\"" + field + "\" must be an array of integers, got "
                    + v.getNodeType().toString().toLowerCase(Locale.ROOT));
        }
        int[] out = new int[v.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode x = v.get(i);
            if (!x.isIntegralNumber() || !x.canConvertToInt()) {
                throw new InputException(line.location(), "\"" + field + "\"[" + i + "] must be an integer, got "
                        + x);
            }
            int id = x.intValue();
            if (what == null && (id < 0 || id >= bound)) {
                throw new InputException(line.location(), "\"" + field + "\"[" + i + "] must be 0 or 1, got " + id);
            }
            if (id < 0 || id >= bound) {
                throw new InputException(line.location(), "\"" + field + "\"[" + i + "] = " + id + " is outside "
                        + what + " [0, " + bound + ")");
            }
            out[i] = id;
        }
        return out;
    }

    /** Bytes of a tensor of this shape; too large for one buffer is an error that says how large. */
    private long tensorBytes(String name, int elementSize, long... shape) {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        long bytes = Math.multiplyExact(n, (long) elementSize);
        if (bytes > MAX_TENSOR_BYTES) {
            StringBuilder dims = new StringBuilder();
            for (long d : shape) {
                dims.append(dims.isEmpty() ? "" : ", ").append(d);
            }
            throw new InputException(input.toString(), String.format(Locale.ROOT, "the output tensor %s [%s] would "
                    + "hold %,d elements (%,d bytes), more than one tensor can hold here (%,d bytes, one Java array): "
                    + "split the input into smaller files or lower --max-length", name, dims, n, bytes,
                    MAX_TENSOR_BYTES));
        }
        return bytes;
    }

    private static ByteBuffer allocate(long bytes) {
        return ByteBuffer.allocate(Math.toIntExact(bytes)).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** One of the lines' arrays padded with {@code pad} past each line's end, as I64 [N, T]. */
    private static ByteBuffer longs(List<Sequence> seqs, int t, java.util.function.Function<Sequence, int[]> field,
            int pad) {
        ByteBuffer b = allocate(8L * seqs.size() * t);
        LongBuffer v = b.asLongBuffer();
        for (int r = 0; r < seqs.size(); r++) {
            int[] a = field.apply(seqs.get(r));
            for (int i = 0; i < t; i++) {
                v.put(r * t + i, i < a.length ? a[i] : pad);
            }
        }
        return b;
    }

    /** A batch of rows, each padded past its end with the pad id, mask 0 and positions continuing its count. */
    private static Batch batch(List<Sequence> lines, int pad) {
        int tb = lines.stream().mapToInt(Sequence::length).max().orElse(0);
        int[][] ids = new int[lines.size()][tb];
        int[][] types = new int[lines.size()][tb];
        int[][] mask = new int[lines.size()][tb];
        int[][] positions = new int[lines.size()][tb];
        for (int r = 0; r < lines.size(); r++) {
            Sequence s = lines.get(r);
            Arrays.fill(ids[r], pad);
            System.arraycopy(s.ids(), 0, ids[r], 0, s.length());
            System.arraycopy(s.typeIds(), 0, types[r], 0, s.length());
            System.arraycopy(s.mask(), 0, mask[r], 0, s.length());
            Arrays.setAll(positions[r], i -> i);
            System.arraycopy(s.positions(), 0, positions[r], 0, s.length());
        }
        return new Batch(ids, types, mask, positions);
    }

    /**
     * Runs the encoder in length-sorted batches (a windowed line's windows are rows of their own) and copies each
     * row's real positions to their places.
     */
    private void run(TaggingModel model, int batchSize, int threads, List<Sequence> seqs, int t, int h, int heads,
            ByteBuffer last, ByteBuffer[] states, ByteBuffer[] probs) throws IOException {
        List<Piece> pieces = new ArrayList<>();
        for (int i = 0; i < seqs.size(); i++) {
            Sequence s = seqs.get(i);
            if (s.windows() == null) {
                pieces.add(new Piece(s, i, null));
                continue;
            }
            LongTextSplit w = s.windows();
            for (int k = 0; k < w.size(); k++) {
                int[] ids = w.ids(k);
                int[] types = w.types(k);
                pieces.add(new Piece(new Sequence(ids, types, ones(ids.length), range(ids.length), null), i,
                        w.sourceTokens(k)));
            }
        }
        Integer[] order = new Integer[pieces.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt(i -> pieces.get(i).length()));
        FloatBuffer lastOut = last.asFloatBuffer();
        FloatBuffer[] statesOut = Arrays.stream(states).map(ByteBuffer::asFloatBuffer).toArray(FloatBuffer[]::new);
        FloatBuffer[] probsOut = Arrays.stream(probs).map(ByteBuffer::asFloatBuffer).toArray(FloatBuffer[]::new);
        BertEncoder.Outputs outputs = new BertEncoder.Outputs(hiddenStates, attentions);
        try (BertEncoder encoder = new BertEncoder(model.encoderWeights(), threads)) {
            int pad = encoder.config().padTokenId();
            for (int from = 0; from < order.length; from += batchSize) {
                int to = Math.min(order.length, from + batchSize);
                List<Sequence> lines = new ArrayList<>(to - from);
                List<Piece> rowPieces = new ArrayList<>(to - from);
                int[] rows = new int[to - from];
                int[] lengths = new int[to - from];
                for (int k = from; k < to; k++) {
                    Piece p = pieces.get(order[k]);
                    lines.add(p.seq());
                    rowPieces.add(p);
                    rows[k - from] = p.line();
                    lengths[k - from] = p.length();
                }
                Batch batch = batch(lines, pad);
                try (EncoderOutput out = encoder.forward(batch, outputs)) {
                    copyHidden(out.lastHiddenState(), batch, rowPieces, t, h, lastOut);
                    for (int i = 0; i < statesOut.length; i++) {
                        copyHidden(out.hiddenStates().get(i), batch, rowPieces, t, h, statesOut[i]);
                    }
                    for (int i = 0; i < probsOut.length; i++) {
                        copyAttention(out.attentions().get(i), batch, rows, lengths, t, heads, probsOut[i]);
                    }
                }
            }
        }
    }

    /**
     * Rows of a [B, Tb, H] batch output into [N, T, H]: each line's own positions (a window's: the tokens it is the
     * source of), the rest stays zero.
     */
    private static void copyHidden(INDArray a, Batch batch, List<Piece> pieces, int t, int h, FloatBuffer dst) {
        FloatBuffer src = floats(a);
        int tb = batch.maxLength();
        for (int r = 0; r < pieces.size(); r++) {
            Piece p = pieces.get(r);
            int from = r * tb * h;
            long base = (long) p.line() * t * h;
            if (p.to() == null) {
                src.clear().position(from).limit(from + p.length() * h);
                dst.clear().position(Math.toIntExact(base));
                dst.put(src);
                continue;
            }
            for (int j = 0; j < p.to().length; j++) {
                if (p.to()[j] >= 0) {
                    src.clear().position(from + j * h).limit(from + (j + 1) * h);
                    dst.clear().position(Math.toIntExact(base + (long) p.to()[j] * h));
                    dst.put(src);
                }
            }
        }
    }

    /** Rows of a [B, heads, Tb, Tb] batch output into [N, heads, T, T]: each line's own queries and keys. */
    private static void copyAttention(INDArray a, Batch batch, int[] rows, int[] lengths, int t, int heads,
            FloatBuffer dst) {
        FloatBuffer src = floats(a);
        int tb = batch.maxLength();
        for (int r = 0; r < rows.length; r++) {
            int len = lengths[r];
            for (int hd = 0; hd < heads; hd++) {
                for (int q = 0; q < len; q++) {
                    int from = ((r * heads + hd) * tb + q) * tb;
                    src.clear().position(from).limit(from + len);
                    dst.clear().position(Math.toIntExact((((long) rows[r] * heads + hd) * t + q) * t));
                    dst.put(src);
                }
            }
        }
    }

    /** The elements of a float32 array: a view of its native memory when contiguous, a copy otherwise. */
    private static FloatBuffer floats(INDArray a) {
        try {
            return NativeArrays.bytes(a).asFloatBuffer();
        } catch (IllegalArgumentException e) {
            return FloatBuffer.wrap(NativeArrays.toFloats(a));
        }
    }
}
