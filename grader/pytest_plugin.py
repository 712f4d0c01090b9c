"""pytest plugin: choose the implementation, speak to students, record scores.

- ``--impl=solutions|exercises|PATH`` picks what ``implementation_of``
  fixtures load (default ``solutions``).
- ``@pytest.mark.exercise("affine_backward", points=2)`` tags a test with
  the exercise it checks and what it is worth.
- A stub's NotImplementedError is reported as ``not started: affine_backward``
  and a failed check as its one-line message, not as a traceback wall.
- After the run, a progress table per exercise and the next one to do;
  ``--dl-report FILE`` writes every test's ``Outcome`` (``grader.grading.scoring``)
  as JSON for ``dlgrade``.
"""

from __future__ import annotations

import json
from collections.abc import Generator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from grader import testing
from grader.curriculum import sort_key
from grader.defaults import CALL_TIMEOUT_S, TEST_TIMEOUT_S
from grader.fileio import atomic_write
from grader.grading.scoring import ExerciseScore, Outcome, by_exercise
from grader.implementations import Implementation, OneLineError, SubmissionError, resolve
from grader.paths import is_chapter
from grader.testing import ExerciseFailure

if TYPE_CHECKING:
    from grader.isolation.proxy import RemoteImplementation


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("dlgrade", "deep-learning course")
    group.addoption(
        "--impl",
        default="solutions",
        help="code under test for the hidden suites: solutions, exercises or a submission folder "
        "(a folder is imported into this pytest process and trusted, unless --isolate)",
    )
    group.addoption(
        "--dl-report",
        metavar="FILE",
        default=None,
        help="write every test's exercise, points and outcome to FILE as JSON",
    )
    group.addoption(
        "--isolate",
        action="store_true",
        help="run the --impl folder in a sandboxed worker process, never in this one "
        "(without --isolate, a --impl folder runs inside pytest itself: use it only for code you trust)",
    )
    group.addoption("--unsafe", action="store_true", help="with --isolate: allow a worker without the sandbox")
    group.addoption(
        "--hide",
        action="append",
        default=[],
        metavar="PATH",
        help="with --isolate: another folder the worker must not see (repeatable)",
    )
    group.addoption(
        "--call-timeout",
        type=float,
        default=CALL_TIMEOUT_S,
        help="with --isolate: seconds per call (default %(default)s)",
    )
    group.addoption(
        "--test-timeout",
        type=float,
        default=TEST_TIMEOUT_S,
        help="with --isolate: seconds per test (default %(default)s)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "exercise(name, points=1): the exercise a test checks and its points")
    try:
        config.dl_implementation = choose_implementation(config)  # type: ignore[attr-defined]
    except SubmissionError as error:
        raise pytest.UsageError(str(error)) from None
    testing.IMPLEMENTATION = config.dl_implementation  # type: ignore[attr-defined]
    config.pluginmanager.register(Progress(config), "dlgrade-progress")


def choose_implementation(config: pytest.Config) -> Implementation | RemoteImplementation:
    spec = config.getoption("impl")
    if not config.getoption("isolate"):
        return resolve(spec)
    from grader.isolation import sandbox

    folder = Path(spec)
    if not folder.is_dir():
        raise SubmissionError(f"--impl: {spec!r} is not a folder (required with --isolate)")
    reason = sandbox.unavailable_reason()
    if reason and not config.getoption("unsafe"):
        raise SubmissionError(f"cannot isolate: {reason}")
    from grader.isolation.proxy import RemoteImplementation

    return RemoteImplementation(
        folder,
        use_sandbox=reason is None,
        hide=config.getoption("hide"),
        call_timeout=config.getoption("call_timeout"),
        test_timeout=config.getoption("test_timeout"),
    )


def pytest_unconfigure(config: pytest.Config) -> None:
    close = getattr(getattr(config, "dl_implementation", None), "close", None)
    if close is not None:
        close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    """Give an isolated implementation its per-test time budget."""
    implementation = item.config.dl_implementation  # type: ignore[attr-defined]
    if hasattr(implementation, "begin_test"):
        implementation.begin_test()
    try:
        return (yield)
    finally:
        if hasattr(implementation, "end_test"):
            implementation.end_test()
        if grader_error(item.config):  # the grader's failure: stop rather than charge it to the student
            pytest.exit(f"dlgrade: {grader_error(item.config)}", returncode=3)


def grader_error(config: pytest.Config) -> str:
    """Why the isolated worker could not start (empty when it did, or when not isolated)."""
    error = getattr(getattr(config, "dl_implementation", None), "start_error", None)
    return str(error) if error else ""


def not_started_name(error: BaseException | None) -> str | None:
    """The exercise a stub's NotImplementedError names (``Class.method`` -> ``Class``)."""
    if not isinstance(error, NotImplementedError):
        return None
    text = str(error)
    name = text.split(":", 1)[0].strip() if ":" in text else ""
    return name.split(".")[0] if name.isidentifier() or "." in name else "this exercise"


def one_line(error: BaseException) -> str | None:
    """The short message for errors we understand; None keeps pytest's traceback."""
    name = not_started_name(error)
    if name:
        return f"not started: {name}"
    if isinstance(error, (ExerciseFailure, OneLineError)):
        return str(error)
    return None


def summary(error: BaseException) -> str:
    """One line for any error, for reports."""
    short = one_line(error)
    if short:
        return short
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0][:300]}" if text else type(error).__name__


