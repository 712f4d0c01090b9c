"""Run a hidden or public suite in a fresh pytest process and read its report.

The report (``--dl-report``) is the only thing trusted: every test the suite
collects is listed there with its exercise, points and outcome. Plugin
autoloading is off and our plugin is named explicitly, so the run does not
depend on what else is installed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from grader.paths import ROOT


@dataclass
class SuiteResult:
    """Outcomes of one pytest run, or why it produced none."""

    tests: list[dict] = field(default_factory=list)
    exercises: list[dict] = field(default_factory=list)
    error: str = ""
    output: str = ""

    def count(self, outcome: str) -> int:
        return sum(1 for t in self.tests if t["outcome"] == outcome)


def pytest_command(paths: list[str], impl: str, report: str, extra: list[str] = ()) -> list[str]:
    return [
        sys.executable,
        "-m",
        "pytest",
        *paths,
        f"--impl={impl}",
        f"--dl-report={report}",
        "-q",
        "-p",
        "grader.pytest_plugin",
        "-p",
        "no:cacheprovider",
        "--color=no",
        *extra,
    ]


def run_suite(paths: list[str], impl: str, extra: list[str] = (), timeout: float = 600) -> SuiteResult:
    """Run pytest on ``paths`` against ``impl``; never raises for test failures."""
    env = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    with tempfile.TemporaryDirectory(prefix="dlgrade-run-") as tmp:
        report = Path(tmp) / "report.json"
        try:
            done = subprocess.run(
                pytest_command(paths, impl, str(report), list(extra)),
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            return SuiteResult(error=f"pytest did not finish within {timeout:.0f} s")
        output = done.stdout + done.stderr
        if not report.exists():
            return SuiteResult(error=f"pytest wrote no report (exit code {done.returncode})", output=output)
        data = json.loads(report.read_text(encoding="utf-8"))
        return SuiteResult(data["tests"], data["exercises"], output=output)
