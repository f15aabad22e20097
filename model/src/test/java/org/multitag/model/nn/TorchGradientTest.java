package org.multitag.model.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.multitag.model.kernels.ComputeSetting;
import org.multitag.model.kernels.KernelChoice;
import org.multitag.model.kernels.NativeArrays;
import org.multitag.weights.ImportedModel;
import org.multitag.weights.NamedModels;
import org.multitag.weights.SafetensorsReader;
import org.multitag.weights.StateDict;
import org.multitag.weights.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Loss and every gradient of the real all-MiniLM-L6-v2 encoder with a 6-label head against PyTorch autograd:
 * the fixture {@code grads/minilm-l6-grads.safetensors} written by {@code src/test/python/make_grad_fixture.py}
 * (eval mode, BCE-with-logits mean over labelled tokens × labels, 3 padded rows), with each kernel set. Tolerances: loss 1e-5
 * relative; full tensors {@code ‖g − g_ref‖ / ‖g_ref‖ ≤ 1e-3}; tensors stored as norm + 8 sign projections:
 * norm within 1e-3 relative and each projection within {@code 1e-3 · ‖g_ref‖ · √n} (the bound 1e-3 relative error
 * implies), in fact within {@code 1e-3 · ‖g_ref‖}. Measured: loss 9e-8, full tensors ≤ 3e-6, norms ≤ 6e-7,
 * projections ≤ 6e-6 · ‖g_ref‖. The key biases' gradients are exactly 0 in exact arithmetic (softmax ignores a
 * constant per row), so both sides are rounding noise (~1e-10); they are checked to be that. The MiniLM weights come
 * from the local Maven repository (langchain4j's ONNX, the artifact {@code multitag import minilm-l6} reads).
 */
class TorchGradientTest {

    static final double TOL = 1e-3;

    static long[] longs(Tensor t) {
        var lb = t.data().asLongBuffer();
        long[] out = new long[Math.toIntExact(t.numel())];
        lb.get(out);
        return out;
    }

    static double[] doubles(Tensor t) {
        var db = t.data().asDoubleBuffer();
        double[] out = new double[Math.toIntExact(t.numel())];
        db.get(out);
        return out;
    }

    /** The ±1 sign of element {@code i} in projection {@code k}; the same hash as the fixture script's. */
    static int sign(int k, long i) {
        long m = 0xFFFFFFFFL;
        long x = (i + k * 0x9E3779B9L) & m;
        x ^= x >>> 15;
        x = (x * 0x2C1B3C6DL) & m;
        x ^= x >>> 12;
        x = (x * 0x297A2D39L) & m;
        x ^= x >>> 15;
        return (x & 1) == 0 ? 1 : -1;
    }

    static double norm(float[] a) {
        double s = 0;
        for (float v : a) {
            s += (double) v * v;
        }
        return Math.sqrt(s);
    }

    static double relDiff(float[] a, float[] ref) {
        assertEquals(ref.length, a.length);
        double d = 0;
        double n = 0;
        for (int i = 0; i < a.length; i++) {
            d += ((double) a[i] - ref[i]) * ((double) a[i] - ref[i]);
            n += (double) ref[i] * ref[i];
        }
        return Math.sqrt(d / n);
    }

    /** The fixture's rows without their padding (the attention mask says where each ends). */
    static Batch batch(StateDict fx) {
        long[] ids = longs(fx.get("input_ids"));
        long[] types = longs(fx.get("token_type_ids"));
        long[] attention = longs(fx.get("attention_mask"));
        int b = fx.get("input_ids").dim(0);
        int t = fx.get("input_ids").dim(1);
        List<int[]> idRows = new ArrayList<>();
        List<int[]> typeRows = new ArrayList<>();
        for (int r = 0; r < b; r++) {
            int len = 0;
            while (len < t && attention[r * t + len] == 1) {
                len++;
            }
            int[] ir = new int[len];
            int[] tr = new int[len];
            for (int i = 0; i < len; i++) {
                ir[i] = (int) ids[r * t + i];
                tr[i] = (int) types[r * t + i];
            }
            idRows.add(ir);
            typeRows.add(tr);
        }
        return Batch.of(idRows, typeRows);
    }

    /** The fixture's labelled tokens, [B·T]. */
    static boolean[] tokenMask(StateDict fx) {
        long[] tokenMask = longs(fx.get("token_mask"));
        boolean[] mask = new boolean[tokenMask.length];
        for (int i = 0; i < mask.length; i++) {
            mask[i] = tokenMask[i] == 1;
        }
        return mask;
    }

    @ParameterizedTest(name = "kernels {0}")
    @EnumSource(value = KernelChoice.class, names = {"JAVA", "ND4J"})
    void minilmGradientsMatchPyTorch(KernelChoice kernels) throws Exception {
        StateDict fx = SafetensorsReader.read(Path.of(getClass().getResource("/grads/minilm-l6-grads.safetensors").toURI()));
        ImportedModel m = NamedModels.fromEnvironment().importNamed("minilm-l6");
        BertWeights weights = BertWeights.of(m.config(), m.weights());
        double fingerprint = 0;
        for (INDArray a : weights.parameters().values()) {
            for (float v : NativeArrays.toFloats(a)) {
                fingerprint += Math.abs(v);
            }
        }
        double expectedPrint = Double.parseDouble(fx.metadata().get("weights_fingerprint"));
        assertEquals(expectedPrint, fingerprint, 1e-9 * expectedPrint, "same MiniLM weights as the fixture");

        long[] attention = longs(fx.get("attention_mask"));
        int b = fx.get("input_ids").dim(0);
        int t = fx.get("input_ids").dim(1);
        int labels = fx.get("classifier.bias").dim(0);
        int h = m.config().hiddenSize();
        Batch batch = batch(fx);
        assertEquals(t, batch.maxLength());
        boolean[] mask = tokenMask(fx);
        float[] targets = fx.get("targets").toFloat32();
        INDArray w = NativeArrays.of(fx.get("classifier.weight").toFloat32(), labels, h);
        INDArray bias = NativeArrays.of(fx.get("classifier.bias").toFloat32(), labels);

        ComputeSetting setting = ComputeSetting.defaults().withThreads(2).withKernels(kernels);
        try (BertEncoder encoder = new BertEncoder(weights, setting, false);
                TokenClassifier inference = new TokenClassifier(encoder, w, bias);
                TokenClassifier model = TokenClassifier.trainable(weights, w, bias, Freeze.none(), setting)) {
            model.zeroGradients();
            float[] zInf = NativeArrays.toFloats(inference.forward(batch, Pass.inference()));
            INDArray logits = model.forward(batch, Pass.forBackward());
            double[] z = Ref.d(logits);
            float[] zRef = fx.get("logits").toFloat32();
            double maxRef = 0;
            double maxInf = 0;
            for (int i = 0; i < z.length; i++) {
                if (mask[i / labels] || attention[i / labels] == 1) {
                    maxRef = Math.max(maxRef, Math.abs(z[i] - zRef[i]));
                }
                maxInf = Math.max(maxInf, Math.abs(z[i] - zInf[i]));
            }
            double loss = Bce.loss(z, targets, mask, labels);
            double lossRef = doubles(fx.get("loss"))[0];
            System.out.printf("minilm: loss %.8f vs torch %.8f (rel %.2e); logits max |diff| vs torch %.2e (real tokens), "
                    + "vs inference path %.2e (all rows)%n", loss, lossRef, Math.abs(loss - lossRef) / lossRef, maxRef, maxInf);
            assertEquals(lossRef, loss, 1e-5 * lossRef, "loss");
            assertEquals(0, maxInf, "eval logits vs inference: one code path, the same bits");

            long t0 = System.nanoTime();
            model.backward(NativeArrays.of(Bce.grad(z, targets, mask, labels), b * t, labels));
            System.out.printf("minilm: backward %.0f ms (B %d x T %d)%n", (System.nanoTime() - t0) / 1e6, b, t);

            Map<String, INDArray> grads = model.gradients().named();
            Set<String> covered = new HashSet<>();
            double worstFull = 0;
            String worstFullName = null;
            double worstNorm = 0;
            double worstProj = 0;
            String worstProjName = null;
            for (String name : fx.names()) {
                if (name.startsWith("grad.") && !name.endsWith(".rows")) {
                    String p = name.substring(5);
                    covered.add(p);
                    if (p.endsWith("attention.self.key.bias")) {
                        // exactly 0 in exact arithmetic (softmax ignores a constant added to a row of scores):
                        // both sides are rounding noise, far below the query bias gradient of the same layer
                        double ours = norm(NativeArrays.toFloats(grads.get(p)));
                        double ref = norm(fx.get(name).toFloat32());
                        double scale = norm(fx.get(name.replace(".key.", ".query.")).toFloat32());
                        System.out.printf("  %s: ‖g‖ %.1e, torch %.1e (query bias: %.1e)%n", p, ours, ref, scale);
                        assertTrue(ours <= 1e-4 * scale && ref <= 1e-4 * scale, p);
                        continue;
                    }
                    double e = relDiff(NativeArrays.toFloats(grads.get(p)), fx.get(name).toFloat32());
                    if (e > worstFull) {
                        worstFull = e;
                        worstFullName = p;
                    }
                    assertTrue(e <= TOL, p + ": relative error " + e);
                } else if (name.startsWith("norm.")) {
                    String p = name.substring(5);
                    float[] g = NativeArrays.toFloats(grads.get(p));
                    double ref = doubles(fx.get(name))[0];
                    double[] proj = doubles(fx.get("proj." + p));
                    double ne = Math.abs(norm(g) - ref) / ref;
                    worstNorm = Math.max(worstNorm, ne);
                    assertTrue(ne <= TOL, p + ": norm relative error " + ne);
                    for (int k = 0; k < proj.length; k++) {
                        double s = 0;
                        for (int i = 0; i < g.length; i++) {
                            s += sign(k, i) * (double) g[i];
                        }
                        double pe = Math.abs(s - proj[k]) / ref;
                        if (pe > worstProj) {
                            worstProj = pe;
                            worstProjName = p;
                        }
                        // |⟨g − g_ref, s⟩| ≤ ‖g − g_ref‖·√n, so 1e-3·‖g_ref‖·√n is what 1e-3 relative error allows;
                        // we also hold the projections to 1e-3·‖g_ref‖ (measured: ≈ 6e-6)
                        assertTrue(pe <= TOL * Math.sqrt(g.length), p + " projection " + k + ": " + pe);
                        assertTrue(pe <= TOL, p + " projection " + k + ": " + pe);
                    }
                    covered.add(p);
                }
            }
            // word embeddings: the used rows, every other row exactly 0 (the pad id included)
            String wordName = "embeddings.word_embeddings.weight";
            float[] dWord = NativeArrays.toFloats(grads.get(wordName));
            long[] used = longs(fx.get("word_ids"));
            float[] rows = new float[used.length * h];
            Set<Long> usedSet = new HashSet<>();
            for (int u = 0; u < used.length; u++) {
                System.arraycopy(dWord, (int) used[u] * h, rows, u * h, h);
                usedSet.add(used[u]);
            }
            double eWord = relDiff(rows, fx.get("grad." + wordName + ".rows").toFloat32());
            for (int r = 0; r < dWord.length / h; r++) {
                if (!usedSet.contains((long) r)) {
                    for (int c = 0; c < h; c++) {
                        assertEquals(0f, dWord[r * h + c], "word row " + r);
                    }
                }
            }
            String posName = "embeddings.position_embeddings.weight";
            float[] dPos = NativeArrays.toFloats(grads.get(posName));
            double ePos = relDiff(java.util.Arrays.copyOf(dPos, t * h), fx.get("grad." + posName + ".rows").toFloat32());
            for (int i = t * h; i < dPos.length; i++) {
                assertEquals(0f, dPos[i], "position beyond T");
            }
            covered.add(wordName);
            covered.add(posName);
            assertTrue(eWord <= TOL && ePos <= TOL, "word " + eWord + ", position " + ePos);
            assertEquals(grads.keySet(), covered, "the fixture covers every gradient");
            System.out.printf("minilm: %d gradient tensors vs torch autograd: full tensors worst %.2e (%s); word rows %.2e, "
                    + "position rows %.2e; projected: norm worst %.2e, |Δ projection|/‖g_ref‖ worst %.2e (%s)%n",
                    grads.size(), worstFull, worstFullName, eWord, ePos, worstNorm, worstProj, worstProjName);
        }
    }
}
