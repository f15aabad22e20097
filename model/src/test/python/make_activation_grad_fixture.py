#!/usr/bin/python3
"""PyTorch autograd fixture for the hidden activations gelu, gelu_new and relu in the training backward.

What it computes
    For each hidden_act in gelu, gelu_new, relu: BertForTokenClassification (plain torch, written out like
    transformers' BertModel, eval mode: no dropout) on the tiny random BERT of
    model/src/test/python/make_mask_fixture.py (the same weights for all three; only the feed-forward
    activation changes) plus a seeded random head (6 labels), a padded batch of 3 right-padded sequences,
    and the training loss: binary cross-entropy with logits, mean over labelled tokens x labels (as
    make_grad_fixture.py). Then loss.backward(), once in float32 and once in float64.

    Activations, exactly as transformers' ACT2FN:
        gelu      0.5 x (1 + erf(x / sqrt 2))          torch.nn.functional.gelu (exact)
        gelu_new  0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))   NewGELUActivation, written out:
                  0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))
        relu      max(x, 0), derivative 0 at x = 0 (torch's); no pre-activation of a real token is within
                  1e-4 of 0 here (the script checks; the nearest is 2.1e-4, float32 rounding of a
                  pre-activation is ~1e-6), so float32 rounding cannot flip a kink
    The tiny model's intermediate.dense weights are N(0, 0.2) (see make_mask_fixture.py), so the
    pre-activations have standard deviation about 1.6 and the three activations differ measurably. Even so,
    gelu and gelu_new are close (|gelu - gelu_new| < 5e-4 everywhere): their float64 gradients differ by
    1.1e-4 relative (all 39 tensors together; logits by up to 2.4e-5, loss by 2.2e-7), while torch's
    float32 is 1.6e-7 off float64 over all tensors together and at most 4.8e-7 per tensor, so a test that
    must tell them apart needs a tolerance near 1e-5 relative, not the 1e-3 of TorchGradientTest. gelu vs
    relu: gradients 0.06, logits 0.013. The script prints these figures.
    The attention.self.key.bias gradients are exactly 0 in exact arithmetic (softmax ignores a constant per
    row): the stored values are rounding noise (~1e-20 in float64, larger in float32), to be checked as
    "tiny", not relatively.

Checks the script runs (and asserts)
    float32 vs float64 loss and gradients; the pad row and unused word rows and positions >= 11 get 0;
    in float64: torch.autograd.gradcheck (eps 1e-6, atol 1e-9, rtol 1e-6) and an element-wise central-
    difference Jacobian on classifier.bias, embeddings.LayerNorm.bias, token_type_embeddings,
    encoder.layer.0.attention.output.LayerNorm.weight, encoder.layer.1.intermediate.dense.bias (max
    relative error 2.6e-7), and a central-difference directional derivative along a random unit direction
    for every other tensor (max error 2.3e-7 of ||g||).

Usage (Debian's python with torch 1.13; transformers/safetensors are not needed), from the repository root
    /usr/bin/python3 model/src/test/python/make_mask_fixture.py          # writes the tiny model first
    /usr/bin/python3 model/src/test/python/make_activation_grad_fixture.py [MODEL_DIR [OUT]]
    MODEL_DIR defaults to model/src/test/resources/torch/masks, OUT to
    model/src/test/resources/grads/tiny-activations-grads.safetensors.
    Deterministic: single thread, torch.use_deterministic_algorithms(True), fixed seeds; two runs give
    byte-identical files (checked). Generated with torch 1.13.0a0 (Debian python3-torch 1.13.1), CPU.

Files written
    (the model is MODEL_DIR's, read from there by the tests)
        MODEL_DIR's config.json says hidden_act "gelu": for ACT = gelu_new or relu the test replaces
        hidden_act by ACT and keeps everything else. Encoder weights: 37 F32 tensors, HF canonical names
        without "bert." prefix (see make_mask_fixture.py): hidden 64, 4 heads, 2 layers, intermediate 128,
        vocab 100, 40 positions, 2 token types, layer_norm_eps 1e-12, pad_token_id 0.
    model/src/test/resources/grads/tiny-activations-grads.safetensors, tensors in this order:
        input_ids, token_type_ids, attention_mask, token_mask  I64 [3, 11]   right-padded with id 0,
                                          lengths 11, 7, 4; row 1 is a pair (token types 0 x4, 1 x3);
                                          token_mask 1 on labelled tokens: every real token except the
                                          first and the last of each row and position 5 of row 0.
                                          Position ids are the default 0..10.
        targets                           F32 [3, 11, 6]   0/1 (also on unlabelled positions: ignored)
        classifier.weight                 F32 [6, 64]      N(0, 0.02^2): 0.02 * randn, seeded
        classifier.bias                   F32 [6]          N(0, 0.5^2): 0.5 * randn, seeded
        then for ACT in gelu, gelu_new, relu:
        ACT.logits                        F32 [3, 11, 6]   hidden_states[-1] W^T + b (every position)
        ACT.loss                          F64 [1]          the float32 loss, widened
        ACT.grad.NAME                     F32, same shape as NAME, HF layout ([out, in] for Linear weights),
                                          for all 39 NAMEs: the 37 encoder tensors of model.safetensors in
                                          that file's order, then classifier.weight, classifier.bias.
                                          grad.embeddings.word_embeddings.weight is [100, 64], full: row 0
                                          (the pad id) is 0 as nn.Embedding(padding_idx=0) gives (here it is
                                          0 anyway: id 0 appears only on padding, which reaches no loss
                                          term), rows of unused ids are 0. grad.embeddings.position_embeddings
                                          .weight is [40, 64], rows 11..39 are 0.
        ACT.float64.logits                F32 [3, 11, 6]   the same in float64 (weights, head, targets
        ACT.float64.loss                  F64 [1]          cast to double; the mask value is the float32
        ACT.float64.grad.NAME             F32, all 39       minimum in both), logits and gradients rounded
                                                           to float32 for storage, the loss not.
    __metadata__: {"torch": version, "acts": "gelu,gelu_new,relu", "model": "tiny random BERT of
        make_mask_fixture.py", "weights_fingerprint": repr(sum of |w| over the 37 encoder tensors, float64)}

    Loss: per = BCEWithLogits(logits, targets) elementwise; loss = sum(per * token_mask[..., None]) /
    (sum(token_mask) * 6). Attention mask: (1 - mask) * finfo(float32).min added to the scaled scores.
"""

