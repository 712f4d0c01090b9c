"""What the grader benchmarks share: pytest as the grader starts it, and the best wall time of commands."""

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
PYTEST = [sys.executable, "-m", "pytest", "-q", "-p", "grader.pytest_plugin", "-p", "no:cacheprovider"]


def seconds(commands: list[list[str]], repeat: int, cwd: Path = ROOT) -> float:
    """Best over ``repeat`` rounds (the least disturbed by other load) of the wall time of running every
    command once; a command that fails (exit status other than pytest's 0 or 1) stops the benchmark."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for command in commands:
            done = subprocess.run(command, cwd=cwd, env=ENV, capture_output=True, text=True)
            if done.returncode not in (0, 1):
                sys.exit(f"failed: {' '.join(command)}\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
        best = min(best, time.perf_counter() - started)
    return best
