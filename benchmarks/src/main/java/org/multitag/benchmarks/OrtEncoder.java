package org.multitag.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.Map;
import org.multitag.model.nn.Batch;

/**
 * ONNX Runtime on a BERT ONNX model (inputs {@code input_ids}, {@code attention_mask}, optional
 * {@code token_type_ids}; first output {@code last_hidden_state}): ALL_OPT graph optimization, {@code threads}
 * intra-op threads, one inter-op thread, sequential execution.
 */
final class OrtEncoder implements AutoCloseable {

    /** A batch converted to ORT input tensors once, so timed runs don't include the conversion. */
    static final class Inputs implements AutoCloseable {
        final Map<String, OnnxTensor> tensors = new HashMap<>();
        final int batch;
        final int seq;

        Inputs(int batch, int seq) {
            this.batch = batch;
            this.seq = seq;
        }

        @Override
        public void close() {
            tensors.values().forEach(OnnxTensor::close);
        }
    }

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;

    OrtEncoder(byte[] model, int threads) throws OrtException {
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(threads);
            o.setInterOpNumThreads(1);
            o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = env.createSession(model, o);
        }
    }

    Inputs inputs(Batch batch) throws OrtException {
        int b = batch.size();
        int t = batch.maxLength();
        long[] ids = new long[b * t];
        long[] mask = new long[b * t];
        long[] types = new long[b * t];
        int[][] am = batch.attentionMask();
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < t; i++) {
                ids[r * t + i] = batch.inputIds()[r][i];
                mask[r * t + i] = am[r][i];
                types[r * t + i] = batch.tokenTypeIds()[r][i];
            }
        }
        long[] shape = {b, t};
        Inputs in = new Inputs(b, t);
        in.tensors.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape));
        in.tensors.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
        if (session.getInputNames().contains("token_type_ids")) {
            in.tensors.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(types), shape));
        }
        return in;
    }

    /** One forward pass; the output stays in ORT's native memory and is released. Returns its element count. */
    long run(Inputs in) throws OrtException {
        try (OrtSession.Result r = session.run(in.tensors)) {
            return ((OnnxTensor) r.get(0)).getInfo().getNumElements();
        }
    }

    /** last_hidden_state [B, T, H] as a flat row-major array. */
    float[] lastHiddenState(Inputs in) throws OrtException {
        try (OrtSession.Result r = session.run(in.tensors)) {
            FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
            float[] v = new float[fb.remaining()];
            fb.get(v);
            return v;
        }
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
