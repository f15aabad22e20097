package org.multitag.model.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.multitag.model.kernels.NativeArrays;
import org.multitag.weights.BertConfig;
import org.multitag.weights.ImportedModel;
import org.multitag.weights.ModelFolder;
import org.multitag.weights.SafetensorsReader;
import org.multitag.weights.StateDict;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Training with every activation a config may name, against PyTorch autograd: the tiny random BERT of {@code
 * torch/masks/} with {@code hidden_act} gelu, gelu_new and relu, a 6-label head, BCE-with-logits mean over labelled
 * tokens × labels, 3 right-padded rows, eval mode; the fixture {@code grads/tiny-activations-grads.safetensors} of
 * {@code src/test/python/make_activation_grad_fixture.py} holds torch's float32 and float64 logits, loss and every
 * gradient. Tolerances: logits 1e-5 absolute, loss 1e-6 relative, each gradient tensor {@code ‖g − g64‖ / ‖g64‖ ≤
 * 1e-5} against float64 (torch's own float32 is within 4.8e-7; gelu and gelu_new gradients differ by 1.1e-4, so the
 * check tells the activations apart). The key biases' gradients are 0 in exact arithmetic: checked to be tiny.
 */
class ActivationGradientTest {

    @Test
    void everyActivationMatchesTorchAutograd() throws Exception {
        Path dir = Path.of(getClass().getResource("/torch/masks/config.json").toURI()).getParent();
        ImportedModel m = ModelFolder.read(dir);
        StateDict fx = SafetensorsReader.read(Path.of(getClass().getResource(
                "/grads/tiny-activations-grads.safetensors").toURI()));
        Batch batch = new Batch(TorchParityTest.ints(fx.get("input_ids")), TorchParityTest.ints(fx.get("token_type_ids")),
                TorchParityTest.ints(fx.get("attention_mask")), defaultPositions(fx));
        int[][] tm = TorchParityTest.ints(fx.get("token_mask"));
        int b = batch.size();
        int t = batch.maxLength();
        boolean[] mask = new boolean[b * t];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = tm[i / t][i % t] == 1;
        }
        int labels = fx.get("classifier.bias").dim(0);
        int h = m.config().hiddenSize();
        float[] targets = fx.get("targets").toFloat32();
        for (String act : new String[] {"gelu", "gelu_new", "relu"}) {
            BertConfig cfg = withActivation(m.config(), act);
            INDArray w = NativeArrays.of(fx.get("classifier.weight").toFloat32(), labels, h);
            INDArray bias = NativeArrays.of(fx.get("classifier.bias").toFloat32(), labels);
            try (BertWeights weights = BertWeights.of(cfg, m.weights());
                    TokenClassifier model = TokenClassifier.trainable(weights, w, bias, Freeze.none(), 2)) {
                model.zeroGradients();
                double[] z = Ref.d(model.forward(batch, Pass.forBackward()));
                double maxZ = 0;
                float[] z32 = fx.get(act + ".logits").toFloat32();
                for (int i = 0; i < z.length; i++) {
                    maxZ = Math.max(maxZ, Math.abs(z[i] - z32[i]));
                }
                double loss = Bce.loss(z, targets, mask, labels);
                double loss64 = TorchGradientTest.doubles(fx.get(act + ".float64.loss"))[0];
                assertTrue(maxZ <= 1e-5, act + " logits " + maxZ);
                assertEquals(loss64, loss, 1e-6 * loss64, act + " loss");
                model.backward(NativeArrays.of(Bce.grad(z, targets, mask, labels), b * t, labels));
                double worst = 0;
                String worstName = null;
                Map<String, INDArray> grads = model.gradients().named();
                assertEquals(39, grads.size());
                for (Map.Entry<String, INDArray> e : grads.entrySet()) {
                    float[] g = NativeArrays.toFloats(e.getValue().dup('c'));
                    float[] g64 = fx.get(act + ".float64.grad." + e.getKey()).toFloat32();
                    double diff = 0;
                    double norm = 0;
                    for (int i = 0; i < g.length; i++) {
                        diff += ((double) g[i] - g64[i]) * ((double) g[i] - g64[i]);
                        norm += (double) g64[i] * g64[i];
                    }
                    if (e.getKey().endsWith("attention.self.key.bias")) {
                        assertTrue(Math.sqrt(diff) < 1e-7, e.getKey() + " is " + Math.sqrt(diff) + ", expected ~0");
                        continue;
                    }
                    double rel = Math.sqrt(diff / norm);
                    if (rel > worst) {
                        worst = rel;
                        worstName = e.getKey();
                    }
                    assertTrue(rel <= 1e-5, act + " " + e.getKey() + ": relative error " + rel);
                }
                System.out.printf("%-8s logits max |diff| %.1e, loss rel %.1e, gradients vs float64 worst %.2e (%s)%n",
                        act, maxZ, Math.abs(loss - loss64) / loss64, worst, worstName);
            }
        }
    }

    private static int[][] defaultPositions(StateDict fx) {
        int[][] ids = TorchParityTest.ints(fx.get("input_ids"));
        int[][] p = new int[ids.length][ids[0].length];
        for (int[] r : p) {
            java.util.Arrays.setAll(r, i -> i);
        }
        return p;
    }

    private static BertConfig withActivation(BertConfig c, String act) {
        ObjectNode extra = c.extra().deepCopy();
        return new BertConfig(c.vocabSize(), c.hiddenSize(), c.numHiddenLayers(), c.numAttentionHeads(),
                c.intermediateSize(), act, c.maxPositionEmbeddings(), c.typeVocabSize(), c.layerNormEps(),
                c.padTokenId(), c.id2label(), c.problemType(), c.architectures(), extra);
    }
}
