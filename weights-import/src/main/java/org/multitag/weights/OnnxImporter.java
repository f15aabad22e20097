package org.multitag.weights;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.multitag.core.InputException;

/**
 * Imports the weights of a BERT encoder exported to ONNX by PyTorch. Biases, embeddings and LayerNorm
 * parameters keep their HF names as initializers, but the exporter gives the dense weight matrices
 * anonymous names ({@code onnx::MatMul_1525}) and stores them [in, out]. Each one is named after the graph:
 * the MatMul that consumes it feeds an Add whose other input is the named bias {@code X.bias}, so the
 * matrix is {@code X.weight}, transposed to HF's [out, in]. (A Gemm names its bias directly, and with
 * {@code transB=1} already holds [out, in], as tinybert's pooler does.) The attention head count, which no weight
 * shape reveals, is read from the constant that scales attention scores by sqrt(head size).
 */
public final class OnnxImporter {

    private OnnxImporter() {}

    /** Parses an ONNX model with the generated protobuf classes, then imports it. */
    public static ImportedModel read(InputStream in, String where) throws IOException {
        OnnxMl.ModelProto model;
        try {
            CodedInputStream cis = CodedInputStream.newInstance(in);
            cis.setSizeLimit(Integer.MAX_VALUE);
            model = OnnxMl.ModelProto.parseFrom(cis);
        } catch (InvalidProtocolBufferException e) {
            throw new InputException(where, "not a valid ONNX model: " + e.getMessage());
        }
        return importModel(model, where);
    }

    /** Maps a parsed model's initializers to HF tensors and derives config.json. */
    public static ImportedModel importModel(OnnxMl.ModelProto model, String where) {
        GraphProto g = model.getGraph();
        Map<String, TensorProto> inits = new LinkedHashMap<>();
        for (TensorProto t : g.getInitializerList()) {
            inits.put(t.getName(), t);
        }
        Map<String, TensorProto> constants = new HashMap<>(inits);
        Map<String, List<NodeProto>> consumers = new HashMap<>();
        Map<String, NodeProto> producers = new HashMap<>();
        for (NodeProto n : g.getNodeList()) {
            for (String in : n.getInputList()) {
                consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
            }
            for (String out : n.getOutputList()) {
                producers.put(out, n);
            }
            if (n.getOpType().equals("Constant") && n.getAttributeCount() > 0 && n.getAttribute(0).hasT()) {
                constants.put(n.getOutput(0), n.getAttribute(0).getT());
            }
        }
        StateDict weights = new StateDict();
        List<String> skipped = new ArrayList<>();
        for (TensorProto t : inits.values()) {
            String name = HfBertNames.canonical(t.getName());
            if (HfBertNames.isEncoderParameter(name)) {
                Tensor tensor = OnnxTensors.toTensor(t, name, where);
                // A named matrix may still be stored [in, out] when a MatMul or Gemm(transB=0) consumes it.
                boolean transpose = tensor.rank() == 2 && !HfBertNames.isEmbedding(name)
                        && storedInOut(t.getName(), consumers);
                weights.put(transpose ? tensor.transposed(name) : tensor);
                continue;
            }
            String bias = biasAfterMatMul(t.getName(), consumers, inits);
            if (bias != null) {
                String weight = bias.substring(0, bias.length() - "bias".length()) + "weight";
                Tensor tensor = OnnxTensors.toTensor(t, t.getName(), where);
                weights.put(storedInOut(t.getName(), consumers) ? tensor.transposed(weight) : tensor.renamed(weight));
            } else {
                skipped.add(t.getName());
            }
        }
        StateDict ordered = reorder(weights, where);
        BertConfig config = config(ordered, g, constants, producers, where);
        List<String> notes = new ArrayList<>();
        if (!skipped.isEmpty()) {
            notes.add("skipped " + skipped.size() + " ONNX initializers that are not BERT parameters: " + skipped);
        }
        return new ImportedModel(config, ordered, Map.of(), notes);
    }

    /**
     * True when the weight is the right operand of a MatMul, or the B of a Gemm without transB: then it is
     * stored [in, out] and HF's [out, in] is its transpose.
     */
    private static boolean storedInOut(String weight, Map<String, List<NodeProto>> consumers) {
        for (NodeProto n : consumers.getOrDefault(weight, List.of())) {
            if (n.getInputCount() >= 2 && n.getInput(1).equals(weight)) {
                if (n.getOpType().equals("MatMul")) {
                    return true;
                }
                if (n.getOpType().equals("Gemm")) {
                    return n.getAttributeList().stream().noneMatch(a -> a.getName().equals("transB") && a.getI() == 1);
                }
            }
        }
        return false;
    }

