#!/usr/bin/python3
"""PyTorch reference fixture for attention masks and position ids, on a tiny random BERT.

Purpose
    The reference outputs a Java test compares against our ND4J BERT encoder for every kind of
    attention mask and position ids that transformers' BertModel accepts: right padding, left
    padding (with the default and with caller-shifted position ids), holes in the mask (a masked
    position inside a row, the first position masked as in transformers' own BERT integration
    test), explicit position ids, rows whose mask is all 0, and sentence pairs. The model is a
    tiny random BERT written here as a Hugging Face model folder, so the test needs no download.
    The forward pass is plain torch, following transformers' eager BertModel in eval mode
    operation for operation; transformers and safetensors are NOT needed (own reader/writer).

Usage (Debian's python with torch, not the pyenv one), from the repository root
    /usr/bin/python3 model/src/test/python/make_mask_fixture.py [OUT_DIR]

    OUT_DIR defaults to model/src/test/resources/torch/masks. Deterministic: single thread,
    torch.use_deterministic_algorithms(True), a seeded generator; two runs give byte-identical
    files (checked). Generated with torch 1.13.0a0 (Debian python3-torch 1.13.1), CPU.

Files written to OUT_DIR
    config.json        BertConfig as transformers writes it (keys sorted, indent 2): vocab_size 100,
                       hidden_size 64, num_hidden_layers 2, num_attention_heads 4 (head size 16),
                       intermediate_size 128, hidden_act "gelu" (exact erf), max_position_embeddings
                       40, type_vocab_size 2, layer_norm_eps 1e-12, pad_token_id 0, dropouts 0.1
                       (unused: eval mode), initializer_range 0.02, position_embedding_type
                       "absolute", model_type "bert", architectures ["BertModel"].
    model.safetensors  F32 weights, HF canonical BertModel names, no "bert." prefix, no pooler;
                       Linear weights [out, in] as torch stores them (y = x W^T + b); metadata
                       {"format": "pt"}. 37 tensors, 76,160 parameters:
        embeddings.word_embeddings.weight          F32 [100, 64]   N(0, 0.02); row 0 (the pad id)
                                                                    is random too, NOT zeroed
        embeddings.position_embeddings.weight      F32 [40, 64]    N(0, 0.02)
        embeddings.token_type_embeddings.weight    F32 [2, 64]     N(0, 0.02)
        embeddings.LayerNorm.weight / .bias        F32 [64]        1 + N(0, 0.1) / N(0, 0.1)
        for N in 0, 1, in this order:
        encoder.layer.N.attention.self.query.weight / .bias      F32 [64, 64] / [64]
        encoder.layer.N.attention.self.key.weight / .bias        F32 [64, 64] / [64]
        encoder.layer.N.attention.self.value.weight / .bias      F32 [64, 64] / [64]
        encoder.layer.N.attention.output.dense.weight / .bias    F32 [64, 64] / [64]
        encoder.layer.N.attention.output.LayerNorm.weight / .bias  F32 [64] / [64]
        encoder.layer.N.intermediate.dense.weight / .bias        F32 [128, 64] / [128]
        encoder.layer.N.output.dense.weight / .bias              F32 [64, 128] / [64]
        encoder.layer.N.output.LayerNorm.weight / .bias          F32 [64] / [64]
        Matrices N(0, 0.02) except query and key weights N(0, 0.1) and intermediate.dense.weight
        N(0, 0.2); biases N(0, 0.02); LayerNorm weight 1 + N(0, 0.1), bias N(0, 0.1); N(m, s) means
        mean m, standard deviation s; one torch.Generator seeded 20240611, drawn in file order.
        Why the two wider ones: with N(0, 0.02) everywhere, the attention is nearly uniform
        (probabilities within [0.077, 0.092] for 12 keys), which makes mask and position errors
        small, and the feed-forward pre-activations have standard deviation 0.16, where exact
        GELU, its tanh approximation and ReLU's positive part barely differ. With these, the
        attention probabilities spread over [0.01, 0.55] and the pre-activations have standard
        deviation about 1.6.
    fixture.safetensors  the cases below; metadata {"torch": version, "cases": "right,left,...",
                       "mask_min": "-3.4028234663852886e+38", "left_shifted_pad_position": "1"}

Tensors of fixture.safetensors (in this order, for CASE in the order of the table below)
    CASE.input_ids               I64 [B, T]
    CASE.token_type_ids          I64 [B, T]
    CASE.attention_mask          I64 [B, T]          1 = attend to this key, 0 = masked
    CASE.position_ids            I64 [B, T]          the position ids used (also when default)
    CASE.hidden_states.0         F32 [B, T, 64]      embeddings output (after the embeddings LayerNorm)
    CASE.hidden_states.1         F32 [B, T, 64]      output of layer 1 (1-based)
    CASE.hidden_states.2         F32 [B, T, 64]      output of layer 2 = last_hidden_state
    CASE.attentions.1            F32 [B, 4, T, T]    softmax probabilities of layer 1 [b, head, query, key]
    CASE.attentions.2            F32 [B, 4, T, T]    softmax probabilities of layer 2
    CASE.float64.hidden_states.2 F32 [B, T, 64]      layer 2 computed in float64 (weights cast to double,
                                                     same mask value, see below), rounded to float32

    CASE          B   T   position_ids                     what it tests
    right         3  12   default 0..T-1                   3 rows of real lengths 9, 5, 12, right-padded
                                                           with id 0, mask 0 on the padding
    left          3  12   default 0..T-1                   the same 3 sequences left-padded (padding
                                                           first): transformers' result when the
                                                           caller passes no position_ids, so the real
                                                           tokens sit at positions T-n..T-1
    left_shifted  3  12   cumsum(mask)-1, padding -> 1     the same, position ids counting from 0 at the
                                                           first real token; padding positions get 1
                                                           (transformers' generate() convention:
                                                           masked_fill_(attention_mask == 0, 1)).
                                                           Real tokens equal `right`'s.
    hole          3  10   default 0..T-1                   row 0: mask 0 at position 4 (a real token,
                                                           id 60) inside a full row; row 1: position 0
                                                           masked with id 0, as in transformers'
                                                           BertModelIntegrationTest; row 2: mask 0 at
                                                           positions 2 and 3 (ids 71, 72) plus 2 right
                                                           padding positions
    positions     3   8   row 0: 5..12; row 1: 0,0,1,1,    explicit non-default position ids, all masks
                          2,2,3,3 (repeated); row 2:       1; row 2 reaches the last row (39) of the
                          39,38,...,32 (descending)         position table
    all_masked    3   8   default 0..T-1                   row 0 normal (6 real tokens + 2 padding);
                                                           row 1: row 0's ids, mask all 0; row 2: ids
                                                           all 0, mask all 0 (an empty row of a batch)
    pair          2  10   default 0..T-1                   row 0: [CLS] a b c [SEP] d e f g [SEP] with
                                                           token_type_ids 0 x5 then 1 x5; row 1: a short
                                                           pair (types 0 0 0 0 1 1) + 4 padding
                                                           positions with type 0
    Ids are arbitrary (no vocabulary): 1 plays [CLS], 2 plays [SEP], 0 is the pad id.

Semantics (transformers' eager BertModel, eval mode: no dropout)
    embeddings = LayerNorm((word[input_ids] + token_type[token_type_ids]) + position[position_ids]),
        summed in that order, eps 1e-12.
    extended mask = (1.0 - attention_mask) * torch.finfo(torch.float32).min, i.e. 0 on kept keys and
        -3.4028234663852886e+38 on masked keys, added to the scaled scores q.k^T / sqrt(16) before the
        softmax over keys. (sqrt(16) = 4, so dividing, as older transformers does, and multiplying
        by head_dim**-0.5, as newer transformers does, round identically.)
    Every query position is computed, padded and masked ones included, as transformers does: a
        masked position still gets hidden states and an attention row; only its role as a key is
        masked. Masked keys get probability exactly 0 in rows that have at least one kept key.
    A row whose mask is all 0 (all_masked rows 1 and 2): every score gets the same -3.4e38 added,
        which absorbs the score (float32 ulp there is 2^104), so the softmax is exactly uniform:
        every probability is exactly 1/T = 0.125. The row still produces finite hidden states
        (attention averages the values of all T positions). Not NaN: the mask is a large finite
        number, never -inf.
    Layers are post-LayerNorm: a = LN(attn_out_dense(ctx) + x); x' = LN(out_dense(gelu(inter(a))) + a);
        gelu is the exact erf form.
    float64: the same forward with every weight cast to double and the mask value the SAME float32
        minimum (-3.4028234663852886e+38, as a double), not torch.finfo(torch.float64).min
        (transformers would take the model dtype's minimum); this keeps the all_masked rows
        uniform in both and the meaning of the mask identical.

    Indexing follows transformers' output_hidden_states / output_attentions tuples: hidden_states.K
    is hidden_states[K] (0 = embeddings), attentions.K is attentions[K-1].

Checks the script runs (and asserts); figures from the run that wrote the committed files
    attention rows sum to 1; masked keys get exactly 0 in every row with a kept key;
    right == each row run alone, unpadded, at positions 0..n-1: hidden 2.4e-7, attention 8.9e-8;
    left_shifted == right at the real positions: bit-identical (0);
    left (default position ids) != right at the real positions: hidden 3.3, attention 0.58;
    all_masked rows 1, 2: every probability exactly 0.125; row 0 == itself alone: 2.4e-7;
    hole: other ids at the masked positions leave the kept positions bit-identical;
    positions row 0 (5..12) == the same tokens behind 5 masked left pads with default ids: 0;
    torch.nn.TransformerEncoderLayer cross-check (all cases but all_masked, real positions):
    layer outputs 7.2e-7, attention 6.0e-8; float32 vs float64 hidden_states.2: <= 1.1e-6.
"""

