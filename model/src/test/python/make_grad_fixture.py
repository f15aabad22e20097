#!/usr/bin/python3
"""PyTorch autograd fixture for the hand-written backward of org.multitag.model.nn.TokenClassifier.

What it computes
    BertForTokenClassification (plain torch, written out like transformers' BertModel, eval mode: no
    dropout) on the real all-MiniLM-L6-v2 weights plus a seeded random head (6 labels, weight N(0, 0.02^2),
    bias 0), a padded batch of 3 sequences, and the training loss: binary cross-entropy with logits, mean
    over labelled tokens x labels. Then loss.backward().

Usage (Debian's python with torch 1.13; transformers/safetensors are not needed)
    ./multitag import minilm-l6 --out /tmp/minilm
    /usr/bin/python3 model/src/test/python/make_grad_fixture.py /tmp/minilm \
        model/src/test/resources/grads/minilm-l6-grads.safetensors
Deterministic: single thread, torch.use_deterministic_algorithms(True), fixed seeds.

Inputs: ids from `./multitag tokenize --tokenizer=/tmp/minilm --padding=longest` of
    {"text": "The cat sat on the mat, and the dog sat too."}          15 tokens ("the" x3, "sat" x2)
    {"text": "Paris is in France.", "text_pair": "Is it?"}             11 tokens, token types 0/1
    {"text": "hello world"}                                              4 tokens
Labelled tokens (token_mask): every real token except [CLS]/[SEP] and one more per row ("," ; "." ; none).

Tensors written (names in HF canonical form, gradients prefixed "grad."):
    input_ids, token_type_ids, attention_mask, token_mask    I64 [3, 15]
    targets                                                  F32 [3, 15, 6]   0/1
    classifier.weight [6, 384], classifier.bias [6]          F32              the head
    logits                                                   F32 [3, 15, 6]
    loss                                                     F64 [1]
    grad.NAME                                                F32, full, HF layout: every bias and LayerNorm
        tensor, classifier.*, token_type_embeddings, and all six matrices of the last layer (encoder.layer.5)
    grad.embeddings.word_embeddings.weight.rows  F32 [U, 384] with word_ids I64 [U]: the rows of the used ids
        (the pad id 0 is not among them: nn.Embedding(padding_idx=0) gives it no gradient; other rows are 0)
    grad.embeddings.position_embeddings.weight.rows  F32 [15, 384]: positions 0..T-1 (the others are 0)
    norm.NAME, proj.NAME                                     F64 [1], F64 [8]: every other weight matrix
        (query/key/value/attention.output/intermediate/output of layers 0-4) as its gradient's Frobenius
        norm and the projections <g, s_k>, k = 0..7, over the HF-layout elements in row-major order i, with
        s_k[i] = +1 or -1 from sign_vector() below (the Java test implements the same hash)
    __metadata__: torch version, model, weights_fingerprint (sum of |w| over all encoder tensors, float64)
"""

import json
import math
import struct
import sys

import torch
import torch.nn.functional as F

LABELS = 6
T = 15
PAD = lambda ids: ids + [0] * (T - len(ids))
INPUT_IDS = [
    PAD([101, 1996, 4937, 2938, 2006, 1996, 13523, 1010, 1998, 1996, 3899, 2938, 2205, 1012, 102]),
    PAD([101, 3000, 2003, 1999, 2605, 1012, 102, 2003, 2009, 1029, 102]),
    PAD([101, 7592, 2088, 102]),
]
TOKEN_TYPE_IDS = [[0] * T, PAD([0] * 7 + [1] * 4), [0] * T]
LENGTHS = [15, 11, 4]
UNLABELLED = {(0, 7), (1, 5)}  # "," and "." are real tokens without labels
PROJECTIONS = 8
M32 = 0xFFFFFFFF

