package org.multitag.tokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.multitag.tokenizer.decoder.WordPieceDecoder;
import org.multitag.tokenizer.model.WordPieceModel;
import org.multitag.tokenizer.normalizer.NormalizedString;
import org.multitag.tokenizer.normalizer.Normalizer;
import org.multitag.tokenizer.pretokenizer.PreTokenizer;
import org.multitag.tokenizer.processor.PostProcessor;
import org.multitag.tokenizer.processor.TemplatePiece;

/**
 * A BERT-family tokenizer: added tokens, normalizer, pre-tokenizer, WordPiece model, post-processor, then
 * truncation and padding, with the same results as Hugging Face {@code tokenizers}.
 *
 * <p>Immutable and thread-safe; {@link #withTruncation} and {@link #withPadding} return modified copies. Load one
 * with {@link #load(Path)} (a tokenizer.json, a vocab.txt, or a model folder holding either).
 */
public final class Tokenizer {

    private final AddedVocabulary added;
    private final Normalizer normalizer;
    private final PreTokenizer preTokenizer;
    private final WordPieceModel model;
    private final PostProcessor postProcessor;
    private final WordPieceDecoder decoder;
    private final TruncationParams truncation;
    private final PaddingParams padding;
    private final ThreadLocal<Workspace> workspace;

    Tokenizer(List<AddedToken> addedTokens, Normalizer normalizer, PreTokenizer preTokenizer, WordPieceModel model,
            PostProcessor postProcessor, WordPieceDecoder decoder, TruncationParams truncation,
            PaddingParams padding) {
        this(new AddedVocabulary(addedTokens, normalizer), normalizer, preTokenizer, model, postProcessor, decoder,
                truncation, padding);
    }

    private Tokenizer(AddedVocabulary added, Normalizer normalizer, PreTokenizer preTokenizer, WordPieceModel model,
            PostProcessor postProcessor, WordPieceDecoder decoder, TruncationParams truncation,
            PaddingParams padding) {
        this.added = added;
        this.normalizer = normalizer;
        this.preTokenizer = Objects.requireNonNull(preTokenizer, "preTokenizer");
        this.model = Objects.requireNonNull(model, "model");
        this.postProcessor = postProcessor == null ? PostProcessor.none() : postProcessor;
        this.decoder = decoder;
        this.truncation = truncation;
        this.padding = padding;
        this.workspace = ThreadLocal.withInitial(Workspace::new);
    }

    /** Loads a tokenizer.json, a vocab.txt, or a model folder holding either. */
    public static Tokenizer load(Path path) throws IOException {
        return TokenizerLoader.load(path);
    }

    /** A copy that truncates as given ({@code null}: no truncation). */
    public Tokenizer withTruncation(TruncationParams params) {
        return new Tokenizer(added, normalizer, preTokenizer, model, postProcessor, decoder, params, padding);
    }

    /** A copy that pads as given ({@code null}: no padding). */
    public Tokenizer withPadding(PaddingParams params) {
        return new Tokenizer(added, normalizer, preTokenizer, model, postProcessor, decoder, truncation, params);
    }

    public TruncationParams truncation() {
        return truncation;
    }

    public PaddingParams padding() {
        return padding;
    }

    public WordPieceModel model() {
        return model;
    }

    public Normalizer normalizer() {
        return normalizer;
    }

    public List<AddedToken> addedTokens() {
        return added.tokens();
    }

    // ---------------------------------------------------------------- encoding

    /** Encodes one text with special tokens. */
    public Encoding encode(String text) {
        return encode(text, null, true);
    }

    /** Encodes a sentence pair with special tokens. */
    public Encoding encodePair(String text, String pair) {
        return encode(text, Objects.requireNonNull(pair, "pair"), true);
    }

    /** Encodes one text, or a pair when {@code pair} is not null. */
    public Encoding encode(String text, String pair, boolean addSpecialTokens) {
        Objects.requireNonNull(text, "text");
        Encoding a = encodeSequence(text, 0, Encoding.NONE);
        Encoding b = pair == null ? null : encodeSequence(pair, 1, Encoding.NONE);
        return pad(List.of(postProcess(a, b, addSpecialTokens))).get(0);
    }

