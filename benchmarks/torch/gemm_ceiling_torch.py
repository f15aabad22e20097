#!/usr/bin/python3
"""PyTorch's float32 gemm speed on this machine, 2 threads, for the shapes ProfileReport measures ND4J's ceiling
with (MiniLM's projections at 4096 rows) and the weight-gradient shapes of the training step, so the two engines'
gemm ceilings can be set side by side (Debian's torch runs whatever libblas.so.3 points to; the BLAS is printed).

Usage: OMP_WAIT_POLICY=passive /usr/bin/python3 benchmarks/torch/gemm_ceiling_torch.py
"""
import os
import time

import torch

THREADS = 2
# (m, k, n, a transposed): a [m, k] (stored [k, m] when transposed) times b [k, n]
SHAPES = [(4096, 384, 1152, False), (4096, 384, 1536, False), (4096, 1536, 384, False), (4096, 384, 384, False),
          (1536, 2048, 384, True), (384, 2048, 1536, True)]


def gflops(m, k, n, transposed, reps=10, rounds=5):
    a = torch.randn(k, m) if transposed else torch.randn(m, k)
    b = torch.randn(k, n)
    left = a.t() if transposed else a
    for _ in range(3):
        left @ b
    best = float("inf")
    for _ in range(rounds):
        t = time.perf_counter()
        for _ in range(reps):
            left @ b
        best = min(best, (time.perf_counter() - t) / reps)
    return 2.0 * m * k * n / best / 1e9


def main():
    torch.set_num_threads(THREADS)
    blas = os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3")
    print(f"torch {torch.__version__}, {THREADS} threads, BLAS {blas}")
    best = 0.0
    for m, k, n, t in SHAPES:
        g = gflops(m, k, n, t)
        if not t:
            best = max(best, g)
        print(f"gemm {m}x{k}·{k}x{n}{' (aT)' if t else ''}: {g:.0f} GFLOP/s (best of 5 rounds of 10)")
    print(f"ceiling (best of the first four): {best:.0f} GFLOP/s")


if __name__ == "__main__":
    main()