import json
import math
import os
import struct
import sys

import torch
import torch.nn.functional as F

LABELS = 6
ACTS = ("gelu", "gelu_new", "relu")
T = 11
PAD = lambda ids: ids + [0] * (T - len(ids))
INPUT_IDS = [  # arbitrary ids (no vocabulary): 1 plays [CLS], 2 plays [SEP]; repeated ids in row 0
    PAD([1, 37, 64, 37, 15, 88, 37, 50, 64, 9, 2]),
    PAD([1, 72, 26, 2, 45, 83, 2]),
    PAD([1, 58, 31, 2]),
]
TOKEN_TYPE_IDS = [[0] * T, PAD([0] * 4 + [1] * 3), [0] * T]
LENGTHS = [11, 7, 4]
UNLABELLED = {(0, 5)}  # a real token without labels
MASK_MIN = torch.finfo(torch.float32).min
SEED = 7

MODEL_DIR = "model/src/test/resources/torch/masks"
OUT = "model/src/test/resources/grads/tiny-activations-grads.safetensors"

_DT = {"F32": (torch.float32, 4), "F64": (torch.float64, 8), "I64": (torch.int64, 8)}


def read_safetensors(path):
    """Returns {name: tensor} in file order."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    header.pop("__metadata__", None)
    buf = bytearray(data[8 + n:])
    assert sys.byteorder == "little"
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


def gelu_new(x):
    """transformers' NewGELUActivation, operation for operation."""
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


