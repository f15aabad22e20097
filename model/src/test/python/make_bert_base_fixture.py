#!/usr/bin/python3
"""PyTorch reference fixture for the 12-layer BERT encoder (Google's bert-base-uncased).

Purpose
    Produce the reference outputs that a Java test compares, to 1e-4, against our hand-written
    ND4J BERT encoder. The forward pass is written here in plain torch, following Hugging Face
    transformers' BertModel (eager attention, eval mode, so no dropout) operation for operation.
    transformers and safetensors are NOT needed: this file has its own small safetensors
    reader and writer.

Usage (Debian's python with torch, not the pyenv one)
    ./multitag import bert-base-uncased --out /tmp/bbu            # f32, default dtype
    /usr/bin/python3 model/src/test/python/make_bert_base_fixture.py /tmp/bbu \
        model/src/test/resources/torch/bert-base-uncased.safetensors

    arg 1: Hugging Face model folder (config.json + model.safetensors, F32)
    arg 2: output fixture path (default: the path above, relative to the repository root)

    Output is deterministic: two runs on the same machine give byte-identical files
    (single thread, torch.use_deterministic_algorithms).

Generated with torch 1.13.0a0 (Debian python3-torch), CPU, float32.

Inputs (ids hard-coded below)
    Produced by our tokenizer (verified identical to HF tokenizers) from the JSON Lines
        {"text": "The quick brown fox jumps over the lazy dog."}
        {"text": "On March 3rd, 2021, Dr. Smith paid $1,250.75 for 42 widgets: a 15% discount!"}
        {"text": "Where is the train station?", "text_pair": "It is next to the old museum."}
        {"text": "hello"}
    with
        ./multitag tokenize --tokenizer=/tmp/bbu --input=inputs.jsonl --padding=longest
    i.e. [CLS]/[SEP] added, right-padded with id 0 to the longest row: N = 4, T = 28,
    attention_mask 1 on real tokens and 0 on padding, token_type_ids 1 on the second segment
    of the pair (its tokens and its final [SEP]).

Tensors written (in this order; I64 little-endian for ids, F32 for the rest)
    input_ids          I64 [4, 28]
    token_type_ids     I64 [4, 28]
    attention_mask     I64 [4, 28]
    hidden_states.0    F32 [4, 28, 768]      embeddings output (after the embeddings LayerNorm)
    hidden_states.6    F32 [4, 28, 768]      output of layer 6 (1-based)
    hidden_states.12   F32 [4, 28, 768]      output of layer 12 = last_hidden_state
    attentions.1       F32 [4, 12, 28, 28]   softmax probabilities of layer 1 (1-based)
    attentions.12      F32 [4, 12, 28, 28]   softmax probabilities of layer 12
    float64.hidden_states.12  F32 [4, 28, 768]  layer 12 computed in float64 (weights cast to double), rounded
                                             to float32 for storage: the exact reference
    __metadata__ = {"torch": <torch.__version__>, "model": "bert-base-uncased"}

    Indexing follows transformers' output_hidden_states / output_attentions tuples:
    hidden_states.K is hidden_states[K] (0 = embeddings), attentions.K is attentions[K-1].
    Padded positions are computed too (as transformers does); padded keys get probability 0.
"""

import json
import math
import struct
import sys

import torch
import torch.nn.functional as F

MODEL_NAME = "bert-base-uncased"

# ---------------------------------------------------------------------------------------------
# Inputs: produced by `./multitag tokenize --tokenizer=/tmp/bbu --padding=longest` (see docstring)
# ---------------------------------------------------------------------------------------------
TEXTS = [
    # (a) [CLS] the quick brown fox jumps over the lazy dog . [SEP]                     12 tokens
    "The quick brown fox jumps over the lazy dog.",
    # (b) [CLS] on march 3rd , 2021 , dr . smith paid $ 1 , 250 . 75 for 42 wi ##dgets : a 15 %
    #     discount ! [SEP]                                                                28 tokens
    "On March 3rd, 2021, Dr. Smith paid $1,250.75 for 42 widgets: a 15% discount!",
    # (c) [CLS] where is the train station ? [SEP] it is next to the old museum . [SEP]  17 tokens
    ("Where is the train station?", "It is next to the old museum."),
    # (d) [CLS] hello [SEP]                                                              3 tokens
    "hello",
]
T = 28
_PAD = lambda ids: ids + [0] * (T - len(ids))
INPUT_IDS = [
    _PAD([101, 1996, 4248, 2829, 4419, 14523, 2058, 1996, 13971, 3899, 1012, 102]),
    _PAD([101, 2006, 2233, 3822, 1010, 25682, 1010, 2852, 1012, 3044, 3825, 1002, 1015, 1010,
          5539, 1012, 4293, 2005, 4413, 15536, 28682, 1024, 1037, 2321, 1003, 19575, 999, 102]),
    _PAD([101, 2073, 2003, 1996, 3345, 2276, 1029, 102,
          2009, 2003, 2279, 2000, 1996, 2214, 2688, 1012, 102]),
    _PAD([101, 7592, 102]),
]
TOKEN_TYPE_IDS = [
    [0] * T,
    [0] * T,
    _PAD([0] * 8 + [1] * 9),
    [0] * T,
]
ATTENTION_MASK = [_PAD([1] * n) for n in (12, 28, 17, 3)]

