"""Run a hidden or public suite in a fresh pytest process and read its report.

The report (``--dl-report``) is the only thing trusted: every test the suite
collects is listed there as an ``Outcome`` (exercise, points, status). Plugin
autoloading is off and our plugin is named explicitly, so the run does not
depend on what else is installed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from grader.defaults import OUTPUT_TAIL_CHARS, SUITE_TIMEOUT_S
from grader.diagnosis import Diagnosis
from grader.grading import forked
from grader.grading.scoring import ExerciseScore, Outcome, Status, by_exercise
from grader.paths import ROOT


@dataclass
class SuiteResult:
    """Outcomes of one pytest run, or why it produced none."""

    tests: list[Outcome] = field(default_factory=list)
    error: str = ""
    output: str = ""
    exit_code: int | None = None  # pytest's; None when it did not finish
    grader_error: str = ""  # the isolated worker could not start: nothing here is the student's doing
    diagnoses: list[Diagnosis] = field(default_factory=list)  # failing exercises that behave like a known mistake

    @property
    def exercises(self) -> list[ExerciseScore]:
        return by_exercise(self.tests)

    def count(self, status: Status) -> int:
        return sum(1 for t in self.tests if t.status == status)

    def output_tail(self) -> str:
        """The end of pytest's output, to show with an error."""
        return self.output[-OUTPUT_TAIL_CHARS:]


def pytest_command(paths: list[str], impl: str, report: str, extra: Sequence[str] = ()) -> list[str]:
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


def run_suite(paths: list[str], impl: str, extra: Sequence[str] = (), timeout: float = SUITE_TIMEOUT_S) -> SuiteResult:
    """Run pytest on ``paths`` against ``impl``; never raises for test failures."""
    env = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    with tempfile.TemporaryDirectory(prefix="dlgrade-run-") as tmp:
        report = Path(tmp) / "report.json"
        command = pytest_command(paths, impl, str(report), list(extra))
        if forked.available():  # a child of the preloaded server: no Python start, no imports
            code = forked.run(command[3:], env, Path(tmp) / "output.txt", timeout)
            output = (Path(tmp) / "output.txt").read_text(encoding="utf-8", errors="replace")
        else:
            try:
                done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
                code, output = done.returncode, done.stdout + done.stderr
            except subprocess.TimeoutExpired:
                code = None
        if code is None:
            return SuiteResult(error=f"pytest did not finish within {timeout:.0f} s")
        if not report.exists():
            return SuiteResult(error=f"pytest wrote no report (exit code {code})", output=output)
        try:
            data = json.loads(report.read_text(encoding="utf-8"))
            tests = [Outcome.from_json(t) for t in data["tests"]]
            grader_error = str(data.get("grader_error", ""))
            diagnoses = [Diagnosis.from_json(d) for d in data.get("diagnoses", [])]
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            return SuiteResult(error=f"pytest wrote an unreadable report ({error})", output=output)
        result = SuiteResult(tests, output=output, exit_code=code, grader_error=grader_error)
        result.diagnoses = diagnoses
        return result


def collect(paths: list[str], extra: Sequence[str] = ()) -> SuiteResult:
    """The tests of ``paths`` as pytest collects them (no code under test runs); an error if any file fails."""
    collected = run_suite(paths, "solutions", extra=["--collect-only", *extra])
    if not collected.error and collected.exit_code not in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
        collected.error = f"pytest could not collect every test (exit code {collected.exit_code})"
    return collected