def describe(item: pytest.Item) -> Outcome:
    path = Path(str(item.path))
    chapter = path.parent.name
    module = path.stem.removeprefix("test_")
    marker = item.get_closest_marker("exercise")
    exercise = marker.args[0] if marker and marker.args else module
    points = float(marker.kwargs.get("points", 1)) if marker else 1.0
    return Outcome(item.nodeid, chapter, module, exercise, points)


class Progress:
    """Collects outcomes, shortens messages, prints the progress table."""

    def __init__(self, config: pytest.Config):
        self.config = config
        self.outcomes: dict[str, Outcome] = {}

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        ranks = {id(item): (sort_key(*_chapter_module(item)), index) for index, item in enumerate(items)}
        items.sort(key=lambda item: ranks[id(item)])
        for item in items:
            self.outcomes[item.nodeid] = describe(item)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        record = self.outcomes.get(item.nodeid) or describe(item)
        if report.failed:
            error = call.excinfo.value if call.excinfo else None
            short = one_line(error) if error is not None else None
            if short:
                report.longrepr = short
            not_started = not_started_name(error) is not None
            report.dl_not_started = not_started  # type: ignore[attr-defined]
            message = summary(error) if error is not None else "failed"
            record = replace(record, status="not started" if not_started else "failed", message=message)
        elif report.when == "call" and report.passed:
            record = replace(record, status="passed", message="")
        elif report.skipped:
            record = replace(record, status="failed", message="skipped")
        self.outcomes[item.nodeid] = record
        return report

    def pytest_report_teststatus(self, report: pytest.TestReport) -> tuple[str, str, tuple[str, dict]] | None:
        """Stubs get their own status, so they neither fill FAILURES nor read as bugs."""
        if getattr(report, "dl_not_started", False):
            return "not started", "N", ("NOT STARTED", {"yellow": True})
        return None

    def exercises(self) -> list[ExerciseScore]:
        """Per exercise, in course order: the same totals as the grader's, so a student's table and a grade agree."""
        return by_exercise(list(self.outcomes.values()))

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        path = self.config.getoption("dl_report")
        if path:
            data: dict[str, object] = {"tests": [o.to_json() for o in self.outcomes.values()]}
            if grader_error(self.config):
                data["grader_error"] = grader_error(self.config)
            atomic_write(Path(path), json.dumps(data, indent=1))

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        rows = [row for row in self.exercises() if is_chapter(row.chapter)]  # not the tool's own tests
        if not rows:
            return
        write = terminalreporter.write_line
        terminalreporter.section("progress by exercise")
        width = max(len(r.exercise) for r in rows)
        for row in rows:
            write(
                f"  {row.chapter:<5} {row.exercise:<{width}}  {row.status:<12}"
                f" {row.passed}/{row.tests} tests  {row.score:g}/{row.max_score:g} points"
            )
        todo = next((r for r in rows if r.status != "passing"), None)
        if todo:
            write(
                f"Next: {todo.exercise} in {todo.chapter}/{todo.module}.py"
                + (f"  ({todo.message})" if todo.message else "")
            )
        else:
            write("Every exercise here passes.")


def _chapter_module(item: pytest.Item) -> tuple[str, str]:
    path = Path(str(item.path))
    return path.parent.name, path.stem.removeprefix("test_")
