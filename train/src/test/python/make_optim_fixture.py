"""Writes train/src/test/resources/optim/adamw_fixture.json: the PyTorch reference for AdamW,
LinearWarmupDecay and GradientClipping.

Run with Debian's torch 1.13:  /usr/bin/python3 train/src/test/python/make_optim_fixture.py

Each scenario runs the loop of a Hugging Face Trainer step by step, with fixed (saved) gradients:
    p.grad = g[step];  norm = clip_grad_norm_(params, max_norm);  optimizer.step();  scheduler.step()
with torch.optim.AdamW over two parameter groups (weight decay except for names ending in ".bias" or containing
"LayerNorm.") and transformers' get_linear_schedule_with_warmup rebuilt as a LambdaLR (transformers is not
installed). Saved per step: the lr the step used, the norm before clipping, the clipped gradients and the
parameters after the step; after the last step, the optimizer state (exp_avg, exp_avg_sq).
All numbers are float32 values written as the shortest decimal that reads back to the same float32.
"""
import json
import math
import os

import torch
from torch.optim.lr_scheduler import LambdaLR

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "optim", "adamw_fixture.json")

SHAPES = {
    "encoder.layer.0.attention.self.query.weight": (4, 4),
    "encoder.layer.0.output.dense.weight": (5, 4),
    "encoder.layer.0.output.dense.bias": (5,),
    "encoder.layer.0.output.LayerNorm.weight": (5,),
    "classifier.weight": (3, 5),
}


def f32_list(t):
    return [float(x) for x in t.detach().reshape(-1).tolist()]


def decays(name):
    return not (name.endswith(".bias") or "LayerNorm." in name)


def linear_schedule_with_warmup(optimizer, num_warmup_steps, num_training_steps):
    # transformers.optimization.get_linear_schedule_with_warmup, verbatim logic
    def lr_lambda(current_step):
        if current_step < num_warmup_steps:
            return float(current_step) / float(max(1, num_warmup_steps))
        return max(0.0, float(num_training_steps - current_step) / float(max(1, num_training_steps - num_warmup_steps)))

    return LambdaLR(optimizer, lr_lambda)


def scenario(name, seed, steps, lr, eps, weight_decay, total_steps, warmup_ratio, max_norm, grad_scales):
    torch.manual_seed(seed)
    params = {n: torch.nn.Parameter(torch.randn(*s)) for n, s in SHAPES.items()}
    initial = {n: f32_list(p) for n, p in params.items()}
    grads = [{n: torch.randn(*s) * grad_scales[k] for n, s in SHAPES.items()} for k in range(steps)]
    groups = [
        {"params": [p for n, p in params.items() if decays(n)], "weight_decay": weight_decay},
        {"params": [p for n, p in params.items() if not decays(n)], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(groups, lr=lr, betas=(0.9, 0.999), eps=eps, weight_decay=weight_decay)
    # TrainingArguments.get_warmup_steps: ceil(num_training_steps * warmup_ratio)
    warmup_steps = math.ceil(total_steps * warmup_ratio)
    scheduler = linear_schedule_with_warmup(optimizer, warmup_steps, total_steps)
    out_steps = []
    for k in range(steps):
        for n, p in params.items():
            p.grad = grads[k][n].clone()
        used_lr = optimizer.param_groups[0]["lr"]
        if max_norm is not None:
            norm = float(torch.nn.utils.clip_grad_norm_(list(params.values()), max_norm).item())
        else:
            norm = None
        clipped = {n: f32_list(p.grad) for n, p in params.items()}
        optimizer.step()
        scheduler.step()
        out_steps.append({
            "lr": used_lr,
            "norm": norm,
            "clipped_grads": clipped,
            "params": {n: f32_list(p) for n, p in params.items()},
        })
    state = {}
    for n, p in params.items():
        s = optimizer.state[p]
        state["exp_avg." + n] = f32_list(s["exp_avg"])
        state["exp_avg_sq." + n] = f32_list(s["exp_avg_sq"])
        assert float(s["step"]) == steps
    return {
        "name": name,
        "lr": lr,
        "eps": eps,
        "weight_decay": weight_decay,
        "total_steps": total_steps,
        "warmup_ratio": warmup_ratio,
        "warmup_steps": warmup_steps,
        "max_norm": max_norm,
        "shapes": {n: list(s) for n, s in SHAPES.items()},
        "initial": initial,
        "grads": [{n: f32_list(g) for n, g in gk.items()} for gk in grads],
        "steps": out_steps,
        "state": state,
    }


def main():
    scenarios = [
        # HF defaults (betas, eps 1e-8, decay 0.01), warmup ceil(0.3 * 5) = 2: the steps use lr multipliers
        # 0, 0.5, 1, 2/3. Gradients large on steps 1, 3, 4 (clipped) and small on step 2 (not clipped).
        scenario("hf_defaults_warmup_clip", seed=7, steps=4, lr=0.05, eps=1e-8, weight_decay=0.01,
                 total_steps=5, warmup_ratio=0.3, max_norm=1.0, grad_scales=[2.0, 0.05, 1.0, 3.0]),
        # A large eps and decay make their placement visible; no warmup, no clipping.
        scenario("large_eps_decay", seed=11, steps=3, lr=0.01, eps=0.1, weight_decay=0.1,
                 total_steps=100, warmup_ratio=0.0, max_norm=None, grad_scales=[1.0, 0.3, 0.01]),
    ]
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump({"generator": "make_optim_fixture.py", "torch": torch.__version__, "scenarios": scenarios}, f)
        f.write("\n")
    print("wrote", os.path.normpath(OUT), os.path.getsize(OUT), "bytes")


if __name__ == "__main__":
    main()
