package org.multitag.tokenizer;

import java.util.Arrays;
import java.util.List;
import org.multitag.tokenizer.model.TokenSink;
import org.multitag.tokenizer.model.WordPieceModel;

/** Collects the tokens of one sequence (ids, original offsets, word ids) into reused growable arrays. */
final class SequenceBuilder implements TokenSink {

    private final WordPieceModel model;
    private int[] ids = new int[64];
    private int[] starts = new int[64];
    private int[] ends = new int[64];
    private int[] words = new int[64];
    private String[] tokens = new String[64];
    private int size;
    private int word;

    SequenceBuilder(WordPieceModel model) {
        this.model = model;
    }

    void reset() {
        size = 0;
        word = 0;
    }

    void setWord(int wordId) {
        word = wordId;
    }

    @Override
    public void token(int id, int originalStart, int originalEnd) {
        add(id, model.idToToken(id), originalStart, originalEnd);
    }

    void add(int id, String token, int originalStart, int originalEnd) {
        if (size == ids.length) {
            int cap = size * 2;
            ids = Arrays.copyOf(ids, cap);
            starts = Arrays.copyOf(starts, cap);
            ends = Arrays.copyOf(ends, cap);
            words = Arrays.copyOf(words, cap);
            tokens = Arrays.copyOf(tokens, cap);
        }
        ids[size] = id;
        tokens[size] = token;
        starts[size] = originalStart;
        ends[size] = originalEnd;
        words[size] = word;
        size++;
    }

    @Override
    public void discard(int n) {
        size -= n;
    }

    Encoding build(int typeId) {
        int[] type = new int[size];
        Arrays.fill(type, typeId);
        int[] ones = new int[size];
        Arrays.fill(ones, 1);
        int[] noSeq = new int[size];
        Arrays.fill(noSeq, Encoding.NONE);
        return new Encoding(Arrays.copyOf(ids, size), type, Arrays.copyOf(tokens, size), Arrays.copyOf(starts, size),
                Arrays.copyOf(ends, size), Arrays.copyOf(words, size), new int[size], ones, noSeq, List.of());
    }
}