    /**
     * The HF bias name that goes with an anonymous weight: the named bias of the Gemm that uses it, or of the
     * Add right after the MatMul that uses it; {@code null} when there is none.
     */
    private static String biasAfterMatMul(String weight, Map<String, List<NodeProto>> consumers,
            Map<String, TensorProto> inits) {
        for (NodeProto mm : consumers.getOrDefault(weight, List.of())) {
            if (mm.getInputCount() < 2 || !mm.getInput(1).equals(weight)) {
                continue;
            }
            List<String> candidates = new ArrayList<>();
            if (mm.getOpType().equals("Gemm") && mm.getInputCount() == 3) {
                candidates.add(mm.getInput(2));
            } else if (mm.getOpType().equals("MatMul")) {
                for (NodeProto add : consumers.getOrDefault(mm.getOutput(0), List.of())) {
                    if (add.getOpType().equals("Add")) {
                        candidates.addAll(add.getInputList());
                    }
                }
            }
            for (String in : candidates) {
                String name = HfBertNames.canonical(in);
                if (inits.containsKey(in) && name.endsWith(".bias") && HfBertNames.isEncoderParameter(name)) {
                    return name;
                }
            }
        }
        return null;
    }

    /** Puts tensors in HF state-dict order and checks that every encoder tensor was found. */
    private static StateDict reorder(StateDict found, String where) {
        int layers = HfBertNames.layerCount(found);
        StateDict out = new StateDict();
        boolean pooler = HfBertNames.hasPooler(found);
        List<String> missing = new ArrayList<>();
        for (HfBertNames.Row r : HfBertNames.rows(layers, pooler, false, false)) {
            Tensor t = found.get(r.hf());
            if (t == null) {
                missing.add(r.hf());
            } else {
                out.put(t);
            }
        }
        if (!missing.isEmpty()) {
            throw new InputException(where, "cannot find BERT tensors in the ONNX graph: " + missing);
        }
        return out;
    }

    private static BertConfig config(StateDict w, GraphProto g, Map<String, TensorProto> constants,
            Map<String, NodeProto> producers, String where) {
        int hidden = w.get(HfBertNames.WORD_EMBEDDINGS).dim(1);
        int headSize = 0;
        double eps = 1e-12;
        boolean erf = false;
        for (NodeProto n : g.getNodeList()) {
            erf |= n.getOpType().equals("Erf");
            if (headSize == 0 && n.getOpType().equals("Div") && n.getInputCount() == 2) {
                NodeProto scores = producers.get(n.getInput(0));
                Double c = scalar(constants.get(n.getInput(1)));
                if (scores != null && scores.getOpType().equals("MatMul") && c != null && c > 0) {
                    headSize = (int) Math.round(c * c);
                }
            }
            if (n.getOpType().equals("Sqrt")) {
                NodeProto add = producers.get(n.getInput(0));
                if (add != null && add.getOpType().equals("Add")) {
                    for (String in : add.getInputList()) {
                        Double c = scalar(constants.get(in));
                        if (c != null && c > 0 && c < 1e-3) {
                            eps = c;
                        }
                    }
                }
            }
        }
        if (headSize <= 0 || hidden % headSize != 0) {
            throw new InputException(where, "cannot find the attention scale (a Div of the score MatMul by "
                    + "sqrt(head size)) in the ONNX graph, so the number of attention heads is unknown");
        }
        BertConfig base = HfBertNames.configFromShapes(w, HfBertNames.layerCount(w), hidden / headSize);
        return new BertConfig(base.vocabSize(), base.hiddenSize(), base.numHiddenLayers(), base.numAttentionHeads(),
                base.intermediateSize(), erf ? "gelu" : "gelu_new", base.maxPositionEmbeddings(), base.typeVocabSize(),
                // Via Float.toString: the graph holds eps as float32, and 1e-12 should read back as 1e-12.
                Double.parseDouble(Float.toString((float) eps)), base.padTokenId(), Map.of(), null, base.architectures(), base.extra());
    }

    private static Double scalar(TensorProto t) {
        if (t == null || t.getDimsCount() > 1 || (t.getDimsCount() == 1 && t.getDims(0) != 1)) {
            return null;
        }
        if (t.getDataType() == TensorProto.DataType.FLOAT.getNumber()) {
            return t.getFloatDataCount() > 0 ? (double) t.getFloatData(0)
                    : (double) t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).getFloat(0);
        }
        if (t.getDataType() == TensorProto.DataType.DOUBLE.getNumber()) {
            return t.getDoubleDataCount() > 0 ? t.getDoubleData(0)
                    : t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).getDouble(0);
        }
        return null;
    }
}
