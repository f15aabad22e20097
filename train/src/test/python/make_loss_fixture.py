"""Writes train/src/test/resources/loss/bce_fixture.json: the PyTorch reference for BceWithLogitsLoss.

Run with Debian's torch 1.13:  /usr/bin/python3 train/src/test/python/make_loss_fixture.py

Per case: logits [N, L], targets [N, L] (0/1), token mask [N] (1 = labelled), pos_weight [L] or null, and
    loss = sum(bce_with_logits(z, y, pos_weight, reduction='none') * mask[:, None]) / (mask.sum() * L)
    grad = d loss / d logits  (autograd)
All numbers are float32 values written as the shortest decimal that reads back to the same float32.
"""
import json
import os

import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "loss", "bce_fixture.json")


def f32_list(t):
    # float(x) of a float32 tensor element is the exact value as a double; repr of that double reads back exactly
    return [float(x) for x in t.detach().reshape(-1).tolist()]


def case(name, logits, targets, mask, pos_weight):
    z = logits.clone().requires_grad_(True)
    per = F.binary_cross_entropy_with_logits(z, targets, pos_weight=pos_weight, reduction="none")
    loss = (per * mask[:, None]).sum() / (mask.sum() * logits.shape[1])
    loss.backward()
    return {
        "name": name,
        "n": logits.shape[0],
        "labels": logits.shape[1],
        "logits": f32_list(logits),
        "targets": f32_list(targets),
        "mask": f32_list(mask),
        "pos_weight": None if pos_weight is None else f32_list(pos_weight),
        "loss": float(loss.item()),
        "grad": f32_list(z.grad),
    }


def main():
    torch.manual_seed(1234)
    n, labels = 14, 5
    logits = torch.randn(n, labels) * 3
    targets = (torch.rand(n, labels) < 0.3).float()
    mask = torch.ones(n)
    mask[0] = 0            # [CLS]
    mask[5] = 0            # a continuation piece
    mask[n - 2:] = 0       # [SEP] and padding
    # extreme logits on labelled tokens, both signs, with either target
    logits[1] = torch.tensor([50.0, -50.0, 200.0, -200.0, 0.0])
    targets[1] = torch.tensor([1.0, 1.0, 0.0, 1.0, 1.0])
    logits[2] = torch.tensor([-200.0, 200.0, -50.0, 50.0, 1e-3])
    targets[2] = torch.tensor([0.0, 0.0, 1.0, 0.0, 0.0])
    # extreme logits on a masked token must not matter
    logits[5] = torch.tensor([200.0, -200.0, 50.0, -50.0, 7.0])
    pos_weight = torch.rand(labels) * 4.5 + 0.5

    cases = [
        case("pos_weight", logits, targets, mask, pos_weight),
        case("no_pos_weight", logits, targets, mask, None),
    ]
    # a second, unextreme batch with one labelled token only
    logits2 = torch.randn(4, 3)
    targets2 = torch.tensor([[1.0, 0.0, 1.0]] * 4)
    mask2 = torch.tensor([0.0, 0.0, 1.0, 0.0])
    cases.append(case("single_token", logits2, targets2, mask2, torch.tensor([2.0, 0.5, 1.0])))

    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump({"generator": "make_loss_fixture.py", "torch": torch.__version__, "cases": cases}, f)
        f.write("\n")
    print("wrote", os.path.normpath(OUT), os.path.getsize(OUT), "bytes")


if __name__ == "__main__":
    main()
