"""pytest plugin: choose the implementation, speak to students, record scores.

- ``--impl=solutions|exercises|PATH`` picks what ``implementation_of``
  fixtures load (default ``solutions``).
- ``@pytest.mark.exercise("affine_backward", points=2)`` tags a test with
  the exercise it checks and what it is worth.
- A stub's NotImplementedError is reported as ``not started: affine_backward``
  and a failed check as its one-line message, not as a traceback wall.
- A chapter module that does not import marks the exercises of every test
  module that needs it as **broken**, with the file, line and error in one
  line; the other test modules still run.
- Public tests get a time limit each (pytest-timeout; ``--timeout=N``
  overrides it), and a test that runs out names the function that did not
  return.
- A failing exercise that behaves exactly like one known wrong answer is
  named, in plain words (``grader.diagnosis``); ``--dl-mistakes-table FILE``
  instead runs every known wrong answer on every test and writes their
  fingerprints to FILE.
- After the run, a progress table per exercise and the next one to do;
  ``--dl-report FILE`` writes every test's ``Outcome`` (``grader.grading.scoring``)
  as JSON for ``dlgrade``, and a run of ``exercises/`` adds its statuses to
  the history in ``.dlgrade/``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Generator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from grader import history, testing
from grader.catalog import declared_in
from grader.curriculum import sort_key
from grader.defaults import CALL_TIMEOUT_S, PUBLIC_TEST_TIMEOUT_S, TEST_TIMEOUT_S
from grader.diagnose import import_problem, numpy_failure, removed_numpy_name, student_frame, where
from grader.diagnosis import Diagnoser, Diagnosis
from grader.fileio import atomic_write
from grader.grading.scoring import BROKEN_PREFIX, ExerciseScore, Outcome, by_exercise
from grader.implementations import (
    FolderImplementation,
    Implementation,
    OneLineError,
    SubmissionError,
    public_text,
    resolve,
)
from grader.paths import HIDDEN_TESTS, is_chapter
from grader.testing import ExerciseFailure

if TYPE_CHECKING:
    from grader.isolation.proxy import RemoteImplementation

TIMEOUT_MESSAGE = re.compile(r"^Timeout \(>([\d.]+)s\) from pytest-timeout")
ISOLATION = Path(__file__).resolve().parent / "isolation"  # the instructor's sandbox; not in a student repository


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    """Bring pytest-timeout along (under its own entry-point name, so autoloading does not load it twice)."""
    import pytest_timeout

    if pluginmanager.get_plugin("timeout") is None and not pluginmanager.is_registered(pytest_timeout):
        pluginmanager.register(pytest_timeout, "timeout")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("dlgrade", "deep-learning course")
    group.addoption(
        "--impl",
        default="solutions",
        help="code under test for the hidden suites: solutions, exercises or a submission folder "
        "(a folder is imported into this pytest process and trusted"
        + (", unless --isolate)" if ISOLATION.is_dir() else ")"),
    )
    group.addoption(
        "--exercise",
        action="append",
        default=[],
        metavar="NAME",
        help="run only the tests of this exercise, e.g. affine_backward (repeatable)",
    )
    group.addoption(
        "--dl-report",
        metavar="FILE",
        default=None,
        help="write every test's exercise, points and outcome to FILE as JSON",
    )
    group.addoption(
        "--dl-mistakes-table",
        metavar="FILE",
        default=None,
        help="run every known wrong answer on every test and write their fingerprints to FILE",
    )
    group.addoption("--dl-no-diagnosis", action="store_true", help="do not name known mistakes of failing exercises")
    if ISOLATION.is_dir():
        _isolation_options(group)


def _isolation_options(group: pytest.OptionGroup) -> None:
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
    config.addinivalue_line("markers", "smoke(reason): a hidden test that needs no wrong answer of its own")
    config.option.continue_on_collection_errors = True  # one broken module must not hide the others
    try:
        config.dl_implementation = choose_implementation(config)  # type: ignore[attr-defined]
    except SubmissionError as error:
        raise pytest.UsageError(str(error)) from None
    testing.IMPLEMENTATION = config.dl_implementation  # type: ignore[attr-defined]
    table = config.getoption("dl_mistakes_table")
    diagnose = table or not config.getoption("dl_no_diagnosis")
    config.dl_diagnoser = Diagnoser(table=bool(table)) if diagnose else None  # type: ignore[attr-defined]
    config.pluginmanager.register(Progress(config), "dlgrade-progress")


def choose_implementation(config: pytest.Config) -> Implementation | FolderImplementation | RemoteImplementation:
    spec = config.getoption("impl")
    if not config.getoption("isolate", False):
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
        chapters=list(dict.fromkeys(part for arg in config.args for part in Path(arg).parts if is_chapter(part))),
    )


def pytest_unconfigure(config: pytest.Config) -> None:
    close = getattr(getattr(config, "dl_implementation", None), "close", None)
    if close is not None:
        close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    """Give an isolated implementation its per-test time budget."""
    implementation = item.config.dl_implementation  # type: ignore[attr-defined]
    diagnoser: Diagnoser | None = item.config.dl_diagnoser  # type: ignore[attr-defined]
    record = describe(item)
    run = diagnoser.start(item, record.chapter, record.exercise) if diagnoser else None
    if hasattr(implementation, "begin_test"):
        implementation.begin_test()
    error: BaseException | None = None
    try:
        return (yield)
    except BaseException as raised:
        error = raised
        raise
    finally:
        if hasattr(implementation, "end_test"):
            implementation.end_test()
        if diagnoser and run:
            diagnoser.finish(run, error)
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


def chapter_root(path: Path) -> Path:
    """The folder holding the chapter folders, for a test file ``ROOT/chN/test_x.py``."""
    return Path(path).resolve().parent.parent


def timed_out(error: BaseException, root: Path, exercise: str) -> str | None:
    """The message for a test stopped by its time limit: the function that did not return, and where."""
    found = TIMEOUT_MESSAGE.match(str(error))
    if not found:
        return None
    frame = student_frame(error, root)
    name = frame[2] if frame and frame[2] != "<module>" else exercise
    place = f" (stopped at {where(error, root)})" if frame else ""
    return f"{name} did not return within {float(found.group(1)):g} s: an infinite loop?{place}"


def one_line(error: BaseException, root: Path | None = None, exercise: str = "this exercise") -> str | None:
    """The short message for errors we understand; None keeps pytest's traceback."""
    name = not_started_name(error)
    if name:
        return f"not started: {name}"
    if isinstance(error, (ExerciseFailure, OneLineError)):
        return public_text(str(error))
    removed = removed_numpy_name(error, root)
    if removed:
        return removed
    return timed_out(error, root, exercise) if root else None


