package org.multitag.model.kernels;

import java.util.Arrays;

/**
 * The shape of one attention call: B rows of T positions, {@code heads} heads of size {@code d}, and for each row
 * the keys its queries attend to, from the attention mask (1 = attend). A row whose mask is all 0 attends to every
 * key with equal weight: transformers adds the same float32 minimum to each of its scores, so its softmax is
 * uniform.
 *
 * <p>The kernels work in key order: a query's probabilities sit at indices {@code 0 … |keys| − 1} of its row of
 * {@code T}, the rest 0. When every row's keys are a prefix (right padding, the usual case) that is already the
 * position order.
 *
 * <p>Two layouts of the rows: <em>padded</em> ({@link #of}, {@link #ofLengths}), row b's positions at array rows
 * {@code b·T … b·T + T − 1}, every position a query; and <em>packed</em> ({@link #packed}), only each row's real
 * tokens, laid end to end ({@code [N, ·]} with N their sum), row b's at {@link #rowStart}{@code (b)} onwards, the
 * first {@link #queries}{@code (b)} of them queries and keys. Packed shapes are for inference: no dropout, no
 * probabilities kept; kernels say whether they take them ({@link Kernels#attendsPackedRows()}).
 */
public final class AttentionShape {

    private final int batch;
    private final int t;
    private final int heads;
    private final int d;
    private final int[][] keys;
    private final boolean[] uniform;
    private final boolean prefixOnly;
    /** Packed layout: each row's first array row; null when padded (row b starts at b·T). */
    private final int[] starts;

    private AttentionShape(int batch, int t, int heads, int d, int[][] keys, boolean[] uniform, int[] starts) {
        this.batch = batch;
        this.t = t;
        this.heads = heads;
        this.d = d;
        this.keys = keys;
        this.uniform = uniform;
        this.starts = starts;
        boolean p = true;
        for (int[] k : keys) {
            p &= isPrefix(k);
        }
        this.prefixOnly = p;
    }

    /** The shape of a batch with attention mask {@code mask [B][T]} (0 or 1). */
    public static AttentionShape of(int[][] mask, int heads, int d) {
        int b = mask.length;
        int t = mask[0].length;
        int[][] keys = new int[b][];
        boolean[] uniform = new boolean[b];
        for (int r = 0; r < b; r++) {
            int n = 0;
            int[] k = new int[t];
            for (int j = 0; j < t; j++) {
                if (mask[r][j] != 0) {
                    k[n++] = j;
                }
            }
            if (n == 0) {
                uniform[r] = true;
                for (int j = 0; j < t; j++) {
                    k[j] = j;
                }
                n = t;
            }
            keys[r] = Arrays.copyOf(k, n);
        }
        return new AttentionShape(b, t, heads, d, keys, uniform, null);
    }

    /**
     * The packed shape of rows of {@code lengths[b]} real tokens each (every one at least 1), laid end to end: each
     * row's tokens attend to its own tokens, as a right-padded row of that length does; T is the longest length.
     */
    public static AttentionShape packed(int[] lengths, int heads, int d) {
        int b = lengths.length;
        int[][] keys = new int[b][];
        int[] starts = new int[b];
        int t = 0;
        int n = 0;
        for (int r = 0; r < b; r++) {
            if (lengths[r] < 1) {
                throw new IllegalArgumentException("row " + r + " has " + lengths[r] + " tokens; a packed row needs 1 or"
                        + " more");
            }
            keys[r] = new int[lengths[r]];
            Arrays.setAll(keys[r], j -> j);
            starts[r] = n;
            n += lengths[r];
            t = Math.max(t, lengths[r]);
        }
        return new AttentionShape(b, t, heads, d, keys, new boolean[b], starts);
    }

    /** Rows whose first {@code lengths[b]} keys are attended (right padding). */
    public static AttentionShape ofLengths(int[] lengths, int t, int heads, int d) {
        int[][] mask = new int[lengths.length][t];
        for (int r = 0; r < lengths.length; r++) {
            Arrays.fill(mask[r], 0, lengths[r], 1);
        }
        return of(mask, heads, d);
    }

    private static boolean isPrefix(int[] k) {
        for (int j = 0; j < k.length; j++) {
            if (k[j] != j) {
                return false;
            }
        }
        return true;
    }

    public int batch() {
        return batch;
    }

    public int t() {
        return t;
    }

    public int heads() {
        return heads;
    }

    public int d() {
        return d;
    }

    /** heads · d. */
    public int hidden() {
        return heads * d;
    }

    /** The positions row {@code b} attends to, ascending (a view: do not change it). */
    int[] keys(int b) {
        return keys[b];
    }

    /** Whether row {@code b} has uniform attention (its mask is all 0). */
    boolean uniform(int b) {
        return uniform[b];
    }

    /** Whether the rows are packed (see the class comment). */
    public boolean packed() {
        return starts != null;
    }

    /** The array row of row b's position 0. */
    int rowStart(int b) {
        return starts == null ? b * t : starts[b];
    }

    /** How many of row b's positions are queries (and array rows): T padded, the row's tokens packed. */
    int queries(int b) {
        return starts == null ? t : keys[b].length;
    }

    /** Array rows of the qkv, merged and gradient arrays: B·T padded, the tokens' sum packed. */
    public int rows() {
        return starts == null ? batch * t : starts[batch - 1] + keys[batch - 1].length;
    }

    /**
     * Throws unless kernels that take packed rows may run this forward: a packed shape with neither dropout nor kept
     * probabilities.
     */
    void checkForward(DropoutMask keep, Object probs) {
        if (starts != null && (keep != null || probs != null)) {
            throw new IllegalArgumentException("packed rows are for inference: no attention dropout, no probabilities");
        }
    }

    /** Throws for a packed shape: the backward, the attention maps and the ND4J-op kernels take padded rows only. */
    void checkPadded(String what) {
        if (starts != null) {
            throw new IllegalArgumentException(what + " takes padded rows only, not packed ones");
        }
    }

    /** Whether every row's keys are {@code 0 … |keys| − 1}. */
    public boolean prefixOnly() {
        return prefixOnly;
    }

    /** {@code 1/√d}, the score scale. */
    float scale() {
        return (float) (1 / Math.sqrt(d));
    }

    /** Elements of the probabilities, B·heads·T·T. */
    public int probsLength() {
        return batch * heads * t * t;
    }

    /** Offset of (row b, head, query i) in a {@code [B, heads, T, T]} array. */
    int probsRow(int b, int head, int i) {
        return ((b * heads + head) * t + i) * t;
    }
}