import json
import math
import os
import struct
import sys

import torch
import torch.nn.functional as F

OUT_DIR = "model/src/test/resources/torch/masks"
SEED = 20240611

CONFIG = {
    "architectures": ["BertModel"],
    "attention_probs_dropout_prob": 0.1,
    "classifier_dropout": None,
    "hidden_act": "gelu",
    "hidden_dropout_prob": 0.1,
    "hidden_size": 64,
    "initializer_range": 0.02,
    "intermediate_size": 128,
    "layer_norm_eps": 1e-12,
    "max_position_embeddings": 40,
    "model_type": "bert",
    "num_attention_heads": 4,
    "num_hidden_layers": 2,
    "pad_token_id": 0,
    "position_embedding_type": "absolute",
    "torch_dtype": "float32",
    "type_vocab_size": 2,
    "use_cache": True,
    "vocab_size": 100,
}

# Two weight kinds are drawn wider than the N(0, 0.02) of the rest (see the docstring): with 0.02 the
# attention is nearly uniform (p in [0.077, 0.092] for T = 12) and the feed-forward pre-activations have
# standard deviation 0.16, where gelu, gelu_new agree to ~1e-7 (make_activation_grad_fixture.py could not
# tell them apart: relative gradient difference 9e-7, below float32 rounding, 4e-7).
QK_STD = 0.1             # query and key weights: attention probabilities spread over [0.01, 0.55]
INTERMEDIATE_STD = 0.2   # intermediate.dense weights: pre-activation standard deviation about 1.6