ACT_FN = {"gelu": F.gelu, "gelu_new": gelu_new, "relu": F.relu}


def forward(w, cfg, act, ids, types, mask, pre_acts=None):
    """BertForTokenClassification.forward in eval mode -> logits [N, T, LABELS], in the weights' dtype."""
    H, heads, eps = cfg["hidden_size"], cfg["num_attention_heads"], cfg["layer_norm_eps"]
    d = H // heads
    N, T_ = ids.shape
    dtype = w["classifier.weight"].dtype
    lin = lambda x, p: F.linear(x, w[p + ".weight"], w[p + ".bias"])
    ln = lambda x, p: F.layer_norm(x, (H,), w[p + ".weight"], w[p + ".bias"], eps)
    emb = F.embedding(ids, w["embeddings.word_embeddings.weight"], padding_idx=cfg["pad_token_id"])
    emb = emb + w["embeddings.token_type_embeddings.weight"][types]
    emb = emb + w["embeddings.position_embeddings.weight"][torch.arange(T_)][None]
    x = ln(emb, "embeddings.LayerNorm")
    ext = (1.0 - mask[:, None, None, :].to(dtype)) * MASK_MIN
    split = lambda t: t.view(N, T_, heads, d).permute(0, 2, 1, 3)
    for i in range(cfg["num_hidden_layers"]):
        p = "encoder.layer.%d." % i
        q, k, v = (split(lin(x, p + "attention.self." + n)) for n in ("query", "key", "value"))
        probs = F.softmax(torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(d) + ext, dim=-1)
        ctx = torch.matmul(probs, v).permute(0, 2, 1, 3).reshape(N, T_, H)
        a = ln(lin(ctx, p + "attention.output.dense") + x, p + "attention.output.LayerNorm")
        pre = lin(a, p + "intermediate.dense")
        if pre_acts is not None:
            pre_acts.append(pre.detach())
        x = ln(lin(ACT_FN[act](pre), p + "output.dense") + a, p + "output.LayerNorm")
    return F.linear(x, w["classifier.weight"], w["classifier.bias"])


def bce_loss(logits, targets, token_mask):
    per = F.binary_cross_entropy_with_logits(logits, targets, reduction="none")
    return (per * token_mask[..., None]).sum() / (token_mask.sum() * LABELS)


def run(w, cfg, act, ids, types, mask, token_mask, targets):
    """Fresh leaves (copies of w) -> (logits, loss, {name: grad})."""
    leaves = {k: v.detach().clone().requires_grad_(True) for k, v in w.items()}
    logits = forward(leaves, cfg, act, ids, types, mask)
    loss = bce_loss(logits, targets, token_mask)
    loss.backward()
    return logits.detach(), loss.detach(), {k: v.grad for k, v in leaves.items()}


