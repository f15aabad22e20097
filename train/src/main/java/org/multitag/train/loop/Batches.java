package org.multitag.train.loop;

import java.util.ArrayList;
import java.util.List;
import org.multitag.data.Example;
import org.multitag.model.kernels.NativeArrays;
import org.multitag.model.nn.Batch;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Turns examples into what a step needs: the padded {@link Batch}, targets {@code [B·T, L]}, loss mask {@code [B·T]}. */
final class Batches {

    private Batches() {}

    /** The model input of {@code examples}, right-padded to the longest. */
    public static Batch inputs(List<Example> examples) {
        List<int[]> ids = new ArrayList<>(examples.size());
        List<int[]> types = new ArrayList<>(examples.size());
        for (Example e : examples) {
            ids.add(e.inputIds());
            types.add(e.typeIds());
        }
        return Batch.of(ids, types);
    }

    /** Multi-hot targets {@code [B·T, L]}, row {@code b·T + i}; padding rows are 0. */
    public static INDArray targets(List<Example> examples, int t, int labels) {
        float[] v = new float[examples.size() * t * labels];
        for (int b = 0; b < examples.size(); b++) {
            examples.get(b).writeTargets(v, b * t * labels);
        }
        return NativeArrays.of(v, (long) examples.size() * t, labels);
    }

    /** 1 where a token carries loss, 0 for special tokens, continuation sub-tokens and padding. */
    public static INDArray lossMask(List<Example> examples, int t) {
        float[] v = new float[examples.size() * t];
        for (int b = 0; b < examples.size(); b++) {
            int[] m = examples.get(b).lossMask();
            for (int i = 0; i < m.length; i++) {
                v[b * t + i] = m[i];
            }
        }
        return NativeArrays.of(v, v.length);
    }
}
