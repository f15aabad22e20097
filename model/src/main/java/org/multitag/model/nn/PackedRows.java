package org.multitag.model.nn;

import org.multitag.model.kernels.AttentionShape;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The real tokens of a right-padded batch laid end to end, so that an inference pass computes no padding: every
 * block but attention works token by token, and attention takes the packed {@link AttentionShape}, in which each
 * row's tokens attend to that row's tokens alone. A batch of requests padded to its longest one holds 2 to 3 times
 * its real tokens (EWT sentences, batches of 8 to 16); packed, the gemms see only the real ones.
 *
 * <p>A token's values are the bits it gets in the padded pass: every kernel computes a row, and an attention row,
 * the same way whatever rows surround it (the parity tests hold each row of a padded batch to the row alone).
 * What differs is the padding positions: not computed, so an unpacked output has 0 there (transformers computes
 * them, and nothing real reads them).
 */
final class PackedRows {

    private final int rows;
    private final int t;
    private final int[] lengths;
    private final int tokens;

    private PackedRows(int rows, int t, int[] lengths, int tokens) {
        this.rows = rows;
        this.t = t;
        this.lengths = lengths;
        this.tokens = tokens;
    }

    /**
     * The packing of {@code batch}, or null when there is no padding to drop, the attention mask is not right padding
     * (each row 1s then 0s, at least one 1), or a single token is left: any such batch runs padded, as transformers
     * lays it out.
     */
    static PackedRows of(Batch batch) {
        int b = batch.size();
        int t = batch.maxLength();
        int[] lengths = new int[b];
        int tokens = 0;
        for (int r = 0; r < b; r++) {
            int[] m = batch.attentionMask()[r];
            int n = 0;
            while (n < t && m[n] == 1) {
                n++;
            }
            for (int i = n; i < t; i++) {
                if (m[i] != 0) {
                    return null;
                }
            }
            if (n == 0) {
                return null;
            }
            lengths[r] = n;
            tokens += n;
        }
        // one token alone would reach the gemms as a single row, which BLAS computes by another path than rows among
        // others (so other bits); the padded pass never has fewer than two
        return tokens == b * t || tokens < 2 ? null : new PackedRows(b, t, lengths, tokens);
    }

    /** The batch's real tokens as one row of {@code N} (ids, token types and position ids kept, mask all 1). */
    Batch tokens(Batch batch) {
        int[][] ids = new int[1][tokens];
        int[][] types = new int[1][tokens];
        int[][] positions = new int[1][tokens];
        int[][] mask = new int[1][tokens];
        java.util.Arrays.fill(mask[0], 1);
        int o = 0;
        for (int r = 0; r < rows; r++) {
            System.arraycopy(batch.inputIds()[r], 0, ids[0], o, lengths[r]);
            System.arraycopy(batch.tokenTypeIds()[r], 0, types[0], o, lengths[r]);
            System.arraycopy(batch.positionIds()[r], 0, positions[0], o, lengths[r]);
            o += lengths[r];
        }
        return new Batch(ids, types, mask, positions);
    }

    /** The packed attention shape of these rows. */
    AttentionShape shape(int heads, int d) {
        return AttentionShape.packed(lengths, heads, d);
    }

    /** N, the real tokens. */
    int tokens() {
        return tokens;
    }

    /** B·T, the padded batch's positions. */
    long paddedRows() {
        return (long) rows * t;
    }

    /** {@code packed [N, C]} laid out as the padded batch, {@code out [B·T, C]}: row b·T + i, 0 at padding. */
    INDArray unpack(INDArray packed, INDArray out) {
        out.assign(0);
        int from = 0;
        for (int r = 0; r < rows; r++) {
            out.get(NDArrayIndex.interval((long) r * t, (long) r * t + lengths[r]), NDArrayIndex.all())
                    .assign(packed.get(NDArrayIndex.interval(from, from + lengths[r]), NDArrayIndex.all()));
            from += lengths[r];
        }
        return out;
    }
}
