package org.multitag.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.multitag.core.InputException;
import org.multitag.core.LabelSet;
import org.multitag.tokenizer.Encoding;
import org.multitag.tokenizer.Tokenizer;
import org.multitag.tokenizer.TruncationParams;
import org.multitag.tokenizer.labels.LabelAlignment;
import org.multitag.tokenizer.labels.Span;
import org.multitag.tokenizer.labels.TokenLabels;

/**
 * Reads labelled data files into {@link Example}s: JSON Lines in the three forms of {@link SourceRecord}, or
 * CoNLL-U (see {@link DataFormat}), tokenized with a {@link Tokenizer} and aligned to a {@link LabelSet}.
 *
 * <ul>
 *   <li>Words with label sets (JSON {@code tokens}/{@code labels}, CoNLL-U): encoded as pre-split words; a word's
 *       labels go to its first sub-token, or to all of its sub-tokens with {@code labelAllSubtokens}; the other
 *       tokens carry no loss.
 *   <li>Text with spans: every non-special token carries a loss and takes the label of each span overlapping
 *       it. The words are the pre-tokenizer's; a word's gold labels are those of the spans overlapping any of its
 *       characters.
 *   <li>Token ids with rows: taken as given; the tokens with {@code label_mask} 1 are the words.
 * </ul>
 *
 * <p>Errors name {@code file:line}: malformed lines, unknown labels (with the label), inputs longer than
 * {@code maxLength} (with their token count) unless truncating, words that give no token at all, token ids
 * outside the vocabulary. With {@code skipBad} such lines are counted and reported in
 * {@link TrainingData#skipped()} instead. Immutable and thread-safe.
 */
public final class ExampleReader {

    /**
     * @param maxLength longest example in tokens, special tokens included (0: no limit)
     * @param truncate cut longer examples to {@code maxLength} instead of failing
     * @param labelAllSubtokens word labels go to every sub-token of the word (default: the first only)
     * @param skipBad skip bad lines, recording why, instead of failing
     * @param keepUnknownLabels a gold label outside the label set (a word's, or a span's) is kept aside
     *     ({@link Example#unknownWordLabels}, and the span among {@link Example#goldSpans}; scored as a miss)
     *     instead of failing; for evaluation data
     * @param documents a CoNLL-U file's sentences are joined into documents ({@link ConlluDocuments}: the
     *     {@code # newdoc} groups), one example each, instead of one example per sentence; other formats refuse it
     */
    public record Options(int maxLength, boolean truncate, boolean labelAllSubtokens, boolean skipBad,
            boolean keepUnknownLabels, boolean documents) {

        /** No length limit, first sub-tokens, fail on bad lines. */
        public static final Options DEFAULT = new Options(0, false, false, false, false);

        /** Options that fail on unknown labels. */
        public Options(int maxLength, boolean truncate, boolean labelAllSubtokens, boolean skipBad) {
            this(maxLength, truncate, labelAllSubtokens, skipBad, false);
        }

        /** Options that read a CoNLL-U file sentence by sentence. */
        public Options(int maxLength, boolean truncate, boolean labelAllSubtokens, boolean skipBad,
                boolean keepUnknownLabels) {
            this(maxLength, truncate, labelAllSubtokens, skipBad, keepUnknownLabels, false);
        }

        public Options {
            if (maxLength < 0 || (maxLength > 0 && maxLength < 3)) {
                throw new IllegalArgumentException("max length must be 0 (no limit) or at least 3, not "
                        + maxLength);
            }
            if (truncate && maxLength == 0) {
                throw new IllegalArgumentException("truncation needs a max length");
            }
        }

        public Options withMaxLength(int value, boolean truncateLonger) {
            return new Options(value, truncateLonger, labelAllSubtokens, skipBad, keepUnknownLabels, documents);
        }

        public Options withLabelAllSubtokens(boolean value) {
            return new Options(maxLength, truncate, value, skipBad, keepUnknownLabels, documents);
        }

        public Options withSkipBad(boolean value) {
            return new Options(maxLength, truncate, labelAllSubtokens, value, keepUnknownLabels, documents);
        }

        public Options withKeepUnknownLabels(boolean value) {
            return new Options(maxLength, truncate, labelAllSubtokens, skipBad, value, documents);
        }

        public Options withDocuments(boolean value) {
            return new Options(maxLength, truncate, labelAllSubtokens, skipBad, keepUnknownLabels, value);
        }
    }

