package org.multitag.model.nn;

import java.util.Arrays;
import java.util.List;

/**
 * The encoder's inputs as Hugging Face names them, each {@code [batch][T]}: {@code input_ids}, {@code
 * token_type_ids}, {@code attention_mask} (1 = a key the other positions attend to, 0 = masked; any pattern:
 * padding on the right or the left, a masked position inside a row, a row all 0) and {@code position_ids} (which
 * row of the position table each token takes; transformers' default is {@code 0 … T−1} in every row, also with
 * left padding). Every position is computed, masked ones too, as transformers does.
 */
public record Batch(int[][] inputIds, int[][] tokenTypeIds, int[][] attentionMask, int[][] positionIds) {

    public Batch {
        if (inputIds.length == 0) {
            throw new IllegalArgumentException("empty batch");
        }
        int t = inputIds[0].length;
        if (t == 0) {
            throw new IllegalArgumentException("empty sequence");
        }
        check("token_type_ids", tokenTypeIds, inputIds.length, t);
        check("attention_mask", attentionMask, inputIds.length, t);
        check("position_ids", positionIds, inputIds.length, t);
        for (int b = 0; b < inputIds.length; b++) {
            if (inputIds[b].length != t) {
                throw new IllegalArgumentException("input_ids row " + b + " has " + inputIds[b].length
                        + " positions, row 0 has " + t);
            }
            for (int i = 0; i < t; i++) {
                if (attentionMask[b][i] != 0 && attentionMask[b][i] != 1) {
                    throw new IllegalArgumentException("attention_mask row " + b + " position " + i + " is "
                            + attentionMask[b][i] + " (must be 0 or 1)");
                }
                if (positionIds[b][i] < 0) {
                    throw new IllegalArgumentException("position_ids row " + b + " position " + i + " is negative");
                }
            }
        }
    }

    private static void check(String name, int[][] a, int rows, int t) {
        if (a.length != rows) {
            throw new IllegalArgumentException(name + " has " + a.length + " rows, input_ids " + rows);
        }
        for (int b = 0; b < rows; b++) {
            if (a[b].length != t) {
                throw new IllegalArgumentException(name + " row " + b + " has " + a[b].length + " positions, input_ids "
                        + t);
            }
        }
    }

    /**
     * A batch of Hugging Face inputs; a null {@code tokenTypeIds} means all 0, a null {@code attentionMask} all 1,
     * a null {@code positionIds} {@code 0 … T−1} in every row (transformers' defaults).
     */
    public static Batch of(int[][] inputIds, int[][] tokenTypeIds, int[][] attentionMask, int[][] positionIds) {
        int n = inputIds.length;
        int t = n == 0 ? 0 : inputIds[0].length;
        if (tokenTypeIds == null) {
            tokenTypeIds = new int[n][t];
        }
        if (attentionMask == null) {
            attentionMask = new int[n][t];
            for (int[] r : attentionMask) {
                Arrays.fill(r, 1);
            }
        }
        if (positionIds == null) {
            positionIds = defaultPositions(n, t);
        }
        return new Batch(inputIds, tokenTypeIds, attentionMask, positionIds);
    }

    /**
     * Rows of ids (and optional type ids, null = all 0) right-padded with id 0 to the longest row, attention mask 1
     * on the real tokens, default position ids.
     */
    public static Batch of(List<int[]> ids, List<int[]> typeIds) {
        int n = ids.size();
        int t = 0;
        for (int[] r : ids) {
            t = Math.max(t, r.length);
        }
        int[][] in = new int[n][t];
        int[][] ty = new int[n][t];
        int[][] mask = new int[n][t];
        for (int b = 0; b < n; b++) {
            int[] r = ids.get(b);
            if (r.length == 0) {
                throw new IllegalArgumentException("row " + b + " is empty");
            }
            System.arraycopy(r, 0, in[b], 0, r.length);
            if (typeIds != null && typeIds.get(b) != null) {
                int[] tr = typeIds.get(b);
                if (tr.length != r.length) {
                    throw new IllegalArgumentException("row " + b + ": " + tr.length + " token_type_ids for "
                            + r.length + " input_ids");
                }
                System.arraycopy(tr, 0, ty[b], 0, tr.length);
            }
            Arrays.fill(mask[b], 0, r.length, 1);
        }
        return new Batch(in, ty, mask, defaultPositions(n, t));
    }

    /** A batch of one sequence with token type 0. */
    public static Batch of(int... ids) {
        return of(List.of(ids), null);
    }

    private static int[][] defaultPositions(int n, int t) {
        int[][] p = new int[n][t];
        for (int[] r : p) {
            Arrays.setAll(r, i -> i);
        }
        return p;
    }

    public int size() {
        return inputIds.length;
    }

    /** T, the length every row is padded to. */
    public int maxLength() {
        return inputIds[0].length;
    }

    /** Positions with attention mask 1 in each row (for a right-padded batch: each row's real length). */
    public int[] lengths() {
        int[] n = new int[size()];
        for (int b = 0; b < n.length; b++) {
            for (int m : attentionMask[b]) {
                n[b] += m;
            }
        }
        return n;
    }

    /** Positions with attention mask 1 in the batch. */
    public int tokens() {
        return Arrays.stream(lengths()).sum();
    }
}
