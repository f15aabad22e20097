package org.multitag.benchmarks;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;
import org.multitag.weights.BertConfig;
import org.multitag.weights.HfBertNames;
import org.multitag.weights.StateDict;
import org.multitag.weights.Tensor;

/**
 * Writes a BERT encoder (HF state dict + config) as an ONNX graph (opset 17) that ONNX Runtime can run, so ORT
 * can be benchmarked on models that have no ONNX export of their own (bert-base).
 *
 * <p>The graph mirrors what {@code torch.onnx.export} produces for transformers' {@code BertModel}, node for
 * node where it matters to ORT's graph optimizer: MatMul then Add(bias) for every Linear, Reshape to
 * {@code [B,T,heads,d]} and Transpose, {@code MatMul(q, kᵀ)} then Div by √d, Add of the extended mask
 * {@code (1 − mask)·float32_min}, Softmax, the exact GELU as {@code x·(1+erf(x/√2))·0.5}. Only LayerNorm is the
 * opset-17 {@code LayerNormalization} op instead of PyTorch's decomposition (ORT fuses that decomposition into
 * the same op anyway). Inputs {@code input_ids}, {@code attention_mask}, {@code token_type_ids} (int64
 * {@code [batch, sequence]}); output {@code last_hidden_state} (float {@code [batch, sequence, hidden]}).
 */
public final class EncoderOnnxExporter {

    static final int OPSET = 17;

    private final GraphProto.Builder graph = GraphProto.newBuilder().setName("bert_encoder");
    private final Map<String, Tensor> weights = new HashMap<>();
    private int counter;

    private EncoderOnnxExporter(StateDict stateDict) {
        for (Tensor t : stateDict.tensors()) {
            weights.put(HfBertNames.canonical(t.name()), t);
        }
    }

    /** The serialized ONNX model of the encoder. */
    public static byte[] export(BertConfig config, StateDict stateDict) {
        return build(config, stateDict).toByteArray();
    }

    static ModelProto build(BertConfig config, StateDict stateDict) {
        if (!"gelu".equals(config.hiddenAct())) {
            throw new IllegalArgumentException("only hidden_act gelu is exported, not " + config.hiddenAct());
        }
        EncoderOnnxExporter x = new EncoderOnnxExporter(stateDict);
        x.encoder(config);
        return ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("multitag-benchmarks")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(x.graph)
                .build();
    }

    private void encoder(BertConfig c) {
        int h = c.hiddenSize();
        int heads = c.numAttentionHeads();
        int d = h / heads;
        float eps = (float) c.layerNormEps();
        graph.addInput(valueInfo("input_ids", TensorProto.DataType.INT64_VALUE, "batch_size", "sequence_length"));
        graph.addInput(valueInfo("attention_mask", TensorProto.DataType.INT64_VALUE, "batch_size", "sequence_length"));
        graph.addInput(valueInfo("token_type_ids", TensorProto.DataType.INT64_VALUE, "batch_size", "sequence_length"));

        // Extended attention mask [B,1,1,T]: 0 where attended, float32 min where padded (transformers' form).
        String m = node("Unsqueeze", "input_mask_unsqueezed", "attention_mask", longs("mask_axes", 1, 2));
        m = node("Cast", "mask_float", new String[] {m}, intAttr("to", TensorProto.DataType.FLOAT_VALUE));
        m = node("Sub", "mask_inverted", scalar("one", 1f), m);
        String mask = node("Mul", "mask_extended", m, scalar("float_min", -Float.MAX_VALUE));

        // Embeddings: (word + type) + position, then LayerNorm.
        String shape = node("Shape", "ids_shape", "input_ids");
        String seq = node("Gather", "seq_len", new String[] {shape, longs("index_1", 1)}, intAttr("axis", 0));
        String positions = node("Slice", "position_rows", weight("embeddings.position_embeddings.weight"),
                longs("zero_1d", 0), seq, longs("axes_0", 0));
        String e = node("Add", "emb_word_type",
                node("Gather", "emb_word", weight("embeddings.word_embeddings.weight"), "input_ids"),
                node("Gather", "emb_type", weight("embeddings.token_type_embeddings.weight"), "token_type_ids"));
        e = node("Add", "emb_sum", e, positions);
        String hidden = layerNorm("emb_ln", e, "embeddings.LayerNorm", eps);

        String headShape = longs("head_shape", 0, 0, heads, d);
        String mergeShape = longs("merge_shape", 0, 0, h);
        String sqrtD = scalar("sqrt_head_size", (float) Math.sqrt(d));
        String sqrt2 = scalar("sqrt_2", (float) Math.sqrt(2.0));
        String half = scalar("half", 0.5f);
        for (int l = 0; l < c.numHiddenLayers(); l++) {
            String p = "encoder.layer." + l + ".";
            String q = linear(p + "attention.self.query", hidden);
            String k = linear(p + "attention.self.key", hidden);
            String v = linear(p + "attention.self.value", hidden);
            String kt = node("Transpose", p + "key_t", new String[] {node("Reshape", p + "key_heads", k, headShape)},
                    intsAttr("perm", 0, 2, 3, 1));
            String qh = node("Transpose", p + "query_t", new String[] {node("Reshape", p + "query_heads", q, headShape)},
                    intsAttr("perm", 0, 2, 1, 3));
            String vh = node("Transpose", p + "value_t", new String[] {node("Reshape", p + "value_heads", v, headShape)},
                    intsAttr("perm", 0, 2, 1, 3));
            String scores = node("Div", p + "scores_scaled", node("MatMul", p + "scores", qh, kt), sqrtD);
            scores = node("Add", p + "scores_masked", scores, mask);
            String probs = node("Softmax", p + "probs", new String[] {scores}, intAttr("axis", -1));
            String ctx = node("MatMul", p + "context", probs, vh);
            ctx = node("Transpose", p + "context_t", new String[] {ctx}, intsAttr("perm", 0, 2, 1, 3));
            ctx = node("Reshape", p + "context_merged", ctx, mergeShape);
            String attn = linear(p + "attention.output.dense", ctx);
            attn = node("Add", p + "attn_residual", attn, hidden);
            hidden = layerNorm(p + "attn_ln", attn, p + "attention.output.LayerNorm", eps);

            String inter = linear(p + "intermediate.dense", hidden);
            String erf = node("Erf", p + "gelu_erf", node("Div", p + "gelu_div", inter, sqrt2));
            String g = node("Mul", p + "gelu_mul", inter, node("Add", p + "gelu_add", erf, scalar(p + "gelu_one", 1f)));
            g = node("Mul", p + "gelu", g, half);
            String out = linear(p + "output.dense", g);
            out = node("Add", p + "out_residual", out, hidden);
            hidden = layerNorm(p + "out_ln", out, p + "output.LayerNorm", eps);
        }
        graph.addNode(NodeProto.newBuilder().setOpType("Identity").setName("output").addInput(hidden)
                .addOutput("last_hidden_state"));
        graph.addOutput(valueInfo("last_hidden_state", TensorProto.DataType.FLOAT_VALUE, "batch_size",
                "sequence_length", String.valueOf(h)));
    }