    private final Tokenizer plain;
    private final Tokenizer truncating;
    private final LabelSet labels;
    private final Options options;

    /**
     * @param tokenizer its own truncation and padding settings are ignored
     * @param labels the label set targets are aligned to; labels outside it are errors
     */
    public ExampleReader(Tokenizer tokenizer, LabelSet labels, Options options) {
        this.plain = tokenizer.withTruncation(null).withPadding(null);
        this.truncating = options.truncate() ? plain.withTruncation(TruncationParams.of(options.maxLength())) : null;
        this.labels = labels;
        this.options = options;
    }

    public LabelSet labels() {
        return labels;
    }

    /** The tokenizer examples are encoded with (no truncation, no padding). */
    public Tokenizer tokenizer() {
        return plain;
    }

    public Options options() {
        return options;
    }

    /** Reads one file. */
    public TrainingData read(Path file) throws IOException {
        return read(List.of(file));
    }

    /**
     * Reads files in order into one data set.
     *
     * @throws InputException for a bad line (unless skipping), a missing file, or a file with no example
     */
    public TrainingData read(List<Path> files) throws IOException {
        List<Example> examples = new ArrayList<>();
        List<SkippedLine> skipped = new ArrayList<>();
        for (Path file : files) {
            int before = examples.size();
            int skippedBefore = skipped.size();
            SourceReader.read(file, options.skipBad(), options.documents(), skipped, r -> examples.add(toExample(r)));
            if (examples.size() == before) {
                int bad = skipped.size() - skippedBefore;
                throw new InputException(file.toString(), "no examples" + (bad > 0 ? " (" + bad + " bad lines "
                        + "skipped, the first: " + skipped.get(skippedBefore) + ")" : ""));
            }
        }
        return new TrainingData(labels, examples, skipped);
    }

    /**
     * The label names used in {@code files}, sorted ({@link LabelSet#sorted}): the set to train with when none
     * is given. Lines that fail to parse are skipped with {@code skipBad} (reading skips them too), errors
     * otherwise.
     *
     * @throws InputException when the files hold no label, or hold {@code input_ids} lines (whose label columns
     *     have no names: such data needs a labels file)
     */
    public static LabelSet collectLabels(List<Path> files, boolean skipBad) throws IOException {
        Set<String> names = new TreeSet<>();
        String[] tokensLine = new String[1];
        for (Path file : files) {
            SourceReader.read(file, skipBad, new ArrayList<>(), r -> {
                if (r instanceof SourceRecord.Tokens && tokensLine[0] == null) {
                    tokensLine[0] = r.source();
                }
                names.addAll(r.labelNames());
            });
        }
        if (tokensLine[0] != null) {
            throw new InputException(tokensLine[0], "\"input_ids\" lines give label columns without names: the "
                    + "label set must come from a labels file");
        }
        if (names.isEmpty()) {
            throw new InputException(files.isEmpty() ? null : files.get(0).toString(), "no labels in the data");
        }
        return LabelSet.sorted(names);
    }

    /**
     * Tokenizes and aligns one record.
     *
     * @throws InputException naming the record's {@code file:line} when it cannot be used
     */
    public Example toExample(SourceRecord record) {
        if (record instanceof SourceRecord.Words w) {
            return fromWords(w);
        }
        if (record instanceof SourceRecord.Text t) {
            return fromText(t);
        }
        return fromTokens((SourceRecord.Tokens) record);
    }

    // ---------------------------------------------------------------- words with label sets

