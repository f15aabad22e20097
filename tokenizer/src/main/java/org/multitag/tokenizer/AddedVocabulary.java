package org.multitag.tokenizer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.multitag.tokenizer.model.CodePointTrie;
import org.multitag.tokenizer.normalizer.NormalizedString;
import org.multitag.tokenizer.normalizer.Normalizer;
import org.multitag.tokenizer.normalizer.UnicodeTables;

/**
 * Added and special tokens, found in the text before anything else runs, as HF's {@code AddedVocabulary}:
 * leftmost-longest matches, non-overlapping; tokens with {@code normalized=false} are matched in the raw text,
 * the others in the normalized text of the pieces between.
 */
public final class AddedVocabulary {

    /** Receives the result of splitting: plain pieces and added-token matches, in text order. */
    interface SplitSink {
        void piece(int from, int to);

        void added(AddedToken token, int from, int to);
    }

    private final List<AddedToken> tokens;
    private final Map<String, AddedToken> byContent = new HashMap<>();
    private final Map<Integer, AddedToken> byId = new HashMap<>();
    private final List<AddedToken> rawTokens = new ArrayList<>();
    private final List<AddedToken> normalizedTokens = new ArrayList<>();
    private final CodePointTrie raw;
    private final CodePointTrie normalized;

    AddedVocabulary(List<AddedToken> tokens, Normalizer normalizer) {
        this.tokens = List.copyOf(tokens);
        int rawEdges = 16;
        for (AddedToken t : tokens) {
            byContent.put(t.content(), t);
            byId.put(t.id(), t);
            rawEdges += t.content().length();
        }
        raw = new CodePointTrie(rawEdges);
        normalized = new CodePointTrie(rawEdges);
        NormalizedString scratch = new NormalizedString();
        for (AddedToken t : tokens) {
            if (t.normalized() && normalizer != null) {
                scratch.reset(t.content(), 0, t.content().length());
                normalizer.normalize(scratch);
                int[] cps = java.util.Arrays.copyOf(scratch.codePoints(), scratch.length());
                if (cps.length > 0) {
                    normalized.put(cps, 0, normalizedTokens.size());
                    normalizedTokens.add(t);
                }
            } else {
                raw.put(t.content().codePoints().toArray(), 0, rawTokens.size());
                rawTokens.add(t);
            }
        }
    }

    public List<AddedToken> tokens() {
        return Collections.unmodifiableList(tokens);
    }

    AddedToken byContent(String content) {
        return byContent.get(content);
    }

    AddedToken byId(int id) {
        return byId.get(id);
    }

    boolean isSpecial(String token) {
        AddedToken t = byContent.get(token);
        return t != null && t.special();
    }

    boolean hasNormalizedTokens() {
        return !normalizedTokens.isEmpty();
    }

    /** Splits code points {@code [from, to)} of {@code text} around raw (not normalized) added tokens. */
    void splitRaw(NormalizedString text, int from, int to, SplitSink sink) {
        split(text, from, to, raw, rawTokens, sink);
    }

    /** Splits code points {@code [from, to)} of normalized {@code text} around normalized added tokens. */
    void splitNormalized(NormalizedString text, int from, int to, SplitSink sink) {
        split(text, from, to, normalized, normalizedTokens, sink);
    }

    private static void split(NormalizedString text, int from, int to, CodePointTrie trie, List<AddedToken> list,
            SplitSink sink) {
        int[] cps = text.codePoints();
        int pieceStart = from;
        int i = from;
        while (i < to) {
            int node = CodePointTrie.ROOT;
            int matchEnd = -1;
            int match = -1;
            for (int j = i; j < to; j++) {
                node = trie.child(node, cps[j]);
                if (node == CodePointTrie.NONE) {
                    break;
                }
                if (trie.value(node) != CodePointTrie.NONE) {
                    matchEnd = j + 1;
                    match = trie.value(node);
                }
            }
            if (match < 0) {
                i++;
                continue;
            }
            AddedToken token = list.get(match);
            int start = i;
            int stop = matchEnd;
            i = matchEnd;
            if (token.singleWord() && ((start > from && isWordChar(cps[start - 1]))
                    || (stop < to && isWordChar(cps[stop])))) {
                continue;
            }
            if (token.lstrip()) {
                while (start > pieceStart && UnicodeTables.is(cps[start - 1], UnicodeTables.WHITESPACE)) {
                    start--;
                }
            }
            if (token.rstrip()) {
                while (stop < to && UnicodeTables.is(cps[stop], UnicodeTables.WHITESPACE)) {
                    stop++;
                }
                i = stop;
            }
            if (start > pieceStart) {
                sink.piece(pieceStart, start);
            }
            sink.added(token, start, stop);
            pieceStart = stop;
        }
        if (pieceStart < to || (pieceStart == from && to == from)) {
            sink.piece(pieceStart, to);
        }
    }

    private static boolean isWordChar(int cp) {
        return Character.isLetterOrDigit(cp) || cp == '_';
    }
}
