package org.multitag.tokenizer.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.multitag.tokenizer.normalizer.NormalizedString;

/**
 * WordPiece: greedy longest-match-first split of a word into vocabulary pieces, continuation pieces carrying a
 * prefix ({@code ##}); a word with any unmatched part, or longer than {@code maxInputCharsPerWord} code points,
 * becomes the single unknown token. Same results as Hugging Face's {@code WordPiece} model.
 *
 * <p>Matching walks a trie from each piece start and remembers the last vocabulary entry passed, so a piece
 * costs at most the length of the longest vocabulary entry: linear time per word whatever its length.
 */
public final class WordPieceModel {

    private final Map<String, Integer> vocab;
    private final String[] idToToken;
    private final String unkToken;
    private final int unkId;
    private final String continuingSubwordPrefix;
    private final int maxInputCharsPerWord;
    private final CodePointTrie initial;
    private final CodePointTrie continuation;

    public WordPieceModel(Map<String, Integer> vocab, String unkToken, String continuingSubwordPrefix,
            int maxInputCharsPerWord) {
        this.vocab = Collections.unmodifiableMap(new LinkedHashMap<>(vocab));
        this.unkToken = Objects.requireNonNull(unkToken, "unkToken");
        this.continuingSubwordPrefix = Objects.requireNonNull(continuingSubwordPrefix, "continuingSubwordPrefix");
        this.maxInputCharsPerWord = maxInputCharsPerWord;
        Integer unk = vocab.get(unkToken);
        if (unk == null) {
            throw new IllegalArgumentException("unknown token '" + unkToken + "' is not in the vocabulary");
        }
        this.unkId = unk;
        int maxId = vocab.values().stream().mapToInt(Integer::intValue).max().orElse(-1);
        this.idToToken = new String[maxId + 1];
        int edges = 0;
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            if (e.getValue() < 0) {
                throw new IllegalArgumentException("negative id for token '" + e.getKey() + "'");
            }
            idToToken[e.getValue()] = e.getKey();
            edges += e.getKey().length();
        }
        this.initial = new CodePointTrie(edges);
        this.continuation = new CodePointTrie(edges / 2 + 16);
        int[] prefix = continuingSubwordPrefix.codePoints().toArray();
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            int[] cps = e.getKey().codePoints().toArray();
            initial.put(cps, 0, e.getValue());
            if (startsWith(cps, prefix)) {
                continuation.put(cps, prefix.length, e.getValue());
            }
        }
    }

    private static boolean startsWith(int[] cps, int[] prefix) {
        if (cps.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (cps[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Tokenizes the word made of code points {@code [from, to)} of {@code text}, sending each piece with the
     * original range it covers. Returns the number of tokens produced.
     */
    public int tokenize(NormalizedString text, int from, int to, TokenSink out) {
        if (to - from > maxInputCharsPerWord) {
            out.token(unkId, text.originalStart(from), text.originalEnd(to - 1));
            return 1;
        }
        int[] cps = text.codePoints();
        int pos = from;
        int count = 0;
        while (pos < to) {
            long match = longestMatch(pos == from ? initial : continuation, cps, pos, to);
            if (match < 0) {
                out.discard(count);
                out.token(unkId, text.originalStart(from), text.originalEnd(to - 1));
                return 1;
            }
            int end = (int) match;
            out.token((int) (match >>> 32), text.originalStart(pos), text.originalEnd(end - 1));
            pos = end;
            count++;
        }
        return count;
    }

    /** The longest vocabulary entry starting at {@code pos}: {@code id << 32 | end}, or -1 when none. */
    private static long longestMatch(CodePointTrie trie, int[] cps, int pos, int to) {
        int node = CodePointTrie.ROOT;
        long best = -1;
        for (int i = pos; i < to; i++) {
            node = trie.child(node, cps[i]);
            if (node == CodePointTrie.NONE) {
                break;
            }
            int v = trie.value(node);
            if (v != CodePointTrie.NONE) {
                best = ((long) v << 32) | (i + 1);
            }
        }
        return best;
    }

    public Map<String, Integer> vocab() {
        return vocab;
    }

    public int vocabSize() {
        return vocab.size();
    }

    /** The token for {@code id}, or {@code null} when the id is not in the vocabulary. */
    public String idToToken(int id) {
        return id >= 0 && id < idToToken.length ? idToToken[id] : null;
    }

    /** The id of {@code token}, or {@code null}. */
    public Integer tokenToId(String token) {
        return vocab.get(token);
    }

    public String unkToken() {
        return unkToken;
    }

    public int unkId() {
        return unkId;
    }

    public String continuingSubwordPrefix() {
        return continuingSubwordPrefix;
    }

    public int maxInputCharsPerWord() {
        return maxInputCharsPerWord;
    }
}
