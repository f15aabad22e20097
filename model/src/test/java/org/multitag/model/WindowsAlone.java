package org.multitag.model;

import java.util.Arrays;
import java.util.List;
import org.multitag.model.kernels.NativeArrays;
import org.multitag.model.nn.Batch;
import org.multitag.model.nn.BertEncoder;
import org.multitag.model.nn.EncoderOutput;

/** What a windowed input's per-token rows must be, computed the slow way: each window run alone. */
public final class WindowsAlone {

    private WindowsAlone() {}

    /** Each token's last hidden state from its source window, that window run alone through {@code encoder}. */
    public static float[][] lastHiddenState(BertEncoder encoder, LongTextSplit split) {
        int h = encoder.config().hiddenSize();
        float[][] out = new float[split.length()][];
        for (int k = 0; k < split.size(); k++) {
            float[] alone;
            try (EncoderOutput o = encoder.forward(Batch.of(List.of(split.ids(k)), List.of(split.types(k))),
                    BertEncoder.Outputs.LAST)) {
                alone = NativeArrays.toFloats(o.lastHiddenState());
            }
            int[] at = split.inputTokens(k);
            for (int j = 0; j < at.length; j++) {
                if (split.sourceWindow(at[j]) == k) {
                    if (out[at[j]] != null) {
                        throw new AssertionError("token " + at[j] + " has two source windows");
                    }
                    out[at[j]] = Arrays.copyOfRange(alone, j * h, (j + 1) * h);
                }
            }
        }
        for (int t = 0; t < out.length; t++) {
            if (out[t] == null) {
                throw new AssertionError("token " + t + " has no source window");
            }
        }
        return out;
    }
}
