package org.multitag.model.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.multitag.model.kernels.NativeArrays;
import org.multitag.weights.ImportedModel;
import org.multitag.weights.OnnxImporter;

/**
 * Native memory stays flat over 10,000 forward calls of varying shapes (buffers are reused, outputs closed),
 * and results are bit-identical from the first (interpreted) call to the last (fully compiled) one.
 */
class MemoryTest {

    static long rssKb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS");
    }

    @Test
    void tenThousandCallsKeepRssFlatAndOutputsIdentical() throws Exception {
        byte[] onnx = OrtReference.resource("/org/tribuo/interop/onnx/extractors/tinybert.onnx");
        ImportedModel m = OnnxImporter.read(new ByteArrayInputStream(onnx), "tinybert.onnx");
        Random r = new Random(5);
        List<Batch> batches = new ArrayList<>();
        for (int k = 0; k < 8; k++) {
            List<int[]> ids = new ArrayList<>();
            int rows = 1 + k % 4;
            for (int b = 0; b < rows; b++) {
                int[] row = new int[2 + r.nextInt(30)];
                for (int i = 0; i < row.length; i++) {
                    row[i] = r.nextInt(m.config().vocabSize());
                }
                ids.add(row);
            }
            batches.add(Batch.of(ids, null));
        }
        try (BertEncoder encoder = new BertEncoder(BertWeights.of(m.config(), m.weights()), 2)) {
            float[][] first = new float[batches.size()][];
            for (int k = 0; k < batches.size(); k++) {
                try (EncoderOutput out = encoder.forward(batches.get(k), BertEncoder.Outputs.ALL)) {
                    first[k] = NativeArrays.toFloats(out.lastHiddenState());
                }
            }
            // RSS after a GC swings by tens of MB from sample to sample (native buffers freed by GC, JIT arenas),
            // so a leak is judged on the lowest of several samples early against the lowest late: a leak raises
            // every sample, the swings do not.
            long before = Long.MAX_VALUE;
            long after = Long.MAX_VALUE;
            for (int i = 0; i < 10_000; i++) {
                if (i >= 1_000 && i % 250 == 0) {
                    System.gc();
                    long rss = rssKb();
                    if (i < 3_000) {
                        before = Math.min(before, rss);
                    } else if (i >= 8_000) {
                        after = Math.min(after, rss);
                    }
                }
                Batch b = batches.get(i % batches.size());
                try (EncoderOutput out = encoder.forward(b, i % 10 == 0 ? BertEncoder.Outputs.ALL
                        : BertEncoder.Outputs.LAST)) {
                    if (i >= 9_992) {
                        assertArrayEquals(first[i % batches.size()], NativeArrays.toFloats(out.lastHiddenState()),
                                "batch " + i % batches.size() + " changed between call 1 and call " + i);
                    }
                }
            }
            System.out.printf("lowest RSS over calls 1,000-3,000: %d MB, over calls 8,000-10,000: %d MB%n",
                    before / 1024, after / 1024);
            assertTrue(after - before < 64 * 1024, "RSS grew by " + (after - before) / 1024 + " MB");
        }
    }
}
