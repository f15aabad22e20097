package org.multitag.model.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.multitag.model.kernels.ComputeSetting;
import org.multitag.model.kernels.KernelChoice;
import org.multitag.model.kernels.NativeArrays;
import org.multitag.weights.ImportedModel;
import org.multitag.weights.ModelFolder;
import org.multitag.weights.SafetensorsReader;
import org.multitag.weights.StateDict;

/**
 * Hugging Face's inputs against PyTorch: the tiny random BERT of {@code torch/masks/} (hidden 64, 4 heads of 16, 2
 * layers) and the fixture {@code torch/masks/fixture.safetensors}, both written by {@code
 * src/test/python/make_mask_fixture.py} (transformers' eager {@code BertModel} written out in plain torch: the
 * float32 minimum added to masked keys' scores, position embeddings taken at {@code position_ids}). Cases: right
 * and left padding (with default and with shifted position ids), masked positions inside rows (the first one
 * too), explicit position ids, rows whose mask is all 0, a sentence pair, with each kernel set. At EVERY position, masked ones too:
 * hidden states 0, 1, 2 and both layers' attention probabilities within 1e-4 of torch float32 (measured ≤ 2e-6),
 * and the last hidden state within 1e-4 of torch float64. Also: each row of a padded batch is the row alone.
 */
@ParameterizedClass(name = "kernels {0}")
@EnumSource(value = KernelChoice.class, names = {"JAVA", "ND4J"})
class MaskParityTest {

    static final double TOLERANCE = 1e-4;
    static final String[] CASES = {"right", "left", "left_shifted", "hole", "positions", "all_masked", "pair"};

    static BertEncoder encoder;

    /** The kernels of this run of the class (its encoder is built with them). */
    @Parameter
    KernelChoice kernels;
    static StateDict fixture;

    @BeforeAll
    static void load() throws Exception {
        fixture = SafetensorsReader.read(dir().resolve("fixture.safetensors"));
    }

    static Path dir() throws Exception {
        return Path.of(MaskParityTest.class.getResource("/torch/masks/config.json").toURI()).getParent();
    }

    @BeforeParameterizedClassInvocation
    static void open(KernelChoice kernels) throws Exception {
        ImportedModel m = ModelFolder.read(dir());
        encoder = new BertEncoder(BertWeights.of(m.config(), m.weights()),
                ComputeSetting.defaults().withThreads(2).withKernels(kernels), true);
    }

    @AfterParameterizedClassInvocation
    static void close() {
        encoder.close();
    }

    static Batch batch(String c) {
        return new Batch(TorchParityTest.ints(fixture.get(c + ".input_ids")),
                TorchParityTest.ints(fixture.get(c + ".token_type_ids")),
                TorchParityTest.ints(fixture.get(c + ".attention_mask")),
                TorchParityTest.ints(fixture.get(c + ".position_ids")));
    }

    static double maxDiff(float[] a, float[] b) {
        assertEquals(a.length, b.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    @Test
    void everyCaseMatchesPyTorchAtEveryPosition() {
        double worst = 0;
        for (String c : CASES) {
            Batch batch = batch(c);
            try (EncoderOutput out = encoder.forward(batch, BertEncoder.Outputs.ALL)) {
                for (int k = 0; k <= 2; k++) {
                    double d = maxDiff(NativeArrays.toFloats(out.hiddenStates().get(k)),
                            fixture.get(c + ".hidden_states." + k).toFloat32());
                    System.out.printf("%-13s hidden_states.%d max |diff| %.2e%n", c, k, d);
                    assertTrue(d <= TOLERANCE, c + " hidden state " + k + ": " + d);
                    worst = Math.max(worst, d);
                }
                for (int k = 1; k <= 2; k++) {
                    double d = maxDiff(NativeArrays.toFloats(out.attentions().get(k - 1)),
                            fixture.get(c + ".attentions." + k).toFloat32());
                    System.out.printf("%-13s attentions.%d    max |diff| %.2e%n", c, k, d);
                    assertTrue(d <= TOLERANCE, c + " attentions " + k + ": " + d);
                    worst = Math.max(worst, d);
                }
                double d64 = maxDiff(NativeArrays.toFloats(out.lastHiddenState()),
                        fixture.get(c + ".float64.hidden_states.2").toFloat32());
                assertTrue(d64 <= TOLERANCE, c + " vs float64: " + d64);
            }
        }
        System.out.printf("mask parity: worst max |diff| vs torch float32 %.2e%n", worst);
    }

    /** A right-padded batch's rows are the rows run alone, at their real positions (gemm blocking may differ). */
    @Test
    void eachRowOfAPaddedBatchIsTheRowAlone() {
        Batch batch = batch("right");
        int t = batch.maxLength();
        int h = encoder.config().hiddenSize();
        float[] all;
        try (EncoderOutput out = encoder.forward(batch, BertEncoder.Outputs.LAST)) {
            all = NativeArrays.toFloats(out.lastHiddenState());
        }
        double worst = 0;
        for (int r = 0; r < batch.size(); r++) {
            int len = batch.lengths()[r];
            List<int[]> ids = new ArrayList<>();
            ids.add(java.util.Arrays.copyOf(batch.inputIds()[r], len));
            List<int[]> types = new ArrayList<>();
            types.add(java.util.Arrays.copyOf(batch.tokenTypeIds()[r], len));
            try (EncoderOutput one = encoder.forward(Batch.of(ids, types), BertEncoder.Outputs.LAST)) {
                float[] alone = NativeArrays.toFloats(one.lastHiddenState());
                for (int i = 0; i < len * h; i++) {
                    worst = Math.max(worst, Math.abs(alone[i] - all[r * t * h + i]));
                }
            }
        }
        System.out.printf("rows alone vs in a padded batch: max |diff| %.2e%n", worst);
        assertTrue(worst <= 1e-5, "rows alone vs padded " + worst);
    }
}
