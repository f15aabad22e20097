package org.multitag.model;

import java.util.Arrays;
import java.util.List;

/**
 * Token ids for the encoder, right-padded to the longest sequence. Each row has its real length;
 * {@code attention_mask} is 1 on the first {@code length} positions and 0 after them.
 *
 * @param inputIds [batch][maxLength], 0 after each row's length
 * @param tokenTypeIds [batch][maxLength], same padding
 * @param lengths real length of each row (≥ 1)
 */
public record Batch(int[][] inputIds, int[][] tokenTypeIds, int[] lengths) {

    public Batch {
        if (inputIds.length == 0) {
            throw new IllegalArgumentException("empty batch");
        }
        if (tokenTypeIds.length != inputIds.length || lengths.length != inputIds.length) {
            throw new IllegalArgumentException("input_ids, token_type_ids and lengths differ in batch size");
        }
        int t = inputIds[0].length;
        for (int b = 0; b < inputIds.length; b++) {
            if (inputIds[b].length != t || tokenTypeIds[b].length != t) {
                throw new IllegalArgumentException("row " + b + " is not padded to " + t);
            }
            if (lengths[b] < 1 || lengths[b] > t) {
                throw new IllegalArgumentException("row " + b + " has length " + lengths[b] + " (padded to " + t + ")");
            }
        }
    }

    /** Pads rows of ids (and optional type ids, null = all 0) to the longest row. */
    public static Batch of(List<int[]> ids, List<int[]> typeIds) {
        int n = ids.size();
        int t = 0;
        for (int[] r : ids) {
            t = Math.max(t, r.length);
        }
        int[][] in = new int[n][t];
        int[][] ty = new int[n][t];
        int[] len = new int[n];
        for (int b = 0; b < n; b++) {
            int[] r = ids.get(b);
            System.arraycopy(r, 0, in[b], 0, r.length);
            if (typeIds != null && typeIds.get(b) != null) {
                int[] tr = typeIds.get(b);
                if (tr.length != r.length) {
                    throw new IllegalArgumentException("row " + b + ": " + tr.length + " token_type_ids for "
                            + r.length + " input_ids");
                }
                System.arraycopy(tr, 0, ty[b], 0, tr.length);
            }
            len[b] = r.length;
        }
        return new Batch(in, ty, len);
    }

    /** A batch of one sequence with token type 0. */
    public static Batch of(int... ids) {
        return of(List.of(ids), null);
    }

    public int size() {
        return inputIds.length;
    }

    public int maxLength() {
        return inputIds[0].length;
    }

    /** Real (unpadded) tokens in the batch. */
    public int tokens() {
        return Arrays.stream(lengths).sum();
    }

    /** attention_mask as 0/1 ints, [batch][maxLength]. */
    public int[][] attentionMask() {
        int[][] m = new int[size()][maxLength()];
        for (int b = 0; b < size(); b++) {
            Arrays.fill(m[b], 0, lengths[b], 1);
        }
        return m;
    }
}
