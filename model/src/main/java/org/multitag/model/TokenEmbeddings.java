package org.multitag.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.multitag.model.kernels.NativeArrays;
import org.multitag.model.nn.Batch;
import org.multitag.model.nn.BertEncoder;
import org.multitag.tokenizer.Encoding;

/**
 * The encoder's last hidden state per token, for the embedding entry points that take texts (the service's
 * embeddings, Spark's {@code embed}): inputs in one pass over their real tokens (padding not computed, {@link
 * BertEncoder#lastHiddenStateOfTokens}), an input longer than the limit through windows with {@link LongText#WINDOW},
 * each token's vector from the window its word takes its probabilities from when tagged ({@link LongTextSplit}), so
 * embeddings and labels come from the same context. An input within the limit gets the bits it gets alone.
 */
public final class TokenEmbeddings {

    private TokenEmbeddings() {}

    /**
     * {@code [tokens][hidden]} per encoding, in input order, from one forward pass over all the inputs' rows (a
     * windowed input gives one row per window).
     *
     * @param maxLength the longest row (an encoding over it is split into windows; the caller refuses or truncates
     *     such inputs when it does not window)
     * @param stride tokens consecutive windows share (negative: a quarter of the window)
     */
    public static List<float[][]> lastHiddenState(BertEncoder encoder, List<Encoding> encodings, int maxLength,
            int stride) {
        List<int[]> rows = new ArrayList<>();
        List<int[]> types = new ArrayList<>();
        LongTextSplit[] split = new LongTextSplit[encodings.size()];
        int[] first = new int[encodings.size()];
        for (int i = 0; i < encodings.size(); i++) {
            Encoding e = encodings.get(i);
            first[i] = rows.size();
            if (e.length() <= maxLength) {
                rows.add(e.ids());
                types.add(e.typeIds());
                continue;
            }
            split[i] = LongTextSplit.of(e.ids(), e.typeIds(), e.wordIds(), maxLength, stride);
            for (int k = 0; k < split[i].size(); k++) {
                rows.add(split[i].ids(k));
                types.add(split[i].types(k));
            }
        }
        List<float[][]> perRow = run(encoder, rows, types);
        List<float[][]> out = new ArrayList<>(encodings.size());
        for (int i = 0; i < encodings.size(); i++) {
            out.add(split[i] == null ? perRow.get(first[i])
                    : split[i].stitch(perRow.subList(first[i], first[i] + split[i].size())));
        }
        return out;
    }

    private static List<float[][]> run(BertEncoder encoder, List<int[]> rows, List<int[]> types) {
        if (rows.isEmpty()) {
            return List.of();
        }
        Batch b = Batch.of(rows, types);
        int t = b.maxLength();
        int h = encoder.config().hiddenSize();
        float[] all = NativeArrays.toFloats(encoder.lastHiddenStateOfTokens(b));
        List<float[][]> result = new ArrayList<>(rows.size());
        for (int r = 0; r < rows.size(); r++) {
            float[][] v = new float[rows.get(r).length][];
            for (int i = 0; i < v.length; i++) {
                int from = (r * t + i) * h;
                v[i] = Arrays.copyOfRange(all, from, from + h);
            }
            result.add(v);
        }
        return result;
    }
}