_DT = {"F32": (torch.float32, 4), "F64": (torch.float64, 8), "I64": (torch.int64, 8)}


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    header.pop("__metadata__", None)
    buf = bytearray(data[8 + n:])
    out = {}
    for name, info in header.items():
        dtype, size = _DT[info["dtype"]]
        b, e = info["data_offsets"]
        out[name] = torch.frombuffer(buf, dtype=dtype, count=(e - b) // size, offset=b).reshape(info["shape"]).clone()
    return out


def write_safetensors(path, tensors, metadata):
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    code = {v[0]: k for k, v in _DT.items()}
    for name, t in tensors:
        raw = t.detach().contiguous().numpy().tobytes()
        header[name] = {"dtype": code[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def sign_vector(k, n):
    """s_k[i] = +1 if bit 0 of hash(k, i) is 0, else -1; hash: x = (i + k*0x9E3779B9) mod 2^32, then
    x ^= x>>15; x *= 0x2c1b3c6d; x ^= x>>12; x *= 0x297a2d39; x ^= x>>15 (mod 2^32 throughout)."""
    x = (torch.arange(n, dtype=torch.int64) + k * 0x9E3779B9) & M32
    x ^= x >> 15
    x = (x * 0x2C1B3C6D) & M32
    x ^= x >> 12
    x = (x * 0x297A2D39) & M32
    x ^= x >> 15
    return 1.0 - 2.0 * (x & 1).double()


def forward(w, cfg, ids, types, mask):
    """BertForTokenClassification.forward in eval mode -> logits [N, T, LABELS]."""
    H, heads, eps = cfg["hidden_size"], cfg["num_attention_heads"], cfg["layer_norm_eps"]
    d = H // heads
    N, T_ = ids.shape
    lin = lambda x, p: F.linear(x, w[p + ".weight"], w[p + ".bias"])
    ln = lambda x, p: F.layer_norm(x, (H,), w[p + ".weight"], w[p + ".bias"], eps)
    emb = F.embedding(ids, w["embeddings.word_embeddings.weight"], padding_idx=cfg.get("pad_token_id", 0))
    emb = emb + w["embeddings.token_type_embeddings.weight"][types]
    emb = emb + w["embeddings.position_embeddings.weight"][torch.arange(T_)][None]
    x = ln(emb, "embeddings.LayerNorm")
    ext = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
    split = lambda t: t.view(N, T_, heads, d).permute(0, 2, 1, 3)
    for i in range(cfg["num_hidden_layers"]):
        p = "encoder.layer.%d." % i
        q, k, v = (split(lin(x, p + "attention.self." + n)) for n in ("query", "key", "value"))
        probs = F.softmax(q @ k.transpose(-1, -2) / math.sqrt(d) + ext, dim=-1)
        ctx = (probs @ v).permute(0, 2, 1, 3).reshape(N, T_, H)
        a = ln(lin(ctx, p + "attention.output.dense") + x, p + "attention.output.LayerNorm")
        x = ln(lin(F.gelu(lin(a, p + "intermediate.dense")), p + "output.dense") + a, p + "output.LayerNorm")
    return F.linear(x, w["classifier.weight"], w["classifier.bias"])


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else "/tmp/minilm"
    out = sys.argv[2] if len(sys.argv) > 2 else "model/src/test/resources/grads/minilm-l6-grads.safetensors"
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    with open(folder + "/config.json") as f:
        cfg = json.load(f)
    w = read_safetensors(folder + "/model.safetensors")
    w = {k[5:] if k.startswith("bert.") else k: v for k, v in w.items()}
    w = {k: v for k, v in w.items() if k.startswith(("embeddings.", "encoder."))}
    fingerprint = sum(v.double().abs().sum().item() for v in w.values())
    H = cfg["hidden_size"]
    g = torch.Generator().manual_seed(0)
    w["classifier.weight"] = torch.randn(LABELS, H, generator=g) * 0.02
    w["classifier.bias"] = torch.zeros(LABELS)
    for v in w.values():
        v.requires_grad_(True)

    ids = torch.tensor(INPUT_IDS)
    types = torch.tensor(TOKEN_TYPE_IDS)
    mask = torch.tensor([PAD([1] * n) for n in LENGTHS])
    token_mask = mask.clone()
    for b, n in enumerate(LENGTHS):
        token_mask[b, 0] = token_mask[b, n - 1] = 0
    for b, i in UNLABELLED:
        token_mask[b, i] = 0
    targets = (torch.rand(len(LENGTHS), T, LABELS, generator=g) < 0.3).float()

    logits = forward(w, cfg, ids, types, mask)
    per = F.binary_cross_entropy_with_logits(logits, targets, reduction="none")
    loss = (per * token_mask[..., None]).sum() / (token_mask.sum() * LABELS)
    loss.backward()
    print("loss %.8f over %d labelled tokens" % (loss.item(), token_mask.sum().item()))
    assert (w["embeddings.word_embeddings.weight"].grad[0] == 0).all(), "padding_idx row gets no gradient"

    tensors = [("input_ids", ids), ("token_type_ids", types), ("attention_mask", mask), ("token_mask", token_mask),
               ("targets", targets), ("classifier.weight", w["classifier.weight"]),
               ("classifier.bias", w["classifier.bias"]), ("logits", logits), ("loss", loss.double().reshape(1))]
    last = "encoder.layer.%d." % (cfg["num_hidden_layers"] - 1)
    word_ids = torch.unique(ids[mask.bool()])
    word_ids = word_ids[word_ids != cfg.get("pad_token_id", 0)]
    grad = {k: v.grad for k, v in w.items()}
    for name, gr in grad.items():
        if name == "embeddings.word_embeddings.weight":
            nz = gr.abs().sum(1).nonzero().flatten()
            assert set(nz.tolist()) <= set(word_ids.tolist())
            tensors += [("word_ids", word_ids), ("grad." + name + ".rows", gr[word_ids])]
        elif name == "embeddings.position_embeddings.weight":
            assert (gr[T:] == 0).all()
            tensors += [("grad." + name + ".rows", gr[:T])]
        elif gr.dim() == 1 or name.startswith((last, "classifier.", "embeddings.token_type")):
            tensors += [("grad." + name, gr)]
        else:
            flat = gr.double().flatten()
            proj = torch.stack([(flat * sign_vector(k, flat.numel())).sum() for k in range(PROJECTIONS)])
            tensors += [("norm." + name, flat.norm().reshape(1)), ("proj." + name, proj)]
    write_safetensors(out, tensors, {"torch": torch.__version__, "model": "all-MiniLM-L6-v2 (minilm-l6)",
                                     "weights_fingerprint": repr(fingerprint)})
    back = read_safetensors(out)
    for n, t in tensors:
        assert torch.equal(back[n], t.detach()), n
    size = sum(t.numel() * t.element_size() for _, t in tensors)
    print("wrote %s: %d tensors, %.2f MB, torch %s" % (out, len(tensors), size / 1e6, torch.__version__))


if __name__ == "__main__":
    main()
