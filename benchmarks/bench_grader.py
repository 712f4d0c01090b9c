"""Cost of isolation, measured as ratios within one run.

1. One ch3 submission (the demo's complete, independent one): wall time of
   the hidden ch3 suite in-process (`pytest --impl=FOLDER`) against the same
   suite through the sandboxed worker (`--isolate`), and against a whole
   `dlgrade grade` of that one student. Target: isolated / in-process <= 1.5.
2. A class of N copies graded with `--jobs 2`. Target: 100 in under 180 s.

Usage: python benchmarks/bench_grader.py [--students N] [--repeat R]
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUBMISSION = ROOT / "examples" / "submissions" / "complete"
PYTEST = [
    sys.executable,
    "-m",
    "pytest",
    "-q",
    "-p",
    "grader.pytest_plugin",
    "-p",
    "no:cacheprovider",
    str(ROOT / "tests" / "ch3"),
    f"--impl={SUBMISSION}",
]
ENV = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}


def seconds(command: list[str], repeat: int) -> float:
    """Best wall time of ``repeat`` runs (the least disturbed by other load)."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, env=ENV, capture_output=True, text=True)
        best = min(best, time.perf_counter() - started)
        if done.returncode not in (0, 1):
            sys.exit(f"failed: {' '.join(command)}\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        in_process = seconds(PYTEST, args.repeat)
        isolated = seconds([*PYTEST, "--isolate"], args.repeat)
        one = seconds(
            [sys.executable, "-m", "grader", "grade", str(SUBMISSION), "--chapters", "ch3", "--out", str(out)],
            args.repeat,
        )
        print(
            f"one ch3 submission: in-process {in_process:.2f} s, isolated {isolated:.2f} s "
            f"(ratio {isolated / in_process:.2f}, target <= 1.5), whole `dlgrade grade` {one:.2f} s"
        )
        klass = Path(tmp) / "class"
        for index in range(args.students):
            shutil.copytree(SUBMISSION, klass / f"student{index:03d}")
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "grader",
                "grade",
                *sorted(klass.iterdir()),
                "--chapters",
                "ch3",
                "--jobs",
                "2",
                "--out",
                str(Path(tmp) / "class-out"),
            ],
            cwd=ROOT,
            env=ENV,
            check=True,
            capture_output=True,
        )
        batch = time.perf_counter() - started
        print(
            f"{args.students} ch3 submissions, --jobs 2: {batch:.1f} s ({batch / args.students:.2f} s each; "
            f"target for 100: < 180 s)"
        )


if __name__ == "__main__":
    main()