MASK_MIN = torch.finfo(torch.float32).min  # -3.4028234663852886e+38, for float32 AND float64
LEFT_SHIFTED_PAD_POSITION = 1

# ---------------------------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------------------------
SEQS = [  # the 3 sequences of right / left / left_shifted; 1 plays [CLS], 2 plays [SEP]
    [1, 17, 42, 42, 63, 8, 91, 30, 2],                  # 9 tokens, a repeated id
    [1, 55, 7, 99, 2],                                  # 5 tokens
    [1, 23, 5, 77, 12, 64, 38, 81, 46, 3, 19, 2],       # 12 tokens: no padding
]


def right_pad(rows, t, value=0):
    return [r + [value] * (t - len(r)) for r in rows]


def left_pad(rows, t, value=0):
    return [[value] * (t - len(r)) + r for r in rows]


def default_positions(b, t):
    return [list(range(t)) for _ in range(b)]


def make_cases():
    """{name: (input_ids, token_type_ids, attention_mask, position_ids)} as I64 tensors, in order."""
    cases = {}
    T = 12
    ones = [[1] * len(s) for s in SEQS]
    zeros = [[0] * len(s) for s in SEQS]
    cases["right"] = (right_pad(SEQS, T), right_pad(zeros, T), right_pad(ones, T), default_positions(3, T))
    left_mask = left_pad(ones, T)
    cases["left"] = (left_pad(SEQS, T), left_pad(zeros, T), left_mask, default_positions(3, T))
    m = torch.tensor(left_mask)
    shifted = (m.cumsum(-1) - 1).masked_fill(m == 0, LEFT_SHIFTED_PAD_POSITION)
    cases["left_shifted"] = (left_pad(SEQS, T), left_pad(zeros, T), left_mask, shifted.tolist())

    T = 10
    cases["hole"] = (
        [[1, 14, 27, 33, 60, 48, 9, 85, 36, 2],
         [0, 34, 23, 32, 74, 14, 69, 95, 78, 2],        # id 0 at the masked first position
         [1, 44, 71, 72, 18, 26, 97, 2, 0, 0]],
        [[0] * T] * 3,
        [[1, 1, 1, 1, 0, 1, 1, 1, 1, 1],
         [0, 1, 1, 1, 1, 1, 1, 1, 1, 1],
         [1, 1, 0, 0, 1, 1, 1, 1, 0, 0]],
        default_positions(3, T))

    T = 8
    cases["positions"] = (
        [[1, 21, 35, 47, 52, 66, 70, 2],
         [1, 21, 35, 47, 52, 66, 70, 2],
         [1, 88, 16, 29, 41, 57, 93, 2]],
        [[0] * T] * 3,
        [[1] * T] * 3,
        [list(range(5, 5 + T)), [0, 0, 1, 1, 2, 2, 3, 3], list(range(39, 39 - T, -1))])

    cases["all_masked"] = (
        [[1, 13, 58, 24, 76, 2, 0, 0],
         [1, 13, 58, 24, 76, 2, 0, 0],
         [0] * T],
        [[0] * T] * 3,
        [[1, 1, 1, 1, 1, 1, 0, 0], [0] * T, [0] * T],
        default_positions(3, T))

    T = 10
    cases["pair"] = (
        [[1, 11, 12, 13, 2, 21, 22, 23, 24, 2],
         [1, 31, 32, 2, 41, 2, 0, 0, 0, 0]],
        [[0, 0, 0, 0, 0, 1, 1, 1, 1, 1],
         [0, 0, 0, 0, 1, 1, 0, 0, 0, 0]],
        [[1] * T, [1] * 6 + [0] * 4],
        default_positions(2, T))
    return {k: tuple(torch.tensor(x, dtype=torch.int64) for x in v) for k, v in cases.items()}


