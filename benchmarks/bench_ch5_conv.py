"""Chapter 5 benchmark: the im2col convolution against the naive loops, forward + backward.

    .venv/bin/python benchmarks/bench_ch5_conv.py [--repeats 3]

Times conv_forward + conv_backward of the reference (solutions/ch5/conv.py) on
x (8, 3, 32, 32), w (16, 3, 3, 3), stride 1, pad 1, both in this one run, checks
they agree, and prints the ratio (target: at least 20x). Each time is the best
of --repeats runs; the machine may be shared, so compare ratios, not seconds.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")  # one core each, so the ratio does not depend on the machine's load

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from solutions.ch5.conv import conv_backward_fast, conv_backward_naive, conv_forward_fast, conv_forward_naive  # noqa: E402

TARGET = 20.0


def forward_backward(forward, backward, x, w, b, conv_param, dout):
    out, cache = forward(x, w, b, conv_param)
    return (out, *backward(dout, cache))


def best_of(repeats, call):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - start)
    return min(times), result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    x, w, b = rng.normal(size=(8, 3, 32, 32)), rng.normal(size=(16, 3, 3, 3)), rng.normal(size=16)
    conv_param = {"stride": 1, "pad": 1}
    dout = rng.normal(size=(8, 16, 32, 32))
    naive, expected = best_of(
        args.repeats, lambda: forward_backward(conv_forward_naive, conv_backward_naive, x, w, b, conv_param, dout)
    )
    fast, actual = best_of(
        args.repeats, lambda: forward_backward(conv_forward_fast, conv_backward_fast, x, w, b, conv_param, dout)
    )
    for name, a, e in zip(["out", "dx", "dw", "db"], actual, expected):
        np.testing.assert_allclose(a, e, rtol=1e-8, atol=1e-10, err_msg=f"fast and naive disagree on {name}")
    ratio = naive / fast
    print(f"conv forward+backward, x {x.shape}, w {w.shape}, stride 1, pad 1 (best of {args.repeats}):")
    print(f"  naive loops  {naive * 1e3:9.1f} ms")
    print(f"  im2col       {fast * 1e3:9.1f} ms")
    print(f"  ratio        {ratio:9.1f}x   (target >= {TARGET:.0f}x: {'met' if ratio >= TARGET else 'NOT met'})")
    return 0 if ratio >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