    /**
     * Encodes text already split into words (HF {@code is_split_into_words}): each word is tokenized on its own,
     * its tokens get its index as word id, and offsets are relative to the word.
     */
    public Encoding encodeWords(List<String> words, boolean addSpecialTokens) {
        return pad(List.of(postProcess(encodeWordSequence(words, 0), null, addSpecialTokens))).get(0);
    }

    /** Encodes a pair of pre-split word lists. */
    public Encoding encodeWordsPair(List<String> words, List<String> pair, boolean addSpecialTokens) {
        return pad(List.of(postProcess(encodeWordSequence(words, 0), encodeWordSequence(pair, 1),
                addSpecialTokens))).get(0);
    }

    /** Encodes several texts; with padding to the longest, all come out the same length. */
    public List<Encoding> encodeBatch(List<String> texts, boolean addSpecialTokens) {
        List<Encoding> out = new ArrayList<>(texts.size());
        for (String t : texts) {
            out.add(encode(t, null, addSpecialTokens));
        }
        return pad(out);
    }

    /** Encodes several pairs ({@code texts.get(i)}, {@code pairs.get(i)}). */
    public List<Encoding> encodePairBatch(List<String> texts, List<String> pairs, boolean addSpecialTokens) {
        if (texts.size() != pairs.size()) {
            throw new IllegalArgumentException(texts.size() + " texts but " + pairs.size() + " pairs");
        }
        List<Encoding> out = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            out.add(encode(texts.get(i), pairs.get(i), addSpecialTokens));
        }
        return pad(out);
    }

    private Encoding encodeWordSequence(List<String> words, int typeId) {
        List<Encoding> parts = new ArrayList<>(words.size());
        for (int i = 0; i < words.size(); i++) {
            parts.add(encodeSequence(Objects.requireNonNull(words.get(i), "word"), typeId, i));
        }
        return parts.isEmpty() ? Encoding.empty() : Encoding.merge(parts);
    }

    /** Added tokens, normalization, pre-tokenization and WordPiece for one sequence. */
    private Encoding encodeSequence(String text, int typeId, int fixedWordId) {
        Workspace ws = workspace.get();
        ws.reset(text, fixedWordId);
        NormalizedString raw = ws.raw.reset(text, 0, text.length());
        added.splitRaw(raw, 0, raw.length(), ws.rawSplitter);
        return ws.out.build(typeId);
    }

    /** Per-thread buffers and the callbacks that connect the stages without allocating. */
    private final class Workspace {
        final NormalizedString raw = new NormalizedString();
        final NormalizedString piece = new NormalizedString();
        final SequenceBuilder out = new SequenceBuilder(model);
        String text;
        int nextWord;
        int fixedWordId;

        final AddedVocabulary.SplitSink rawSplitter = new AddedVocabulary.SplitSink() {
            @Override
            public void piece(int from, int to) {
                int start = from < raw.length() ? raw.originalStart(from) : text.length();
                int end = to > 0 ? raw.originalEnd(to - 1) : 0;
                piece.reset(text, start, Math.max(start, end));
                if (normalizer != null) {
                    normalizer.normalize(piece);
                }
                if (added.hasNormalizedTokens()) {
                    added.splitNormalized(piece, 0, piece.length(), normalizedSplitter);
                } else {
                    preTokenizer.preTokenize(piece, 0, piece.length(), words);
                }
            }

            @Override
            public void added(AddedToken token, int from, int to) {
                addToken(token, raw.originalStart(from), raw.originalEnd(to - 1));
            }
        };

        final AddedVocabulary.SplitSink normalizedSplitter = new AddedVocabulary.SplitSink() {
            @Override
            public void piece(int from, int to) {
                preTokenizer.preTokenize(piece, from, to, words);
            }

            @Override
            public void added(AddedToken token, int from, int to) {
                addToken(token, piece.originalStart(from), piece.originalEnd(to - 1));
            }
        };

        final org.multitag.tokenizer.pretokenizer.WordSink words = (from, to) -> {
            out.setWord(fixedWordId >= 0 ? fixedWordId : nextWord++);
            model.tokenize(piece, from, to, out);
        };

        void reset(String t, int fixedWord) {
            text = t;
            nextWord = 0;
            fixedWordId = fixedWord;
            out.reset();
        }

        void addToken(AddedToken token, int start, int end) {
            out.setWord(fixedWordId >= 0 ? fixedWordId : nextWord++);
            out.add(token.id(), token.content(), start, end);
        }
    }

    // ---------------------------------------------------------------- truncation, specials, padding

    private Encoding postProcess(Encoding a, Encoding b, boolean addSpecialTokens) {
        if (truncation != null) {
            TruncationParams params = truncation;
            int nAdded = addSpecialTokens ? postProcessor.addedTokens(b != null) : 0;
            if (nAdded > 0) {
                if (truncation.maxLength() < nAdded) {
                    throw new IllegalArgumentException("max length " + truncation.maxLength()
                            + " is shorter than the " + nAdded + " special tokens added");
                }
                params = new TruncationParams(truncation.maxLength() - nAdded, truncation.stride(),
                        truncation.strategy(), truncation.direction());
            }
            Encoding[] cut = Truncation.truncate(a, b, params);
            a = cut[0];
            b = cut[1];
        }
        return applyTemplate(a, b, addSpecialTokens);
    }

    private Encoding applyTemplate(Encoding a, Encoding b, boolean addSpecialTokens) {
        boolean isPair = b != null;
        Encoding[] sequences = isPair ? new Encoding[] {a, b} : new Encoding[] {a};
        List<Encoding> parts = new ArrayList<>();
        for (TemplatePiece piece : postProcessor.template(isPair)) {
            if (piece instanceof TemplatePiece.Sequence s) {
                Encoding e = sequences[s.index()].withTypeId(s.typeId()).withSequenceId(s.index());
                if (!e.overflowing().isEmpty()) {
                    List<Encoding> overflow = new ArrayList<>();
                    for (Encoding o : e.overflowing()) {
                        overflow.add(o.withSequenceId(s.index()));
                    }
                    e = e.withOverflowing(overflow);
                }
                parts.add(e);
            } else if (addSpecialTokens && piece instanceof TemplatePiece.Special sp) {
                parts.add(specialEncoding(sp));
            }
        }
        return parts.isEmpty() ? Encoding.empty() : Encoding.merge(parts);
    }

    private static Encoding specialEncoding(TemplatePiece.Special sp) {
        int n = sp.ids().size();
        int[] ids = new int[n];
        int[] type = new int[n];
        int[] zeros = new int[n];
        int[] ones = new int[n];
        int[] none = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = sp.ids().get(i);
            type[i] = sp.typeId();
            ones[i] = 1;
            none[i] = Encoding.NONE;
        }
        return new Encoding(ids, type, sp.tokens().toArray(new String[0]), zeros, zeros.clone(), none, ones,
                ones.clone(), none.clone(), List.of());
    }

    /** Pads encodings as this tokenizer's padding says ("longest" = the longest of the list); none: unchanged. */
    public List<Encoding> pad(List<Encoding> encodings) {
        if (padding == null || encodings.isEmpty()) {
            return encodings;
        }
        int longest = 0;
        for (Encoding e : encodings) {
            longest = Math.max(longest, e.length());
        }
        int target = padding.targetLength(longest);
        List<Encoding> out = new ArrayList<>(encodings.size());
        for (Encoding e : encodings) {
            out.add(e.pad(target, padding.padId(), padding.padTypeId(), padding.padToken(), padding.direction()));
        }
        return out;
    }

    // ---------------------------------------------------------------- vocabulary and decoding

    /** The token string of {@code id} (added tokens first, then the model), or {@code null}. */
    public String idToToken(int id) {
        AddedToken t = added.byId(id);
        return t != null ? t.content() : model.idToToken(id);
    }

    /** The id of {@code token}, or {@code null}. */
    public Integer tokenToId(String token) {
        AddedToken t = added.byContent(token);
        return t != null ? Integer.valueOf(t.id()) : model.tokenToId(token);
    }

    /** Turns ids back into text as HF's {@code Tokenizer.decode}; unknown ids are skipped. */
    public String decode(int[] ids, boolean skipSpecialTokens) {
        List<String> tokens = new ArrayList<>(ids.length);
        for (int id : ids) {
            String t = idToToken(id);
            if (t != null && !(skipSpecialTokens && added.isSpecial(t))) {
                tokens.add(t);
            }
        }
        return decoder != null ? decoder.decode(tokens) : String.join(" ", tokens);
    }
}
