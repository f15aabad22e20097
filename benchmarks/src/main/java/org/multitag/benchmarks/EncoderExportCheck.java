package org.multitag.benchmarks;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.CodedInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.multitag.weights.ImportedModel;

/**
 * Checks {@link EncoderOnnxExporter} outside JMH: ORT on our export of the MiniLM weights against ORT on the
 * original all-MiniLM-L6-v2 ONNX (≤ 1e-5 on the benchmark batch), then prints the op counts of both graphs
 * after ORT's ALL_OPT optimization (they should match: same fusions, same kernels).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar org.multitag.benchmarks.EncoderExportCheck
 * </pre>
 */
public final class EncoderExportCheck {

    private EncoderExportCheck() {}

    public static void main(String[] args) throws Exception {
        EncoderModels.validateExporter(EncoderInputs.batch(EncoderBenchmark.BATCH, EncoderBenchmark.SEQ),
                EncoderBenchmark.THREADS, EncoderBenchmark.EXPORT_TOLERANCE);
        EncoderModels.validateExporter(EncoderInputs.batch(1, EncoderBenchmark.SEQ),
                EncoderBenchmark.THREADS, EncoderBenchmark.EXPORT_TOLERANCE);
        byte[] original = EncoderModels.miniLmOnnx();
        ImportedModel m = EncoderModels.importOnnx(original);
        byte[] ours = EncoderOnnxExporter.export(m.config(), m.weights());
        System.out.println("ORT-optimized ops, original: " + optimizedOps(original));
        System.out.println("ORT-optimized ops, export:   " + optimizedOps(ours));
    }

    /** Op type counts of the graph ORT runs after ALL_OPT optimization. */
    static Map<String, Integer> optimizedOps(byte[] model) throws Exception {
        Path file = Files.createTempFile("ort-optimized", ".onnx");
        try {
            try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
                o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                o.setIntraOpNumThreads(EncoderBenchmark.THREADS);
                o.setOptimizedModelFilePath(file.toString());
                OrtEnvironment.getEnvironment().createSession(model, o).close();
            }
            OnnxMl.ModelProto optimized;
            try (InputStream in = Files.newInputStream(file)) {
                CodedInputStream cis = CodedInputStream.newInstance(in);
                cis.setSizeLimit(Integer.MAX_VALUE);
                optimized = OnnxMl.ModelProto.parseFrom(cis);
            }
            Map<String, Integer> counts = new TreeMap<>();
            for (OnnxMl.NodeProto n : optimized.getGraph().getNodeList()) {
                String op = n.getDomain().isEmpty() ? n.getOpType() : n.getDomain() + ":" + n.getOpType();
                counts.merge(op, 1, Integer::sum);
            }
            return counts;
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
