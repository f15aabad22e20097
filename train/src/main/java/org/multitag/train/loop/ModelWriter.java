package org.multitag.train.loop;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.multitag.model.decoding.Decoding;
import org.multitag.model.kernels.NativeArrays;
import org.multitag.weights.BertConfig;
import org.multitag.weights.DType;
import org.multitag.weights.HfBertNames;
import org.multitag.weights.ImportedModel;
import org.multitag.weights.ModelFolder;
import org.multitag.weights.StateDict;
import org.multitag.weights.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Writes a trained token classifier as a Hugging Face folder: config.json with
 * {@code BertForTokenClassification}, {@code problem_type: multi_label_classification} and id2label/label2id;
 * model.safetensors with {@code bert.}-prefixed encoder tensors and {@code classifier.weight [L, H]} /
 * {@code classifier.bias [L]} (and, for a head reading a layer mix, its two tensors and the config field {@code
 * multitag_layer_mix}); the tokenizer files; the decoding setup (thresholds.json, and with label groups
 * label_groups.json, label_sets.json, decoding.json). Atomic (temporary folder, then rename).
 */
final class ModelWriter {

    private ModelWriter() {}

    /**
     * @param parameters every tensor under its canonical HF name in HF layout (e.g. {@code
     *     TokenClassifier.namedParameters()})
     */
    public static void write(Path dir, BertConfig base, List<String> labels, Map<String, INDArray> parameters,
            Map<String, byte[]> tokenizerFiles, Decoding decoding) throws IOException {
        BertConfig config = base.withLabels(labels, "multi_label_classification");
        INDArray mix = parameters.get(HfBertNames.LAYER_MIX_SCALARS);
        if (mix != null) {
            config = config.withExtra(HfBertNames.LAYER_MIX_FIELD, (int) mix.length());
        }
        StateDict sd = new StateDict();
        for (Map.Entry<String, INDArray> e : parameters.entrySet()) {
            INDArray a = e.getValue();
            int[] shape = new int[a.rank()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = (int) a.size(i);
            }
            sd.put(Tensor.ofFloats(e.getKey(), shape, NativeArrays.toFloats(a)));
        }
        Map<String, byte[]> files = new java.util.LinkedHashMap<>(tokenizerFiles);
        files.putAll(decoding.files());
        ModelFolder.write(dir, new ImportedModel(config, sd, files, List.of()), DType.F32);
    }
}
