"""Chapter 10: kernel time against host-device transfer time, as the problem grows.

The book's point about figures 10-1 and 10-4: the device computes fast, but
data must first be copied to it and the result copied back, and the copies
can cost more than the computation. For every size n this experiment runs,
on every OpenCL device (or one, ``--device``):

- vector_add on n² floats (listing 10-2's kind of work: one addition per
  three floats moved), and
- matmul_fast on n x n matrices (2n³ operations per 3n² floats moved),

each through ``time_kernel``: the kernel time comes from the profiling
events, the rest of the whole host call (buffers, copies to and from the
device, launch) is counted as transfer. One figure per device plots both
times against n on log-log axes.

    python experiments/ch10_transfers.py                   # figures in artifacts/ch10/
    python experiments/ch10_transfers.py --impl exercises  # with your own opencl.py
    python experiments/ch10_transfers.py --quick           # small sizes only

Expected result: for vector_add the transfers take most of every call (on
PoCL's CPU device above 80 % at every size; on a discrete GPU well above
90 %, the PCIe copies being far slower than the addition); for the product
the kernel time grows like n³ while the transfers grow like n², so the
transfer share falls as n grows, steeply on a GPU (where whole-call
GFLOP/s at 2048³ are a fiftieth of the kernel's), and the kernel dominates
the largest products. An accelerator pays off only when there is enough
computation per byte moved.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_OUT = ROOT / "artifacts" / "ch10"
SIZES = {"CPU": [64, 128, 256, 512], "GPU": [256, 512, 1024, 2048, 4096]}
QUICK_SIZES = [32, 64, 128]


def measure(opencl, name, args, device, repeat):
    """Best kernel and best transfer time (whole call minus kernel) in seconds, after a warm-up."""
    opencl.time_kernel(name, *args, device=device)
    runs = [opencl.time_kernel(name, *args, device=device) for _ in range(repeat)]
    kernel = min(run["kernel_s"] for run in runs)
    wall = min(run["wall_s"] for run in runs)
    return kernel, max(wall - kernel, 0.0)


def run_device(opencl, device, sizes, repeat, rng):
    """{"sizes", "<kernel>_kernel_s", "<kernel>_transfer_s", "<kernel>_transfer_share"} for one device."""
    result: dict[str, Any] = {"sizes": list(sizes)}
    for name in ("vector_add", "matmul_fast"):
        kernels, transfers = [], []
        for n in sizes:
            if name == "vector_add":
                args = (rng.standard_normal(n * n, dtype=np.float32), rng.standard_normal(n * n, dtype=np.float32))
            else:
                args = (rng.standard_normal((n, n), dtype=np.float32), rng.standard_normal((n, n), dtype=np.float32))
            kernel, transfer = measure(opencl, name, args, device, repeat)
            kernels.append(kernel)
            transfers.append(transfer)
        result[f"{name}_kernel_s"] = np.array(kernels)
        result[f"{name}_transfer_s"] = np.array(transfers)
        result[f"{name}_transfer_share"] = np.array(transfers) / (np.array(kernels) + np.array(transfers))
    return result


def plot_device(result, title, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4.5))
    sizes = result["sizes"]
    for name, color in (("vector_add", "tab:blue"), ("matmul_fast", "tab:red")):
        ax.loglog(sizes, result[f"{name}_kernel_s"], "o-", color=color, label=f"{name}: kernel")
        ax.loglog(sizes, result[f"{name}_transfer_s"], "s--", color=color, label=f"{name}: transfers and launch")
    ax.set_xlabel("n (vector_add on n² floats, matmul_fast on n x n)")
    ax.set_ylabel("seconds (best of the runs)")
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--impl", default="solutions", choices=["solutions", "exercises"])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--device", type=int, default=None, help="device number (default: every device)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help=f"sizes {QUICK_SIZES} only")
    args = parser.parse_args(argv)
    opencl = importlib.import_module(f"{args.impl}.ch10.opencl")
    report = opencl.device_report()
    devices = range(len(report)) if args.device is None else [args.device]
    args.out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    results = {}
    for device in devices:
        entry = report[device]
        sizes = QUICK_SIZES if args.quick else SIZES.get(entry["type"], SIZES["CPU"])
        result = run_device(opencl, device, sizes, args.repeat, rng)
        title = f"device {device}: {entry['device']} ({entry['type']})"
        plot_device(result, title, args.out / f"transfers_device{device}.png")
        print(title)
        print(f"  {'n':>6s}{'add kernel':>12s}{'add transfer %':>16s}{'matmul kernel':>15s}{'matmul transfer %':>19s}")
        for i, n in enumerate(sizes):
            print(
                f"  {n:6d}{result['vector_add_kernel_s'][i]:12.2e}{100 * result['vector_add_transfer_share'][i]:15.1f}%"
                f"{result['matmul_fast_kernel_s'][i]:15.2e}{100 * result['matmul_fast_transfer_share'][i]:18.1f}%"
            )
        results[device] = result
    print(f"figures in {args.out}")
    return results


if __name__ == "__main__":
    main()
