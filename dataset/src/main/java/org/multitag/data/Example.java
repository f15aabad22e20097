package org.multitag.data;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.multitag.tokenizer.labels.Span;

/**
 * One training or evaluation example after tokenization: what the model sees (token ids, type ids), what the
 * loss needs (a target label set per token and a mask of the tokens that carry a loss) and what word-level
 * evaluation needs (each word's first sub-token and gold label set), plus, for text-and-span data, the text,
 * the token offsets and the gold spans.
 *
 * <p>Targets are kept compactly as the label indices set on each token; {@link #targets()} and
 * {@link #writeTargets} expand them to multi-hot rows. Immutable: array accessors return copies.
 */
public final class Example {

    private static final int[] NONE = new int[0];

    private final String source;
    private final int[] inputIds;
    private final int[] typeIds;
    private final int[][] tokenLabels;
    private final int[] lossMask;
    private final int numLabels;
    private final int[] tokenWords;
    private final int[] wordFirstTokens;
    private final int[][] wordLabels;
    private final boolean truncated;
    private final String text;
    private final int[] offsetStarts;
    private final int[] offsetEnds;
    private final List<Span> goldSpans;
    private final int[] wordStarts;
    private final int[] wordEnds;
    private List<List<String>> unknownWordLabels; // set only by withUnknownWordLabels, on a new instance

    /**
     * @param source {@code file:line} the example was read from
     * @param inputIds token ids, special tokens included
     * @param typeIds token type ids, one per token
     * @param tokenLabels for each token, the label indices that are 1 in its target row
     * @param lossMask for each token, 1 when its labels count in the loss
     * @param numLabels the size of the label set (the width of a target row)
     * @param tokenWords for each token, the index of its word, or -1 (special tokens)
     * @param wordLabels for each word, its gold label indices
     * @param truncated whether tokens were cut off to fit the maximum length
     * @param text for span data, the text ({@code null} otherwise, and then the next three too)
     * @param offsetStarts for span data, each token's start in {@code text} (UTF-16)
     * @param offsetEnds for span data, each token's end in {@code text} (UTF-16, exclusive)
     * @param goldSpans for span data, the gold spans
     */
    public Example(String source, int[] inputIds, int[] typeIds, int[][] tokenLabels, int[] lossMask,
            int numLabels, int[] tokenWords, int[][] wordLabels, boolean truncated, String text, int[] offsetStarts,
            int[] offsetEnds, List<Span> goldSpans) {
        this.source = source;
        int n = inputIds.length;
        if (typeIds.length != n || tokenLabels.length != n || lossMask.length != n || tokenWords.length != n) {
            throw new IllegalArgumentException("token arrays differ in length");
        }
        if (numLabels < 0) {
            throw new IllegalArgumentException("numLabels < 0");
        }
        this.inputIds = inputIds.clone();
        this.typeIds = typeIds.clone();
        this.tokenLabels = labelSets(tokenLabels, numLabels);
        this.lossMask = lossMask.clone();
        this.numLabels = numLabels;
        this.tokenWords = tokenWords.clone();
        this.wordLabels = labelSets(wordLabels, numLabels);
        this.wordFirstTokens = new int[wordLabels.length];
        Arrays.fill(wordFirstTokens, -1);
        for (int i = 0; i < n; i++) {
            int w = tokenWords[i];
            if (w < -1 || w >= wordLabels.length) {
                throw new IllegalArgumentException("token " + i + " belongs to word " + w + " of "
                        + wordLabels.length);
            }
            if (w >= 0 && wordFirstTokens[w] < 0) {
                wordFirstTokens[w] = i;
            }
        }
        this.truncated = truncated;
        this.text = text;
        if (text != null) {
            if (offsetStarts.length != n || offsetEnds.length != n) {
                throw new IllegalArgumentException("offsets differ in length from the tokens");
            }
            this.offsetStarts = offsetStarts.clone();
            this.offsetEnds = offsetEnds.clone();
            this.goldSpans = List.copyOf(goldSpans);
            this.wordStarts = new int[wordLabels.length];
            this.wordEnds = new int[wordLabels.length];
            Arrays.fill(wordStarts, -1);
            Arrays.fill(wordEnds, -1);
            for (int i = 0; i < n; i++) {
                int w = tokenWords[i];
                if (w >= 0) {
                    if (wordStarts[w] < 0) {
                        wordStarts[w] = offsetStarts[i];
                    }
                    wordEnds[w] = Math.max(wordEnds[w], offsetEnds[i]);
                }
            }
        } else {
            this.offsetStarts = null;
            this.offsetEnds = null;
            this.goldSpans = null;
            this.wordStarts = null;
            this.wordEnds = null;
        }
    }

