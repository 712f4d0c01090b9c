"""Hogwild throughput: SGD updates per second with 2 processes against 1.

The same sparse logistic regression, the same number of updates per worker;
the ratio is (updates/s with 2 processes) / (updates/s with 1). Lock-free
updates on shared memory should give close to 2 on two idle cores (process
start-up is included, and other work on the machine lowers it).

    python benchmarks/bench_ch8_hogwild.py [--epochs 4] [--impl solutions]
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def rate(parallel, problem, n_workers, epochs):
    """Updates per second of hogwild with n_workers processes, each making epochs * N updates."""
    start = time.perf_counter()
    parallel.hogwild(problem, n_workers=n_workers, epochs=epochs * n_workers, learning_rate=0.05, seed=0)
    elapsed = time.perf_counter() - start
    updates = (
        epochs * n_workers * len(problem["y"])
    )  # each worker: epochs * n_workers passes over its N / n_workers examples
    return updates / elapsed, elapsed


def main(argv=None):
    parser = argparse.ArgumentParser(description="Hogwild updates per second, 2 processes vs 1")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--samples", type=int, default=20000)
    parser.add_argument("--impl", default="solutions", choices=["solutions", "exercises"])
    args = parser.parse_args(argv)
    data = importlib.import_module(f"{args.impl}.ch8.data")
    parallel = importlib.import_module(f"{args.impl}.ch8.parallel")
    problem = data.sparse_logistic_problem(n_samples=args.samples, n_features=2000, nnz=10, seed=0)
    one, t1 = rate(parallel, problem, 1, args.epochs)
    two, t2 = rate(parallel, problem, 2, args.epochs)
    print(f"hogwild, 1 process : {one:12,.0f} updates/s ({t1:.2f} s)")
    print(f"hogwild, 2 processes: {two:12,.0f} updates/s ({t2:.2f} s)")
    print(f"ratio 2 vs 1: {two / one:.2f}")
    return two / one


if __name__ == "__main__":
    main()
