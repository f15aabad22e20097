package org.multitag.model.nn;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What {@link BertEncoder#forward(Batch, BertEncoder.Outputs)} returns, as in transformers' {@code
 * BaseModelOutput}: arrays owned by the caller (close them, or this). Masked positions hold what the encoder
 * computed there, as in transformers; the attention mask says which positions are real.
 *
 * @param lastHiddenState [B, T, H]
 * @param hiddenStates embeddings output then every layer's output, each [B, T, H]; empty unless asked for
 * @param attentions every layer's attention probabilities [B, heads, T, T] (0 at masked keys); empty unless asked
 *     for
 * @param attentionMask the batch's attention mask [B][T]
 */
public record EncoderOutput(INDArray lastHiddenState, List<INDArray> hiddenStates, List<INDArray> attentions,
        int[][] attentionMask) implements AutoCloseable {

    public EncoderOutput {
        hiddenStates = List.copyOf(hiddenStates);
        attentions = List.copyOf(attentions);
        attentionMask = copy(attentionMask);
    }

    private static int[][] copy(int[][] m) {
        int[][] c = new int[m.length][];
        for (int i = 0; i < m.length; i++) {
            c[i] = m[i].clone();
        }
        return c;
    }

    @Override
    public int[][] attentionMask() {
        return copy(attentionMask);
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