def summary(error: BaseException, root: Path | None = None, exercise: str = "this exercise") -> str:
    """One line for any error, for reports: the check's own message, or the error and where it happened
    (never the private name a submission is imported under)."""
    short = one_line(error, root, exercise)
    if short:
        return short
    lines = [line.strip() for line in public_text(str(error)).strip().splitlines() if line.strip()]
    text = f"{type(error).__name__}: {lines[0][:300]}" if lines else type(error).__name__
    if isinstance(error, AssertionError) and lines:
        # np.testing's report, or a test's own message (assert ..., "message") first
        text = numpy_failure(str(error)) or lines[0][:300]
    place = where(error, root) if root else ""
    return f"{text} (in {place})" if place else text


def describe(item: pytest.Item) -> Outcome:
    path = Path(str(item.path))
    chapter = path.parent.name
    module = path.stem.removeprefix("test_")
    marker = item.get_closest_marker("exercise")
    exercise = marker.args[0] if marker and marker.args else module
    points = float(marker.kwargs.get("points", 1)) if marker else 1.0
    return Outcome(item.nodeid, chapter, module, exercise, points)


def is_public_test(path: Path) -> bool:
    """A test file beside the chapter's modules (not a hidden suite of the course)."""
    path = Path(path).resolve()
    return is_chapter(path.parent.name) and HIDDEN_TESTS.resolve() not in path.parents


def _in_exercises(path: Path) -> bool:
    """A public test of a student's ``exercises/chN`` (whose runs go into the history)."""
    return is_public_test(path) and Path(path).resolve().parent.parent.name == "exercises"


