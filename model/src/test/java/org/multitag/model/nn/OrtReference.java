package org.multitag.model.nn;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.Map;

/** ONNX Runtime running a BERT ONNX export: the reference our encoder is checked against. */
final class OrtReference implements AutoCloseable {

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;

    OrtReference(byte[] model, int threads) throws OrtException {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setIntraOpNumThreads(threads);
        o.setInterOpNumThreads(1);
        o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        session = env.createSession(model, o);
    }

    static byte[] resource(String name) throws IOException {
        try (InputStream in = OrtReference.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException(name + " not on the test classpath");
            }
            return in.readAllBytes();
        }
    }

    /** last_hidden_state [B, T, H] as a flat row-major array. */
    float[] lastHiddenState(Batch batch) throws OrtException {
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
        Map<String, OnnxTensor> in = new HashMap<>();
        try (OnnxTensor a = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), shape);
                OnnxTensor m = OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape);
                OnnxTensor y = OnnxTensor.createTensor(env, LongBuffer.wrap(types), shape)) {
            in.put("input_ids", a);
            in.put("attention_mask", m);
            if (session.getInputNames().contains("token_type_ids")) {
                in.put("token_type_ids", y);
            }
            try (OrtSession.Result r = session.run(in)) {
                OnnxTensor out = (OnnxTensor) r.get(0);
                FloatBuffer fb = out.getFloatBuffer();
                float[] v = new float[fb.remaining()];
                fb.get(v);
                return v;
            }
        }
    }

    java.util.Set<String> outputNames() throws OrtException {
        return session.getOutputNames();
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
