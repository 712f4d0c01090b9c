"""Chapter 10 benchmark: GFLOP/s of the three OpenCL matrix products and numpy's.

One run per device, 512 x 512 @ 512 x 512 in float32. Each product is timed
as a whole host call (float32 copies, buffers, launch, kernel, copy back)
with its program already built: one warm-up call, then the best of
``--repeat`` calls. GFLOP/s = 2 M N K / seconds / 1e9. Ratios are to the
naive kernel and to numpy.

Targets on PoCL's CPU device: the best kernel at least 10x the naive one and
at least 20 % of numpy. ``--check`` exits 1 when a target is missed (timings
on shared machines are noisy, so ``make bench`` only reports).

    python benchmarks/bench_ch10_matmul.py [--size 512] [--repeat 3] [--device N] [--check]
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from solutions.ch10 import opencl

KERNELS = ["matmul_naive", "matmul_tiled", "matmul_fast"]


def best_seconds(call, repeat):
    call()  # warm-up: builds the program (once per context) and touches the memory
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - start)
    return best


def bench_device(device, size, repeat):
    rng = np.random.default_rng(0)
    A = rng.standard_normal((size, size), dtype=np.float32)
    B = rng.standard_normal((size, size), dtype=np.float32)
    flops = 2.0 * size**3
    expected = A.astype(np.float64) @ B
    rates = {}
    for name in KERNELS:
        function = getattr(opencl, name)
        C = function(A, B, device=device)
        error = np.max(np.abs(C - expected)) / np.max(np.abs(expected))
        if error > 1e-4:
            raise SystemExit(f"{name} on device {device}: wrong result (relative error {error:.1e})")
        rates[name] = flops / best_seconds(lambda function=function: function(A, B, device=device), repeat) / 1e9
    rates["numpy"] = flops / best_seconds(lambda: A @ B, repeat) / 1e9
    return rates


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--device", type=int, default=None, help="device number (default: every device)")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args(argv)
    report = opencl.device_report()
    devices = range(len(report)) if args.device is None else [args.device]
    missed = []
    for device in devices:
        entry = report[device]
        print(
            f"device {device}: {entry['device']} ({entry['type']}, {entry['platform']}, "
            f"{entry['compute_units']} compute units)"
        )
        print(f"  {args.size}x{args.size}x{args.size} float32, whole host call, best of {args.repeat}")
        rates = bench_device(device, args.size, args.repeat)
        naive, numpy_rate = rates["matmul_naive"], rates["numpy"]
        print(f"  {'':14s}{'GFLOP/s':>10s}{'x naive':>10s}{'% numpy':>10s}")
        for name, rate in rates.items():
            print(f"  {name:14s}{rate:10.2f}{rate / naive:10.1f}{100 * rate / numpy_rate:9.1f}%")
        best = max(KERNELS, key=rates.get)
        speedup, share = rates[best] / naive, rates[best] / numpy_rate
        verdict = "met" if speedup >= 10 and share >= 0.2 else "MISSED"
        print(
            f"  best kernel {best}: {speedup:.1f}x naive (target 10x), {100 * share:.0f} % of numpy "
            f"(target 20 %): {verdict}"
        )
        if verdict != "met":
            missed.append(device)
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