    /** {@code x · Wᵀ + b} as MatMul with the [in, out] transpose of HF's [out, in] weight, then Add. */
    private String linear(String prefix, String x) {
        Tensor w = tensor(prefix + ".weight");
        String wt = initializer(prefix + ".weight_t", w.transposed(prefix + ".weight_t"));
        return node("Add", prefix + ".out", node("MatMul", prefix + ".matmul", x, wt), weight(prefix + ".bias"));
    }

    private String layerNorm(String name, String x, String prefix, float eps) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType("LayerNormalization").setName(name)
                .addInput(x).addInput(weight(prefix + ".weight")).addInput(weight(prefix + ".bias")).addOutput(name)
                .addAttribute(intAttr("axis", -1))
                .addAttribute(AttributeProto.newBuilder().setName("epsilon").setType(AttributeProto.AttributeType.FLOAT)
                        .setF(eps));
        graph.addNode(n);
        return name;
    }

    private String node(String op, String out, String... inputs) {
        return node(op, out, inputs, new AttributeProto[0]);
    }

    private String node(String op, String out, String[] inputs, AttributeProto... attrs) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(out + "_" + op + "_" + counter++)
                .addOutput(out);
        for (String in : inputs) {
            n.addInput(in);
        }
        for (AttributeProto a : attrs) {
            n.addAttribute(a);
        }
        graph.addNode(n);
        return out;
    }

    private Tensor tensor(String name) {
        Tensor t = weights.get(name);
        if (t == null) {
            throw new IllegalArgumentException("missing tensor " + name);
        }
        return t;
    }

    /** The named HF tensor as an initializer (added once). */
    private String weight(String name) {
        if (graph.getInitializerList().stream().noneMatch(t -> t.getName().equals(name))) {
            initializer(name, tensor(name));
        }
        return name;
    }

    private String initializer(String name, Tensor t) {
        float[] v = t.toFloat32();
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        TensorProto.Builder p = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(b.array()));
        for (int dim : t.shape()) {
            p.addDims(dim);
        }
        graph.addInitializer(p);
        return name;
    }

    private String scalar(String name, float value) {
        ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(0, value);
        graph.addInitializer(TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(b.array())));
        return name;
    }

    private String longs(String name, long... values) {
        TensorProto.Builder p = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE)
                .addDims(values.length);
        for (long v : values) {
            p.addInt64Data(v);
        }
        graph.addInitializer(p);
        return name;
    }

    private static AttributeProto intAttr(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    private static AttributeProto intsAttr(String name, long... v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long x : v) {
            a.addInts(x);
        }
        return a.build();
    }

    private static ValueInfoProto valueInfo(String name, int elemType, String... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (String d : dims) {
            TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
            if (d.chars().allMatch(Character::isDigit)) {
                dim.setDimValue(Long.parseLong(d));
            } else {
                dim.setDimParam(d);
            }
            s.addDim(dim);
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(s))).build();
    }
}