    private static int[][] labelSets(int[][] sets, int numLabels) {
        int[][] out = new int[sets.length][];
        for (int i = 0; i < sets.length; i++) {
            int[] s = sets[i].length == 0 ? NONE : sets[i].clone();
            Arrays.sort(s);
            for (int k = 0; k < s.length; k++) {
                if (s[k] < 0 || s[k] >= numLabels || (k > 0 && s[k] == s[k - 1])) {
                    throw new IllegalArgumentException("bad label index " + s[k] + " (of " + numLabels
                            + ", or repeated)");
                }
            }
            out[i] = s;
        }
        return out;
    }

    /** {@code file:line} the example was read from. */
    public String source() {
        return source;
    }

    /** Number of tokens. */
    public int length() {
        return inputIds.length;
    }

    /** Size of the label set (width of a target row). */
    public int numLabels() {
        return numLabels;
    }

    public int[] inputIds() {
        return inputIds.clone();
    }

    public int[] typeIds() {
        return typeIds.clone();
    }

    /** 1 for tokens whose labels count in the loss, 0 for the others. */
    public int[] lossMask() {
        return lossMask.clone();
    }

    /** The label indices of token {@code i}'s target (sorted). */
    public int[] tokenLabels(int i) {
        return tokenLabels[i].clone();
    }

    /** Multi-hot targets {@code [tokens][labels]}. */
    public float[][] targets() {
        float[][] t = new float[inputIds.length][numLabels];
        for (int i = 0; i < t.length; i++) {
            for (int l : tokenLabels[i]) {
                t[i][l] = 1f;
            }
        }
        return t;
    }

    /**
     * Writes the multi-hot targets row-major ({@code length() * numLabels()} values) into {@code dest} from
     * {@code offset}, zeros included.
     */
    public void writeTargets(float[] dest, int offset) {
        Arrays.fill(dest, offset, offset + inputIds.length * numLabels, 0f);
        for (int i = 0; i < inputIds.length; i++) {
            for (int l : tokenLabels[i]) {
                dest[offset + i * numLabels + l] = 1f;
            }
        }
    }

    /** For each token, the index of its word, or -1 for tokens outside any word (special tokens). */
    public int[] tokenWords() {
        return tokenWords.clone();
    }

    /** Number of words (the units of word-level evaluation). */
    public int wordCount() {
        return wordLabels.length;
    }

    /** The index of word {@code w}'s first sub-token, or -1 when truncation cut the word off. */
    public int firstToken(int w) {
        return wordFirstTokens[w];
    }

    /** The gold label indices of word {@code w} (sorted). */
    public int[] wordLabels(int w) {
        return wordLabels[w].clone();
    }

    /**
     * This example with gold labels outside the label set kept per word (evaluation data; they count as missed).
     *
     * @param unknown one list per word
     */
    public Example withUnknownWordLabels(List<List<String>> unknown) {
        if (unknown.size() != wordLabels.length) {
            throw new IllegalArgumentException(unknown.size() + " unknown-label lists for " + wordLabels.length
                    + " words");
        }
        Example e = new Example(source, inputIds, typeIds, tokenLabels, lossMask, numLabels, tokenWords, wordLabels,
                truncated, text, offsetStarts, offsetEnds, goldSpans);
        List<List<String>> copy = new java.util.ArrayList<>();
        unknown.forEach(u -> copy.add(List.copyOf(u)));
        e.unknownWordLabels = List.copyOf(copy);
        return e;
    }