    private Example fromWords(SourceRecord.Words r) {
        List<String> words = r.words();
        int[][] wordLabels = new int[words.size()][];
        List<List<String>> unknown = null;
        List<List<String>> known = r.labels();
        if (options.keepUnknownLabels()) {
            unknown = new ArrayList<>();
            known = new ArrayList<>();
            boolean any = false;
            for (List<String> names : r.labels()) {
                List<String> in = new ArrayList<>();
                List<String> out = new ArrayList<>();
                for (String name : names) {
                    (labels.indexOf(name) >= 0 ? in : out).add(name);
                }
                known.add(in);
                unknown.add(out);
                any |= !out.isEmpty();
            }
            if (!any) {
                unknown = null;
            }
        }
        for (int w = 0; w < words.size(); w++) {
            wordLabels[w] = labelIndices(known.get(w), r.location(w),
                    "word " + (w + 1) + " \"" + words.get(w) + "\"");
        }
        Encoding full = plain.encodeWords(words, true);
        int[] tokensPerWord = new int[words.size()];
        for (int i = 0; i < full.length(); i++) {
            int w = full.wordId(i);
            if (w != Encoding.NONE) {
                tokensPerWord[w]++;
            }
        }
        for (int w = 0; w < words.size(); w++) {
            if (tokensPerWord[w] == 0) {
                throw new InputException(r.location(w), "word " + (w + 1) + " \"" + words.get(w) + "\" gives no "
                        + "token (nothing is left of it after normalization)");
            }
        }
        Encoding enc = full;
        boolean truncated = false;
        if (tooLong(full, r.source())) {
            enc = truncating.encodeWords(words, true);
            truncated = true;
        }
        TokenLabels aligned = LabelAlignment.fromWordLabels(enc, known, labels,
                options.labelAllSubtokens() ? LabelAlignment.Subtokens.ALL : LabelAlignment.Subtokens.FIRST);
        int[][] tokenLabels = new int[enc.length()][];
        for (int i = 0; i < tokenLabels.length; i++) {
            tokenLabels[i] = aligned.labelsOf(i);
        }
        Example e = new Example(r.source(), enc.ids(), enc.typeIds(), tokenLabels, aligned.mask(), labels.size(),
                enc.wordIds(), wordLabels, truncated, null, null, null, null);
        return unknown == null ? e : e.withUnknownWordLabels(unknown);
    }

    // ---------------------------------------------------------------- text with spans

    private Example fromText(SourceRecord.Text r) {
        Set<Span> distinct = new LinkedHashSet<>(r.spans());
        List<Span> goldSpans = List.copyOf(distinct);
        // Evaluation data keeps a span whose label the model lacks as a gold span (a missed one) and as an unknown
        // label of each word it covers, as word-label data does; training data fails on it.
        List<Span> spans = new ArrayList<>();
        List<Span> unknownSpans = new ArrayList<>();
        for (Span s : goldSpans) {
            if (options.keepUnknownLabels() && labels.indexOf(s.label()) < 0) {
                unknownSpans.add(s);
            } else {
                labelIndex(s.label(), r.source(), "span [" + s.start() + ", " + s.end() + ")");
                spans.add(s);
            }
        }
        Encoding full = plain.encode(r.text(), null, true);
        // Words are runs of tokens with the same word id (as LabelAlignment.toWords reads them).
        int maxWordId = -1;
        for (int i = 0; i < full.length(); i++) {
            maxWordId = Math.max(maxWordId, full.wordId(i));
        }
        int[] wordOfId = new int[maxWordId + 1];
        Arrays.fill(wordOfId, -1);
        List<int[]> ranges = new ArrayList<>();
        int previous = Encoding.NONE;
        for (int i = 0; i < full.length(); i++) {
            int id = full.wordId(i);
            if (id == Encoding.NONE) {
                previous = id;
                continue;
            }
            if (id != previous) {
                wordOfId[id] = ranges.size();
                ranges.add(new int[] {full.offsetStart(i), full.offsetEnd(i)});
            } else {
                int[] range = ranges.get(ranges.size() - 1);
                range[1] = Math.max(range[1], full.offsetEnd(i));
            }
            previous = id;
        }
        if (ranges.isEmpty()) {
            throw new InputException(r.source(), "the text gives no token");
        }
        int[][] wordLabels = new int[ranges.size()][];
        List<List<String>> unknown = new ArrayList<>();
        for (int w = 0; w < wordLabels.length; w++) {
            int[] range = ranges.get(w);
            TreeSet<Integer> set = new TreeSet<>();
            for (Span s : spans) {
                if (range[0] < s.end() && range[1] > s.start()) {
                    set.add(labels.indexOf(s.label()));
                }
            }
            wordLabels[w] = set.stream().mapToInt(Integer::intValue).toArray();
            TreeSet<String> names = new TreeSet<>();
            for (Span s : unknownSpans) {
                if (range[0] < s.end() && range[1] > s.start()) {
                    names.add(s.label());
                }
            }
            unknown.add(List.copyOf(names));
        }
        Encoding enc = full;
        boolean truncated = false;
        if (tooLong(full, r.source())) {
            enc = truncating.encode(r.text(), null, true);
            truncated = true;
        }
        TokenLabels aligned = LabelAlignment.fromSpans(enc, spans, labels);
        int n = enc.length();
        int[][] tokenLabels = new int[n][];
        int[] tokenWords = new int[n];
        for (int i = 0; i < n; i++) {
            tokenLabels[i] = aligned.labelsOf(i);
            int id = enc.wordId(i);
            tokenWords[i] = id == Encoding.NONE ? -1 : wordOfId[id];
        }
        Example e = new Example(r.source(), enc.ids(), enc.typeIds(), tokenLabels, aligned.mask(), labels.size(),
                tokenWords, wordLabels, truncated, r.text(), enc.offsetStarts(), enc.offsetEnds(), goldSpans);
        return unknownSpans.isEmpty() ? e : e.withUnknownWordLabels(unknown);
    }

