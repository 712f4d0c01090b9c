"""Cost of isolation, measured as ratios within one run.

1. One ch3 submission (the demo's complete, independent one): wall time of
   the hidden ch3 suite in-process (`pytest --impl=FOLDER`) against the same
   suite through the sandboxed worker (`--isolate`), and against a whole
   `dlgrade grade` of that one student. Target: isolated / in-process <= 1.25.
2. A class of N copies graded with `--jobs 2`. Target: 100 in under 90 s.
3. The same class through a Dask cluster on this machine: a `dask scheduler`
   and 2 single-threaded `dask worker --no-nanny` processes (`--scheduler`). Target: at most 1.15 x the `--jobs 2` time.

Usage: python benchmarks/bench_grader.py [--students N] [--repeat R]   (--students 0: part 1 only)
"""

import argparse
import contextlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.timing import ENV, PYTEST, ROOT, seconds

SUBMISSION = ROOT / "examples" / "submissions" / "complete"
COMMAND = [*PYTEST, str(ROOT / "tests" / "ch3"), f"--impl={SUBMISSION}"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        in_process = seconds([COMMAND], args.repeat)
        isolated = seconds([[*COMMAND, "--isolate"]], args.repeat)
        one = seconds(
            [[sys.executable, "-m", "grader", "grade", str(SUBMISSION), "--chapters", "ch3", "--out", str(out)]],
            args.repeat,
        )
        print(
            f"one ch3 submission: in-process {in_process:.2f} s, isolated {isolated:.2f} s "
            f"(ratio {isolated / in_process:.2f}, target <= 1.25), whole `dlgrade grade` {one:.2f} s"
        )
        if args.students == 0:
            return
        klass = Path(tmp) / "class"
        for index in range(args.students):
            shutil.copytree(SUBMISSION, klass / f"student{index:03d}")
        batch = grade_class(klass, Path(tmp) / "class-out", ["--jobs", "2"])
        print(
            f"{args.students} ch3 submissions, --jobs 2: {batch:.1f} s ({batch / args.students:.2f} s each; "
            f"target for 100: < 90 s)"
        )
        with dask_cluster(Path(tmp) / "dask") as address:
            on_dask = grade_class(klass, Path(tmp) / "dask-out", ["--scheduler", address])
        print(
            f"{args.students} ch3 submissions, local Dask cluster of 2 workers: {on_dask:.1f} s "
            f"(ratio to --jobs 2: {on_dask / batch:.2f}, target <= 1.15)"
        )


def read_address(scheduler_file: Path, timeout: float = 60) -> str:
    """The address a `dask scheduler` writes (the file may exist before it is complete)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return json.loads(scheduler_file.read_text())["address"]
        except (OSError, ValueError, KeyError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@contextlib.contextmanager
def dask_cluster(folder: Path) -> Iterator[str]:
    """A `dask scheduler` and two single-threaded `dask worker --no-nanny` processes on 127.0.0.1."""
    from distributed import Client

    folder.mkdir()
    dask = [sys.executable, "-m", "dask"]
    scheduler_file = folder / "scheduler.json"
    command = [*dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard"]
    processes = [subprocess.Popen([*command, "--scheduler-file", str(scheduler_file)], stderr=subprocess.DEVNULL)]
    try:
        address = read_address(scheduler_file)
        for name in ("a", "b"):
            command = [*dask, "worker", address, "--nthreads", "1", "--no-nanny", "--host", "127.0.0.1"]
            command += ["--no-dashboard", "--local-directory", str(folder / name)]
            processes.append(subprocess.Popen(command, stderr=subprocess.DEVNULL))
        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=60)
        yield address
    finally:
        for process in processes:
            process.kill()
            process.wait()


def grade_class(klass: Path, out: Path, extra: list[str]) -> float:
    """Wall time of one `dlgrade grade` of every student in ``klass`` on ch3."""
    started = time.perf_counter()
    command = [sys.executable, "-m", "grader", "grade", *map(str, sorted(klass.iterdir())), "--chapters", "ch3"]
    subprocess.run([*command, "--out", str(out), *extra], cwd=ROOT, env=ENV, check=True, capture_output=True)
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
