#!/usr/bin/python3
"""Writes the torch fixture for TorchFixtureTest: a tiny random BERT token classifier.

Needs only Debian's python3-torch (apt-get install python3-torch; transformers and safetensors are not
packaged for Debian 12). The state dict is built with plain torch under the Hugging Face
BertForTokenClassification names, saved with torch's own serialization (torch.save), loaded back from that
file, and converted to safetensors by the small writer below, which follows the format specification
(8-byte little-endian header length, JSON header padded with spaces to 8 bytes, raw little-endian data).
The expected values are written to JSON as exact decimal floats, so the Java test compares against torch's
own numbers, not against a second Java reader.

Usage: /usr/bin/python3 make_tiny_bert_fixture.py OUT_DIR
Deterministic (seeded); the committed fixture was made with Debian 12 python3-torch 1.13.1+dfsg (reports 1.13.0a0).
"""
import json
import struct
import sys
from collections import OrderedDict
from pathlib import Path

import torch

CONFIG = dict(vocab_size=24, hidden_size=8, num_hidden_layers=2, num_attention_heads=2,
              intermediate_size=16, max_position_embeddings=16, type_vocab_size=2,
              hidden_act="gelu", layer_norm_eps=1e-12, pad_token_id=0, model_type="bert",
              architectures=["BertForTokenClassification"],
              id2label={"0": "NOUN", "1": "Number=Plur", "2": "Tense=Past"},
              label2id={"NOUN": 0, "Number=Plur": 1, "Tense=Past": 2},
              problem_type="multi_label_classification")

DTYPES = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.float64: "F64",
          torch.int64: "I64", torch.int32: "I32", torch.int8: "I8", torch.uint8: "U8", torch.bool: "BOOL"}


def state_dict():
    c = CONFIG
    h, i, v = c["hidden_size"], c["intermediate_size"], c["vocab_size"]
    sd = OrderedDict()

    def linear(name, n_out, n_in):
        # torch.nn.Linear stores weight as [out, in], the layout HF files use.
        layer = torch.nn.Linear(n_in, n_out)
        sd[name + ".weight"] = layer.weight.detach().clone()
        sd[name + ".bias"] = layer.bias.detach().clone()

    def layer_norm(name):
        sd[name + ".weight"] = 1 + 0.1 * torch.randn(h)
        sd[name + ".bias"] = 0.1 * torch.randn(h)

    sd["bert.embeddings.word_embeddings.weight"] = torch.randn(v, h) * 0.02
    sd["bert.embeddings.position_embeddings.weight"] = torch.randn(c["max_position_embeddings"], h) * 0.02
    sd["bert.embeddings.token_type_embeddings.weight"] = torch.randn(c["type_vocab_size"], h) * 0.02
    layer_norm("bert.embeddings.LayerNorm")
    sd["bert.embeddings.position_ids"] = torch.arange(c["max_position_embeddings"]).unsqueeze(0)
    for n in range(c["num_hidden_layers"]):
        p = "bert.encoder.layer.%d." % n
        for part in ("query", "key", "value"):
            linear(p + "attention.self." + part, h, h)
        linear(p + "attention.output.dense", h, h)
        layer_norm(p + "attention.output.LayerNorm")
        linear(p + "intermediate.dense", i, h)
        linear(p + "output.dense", h, i)
        layer_norm(p + "output.LayerNorm")
    linear("classifier", len(c["id2label"]), h)
    # One small tensor per other dtype, to check conversions against torch's own.
    base = torch.randn(2, 3) * 100
    sd["dtype_check.f16"] = base.half()
    sd["dtype_check.bf16"] = base.bfloat16()
    sd["dtype_check.f64"] = base.double()
    sd["dtype_check.i32"] = base.int()
    sd["dtype_check.i8"] = base.clamp(-128, 127).to(torch.int8)
    sd["dtype_check.u8"] = base.abs().clamp(0, 255).to(torch.uint8)
    sd["dtype_check.bool"] = base > 0
    return sd


def tensor_bytes(t):
    t = t.contiguous()
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().astype("<i2").tobytes()
    return t.numpy().astype(t.numpy().dtype.newbyteorder("<")).tobytes()


def write_safetensors(path, sd, metadata):
    header = OrderedDict()
    header["__metadata__"] = metadata
    offset = 0
    blobs = []
    for name, t in sd.items():
        data = tensor_bytes(t)
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def main():
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(20261124)
    pt = out / "pytorch_model.bin"
    torch.save(state_dict(), pt)
    sd = torch.load(pt)  # convert from what torch wrote, as a user's checkpoint would be
    pt.unlink()  # not committed: the Java side cannot read pickles, and the JSON below carries the values
    write_safetensors(out / "model.safetensors", sd, {"format": "pt"})
    expected = OrderedDict()
    for name, t in sd.items():
        values = t.flatten().tolist() if t.dtype in (torch.int64, torch.int32, torch.int8, torch.uint8) \
            else t.flatten().to(torch.float64).tolist()
        expected[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "values": values}
    with open(out / "expected.json", "w") as f:
        json.dump({"torch_version": torch.__version__, "tensors": expected}, f, separators=(",", ":"))
    with open(out / "config.json", "w") as f:
        json.dump(CONFIG, f, indent=2, sort_keys=True)


if __name__ == "__main__":
    main()
