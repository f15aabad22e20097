package org.multitag.model;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What {@link BertEncoder#forward} returns, as in transformers' {@code BaseModelOutput}: arrays owned by the
 * caller (close them, or this). Padded positions hold whatever the encoder computed there, as in
 * transformers; only positions below {@code lengths[b]} are meaningful.
 *
 * @param lastHiddenState [B, T, H]
 * @param hiddenStates embeddings output then every layer's output, each [B, T, H]; empty unless asked for
 * @param attentions every layer's attention probabilities [B, heads, T, T]; empty unless asked for
 * @param lengths the real length of each row
 */
public record EncoderOutput(INDArray lastHiddenState, List<INDArray> hiddenStates, List<INDArray> attentions,
        int[] lengths) implements AutoCloseable {

    public EncoderOutput {
        hiddenStates = List.copyOf(hiddenStates);
        attentions = List.copyOf(attentions);
        lengths = lengths.clone();
    }

    @Override
    public int[] lengths() {
        return lengths.clone();
    }

    @Override
    public void close() {
        List<INDArray> all = new ArrayList<>(hiddenStates);
        all.addAll(attentions);
        all.add(lastHiddenState);
        for (INDArray a : all) {
            if (!a.wasClosed()) {
                a.close();
            }
        }
    }
}