    // ---------------------------------------------------------------- token ids with rows

    private Example fromTokens(SourceRecord.Tokens r) {
        if (r.width() != labels.size()) {
            throw new InputException(r.source(), "\"labels\" rows have " + r.width() + " values but the label set "
                    + "has " + labels.size() + " labels");
        }
        int[] ids = r.inputIds();
        for (int i = 0; i < ids.length; i++) {
            if (plain.idToToken(ids[i]) == null) {
                throw new InputException(r.source(), "\"input_ids\"[" + i + "] = " + ids[i] + " is not a token id "
                        + "of the tokenizer");
            }
        }
        int[] mask = r.labelMask();
        int[][] rows = r.tokenLabels();
        List<int[]> wordLabels = new ArrayList<>();
        int[] tokenWords = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            tokenWords[i] = -1;
            if (mask[i] == 1) {
                tokenWords[i] = wordLabels.size();
                wordLabels.add(rows[i]);
            }
        }
        int n = ids.length;
        boolean truncated = false;
        if (maxLength() > 0 && n > maxLength()) {
            tooLong(n, r.source());
            n = maxLength();
            truncated = true;
        }
        return new Example(r.source(), ids.length == n ? ids : Arrays.copyOf(ids, n),
                Arrays.copyOf(r.typeIds(), n), Arrays.copyOf(rows, n), Arrays.copyOf(mask, n), labels.size(),
                Arrays.copyOf(tokenWords, n), wordLabels.toArray(new int[0][]), truncated, null, null, null, null);
    }

    // ---------------------------------------------------------------- helpers

    private int maxLength() {
        return options.maxLength();
    }

    /** Whether the encoding is over the limit; over it without truncation is an error. */
    private boolean tooLong(Encoding e, String source) {
        if (maxLength() == 0 || e.length() <= maxLength()) {
            return false;
        }
        tooLong(e.length(), source);
        return true;
    }

    private void tooLong(int length, String source) {
        if (!options.truncate()) {
            throw new InputException(source, length + " tokens (special tokens included), more than the maximum "
                    + "length of " + maxLength() + "; shorten it, raise the maximum length or truncate");
        }
    }

    private int[] labelIndices(Collection<String> names, String location, String what) {
        TreeSet<Integer> set = new TreeSet<>();
        for (String name : names) {
            set.add(labelIndex(name, location, what));
        }
        return set.stream().mapToInt(Integer::intValue).toArray();
    }

    private int labelIndex(String name, String location, String what) {
        int i = labels.indexOf(name);
        if (i < 0) {
            throw new InputException(location, "unknown label \"" + name + "\" (" + what + "); it is not one of the "
                    + labels.size() + " labels of the label set");
        }
        return i;
    }
}