HIDDEN_TO_SAVE = (0, 6, 12)      # indices into the hidden_states tuple
ATTENTIONS_TO_SAVE = (1, 12)     # 1-based layer numbers


# ---------------------------------------------------------------------------------------------
# Minimal safetensors reader / writer
# ---------------------------------------------------------------------------------------------
_DTYPES = {"F32": (torch.float32, 4), "I64": (torch.int64, 8)}


def read_safetensors(path):
    """Returns ({name: tensor}, metadata). Only F32 / I64, little-endian, as the format says."""
    with open(path, "rb") as f:
        data = f.read()
    (header_len,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + header_len].decode("utf-8"))
    metadata = header.pop("__metadata__", {})
    base = 8 + header_len
    buf = bytearray(data[base:])  # writable, so torch.frombuffer does not warn
    del data
    assert sys.byteorder == "little", "the reader assumes a little-endian host"
    tensors = {}
    for name, info in header.items():
        dtype, size = _DTYPES[info["dtype"]]
        begin, end = info["data_offsets"]
        count = math.prod(info["shape"])
        assert end - begin == count * size, name
        t = torch.frombuffer(buf, dtype=dtype, count=count, offset=begin)
        tensors[name] = t.reshape(info["shape"]).clone()
    return tensors, metadata