class Progress:
    """Collects outcomes, shortens messages, prints the progress table."""

    def __init__(self, config: pytest.Config):
        self.config = config
        self.outcomes: dict[str, Outcome] = {}
        self.broken: dict[str, str] = {}  # test module nodeid -> the one-line import problem

    @pytest.hookimpl(tryfirst=True)
    def pytest_make_collect_report(self, collector: pytest.Collector) -> None:
        """Import a public test module first, to keep the error its import raised (pytest keeps only text)."""
        if not isinstance(collector, pytest.Module) or not is_public_test(collector.path):
            return
        try:
            collector.obj  # noqa: B018 (imports the module; pytest then collects it as usual)
        except Exception as error:
            cause = error.__cause__ or error
            self.broken[collector.nodeid] = import_problem(cause, chapter_root(collector.path))

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        problem = self.broken.get(report.nodeid)
        if not report.failed or problem is None:
            return
        report.longrepr = f"{BROKEN_PREFIX}{problem}"
        path = Path(str(self.config.rootpath), report.nodeid.split("::")[0])
        wanted = self.config.getoption("exercise")
        for declared in declared_in(path):
            if wanted and declared.exercise not in wanted:
                continue
            nodeid = f"{report.nodeid}::{declared.test}"
            self.outcomes[nodeid] = Outcome(
                nodeid,
                declared.chapter,
                declared.module,
                declared.exercise,
                declared.points,
                "failed",
                f"{BROKEN_PREFIX}{problem}",
            )

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        wanted = self.config.getoption("exercise")
        if wanted:
            left_out = [item for item in items if describe(item).exercise not in wanted]
            items[:] = [item for item in items if describe(item).exercise in wanted]
            self.config.hook.pytest_deselected(items=left_out)
        ranks = {id(item): (sort_key(*_chapter_module(item)), index) for index, item in enumerate(items)}
        items.sort(key=lambda item: ranks[id(item)])
        user_limit = getattr(self.config, "_env_timeout", None)  # --timeout, its ini setting or PYTEST_TIMEOUT
        diagnoser: Diagnoser | None = self.config.dl_diagnoser  # type: ignore[attr-defined]
        for item in items:
            self.outcomes[item.nodeid] = describe(item)
            if diagnoser:
                diagnoser.collected(self.outcomes[item.nodeid].chapter, self.outcomes[item.nodeid].exercise)
            if user_limit is None and is_public_test(item.path) and not item.get_closest_marker("timeout"):
                item.add_marker(pytest.mark.timeout(PUBLIC_TEST_TIMEOUT_S))

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        record = self.outcomes.get(item.nodeid) or describe(item)
        if report.failed:
            error = call.excinfo.value if call.excinfo else None
            root = chapter_root(item.path) if is_public_test(item.path) else None
            short = one_line(error, root, record.exercise) if error is not None else None
            if short:
                report.longrepr = short
            not_started = not_started_name(error) is not None
            report.dl_not_started = not_started  # type: ignore[attr-defined]
            message = summary(error, root, record.exercise) if error is not None else "failed"
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

    def diagnoses(self) -> list[Diagnosis]:
        """Known mistakes named for the failing exercises (none when diagnosis is off or a table is written)."""
        diagnoser: Diagnoser | None = self.config.dl_diagnoser  # type: ignore[attr-defined]
        if not diagnoser or diagnoser.writing:
            return []
        failing = {(r.chapter, r.exercise) for r in self.exercises() if r.status == "failing"}
        return [d for d in diagnoser.diagnoses() if (d.chapter, d.exercise) in failing]

    def exercises(self) -> list[ExerciseScore]:
        """Per exercise, in course order: the same totals as the grader's, so a student's table and a grade agree."""
        return by_exercise(list(self.outcomes.values()))

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        diagnoser: Diagnoser | None = self.config.dl_diagnoser  # type: ignore[attr-defined]
        table = self.config.getoption("dl_mistakes_table")
        if diagnoser and table:
            atomic_write(Path(table), diagnoser.table().to_json())
        path = self.config.getoption("dl_report")
        if path:
            data: dict[str, object] = {
                "tests": [o.to_json() for o in self.outcomes.values()],
                "diagnoses": [d.to_json() for d in self.diagnoses()],
            }
            if grader_error(self.config):
                data["grader_error"] = grader_error(self.config)
            atomic_write(Path(path), json.dumps(data, indent=1))
        public = [o for o in self.outcomes.values() if is_chapter(o.chapter)]
        if public and all(_in_exercises(Path(str(self.config.rootpath), o.nodeid.split("::")[0])) for o in public):
            history.record(Path(str(self.config.rootpath)), [r for r in self.exercises() if is_chapter(r.chapter)])

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
        for diagnosis in self.diagnoses():
            write(f"  {diagnosis.chapter:<5} {diagnosis.sentence()}")
        write(next_step(rows))


def next_step(rows: list[ExerciseScore]) -> str:
    """The Next line: a broken file first, else the first exercise that does not pass."""
    broken = next((r for r in rows if r.status == "broken"), None)
    if broken:
        problem = broken.message.removeprefix(BROKEN_PREFIX)
        count = sum(r.status == "broken" and r.message == broken.message for r in rows)
        return f"Fix this first: {problem} ({count} exercise{'s' if count > 1 else ''} cannot run until it imports)"
    todo = next((r for r in rows if r.status != "passing"), None)
    if todo is None:
        return "Every exercise here passes."
    return f"Next: {todo.exercise} in {todo.chapter}/{todo.module}.py" + (f"  ({todo.message})" if todo.message else "")


def _chapter_module(item: pytest.Item) -> tuple[str, str]:
    path = Path(str(item.path))
    return path.parent.name, path.stem.removeprefix("test_")
