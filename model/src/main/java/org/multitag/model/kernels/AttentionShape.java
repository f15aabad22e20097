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
 */
public final class AttentionShape {

    private final int batch;
    private final int t;
    private final int heads;
    private final int d;
    private final int[][] keys;
    private final boolean[] uniform;
    private final boolean prefixOnly;

    private AttentionShape(int batch, int t, int heads, int d, int[][] keys, boolean[] uniform) {
        this.batch = batch;
        this.t = t;
        this.heads = heads;
        this.d = d;
        this.keys = keys;
        this.uniform = uniform;
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
        return new AttentionShape(b, t, heads, d, keys, uniform);
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
