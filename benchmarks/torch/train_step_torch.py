#!/usr/bin/python3
"""PyTorch's time for the step TrainStepBenchmark times: all-MiniLM-L6-v2 + a 16-label head, batch 16 x 128,
forward, BCE-with-logits over labelled tokens, backward, clip_grad_norm_(1.0), torch.optim.AdamW; 2 threads.

The forward is the plain-torch BertForTokenClassification of model/src/test/python/make_grad_fixture.py (checked
there against our gradients), run in eval mode: no dropout, which slightly favours PyTorch.

With --bf16 the forward and the loss run under torch.autocast("cpu", dtype=torch.bfloat16): mixed precision, the
matrix products in bfloat16, float32 master weights and AdamW (what multitag's --precision bf16 does).

Usage: OMP_WAIT_POLICY=passive /usr/bin/python3 benchmarks/torch/train_step_torch.py [MODEL_DIR] [--bf16] [--json FILE]
MODEL_DIR defaults to ~/.cache/multitag/models/minilm-l6 (any ./multitag command run with --model minilm-l6 creates
it, e.g. ./multitag import minilm-l6 --out ~/.cache/multitag/models/minilm-l6). --json writes the
timings and the BLAS torch loaded (Debian's torch uses whatever libblas.so.3 points to: install libopenblas0 for
OpenBLAS; the reference BLAS is about 20x slower).
"""
import importlib.util
import json
import os
import sys
import time

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    "gradfx", os.path.join(HERE, "..", "..", "model", "src", "test", "python", "make_grad_fixture.py"))
gradfx = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gradfx)

BATCH, SEQ, LABELS, THREADS = 16, 128, 16, 2


def main():
    args = sys.argv[1:]
    json_out = None
    if "--json" in args:
        i = args.index("--json")
        json_out = args[i + 1]
        del args[i:i + 2]
    bf16 = "--bf16" in args
    if bf16:
        args.remove("--bf16")
    folder = args[0] if args else os.path.expanduser("~/.cache/multitag/models/minilm-l6")
    if not os.path.isfile(os.path.join(folder, "config.json")):
        sys.exit(f"error: {folder}: no config.json (make it with: ./multitag import minilm-l6 --out {folder})")
    torch.set_num_threads(THREADS)
    torch.manual_seed(1)
    cfg = json.load(open(os.path.join(folder, "config.json")))
    w = gradfx.read_safetensors(os.path.join(folder, "model.safetensors"))
    w = {k[len("bert."):] if k.startswith("bert.") else k: v.clone() for k, v in w.items() if not k.startswith("pooler.")}
    w["classifier.weight"] = torch.randn(LABELS, cfg["hidden_size"]) * 0.02
    w["classifier.bias"] = torch.zeros(LABELS)
    for v in w.values():
        v.requires_grad_(True)
    ids = torch.randint(1000, 29000, (BATCH, SEQ))
    types = torch.zeros(BATCH, SEQ, dtype=torch.long)
    mask = torch.ones(BATCH, SEQ, dtype=torch.long)
    y = (torch.rand(BATCH, SEQ, LABELS) < 0.1).float()
    tok = torch.ones(BATCH, SEQ)
    tok[:, 0] = 0
    tok[:, -1] = 0
    opt = torch.optim.AdamW(list(w.values()), lr=5e-5, weight_decay=0.01)

    def step():
        opt.zero_grad()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            logits = gradfx.forward(w, cfg, ids, types, mask)
        loss = (F.binary_cross_entropy_with_logits(logits.float(), y, reduction="none") * tok[..., None]).sum() / (
            tok.sum() * LABELS)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(list(w.values()), 1.0)
        opt.step()
        return loss.item()

    for _ in range(2):
        step()
    times = []
    for _ in range(8):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    mean = sum(times) / len(times)
    print("torch %s%s, %d threads: step %.1f ms (best %.1f), %.0f tokens/s (best %.0f)" % (
        torch.__version__, " bf16 autocast" if bf16 else "", THREADS, mean * 1e3, min(times) * 1e3, BATCH * SEQ / mean, BATCH * SEQ / min(times)))
    if json_out:
        blas = os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3")
        with open(json_out, "w") as f:
            json.dump({"torch": torch.__version__, "autocast": "bf16" if bf16 else "", "threads": THREADS, "batch": BATCH, "seq": SEQ, "labels": LABELS,
                       "step_ms": [t * 1e3 for t in times], "mean_ms": mean * 1e3, "best_ms": min(times) * 1e3,
                       "blas": blas, "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", "")}, f, indent=1)


if __name__ == "__main__":
    main()