def finite_difference_checks(w64, cfg, act, ids, types, mask, token_mask, t64, g64):
    """float64 checks of the analytic gradients: torch.autograd.gradcheck on a few small tensors, an
    element-wise central-difference Jacobian on the same tensors, and a directional derivative along a
    seeded random unit direction v for every one of the 39 tensors (error relative to ||g||, since
    <g, v> itself may be small by chance)."""
    loss_of = lambda ww: bce_loss(forward(ww, cfg, act, ids, types, mask), t64, token_mask)
    small = ["classifier.bias", "embeddings.LayerNorm.bias", "embeddings.token_type_embeddings.weight",
             "encoder.layer.0.attention.output.LayerNorm.weight", "encoder.layer.1.intermediate.dense.bias"]

    def f(*xs):
        ww = dict(w64)
        ww.update(zip(small, xs))
        return loss_of(ww)

    ok = torch.autograd.gradcheck(f, tuple(w64[n].clone().requires_grad_(True) for n in small),
                                  eps=1e-6, atol=1e-9, rtol=1e-6)
    # the same, measured: central differences element by element
    worst = 0.0
    h = 1e-6
    with torch.no_grad():
        for n in small:
            base = w64[n]
            num = torch.empty_like(base).flatten()
            for i in range(base.numel()):
                ww = dict(w64)
                for s, sign in ((0, 1.0), (1, -1.0)):
                    pert = base.clone().flatten()
                    pert[i] += sign * h
                    ww[n] = pert.view_as(base)
                    if s == 0:
                        lp = loss_of(ww).item()
                    else:
                        lm = loss_of(ww).item()
                num[i] = (lp - lm) / (2 * h)
            rel = (num - g64[n].flatten()).norm().item() / g64[n].norm().item()
            worst = max(worst, rel)
    # directional derivatives for every tensor
    g = torch.Generator().manual_seed(123)
    worst_dir, worst_name = 0.0, None
    h = 1e-5
    with torch.no_grad():
        for n in w64:
            v = torch.randn(w64[n].shape, generator=g, dtype=torch.float64)
            if n == "embeddings.word_embeddings.weight":
                v[0] = 0  # the pad row is excluded from autograd by padding_idx, not from the loss function
            v /= v.norm()
            ww = dict(w64)
            ww[n] = w64[n] + h * v
            lp = loss_of(ww).item()
            ww[n] = w64[n] - h * v
            lm = loss_of(ww).item()
            fd = (lp - lm) / (2 * h)
            an = (g64[n] * v).sum().item()
            err = abs(fd - an) / g64[n].norm().item()  # |<g,v>| of a random unit v can be tiny
            if n.endswith("attention.self.key.bias"):
                continue  # exactly 0 in exact arithmetic: both sides are rounding noise, reported apart
            if err > worst_dir:
                worst_dir, worst_name = err, n
    kb = max(g64[n].abs().max().item() for n in g64 if n.endswith("attention.self.key.bias"))
    print("  %-8s float64 gradcheck %s; central differences on %d small tensors: max ||num - ana|| / ||ana|| "
          "= %.2g; directional derivatives, all other tensors: max |fd - <g,v>| / ||g|| %.2g (%s); key-bias grads (0 in "
          "exact arithmetic) max |g| %.2g" % (act, "passed" if ok else "FAILED", len(small), worst, worst_dir,
                                              worst_name, kb))
    assert ok and worst < 1e-6 and worst_dir < 1e-5
    return worst, worst_dir