    /** Word {@code w}'s gold labels that are not in the label set (kept only when the reader was asked to). */
    public List<String> unknownWordLabels(int w) {
        return unknownWordLabels == null ? List.of() : unknownWordLabels.get(w);
    }

    /** How many gold labels of this example are outside the label set. */
    public int unknownLabelCount() {
        return unknownWordLabels == null ? 0 : unknownWordLabels.stream().mapToInt(List::size).sum();
    }

    /** Whether tokens were cut off to fit the maximum length (the words cut off have no first token). */
    public boolean truncated() {
        return truncated;
    }

    /**
     * For each word, the probabilities of its first sub-token (a row of {@code tokenProbabilities}, shared, not
     * copied), or {@code null} for a word truncation cut off.
     *
     * @param tokenProbabilities {@code [tokens][labels]} for this example
     */
    public float[][] wordProbabilities(float[][] tokenProbabilities) {
        if (tokenProbabilities.length < inputIds.length) {
            throw new IllegalArgumentException(tokenProbabilities.length + " probability rows for "
                    + inputIds.length + " tokens");
        }
        float[][] out = new float[wordLabels.length][];
        for (int w = 0; w < out.length; w++) {
            int t = wordFirstTokens[w];
            out[w] = t < 0 ? null : tokenProbabilities[t];
        }
        return out;
    }

    // ---------------------------------------------------------------- span data

    /** Whether this example came from text with spans (and has a text, offsets and gold spans). */
    public boolean hasSpans() {
        return text != null;
    }

    /** The text, or {@code null} when the example is not span data. */
    public String text() {
        return text;
    }

    /** Token start offsets in {@link #text()} (UTF-16), or {@code null}. */
    public int[] offsetStarts() {
        return offsetStarts == null ? null : offsetStarts.clone();
    }

    /** Token end offsets in {@link #text()} (UTF-16, exclusive), or {@code null}. */
    public int[] offsetEnds() {
        return offsetEnds == null ? null : offsetEnds.clone();
    }

    /** The gold spans (distinct, in file order), or {@code null} when the example is not span data. */
    public List<Span> goldSpans() {
        return goldSpans;
    }

    /** Start of word {@code w} in the text (its first token's start); span data only, -1 if cut off. */
    public int wordStart(int w) {
        return requireSpans(wordStarts)[w];
    }

    /** End of word {@code w} in the text (its last token's end); span data only, -1 if cut off. */
    public int wordEnd(int w) {
        return requireSpans(wordEnds)[w];
    }

    private int[] requireSpans(int[] a) {
        if (a == null) {
            throw new IllegalStateException(source + " is not span data");
        }
        return a;
    }

    @Override
    public String toString() {
        return "Example[" + source + ", " + inputIds.length + " tokens, " + wordLabels.length + " words"
                + (truncated ? ", truncated" : "") + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Example e && Objects.equals(source, e.source) && Arrays.equals(inputIds, e.inputIds)
                && Arrays.equals(typeIds, e.typeIds) && Arrays.deepEquals(tokenLabels, e.tokenLabels)
                && Arrays.equals(lossMask, e.lossMask) && numLabels == e.numLabels
                && Arrays.equals(tokenWords, e.tokenWords) && Arrays.deepEquals(wordLabels, e.wordLabels)
                && truncated == e.truncated && Objects.equals(text, e.text)
                && Arrays.equals(offsetStarts, e.offsetStarts) && Arrays.equals(offsetEnds, e.offsetEnds)
                && Objects.equals(goldSpans, e.goldSpans);
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, Arrays.hashCode(inputIds), numLabels, text);
    }
}