HIDDEN_TO_SAVE = (0, 1, 2)
ATTENTIONS_TO_SAVE = (1, 2)

# ---------------------------------------------------------------------------------------------
# Minimal safetensors reader / writer
# ---------------------------------------------------------------------------------------------
_DT = {"F32": (torch.float32, 4), "F64": (torch.float64, 8), "I64": (torch.int64, 8)}


def read_safetensors(path):
    """Returns ({name: tensor} in file order, metadata)."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    metadata = header.pop("__metadata__", {})
    buf = bytearray(data[8 + n:])  # writable, so torch.frombuffer does not warn
    assert sys.byteorder == "little", "the reader assumes a little-endian host"
    out = {}
    for name, info in header.items():
        dtype, size = _DT[info["dtype"]]
        b, e = info["data_offsets"]
        count = math.prod(info["shape"])
        assert e - b == count * size, name
        out[name] = torch.frombuffer(buf, dtype=dtype, count=count, offset=b).reshape(info["shape"]).clone()
    return out, metadata


def write_safetensors(path, tensors, metadata):
    """tensors: list of (name, tensor) written in that order; header padded with spaces to 8."""
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    code = {v[0]: k for k, v in _DT.items()}
    for name, t in tensors:
        raw = t.detach().contiguous().numpy().tobytes()  # host order; little-endian asserted
        header[name] = {"dtype": code[t.dtype], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


# ---------------------------------------------------------------------------------------------
# The tiny random BERT
# ---------------------------------------------------------------------------------------------
def make_weights(cfg):
    """[(name, F32 tensor)] in HF canonical order, from one seeded generator."""
    g = torch.Generator().manual_seed(SEED)
    H, I = cfg["hidden_size"], cfg["intermediate_size"]
    normal = lambda *shape, std=0.02: torch.randn(*shape, generator=g) * std
    gamma = lambda n: 1.0 + torch.randn(n, generator=g) * 0.1
    beta = lambda n: torch.randn(n, generator=g) * 0.1
    w = [("embeddings.word_embeddings.weight", normal(cfg["vocab_size"], H)),
         ("embeddings.position_embeddings.weight", normal(cfg["max_position_embeddings"], H)),
         ("embeddings.token_type_embeddings.weight", normal(cfg["type_vocab_size"], H)),
         ("embeddings.LayerNorm.weight", gamma(H)),
         ("embeddings.LayerNorm.bias", beta(H))]
    for i in range(cfg["num_hidden_layers"]):
        p = "encoder.layer.%d." % i
        for n in ("query", "key", "value"):
            std = QK_STD if n != "value" else 0.02
            w += [(p + "attention.self.%s.weight" % n, normal(H, H, std=std)),
                  (p + "attention.self.%s.bias" % n, normal(H))]
        w += [(p + "attention.output.dense.weight", normal(H, H)), (p + "attention.output.dense.bias", normal(H)),
              (p + "attention.output.LayerNorm.weight", gamma(H)), (p + "attention.output.LayerNorm.bias", beta(H)),
              (p + "intermediate.dense.weight", normal(I, H, std=INTERMEDIATE_STD)), (p + "intermediate.dense.bias", normal(I)),
              (p + "output.dense.weight", normal(H, I)), (p + "output.dense.bias", normal(H)),
              (p + "output.LayerNorm.weight", gamma(H)), (p + "output.LayerNorm.bias", beta(H))]
    return w


# ---------------------------------------------------------------------------------------------
# BERT forward, as transformers' BertModel (eager attention, eval mode)
# ---------------------------------------------------------------------------------------------
def bert_forward(w, cfg, input_ids, token_type_ids, attention_mask, position_ids):
    """Returns (hidden_states tuple of L+1 [N,T,H], attentions tuple of L [N,heads,T,T]), in the dtype
    of the weights; the mask value is MASK_MIN (the float32 minimum) in either dtype."""
    H = cfg["hidden_size"]
    heads = cfg["num_attention_heads"]
    hd = H // heads
    eps = cfg["layer_norm_eps"]
    assert cfg["hidden_act"] == "gelu"
    N, T_ = input_ids.shape
    dtype = w["embeddings.LayerNorm.weight"].dtype

    def linear(x, prefix):
        return F.linear(x, w[prefix + ".weight"], w[prefix + ".bias"])  # x @ W^T + b

    def layer_norm(x, prefix):
        return F.layer_norm(x, (H,), w[prefix + ".weight"], w[prefix + ".bias"], eps)

    # BertEmbeddings: (word + token_type) + position, LayerNorm, dropout (none in eval)
    emb = w["embeddings.word_embeddings.weight"][input_ids]
    emb = emb + w["embeddings.token_type_embeddings.weight"][token_type_ids]
    emb = emb + w["embeddings.position_embeddings.weight"][position_ids]
    x = layer_norm(emb, "embeddings.LayerNorm")

    # get_extended_attention_mask: [N,1,1,T], 0 for keep, MASK_MIN for masked keys
    ext = attention_mask[:, None, None, :].to(dtype)
    ext = (1.0 - ext) * MASK_MIN

    def split_heads(t):  # [N,T,H] -> [N,heads,T,hd]
        return t.view(N, T_, heads, hd).permute(0, 2, 1, 3)

    hidden_states, attentions = [x], []
    for i in range(cfg["num_hidden_layers"]):
        p = "encoder.layer.%d." % i
        q = split_heads(linear(x, p + "attention.self.query"))
        k = split_heads(linear(x, p + "attention.self.key"))
        v = split_heads(linear(x, p + "attention.self.value"))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(hd)
        probs = F.softmax(scores + ext, dim=-1)
        ctx = torch.matmul(probs, v).permute(0, 2, 1, 3).contiguous().view(N, T_, H)
        a = layer_norm(linear(ctx, p + "attention.output.dense") + x, p + "attention.output.LayerNorm")
        inter = F.gelu(linear(a, p + "intermediate.dense"))  # exact erf GELU
        x = layer_norm(linear(inter, p + "output.dense") + a, p + "output.LayerNorm")
        hidden_states.append(x)
        attentions.append(probs)
    return tuple(hidden_states), tuple(attentions)


# ---------------------------------------------------------------------------------------------
# Sanity checks
# ---------------------------------------------------------------------------------------------
def max_real_diff(ha, aa, rows_a, hb, ab, rows_b):
    """Max |diff| between two forwards over corresponding real positions: rows_a / rows_b are lists of
    (row, [positions]) pairs of equal lengths; compares hidden states at those query positions and
    attention probabilities for those queries against those keys."""
    dh = da = 0.0
    for (ra, pa), (rb, pb) in zip(rows_a, rows_b):
        pa, pb = torch.tensor(pa), torch.tensor(pb)
        for x, y in zip(ha, hb):
            dh = max(dh, (x[ra, pa] - y[rb, pb]).abs().max().item())
        for x, y in zip(aa, ab):
            da = max(da, (x[ra][:, pa][:, :, pa] - y[rb][:, pb][:, :, pb]).abs().max().item())
    return dh, da


def cross_check_with_nn(w, cfg, hidden_states, attentions, attention_mask):
    """Re-runs every layer with torch's own post-norm encoder layer (a different code path, -inf
    key masking) and compares on real query positions. Only for cases without all-masked rows."""
    H, heads, eps = cfg["hidden_size"], cfg["num_attention_heads"], cfg["layer_norm_eps"]
    keep = attention_mask.bool()
    pad = ~keep
    worst_h = worst_a = 0.0
    for i in range(cfg["num_hidden_layers"]):
        p = "encoder.layer.%d." % i
        layer = torch.nn.TransformerEncoderLayer(
            H, heads, dim_feedforward=cfg["intermediate_size"], dropout=0.0, activation="gelu",
            layer_norm_eps=eps, batch_first=True, norm_first=False)
        sa = layer.self_attn
        with torch.no_grad():
            sa.in_proj_weight.copy_(torch.cat([w[p + "attention.self.%s.weight" % n] for n in ("query", "key", "value")]))
            sa.in_proj_bias.copy_(torch.cat([w[p + "attention.self.%s.bias" % n] for n in ("query", "key", "value")]))
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
        _, probs = sa(x, x, x, key_padding_mask=pad, need_weights=True, average_attn_weights=False)
        worst_a = max(worst_a, (probs - attentions[i]).permute(0, 2, 1, 3)[keep].abs().max().item())
    return worst_h, worst_a


def check(w, cfg, cases, results):
    heads = cfg["num_attention_heads"]
    fwd = lambda ids, types, mask, pos: bert_forward(w, cfg, ids, types, mask, pos)
    for name, (ids, types, mask, pos) in cases.items():
        hs, at = results[name]
        for h in hs:
            assert torch.isfinite(h).all(), name
        for a in at:
            assert (a.sum(-1) - 1).abs().max().item() < 1e-6, name
            live = mask.sum(-1) > 0  # rows with at least one kept key
            assert (a[live] * (1 - mask[live])[:, None, None, :]).abs().max().item() == 0.0, \
                name + ": masked keys must get probability exactly 0"

    # (1) right: each row alone, unpadded, at its real positions 0..n-1
    ids, types, mask, pos = cases["right"]
    hs, at = results["right"]
    worst_h = worst_a = 0.0
    for b, s in enumerate(SEQS):
        n = len(s)
        h1, a1 = fwd(ids[b:b + 1, :n], types[b:b + 1, :n], mask[b:b + 1, :n], pos[b:b + 1, :n])
        dh, da = max_real_diff(hs, at, [(b, list(range(n)))], h1, a1, [(0, list(range(n)))])
        worst_h, worst_a = max(worst_h, dh), max(worst_a, da)
    print("check right vs each row alone (unpadded): max |diff| hidden %.3g, attention %.3g" % (worst_h, worst_a))
    assert worst_h < 1e-5 and worst_a < 1e-6

    # (2) left_shifted equals right at corresponding real positions; left (default positions) does not
    T = ids.shape[1]
    real_right = [(b, list(range(len(s)))) for b, s in enumerate(SEQS)]
    real_left = [(b, list(range(T - len(s), T))) for b, s in enumerate(SEQS)]
    dh, da = max_real_diff(*results["left_shifted"], real_left, hs, at, real_right)
    print("check left_shifted vs right at real positions: max |diff| hidden %.3g, attention %.3g" % (dh, da))
    assert dh < 1e-5 and da < 1e-6
    dh, da = max_real_diff(*results["left"], real_left, hs, at, real_right)
    print("check left (default position ids) vs right at real positions: max |diff| hidden %.3g, attention %.3g"
          " (different, as in transformers: left padding shifts the real tokens' positions)" % (dh, da))
    assert dh > 1e-2

    # (3) all_masked: uniform attention, exactly 1/T; the normal row is unaffected by its neighbours
    ids, types, mask, pos = cases["all_masked"]
    hs, at = results["all_masked"]
    T = ids.shape[1]
    dev = max((a[1:] - 1.0 / T).abs().max().item() for a in at)
    print("check all_masked rows 1, 2: attention max |p - 1/T| = %.3g (T = %d)" % (dev, T))
    assert dev == 0.0
    h1, a1 = fwd(ids[:1, :6], types[:1, :6], mask[:1, :6], pos[:1, :6])
    dh, da = max_real_diff(hs, at, [(0, list(range(6)))], h1, a1, [(0, list(range(6)))])
    print("check all_masked row 0 vs alone: max |diff| hidden %.3g, attention %.3g" % (dh, da))
    assert dh < 1e-5 and da < 1e-6

    # (4) hole: the ids at masked positions do not reach the kept positions (bit-exact)
    ids, types, mask, pos = cases["hole"]
    hs, at = results["hole"]
    ids2 = torch.where(mask.bool(), ids, torch.full_like(ids, 99))
    h2, a2 = fwd(ids2, types, mask, pos)
    keep = mask.bool()
    d = max((x - y)[keep].abs().max().item() for x, y in zip(hs[1:], h2[1:]))
    d = max([d] + [(x - y).permute(0, 2, 1, 3)[keep].abs().max().item() for x, y in zip(at, a2)])
    print("check hole: other ids at the masked positions change the kept positions by %.3g" % d)
    assert d == 0.0
    dm = max((x - y)[~keep].abs().max().item() for x, y in zip(hs, h2))
    print("              (and the masked positions' own outputs by %.3g)" % dm)

    # (5) positions: row 0 (positions 5..12) equals the same tokens left-padded by 5 masked pads
    #     with default position ids; row 1 (repeated ids) equals a hand-built embedding sum
    ids, types, mask, pos = cases["positions"]
    hs, at = results["positions"]
    T = ids.shape[1]
    pad5 = lambda t, v: torch.cat([torch.full((1, 5), v, dtype=torch.int64), t[:1]], 1)
    h1, a1 = fwd(pad5(ids, 0), pad5(types, 0), pad5(mask, 0), torch.arange(T + 5)[None])
    dh, da = max_real_diff(hs, at, [(0, list(range(T)))], h1, a1, [(0, list(range(5, T + 5)))])
    print("check positions row 0 (5..12) vs 5 masked left pads with default positions: max |diff| "
          "hidden %.3g, attention %.3g" % (dh, da))
    assert dh < 1e-5 and da < 1e-6
    we, pe, te = (w["embeddings.%s_embeddings.weight" % n] for n in ("word", "position", "token_type"))
    e = F.layer_norm((we[ids[1]] + te[types[1]]) + pe[pos[1]], (cfg["hidden_size"],),
                     w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], cfg["layer_norm_eps"])
    assert torch.equal(e, hs[0][1])

    # (6) cross-check with torch.nn.TransformerEncoderLayer on the cases without all-masked rows
    worst_h = worst_a = 0.0
    for name in ("right", "left", "left_shifted", "hole", "positions", "pair"):
        ids, types, mask, pos = cases[name]
        dh, da = cross_check_with_nn(w, cfg, *results[name], mask)
        worst_h, worst_a = max(worst_h, dh), max(worst_a, da)
    print("cross-check vs torch.nn.TransformerEncoderLayer (real positions, all cases but all_masked): "
          "max |diff| layer outputs %.3g, attention %.3g" % (worst_h, worst_a))
    assert worst_h < 1e-5 and worst_a < 1e-6

    # attention sharpness, for the record (random N(0, 0.02) weights give near-uniform attention)
    ids, types, mask, pos = cases["right"]
    a = results["right"][1][1][2]  # row 2 (no padding), layer 2
    print("attention sharpness (right row 2, layer 2): p in [%.4f, %.4f], 1/T = %.4f"
          % (a.min().item(), a.max().item(), 1.0 / ids.shape[1]))


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else OUT_DIR
    torch.manual_seed(0)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    os.makedirs(out_dir, exist_ok=True)
    cfg = CONFIG
    assert cfg["hidden_size"] // cfg["num_attention_heads"] == 16

    weights = make_weights(cfg)
    w = dict(weights)
    with open(os.path.join(out_dir, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2, sort_keys=True)
        f.write("\n")
    write_safetensors(os.path.join(out_dir, "model.safetensors"), weights, {"format": "pt"})
    back, _ = read_safetensors(os.path.join(out_dir, "model.safetensors"))
    assert list(back) == [n for n, _ in weights] and all(torch.equal(back[n], t) for n, t in weights)
    print("model: %d tensors, %d parameters" % (len(weights), sum(t.numel() for _, t in weights)))

    cases = make_cases()
    results, tensors = {}, []
    w64 = {k: v.double() for k, v in w.items()}
    with torch.no_grad():
        for name, (ids, types, mask, pos) in cases.items():
            assert ids.shape == types.shape == mask.shape == pos.shape
            assert pos.max().item() < cfg["max_position_embeddings"]
            hs, at = bert_forward(w, cfg, ids, types, mask, pos)
            h64, _ = bert_forward(w64, cfg, ids, types, mask, pos)
            results[name] = (hs, at)
            d = (hs[2].double() - h64[2]).abs().max().item()
            print("%-12s B=%d T=%2d  hidden_states.2 float32 vs float64 max |diff| (all positions) %.3g"
                  % (name, ids.shape[0], ids.shape[1], d))
            tensors += [(name + ".input_ids", ids), (name + ".token_type_ids", types),
                        (name + ".attention_mask", mask), (name + ".position_ids", pos)]
            tensors += [(name + ".hidden_states.%d" % k, hs[k]) for k in HIDDEN_TO_SAVE]
            tensors += [(name + ".attentions.%d" % k, at[k - 1]) for k in ATTENTIONS_TO_SAVE]
            tensors += [(name + ".float64.hidden_states.2", h64[2].float())]
        check(w, cfg, cases, results)

    meta = {"torch": torch.__version__, "cases": ",".join(cases), "mask_min": repr(MASK_MIN),
            "left_shifted_pad_position": str(LEFT_SHIFTED_PAD_POSITION)}
    path = os.path.join(out_dir, "fixture.safetensors")
    write_safetensors(path, tensors, meta)
    back, back_meta = read_safetensors(path)
    assert list(back) == [n for n, _ in tensors] and back_meta == meta
    for n, t in tensors:
        assert torch.equal(back[n], t), n
    for n, t in tensors:
        print("  %-32s %s %s" % (n, {torch.int64: "I64", torch.float32: "F32"}[t.dtype], list(t.shape)))
    total = sum(os.path.getsize(os.path.join(out_dir, f)) for f in os.listdir(out_dir))
    print("wrote %s: config.json, model.safetensors, fixture.safetensors (%d tensors), %.0f KB in all, torch %s"
          % (out_dir, len(tensors), total / 1024, torch.__version__))


if __name__ == "__main__":
    main()