def main():
    model_dir = sys.argv[1] if len(sys.argv) > 1 else MODEL_DIR
    out = sys.argv[2] if len(sys.argv) > 2 else OUT
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    with open(os.path.join(model_dir, "config.json")) as f:
        cfg = json.load(f)
    w = read_safetensors(os.path.join(model_dir, "model.safetensors"))
    encoder_names = list(w)
    assert all(n.startswith(("embeddings.", "encoder.")) for n in encoder_names) and len(encoder_names) == 37
    fingerprint = sum(v.double().abs().sum().item() for v in w.values())
    H = cfg["hidden_size"]
    g = torch.Generator().manual_seed(SEED)
    w["classifier.weight"] = torch.randn(LABELS, H, generator=g) * 0.02
    w["classifier.bias"] = torch.randn(LABELS, generator=g) * 0.5

    ids = torch.tensor(INPUT_IDS)
    types = torch.tensor(TOKEN_TYPE_IDS)
    mask = torch.tensor([PAD([1] * n) for n in LENGTHS])
    assert ((ids != 0).long() == mask).all()
    token_mask = mask.clone()
    for b, n in enumerate(LENGTHS):
        token_mask[b, 0] = token_mask[b, n - 1] = 0
    for b, i in UNLABELLED:
        token_mask[b, i] = 0
    targets = (torch.rand(len(LENGTHS), T, LABELS, generator=g) < 0.3).float()

    tensors = [("input_ids", ids), ("token_type_ids", types), ("attention_mask", mask), ("token_mask", token_mask),
               ("targets", targets), ("classifier.weight", w["classifier.weight"]),
               ("classifier.bias", w["classifier.bias"])]
    w64 = {k: v.double() for k, v in w.items()}
    t64 = targets.double()
    names = encoder_names + ["classifier.weight", "classifier.bias"]
    for act in ACTS:
        logits, loss, grad = run(w, cfg, act, ids, types, mask, token_mask, targets)
        logits64, loss64, grad64 = run(w64, cfg, act, ids, types, mask, token_mask, t64)
        assert (grad["embeddings.word_embeddings.weight"][0] == 0).all(), "padding_idx row gets no gradient"
        assert (grad["embeddings.position_embeddings.weight"][T:] == 0).all()
        used = set(ids[mask.bool()].tolist())
        unused = [i for i in range(cfg["vocab_size"]) if i not in used]
        assert (grad["embeddings.word_embeddings.weight"][unused] == 0).all()
        rel = {n: ((grad[n].double() - grad64[n]).norm() / grad64[n].norm()).item() for n in names
               if not n.endswith("attention.self.key.bias")}
        worst = max(rel, key=rel.get)
        pre = []
        with torch.no_grad():
            forward(w, cfg, act, ids, types, mask, pre)
        near0 = min(p[mask.bool()].abs().min().item() for p in pre)
        print("%-8s loss float32 %.9f, float64 %.9f (|diff| %.2g); logits max |diff| %.2g; gradients float32 vs "
              "float64: max ||g32 - g64|| / ||g64|| = %.2g (%s); min |pre-activation| on real tokens %.3g"
              % (act, loss.item(), loss64.item(), abs(loss.item() - loss64.item()),
                 (logits.double() - logits64).abs().max().item(), rel[worst], worst, near0))
        if act == "relu":
            assert near0 > 1e-4, "a relu input this close to 0 could flip its kink in float32"
        finite_difference_checks(w64, cfg, act, ids, types, mask, token_mask, t64, grad64)
        tensors += [(act + ".logits", logits), (act + ".loss", loss.double().reshape(1))]
        tensors += [(act + ".grad." + n, grad[n]) for n in names]
        tensors += [(act + ".float64.logits", logits64.float()), (act + ".float64.loss", loss64.reshape(1))]
        tensors += [(act + ".float64.grad." + n, grad64[n].float()) for n in names]

    # the differences between the activations, for the record: each must stand well above float32 rounding
    by = dict(tensors)
    flat = lambda a, kind: torch.cat([by["%s.%s%s" % (a, kind, n)].double().flatten() for n in names])
    for a, b in (("gelu", "gelu_new"), ("gelu", "relu"), ("gelu_new", "relu")):
        dg = ((flat(a, "float64.grad.") - flat(b, "float64.grad.")).norm() / flat(a, "float64.grad.").norm()).item()
        dl = (by[a + ".float64.logits"] - by[b + ".float64.logits"]).abs().max().item()
        r32 = max(((flat(x, "grad.") - flat(x, "float64.grad.")).norm() / flat(x, "float64.grad.").norm()).item()
                  for x in (a, b))
        print("%s vs %s (float64): loss |diff| %.2g, logits max |diff| %.2g, all gradients ||diff|| / ||g|| %.2g "
              "(float32 rounding of either: %.2g)" % (a, b, abs(by[a + ".float64.loss"].item()
                                                          - by[b + ".float64.loss"].item()), dl, dg, r32))
        assert dg > 50 * r32

    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    write_safetensors(out, tensors, {"torch": torch.__version__, "acts": ",".join(ACTS),
                                     "model": "tiny random BERT of make_mask_fixture.py",
                                     "weights_fingerprint": repr(fingerprint)})
    back = read_safetensors(out)
    assert list(back) == [n for n, _ in tensors]
    for n, t in tensors:
        assert torch.equal(back[n], t.detach()), n
    size = os.path.getsize(out)
    print("wrote %s: %d tensors, %.0f KB; torch %s" % (out, len(tensors), size / 1024, torch.__version__))


if __name__ == "__main__":
    main()
