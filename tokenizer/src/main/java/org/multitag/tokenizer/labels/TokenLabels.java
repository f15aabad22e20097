package org.multitag.tokenizer.labels;

/**
 * Training targets for one encoding: a multi-hot row per token and a mask saying which tokens carry a loss
 * (special tokens, padding and, by default, continuation sub-tokens do not).
 *
 * @param targets {@code [tokens][labels]}, 1 where the token has the label
 * @param mask {@code [tokens]}, 1 where the token's labels count
 */
public record TokenLabels(float[][] targets, int[] mask) {

    /** The label indices set on token {@code i}. */
    public int[] labelsOf(int i) {
        float[] row = targets[i];
        int n = 0;
        for (float v : row) {
            if (v != 0f) {
                n++;
            }
        }
        int[] out = new int[n];
        for (int j = 0, k = 0; j < row.length; j++) {
            if (row[j] != 0f) {
                out[k++] = j;
            }
        }
        return out;
    }
}