def write_safetensors(path, tensors, metadata):
    """tensors: list of (name, tensor) written in that order; header padded with spaces to 8."""
    header = {"__metadata__": metadata}
    blobs, offset = [], 0
    for name, t in tensors:
        t = t.contiguous()
        code = {torch.float32: "F32", torch.int64: "I64"}[t.dtype]
        raw = t.numpy().tobytes()  # host order; asserted little-endian above
        header[name] = {"dtype": code, "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    hjson = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hjson += b" " * (-len(hjson) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hjson)))
        f.write(hjson)
        for raw in blobs:
            f.write(raw)


# ---------------------------------------------------------------------------------------------
# BERT forward, as transformers' BertModel (eager attention, eval mode)
# ---------------------------------------------------------------------------------------------
def bert_forward(w, cfg, input_ids, token_type_ids, attention_mask):
    """Returns (hidden_states tuple of L+1 [N,T,H], attentions tuple of L [N,heads,T,T])."""
    H = cfg["hidden_size"]
    heads = cfg["num_attention_heads"]
    hd = H // heads
    eps = cfg["layer_norm_eps"]
    assert cfg.get("hidden_act", "gelu") == "gelu", cfg.get("hidden_act")
    assert cfg.get("position_embedding_type", "absolute") == "absolute"
    N, T_ = input_ids.shape

    def linear(x, prefix):
        return F.linear(x, w[prefix + ".weight"], w[prefix + ".bias"])  # x @ W^T + b

    def layer_norm(x, prefix):
        return F.layer_norm(x, (H,), w[prefix + ".weight"], w[prefix + ".bias"], eps)

    # BertEmbeddings: (word + token_type) + position, LayerNorm, dropout (none in eval)
    position_ids = torch.arange(T_, dtype=torch.long).unsqueeze(0)
    emb = w["embeddings.word_embeddings.weight"][input_ids]
    emb = emb + w["embeddings.token_type_embeddings.weight"][token_type_ids]
    emb = emb + w["embeddings.position_embeddings.weight"][position_ids]
    x = layer_norm(emb, "embeddings.LayerNorm")

    # get_extended_attention_mask: [N,1,1,T], 0 for keep, finfo(float32).min for masked keys
    ext = attention_mask[:, None, None, :].to(torch.float32)
    ext = (1.0 - ext) * torch.finfo(torch.float32).min

    def split_heads(t):  # [N,T,H] -> [N,heads,T,hd]
        return t.view(N, T_, heads, hd).permute(0, 2, 1, 3)

    hidden_states, attentions = [x], []
    for i in range(cfg["num_hidden_layers"]):
        p = "encoder.layer.%d." % i
        # BertSelfAttention (eager)
        q = split_heads(linear(x, p + "attention.self.query"))
        k = split_heads(linear(x, p + "attention.self.key"))
        v = split_heads(linear(x, p + "attention.self.value"))
        scores = torch.matmul(q, k.transpose(-1, -2))
        scores = scores / math.sqrt(hd)
        scores = scores + ext
        probs = F.softmax(scores, dim=-1)
        ctx = torch.matmul(probs, v).permute(0, 2, 1, 3).contiguous().view(N, T_, H)
        # BertSelfOutput
        a = layer_norm(linear(ctx, p + "attention.output.dense") + x, p + "attention.output.LayerNorm")
        # BertIntermediate (exact erf GELU) + BertOutput
        inter = F.gelu(linear(a, p + "intermediate.dense"))
        x = layer_norm(linear(inter, p + "output.dense") + a, p + "output.LayerNorm")
        hidden_states.append(x)
        attentions.append(probs)
    return tuple(hidden_states), tuple(attentions)


# ---------------------------------------------------------------------------------------------
# Independent cross-check with torch.nn.TransformerEncoderLayer / MultiheadAttention
# ---------------------------------------------------------------------------------------------
def cross_check_with_nn(w, cfg, hidden_states, attentions, attention_mask):
    """Re-runs every layer with torch's own post-norm encoder layer (different code path) from
    our hidden_states[i], and compares layer outputs and layer-1/12 attention probabilities on
    the real (unpadded) query positions."""
    H, heads, eps = cfg["hidden_size"], cfg["num_attention_heads"], cfg["layer_norm_eps"]
    keep = attention_mask.bool()
    pad = ~keep
    worst_h, worst_a = 0.0, 0.0
    for i in range(cfg["num_hidden_layers"]):
        p = "encoder.layer.%d." % i
        layer = torch.nn.TransformerEncoderLayer(
            H, heads, dim_feedforward=cfg["intermediate_size"], dropout=0.0, activation="gelu",
            layer_norm_eps=eps, batch_first=True, norm_first=False)
        sa = layer.self_attn
        with torch.no_grad():
            sa.in_proj_weight.copy_(torch.cat([w[p + "attention.self.%s.weight" % n]
                                               for n in ("query", "key", "value")]))
            sa.in_proj_bias.copy_(torch.cat([w[p + "attention.self.%s.bias" % n]
                                             for n in ("query", "key", "value")]))
            sa.out_proj.weight.copy_(w[p + "attention.output.dense.weight"])
            sa.out_proj.bias.copy_(w[p + "attention.output.dense.bias"])
            layer.norm1.weight.copy_(w[p + "attention.output.LayerNorm.weight"])
            layer.norm1.bias.copy_(w[p + "attention.output.LayerNorm.bias"])
            layer.linear1.weight.copy_(w[p + "intermediate.dense.weight"])
            layer.linear1.bias.copy_(w[p + "intermediate.dense.bias"])
            layer.linear2.weight.copy_(w[p + "output.dense.weight"])
            layer.linear2.bias.copy_(w[p + "output.dense.bias"])
            layer.norm2.weight.copy_(w[p + "output.LayerNorm.weight"])
            layer.norm2.bias.copy_(w[p + "output.LayerNorm.bias"])
        layer.eval()
        x = hidden_states[i]
        y = layer(x, src_key_padding_mask=pad)
        worst_h = max(worst_h, (y - hidden_states[i + 1])[keep].abs().max().item())
        if i + 1 in ATTENTIONS_TO_SAVE:
            _, probs = sa(x, x, x, key_padding_mask=pad, need_weights=True,
                          average_attn_weights=False)
            worst_a = max(worst_a, (probs - attentions[i]).permute(0, 2, 1, 3)[keep].abs().max().item())
    print("cross-check vs torch.nn.TransformerEncoderLayer: max |diff| per layer output %.3g, "
          "attention probs %.3g" % (worst_h, worst_a))
    assert worst_h < 1e-4 and worst_a < 1e-5, (worst_h, worst_a)


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else "/tmp/bbu"
    out = sys.argv[2] if len(sys.argv) > 2 else "model/src/test/resources/torch/bert-base-uncased.safetensors"
    torch.manual_seed(0)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)

    with open(folder + "/config.json") as f:
        cfg = json.load(f)
    w, meta = read_safetensors(folder + "/model.safetensors")
    prefixed = [k for k in w if k.startswith("bert.")]
    if prefixed:  # BertFor* checkpoints carry a "bert." prefix: strip it, drop the heads
        w = {k[len("bert."):]: v for k, v in w.items() if k.startswith("bert.")}
    for k, v in w.items():
        assert v.dtype == torch.float32 or not k.startswith(("embeddings.", "encoder.")), (k, v.dtype)
    print("read %d tensors (prefix 'bert.': %s), checkpoint metadata %s" % (len(w), bool(prefixed), meta))
    print("config: layers %d, hidden %d, heads %d, intermediate %d, eps %g, act %s" % (
        cfg["num_hidden_layers"], cfg["hidden_size"], cfg["num_attention_heads"],
        cfg["intermediate_size"], cfg["layer_norm_eps"], cfg["hidden_act"]))
    print("sum(embeddings.LayerNorm.weight) = %.4f (expect a few hundred), "
          "sum(word_embeddings[101]) = %.4f" % (w["embeddings.LayerNorm.weight"].sum().item(),
                                                w["embeddings.word_embeddings.weight"][101].sum().item()))

    input_ids = torch.tensor(INPUT_IDS, dtype=torch.int64)
    token_type_ids = torch.tensor(TOKEN_TYPE_IDS, dtype=torch.int64)
    attention_mask = torch.tensor(ATTENTION_MASK, dtype=torch.int64)
    N = input_ids.shape[0]
    assert input_ids.shape == (N, T) == token_type_ids.shape == attention_mask.shape
    assert ((input_ids != 0).long() == attention_mask).all()

    with torch.no_grad():
        hidden_states, attentions = bert_forward(w, cfg, input_ids, token_type_ids, attention_mask)

        # ---- sanity checks ----
        L, H, heads = cfg["num_hidden_layers"], cfg["hidden_size"], cfg["num_attention_heads"]
        assert len(hidden_states) == L + 1 and len(attentions) == L
        for h in hidden_states:
            assert h.shape == (N, T, H) and torch.isfinite(h).all()
        for a in attentions:
            assert a.shape == (N, heads, T, T) and torch.isfinite(a).all()
            assert (a.sum(-1) - 1).abs().max().item() < 1e-5, "attention rows must sum to 1"
            assert (a * (1 - attention_mask)[:, None, None, :]).abs().max().item() == 0.0, \
                "padded keys must get probability exactly 0"
        print("hidden_states.12 [CLS] of (a): first 5 = %s" % hidden_states[12][0, 0, :5].tolist())
        # a real token's output must not depend on padding: row (d) alone, unpadded
        h_d, _ = bert_forward(w, cfg, input_ids[3:, :3], token_type_ids[3:, :3], attention_mask[3:, :3])
        d = (h_d[12][0] - hidden_states[12][3, :3]).abs().max().item()
        print("(d) unpadded vs padded, max |diff| = %.3g" % d)
        assert d < 1e-4
        cross_check_with_nn(w, cfg, hidden_states, attentions, attention_mask)

    tensors = [("input_ids", input_ids), ("token_type_ids", token_type_ids),
               ("attention_mask", attention_mask)]
    tensors += [("hidden_states.%d" % k, hidden_states[k]) for k in HIDDEN_TO_SAVE]
    tensors += [("attentions.%d" % k, attentions[k - 1]) for k in ATTENTIONS_TO_SAVE]
    # The same forward in float64: the exact result that both float32 implementations approximate. Deep
    # layers amplify rounding (sentence (a) at layer 12: torch float32 is ~6e-5 off it), so two float32
    # implementations may differ by twice that; the Java test measures both against this reference.
    with torch.no_grad():
        w64 = {k: v.double() for k, v in w.items()}
        h64, _ = bert_forward(w64, cfg, input_ids, token_type_ids, attention_mask)
    for k in HIDDEN_TO_SAVE:
        d = (hidden_states[k].double() - h64[k]).abs() * attention_mask[:, :, None]
        print("hidden_states.%d: torch float32 vs float64 max |diff| over real tokens = %.3g" % (k, d.max().item()))
    tensors += [("float64.hidden_states.12", h64[12].float())]
    write_safetensors(out, tensors, {"torch": torch.__version__, "model": MODEL_NAME})

    # read back what was written
    back, back_meta = read_safetensors(out)
    assert list(back) == [n for n, _ in tensors] and back_meta["model"] == MODEL_NAME
    for n, t in tensors:
        assert torch.equal(back[n], t), n
    for n, t in tensors:
        print("  %-16s %s %s" % (n, {torch.int64: "I64", torch.float32: "F32"}[t.dtype], list(t.shape)))
    print("wrote %s (N=%d, T=%d, torch %s)" % (out, N, T, torch.__version__))


if __name__ == "__main__":
    main()
