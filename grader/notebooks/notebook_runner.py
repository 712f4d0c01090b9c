"""Run one exercise's tests inside a chapter notebook with pytest (nbgrader courses).

``dlgrade nbgrader`` copies this file beside every chapter notebook as
``dlgrade_runner.py`` (and ``grader/testing.py`` as ``dlgrade_testing.py``),
so a notebook needs only what the course's students install (numpy,
autograd, pytest), not this repository. It holds no tests and no solutions,
and it must not import ``grader``.

A test cell holds the tests exactly as ``tests/chN`` and ``solutions/chN``
write them (fixtures, autouse fixtures, marks, parametrization), between::

    tests = ExerciseTests("affine_forward", globals())
    ...public tests...
    (nbgrader's hidden-tests region: tests.begin_hidden(), then the hidden tests)
    tests.run()

``run`` hands the tests this cell defined to ``pytest.main``, with the
notebook's globals as the test module and as the code under test (the
``implementation_of`` fixtures), keeps the cases marked for this exercise,
and prints one line per check. In a student's notebook (no hidden tests) a
failure makes the cell fail without a traceback; at autograde (hidden tests
restored by nbgrader) the cell's value is the sum of the points of the hidden
cases that passed, which nbgrader takes as the cell's score.

The progress cell at the top of a notebook shows every exercise's state
and the next one to do; it is updated by each test cell, and it watches the
solution cells so that one that does not run is named with its line.
"""

from __future__ import annotations

import ast
import base64
import contextlib
import hashlib
import html
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import io
import json
import os
import re
import sys
import tempfile
import time
import traceback
import types
import zlib
from collections.abc import Callable, Generator, Sequence
from pathlib import Path
from typing import Any

import pytest

PASSING, FAILING, NOT_STARTED, BROKEN, NOT_RUN = "passing", "failing", "not started", "broken", "not run yet"
UNCHECKED = "no public tests"  # only the hidden tests, at grading, tell

# Time limits, as on the other roads: a public test as in `pytest exercises/chN`, a test at autograde as
# one call in `dlgrade grade`'s worker. A test that would start after the cell has run CELL_BUDGET_S fails
# at once, so that the cell ends before nbgrader's own limit per cell (300 s), which would stop the whole
# notebook: every exercise would lose its points and the student would get no feedback.
PUBLIC_TEST_LIMIT_S = 5.0
HIDDEN_TEST_LIMIT_S = 30.0
CELL_BUDGET_S = 240.0
TIMEOUT_LINE = re.compile(r"^Timeout \(>([\d.]+)s\) from pytest-timeout")


# ------------------------------------------------------------------ the code under test


class NotebookModule:
    """Module ``chN.name`` as the notebook defines it: a live view of its globals."""

    def __init__(self, module: str, namespace: dict):
        self._module = module
        self._namespace = namespace

    def __getattr__(self, name: str) -> Any:
        if name in self._namespace:
            return self._namespace[name]
        module_getattr = self._namespace.get("__getattr__")  # a module's own __getattr__ (PEP 562)
        if callable(module_getattr) and not name.startswith("__"):
            return module_getattr(name)
        raise AttributeError(f"{name} is not defined in this notebook: run the cell that defines it")

    def __repr__(self) -> str:
        return f"<notebook as {self._module}>"


class NotebookImplementation:
    """What ``implementation_of("chN.name")`` fixtures load: the notebook itself."""

    def __init__(self, namespace: dict):
        self.namespace = namespace

    def load(self, module: str) -> NotebookModule:
        return NotebookModule(module, self.namespace)


class _Sources(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports ``package.chN.name`` from a dict of sources (the embedded reference)."""

    def __init__(self, package: str, files: dict[str, str]):
        self.package = package
        self.files = files

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != self.package and not fullname.startswith(self.package + "."):
            return None
        rel = fullname[len(self.package) + 1 :].replace(".", "/")
        if fullname == self.package or any(f.startswith(rel + "/") for f in self.files):
            return importlib.util.spec_from_loader(fullname, self, is_package=True)
        if rel + ".py" in self.files:
            return importlib.util.spec_from_loader(fullname, self, is_package=False)
        return None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> None:
        return None

    def exec_module(self, module: types.ModuleType) -> None:
        rel = module.__name__[len(self.package) + 1 :].replace(".", "/")
        source = self.files.get(rel + ".py", self.files.get(rel + "/__init__.py", ""))
        exec(compile(source, f"<reference {rel}.py>", "exec"), module.__dict__)


def pack_sources(files: dict[str, str]) -> str:
    """Sources as one ASCII string (zlib and base64), for ``embedded_reference``."""
    data = json.dumps(files, sort_keys=True).encode("utf-8")
    return base64.b64encode(zlib.compress(data, 9)).decode("ascii")


def embedded_reference(module: str, packed: str) -> types.ModuleType:
    """The reference module ``chN.name`` from sources packed by ``pack_sources``.

    The hidden part of a test cell carries the reference it compares with,
    so it reaches the autograder with the hidden tests and never a student.
    """
    package = "_dlgrade_reference_" + hashlib.sha1(packed.encode("ascii")).hexdigest()[:12]
    if package not in sys.modules:
        files = json.loads(zlib.decompress(base64.b64decode(packed)).decode("utf-8"))
        sys.meta_path.insert(0, _Sources(package, files))
    return importlib.import_module(f"{package}.{module}")


# ------------------------------------------------------------------ one line per check


def _assertion_line(text: str) -> str:
    """numpy's 'Not equal to tolerance ...' followed by the test's own message: the message first."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if len(lines) > 1 and lines[0].startswith(("Not equal to tolerance", "Arrays are not")):
        return f"{lines[1]} ({lines[0][0].lower()}{lines[0][1:]})"
    return lines[0] if lines else ""


def describe(error: BaseException, hidden: bool) -> tuple[str, str]:
    """(status, one line) for a failed check; a hidden test's assertion never shows its values."""
    if isinstance(error, NotImplementedError):
        return NOT_STARTED, "not started (the function still raises NotImplementedError)"
    name = type(error).__name__
    if name == "ExerciseFailure":
        return FAILING, _assertion_line(str(error))
    if isinstance(error, AssertionError):
        return FAILING, "a check on your answer failed" if hidden else (_assertion_line(str(error)) or name)
    text = _assertion_line(str(error))[:300]
    late = TIMEOUT_LINE.match(text)
    if late:
        return FAILING, f"your code ran longer than the {float(late.group(1)):g} s a test may take, and was stopped"
    if isinstance(error, NameError):
        text += " (run the cell that defines it first)"
    return FAILING, f"{name}: {text}" if text else name


class Outcome:
    def __init__(self, name: str, points: float, hidden: bool):
        self.name, self.points, self.hidden = name, points, hidden
        self.status, self.message, self.output = PASSING, "", ""


class _Collector:
    """The pytest plugin of one cell: the notebook as the test module, this exercise's cases only."""

    def __init__(self, exercise: str, module: types.ModuleType, hidden: set[str], namespace: dict):
        self.exercise, self.module, self.hidden, self.namespace = exercise, module, hidden, namespace
        self.outcomes: list[Outcome] = []
        self.by_item: dict[str, Outcome] = {}
        self.started = time.monotonic()

    def pytest_configure(self, config: pytest.Config) -> None:
        config.addinivalue_line("markers", "exercise(name, points=1): the exercise a test checks and its points")
        config.addinivalue_line("markers", "smoke(reason): a hidden test that needs no wrong answer of its own")
        config.dl_implementation = NotebookImplementation(self.namespace)  # type: ignore[attr-defined]

    @pytest.hookimpl(tryfirst=True)
    def pytest_pycollect_makemodule(self, module_path: Path, parent: pytest.Collector) -> pytest.Module:
        collector = pytest.Module.from_parent(parent, path=module_path)
        collector._getobj = lambda: self.module  # type: ignore[method-assign]  # the cell's tests, not the file
        return collector

    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        def mine(item: pytest.Item) -> bool:
            mark = item.get_closest_marker("exercise")
            return mark is not None and bool(mark.args) and mark.args[0] == self.exercise

        config.hook.pytest_deselected(items=[i for i in items if not mine(i)])
        items[:] = [i for i in items if mine(i)]
        for item in items:
            points = float(getattr(item.get_closest_marker("exercise"), "kwargs", {}).get("points", 1))
            hidden = getattr(item, "originalname", item.name) in self.hidden
            self.outcomes.append(Outcome(item.nodeid.split("::")[-1], points, hidden))
            self.by_item[item.nodeid] = self.outcomes[-1]
        # At autograde the hidden tests run first, as they do alone in `dlgrade grade`: what the public tests
        # did before cannot change them (pyopencl warns of a repeated kernel retrieval only once per program).
        items.sort(key=lambda item: not self.by_item[item.nodeid].hidden)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        if time.monotonic() - self.started > CELL_BUDGET_S:
            pytest.fail(f"not run: this cell's tests already took more than {CELL_BUDGET_S:g} s", pytrace=False)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        outcome = self.by_item[item.nodeid]
        if report.failed and outcome.status == PASSING:
            error = call.excinfo.value if call.excinfo else AssertionError("failed")
            outcome.status, outcome.message = describe(error, outcome.hidden)
            outcome.output = report.capstdout + report.capstderr  # what the code printed, as pytest shows it
        elif report.skipped and outcome.status == PASSING:
            outcome.status, outcome.message = FAILING, "skipped"
        return report


def _is_test(name: str, value: object) -> bool:
    return name.startswith("test") and callable(value) and not isinstance(value, type)


def _is_autouse(value: object) -> bool:
    marker = getattr(value, "_fixture_function_marker", None) or getattr(value, "_pytestfixturefunction", None)
    return bool(getattr(marker, "autouse", False))


def run_pytest(exercise: str, namespace: dict, mine: set[str], hidden: set[str]) -> list[Outcome]:
    """Run the tests named ``mine`` (``hidden`` among them) with pytest, the notebook as their module.

    Tests and autouse fixtures of other cells are left out; other fixtures and names stay.
    """
    module = types.ModuleType(f"notebook_{exercise}")
    module.__dict__.update(
        (name, value)
        for name, value in namespace.items()
        if name in mine or not (_is_test(name, value) or _is_autouse(value))
    )
    collector = _Collector(exercise, module, hidden, namespace)
    with tempfile.TemporaryDirectory(prefix="dlgrade-cell-") as folder:
        path = Path(folder) / f"test_{exercise}.py"
        path.write_text("# the tests of a notebook cell\n", encoding="utf-8")
        (Path(folder) / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
        args = [str(path), "-q", "-p", "no:cacheprovider", "--noconftest", "--capture=sys"]
        args += ["-c", str(Path(folder) / "pytest.ini"), "--rootdir", folder]
        if importlib.util.find_spec("pytest_timeout") is not None:
            args += ["-p", "pytest_timeout", f"--timeout={HIDDEN_TEST_LIMIT_S if hidden else PUBLIC_TEST_LIMIT_S:g}"]
        old = os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
        os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # the cell's tests, nothing installed beside them
        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                pytest.main(args, plugins=[collector])
        finally:
            if old is None:
                os.environ.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
            else:
                os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = old
    return collector.outcomes


# ------------------------------------------------------------------ a test cell


class TestsFailed(AssertionError):
    """Some public tests of an exercise failed; the lines above say which and why."""


class ExerciseTests:
    """The tests one cell defines for one exercise, and their run."""

    def __init__(self, exercise: str, namespace: dict):
        self.exercise = exercise
        self.namespace = namespace
        self._before = self._snapshot()
        self._public_end: dict[str, int] | None = None
        _install_hooks()

    def _snapshot(self) -> dict[str, int]:
        return {name: id(value) for name, value in self.namespace.items()}

    def _defined_since(self, before: dict[str, int], kind: Callable[[str, object], bool] = _is_test) -> set[str]:
        """Names of the tests (or, with ``kind``, other objects) this cell defined after ``before``."""
        return {name for name, value in self.namespace.items() if kind(name, value) and before.get(name) != id(value)}

    def begin_hidden(self) -> None:
        """The tests defined from here on are the hidden tests (autograde only)."""
        self._public_end = self._snapshot()

    def run(self) -> float | None:
        """Run the tests; in a student's notebook raise on failure, at autograde return the points earned."""
        mine = self._defined_since(self._before)
        mine |= self._defined_since(self._before, lambda name, value: _is_autouse(value))  # this cell's autouse
        hidden = self._defined_since(self._public_end) if self._public_end is not None else set()
        outcomes = run_pytest(self.exercise, self.namespace, mine, hidden)
        broken = BROKEN_CELLS.get(self.exercise)
        status = exercise_status(outcomes, broken)
        PROGRESS.record(self.exercise, status, broken or _first_problem(outcomes))
        print("\n".join(report_lines(self.exercise, outcomes, broken)))
        if self._public_end is not None:
            return round(sum(o.points for o in outcomes if o.hidden and o.status == PASSING), 6)
        if status not in (PASSING, UNCHECKED):
            upcoming = PROGRESS.next_step() if PROGRESS else ""
            then = "" if not upcoming or upcoming.startswith(f"{self.exercise} ") else f". Next: {upcoming}"
            raise TestsFailed(f"{self.exercise}: {status} (the lines above say why){then}")
        return None


def _first_problem(outcomes: list[Outcome]) -> str:
    return next((o.message for o in outcomes if o.status != PASSING), "")


def exercise_status(outcomes: list[Outcome], broken: str | None = None) -> str:
    public = [o for o in outcomes if not o.hidden]
    if broken:
        return BROKEN
    if not public:
        return UNCHECKED
    failed = [o for o in public if o.status != PASSING]
    if not failed:
        return PASSING
    return NOT_STARTED if all(o.status == NOT_STARTED for o in failed) else FAILING


def report_lines(exercise: str, outcomes: list[Outcome], broken: str | None) -> list[str]:
    """One line per check, as the terminal shows them."""
    lines = [f"{exercise}: broken: {broken}"] if broken else []
    public = [o for o in outcomes if not o.hidden]
    hidden = [o for o in outcomes if o.hidden]
    if public:
        passed = sum(o.status == PASSING for o in public)
        lines.append(f"{exercise}: {passed} of {len(public)} public tests passed")
        for o in public:
            lines.append(f"  {'ok  ' if o.status == PASSING else 'FAIL'} {o.name}" + _colon(o.message))
            lines += _printed(o.output)
    if hidden:
        earned = sum(o.points for o in hidden if o.status == PASSING)
        lines.append(f"{exercise}: hidden tests {earned:g} of {sum(o.points for o in hidden):g} points")
        for number, o in enumerate(hidden, start=1):
            points = f"{o.points:g} point{'s' if o.points != 1 else ''}"
            lines.append(
                f"  {'ok  ' if o.status == PASSING else 'FAIL'} hidden check {number} ({points})" + _colon(o.message)
            )
    if not outcomes:
        lines.append(f"{exercise}: no tests in this cell")
    return lines


def _printed(output: str, limit: int = 10) -> list[str]:
    """What the code printed during a failed test, indented under it (at most ``limit`` lines)."""
    shown = output.strip().splitlines()
    more = [f"      ... ({len(shown) - limit} more lines)"] if len(shown) > limit else []
    return [f"      | {line[:200]}" for line in shown[:limit]] + more


def _colon(message: str) -> str:
    return f": {message}" if message else ""


# ------------------------------------------------------------------ progress and broken cells


def show_progress(chapter: str, exercises: list[str]) -> None:
    """Show the chapter's progress table here; every test cell run afterwards updates it."""
    PROGRESS.chapter = chapter
    PROGRESS.states = {name: PROGRESS.states.get(name, (NOT_RUN, "")) for name in exercises}
    PROGRESS.display_id = f"dlgrade-progress-{chapter}"
    _install_hooks()
    if _shell() is None:
        print(PROGRESS.text())
    else:
        from IPython.display import display

        display(PROGRESS, display_id=PROGRESS.display_id)


class _ProgressState:
    """The one progress table of the kernel (empty until a Progress cell runs)."""

    def __init__(self) -> None:
        self.chapter, self.display_id = "", ""
        self.states: dict[str, tuple[str, str]] = {}

    def __bool__(self) -> bool:
        return bool(self.states)

    def record(self, exercise: str, status: str, message: str) -> None:
        if exercise in self.states:
            self.states[exercise] = (status, message)
            self._update()

    def broken(self, exercise: str, message: str | None) -> None:
        status, old = self.states.get(exercise, (NOT_RUN, ""))
        if message:
            self.record(exercise, BROKEN, message)
        elif status == BROKEN:
            self.record(exercise, NOT_RUN, "")

    def next_step(self) -> str:
        todo = next(((n, s, m) for n, (s, m) in self.states.items() if s not in (PASSING, UNCHECKED)), None)
        if todo is None:
            return "every exercise passes its public tests"
        name, status, message = todo
        if status == NOT_RUN:
            return f"{name} (write it, then run its test cell)"
        return f"{name} ({status}{_colon(message)})"

    def text(self) -> str:
        width = max(len(n) for n in self.states)
        rows = [f"  {n:<{width}}  {s}" for n, (s, _) in self.states.items()]
        done = sum(s == PASSING for s, _ in self.states.values())
        return "\n".join(
            [
                f"Progress in {self.chapter}: {done} of {len(self.states)} exercises pass",
                *rows,
                f"Next: {self.next_step()}",
            ]
        )

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(self.text())

    def _repr_html_(self) -> str:
        colors = {
            PASSING: "green",
            FAILING: "red",
            BROKEN: "red",
            NOT_STARTED: "#b58900",
            NOT_RUN: "gray",
            UNCHECKED: "gray",
        }
        rows = "".join(
            f"<tr><td><code>{html.escape(n)}</code></td><td style='color:{colors[s]}'>{s}</td>"
            f"<td>{html.escape(m)}</td></tr>"
            for n, (s, m) in self.states.items()
        )
        done = sum(s == PASSING for s, _ in self.states.values())
        return (
            f"<p>Progress in {self.chapter}: {done} of {len(self.states)} exercises pass</p>"
            f"<table><tr><th>exercise</th><th>status</th><th>first problem</th></tr>{rows}</table>"
            f"<p><b>Next:</b> {html.escape(self.next_step())}</p>"
        )

    def _update(self) -> None:
        shell = _shell()
        if shell is not None and self.display_id:
            from IPython.display import update_display

            update_display(self, display_id=self.display_id)


PROGRESS = _ProgressState()
CELL_SOURCE = [""]  # the cell being run, for assertion rewriting
BROKEN_CELLS: dict[str, str] = {}  # exercise -> why the cell that defines it did not run
DEFINITION = re.compile(r"^(?:def|class)\s+([A-Za-z_]\w*)", re.MULTILINE)


def _shell() -> Any:
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def _error_line(error: BaseException, cell: str) -> str:
    """'line L: Type: message' for an error raised by a cell (its own line, not the library's)."""
    if isinstance(error, SyntaxError):
        return f"line {error.lineno}: {type(error).__name__}: {error.msg}"
    frames = [
        f
        for f in traceback.extract_tb(error.__traceback__)
        if "ipykernel_" in f.filename or "<ipython-input" in f.filename
    ]
    where = f"line {frames[-1].lineno}: " if frames else ""
    text = (str(error).strip().splitlines() or [""])[0][:200]
    return f"{where}{type(error).__name__}: {text}" if text else f"{where}{type(error).__name__}"


def _before_cell(info: Any) -> None:
    CELL_SOURCE[0] = getattr(info, "raw_cell", "") or ""


def _after_cell(result: Any) -> None:
    """Remember which exercises a cell defines, and whether it ran."""
    raw = getattr(result.info, "raw_cell", "") or ""
    names = DEFINITION.findall(raw)
    if not names or "ExerciseTests(" in raw:
        return
    error = result.error_before_exec or result.error_in_exec
    for name in names:
        if error is None:
            BROKEN_CELLS.pop(name, None)
        else:
            BROKEN_CELLS[name] = f"its cell (In [{result.execution_count}]) does not run: {_error_line(error, raw)}"
        PROGRESS.broken(name, BROKEN_CELLS.get(name))


class _RewriteAsserts(ast.NodeTransformer):
    """pytest's assertion rewriting for test cells, so a plain ``assert`` explains itself."""

    def visit_Module(self, node: ast.Module) -> ast.Module:
        if any(isinstance(n, ast.ImportFrom) and n.module == "dlgrade_runner" for n in node.body):
            from _pytest.assertion.rewrite import rewrite_asserts

            rewrite_asserts(node, CELL_SOURCE[0].encode("utf-8"))
            for child in ast.walk(node):  # the imports pytest adds lack a valid end position
                if isinstance(child, (ast.stmt, ast.expr, ast.alias)) and (child.end_lineno or 0) < child.lineno:
                    child.end_lineno, child.end_col_offset = child.lineno, child.col_offset
        return node


def _show_failure(shell: Any, etype: type, value: BaseException, tb: Any, tb_offset: int | None = None) -> None:
    """A failed test cell shows its one-line verdict, not a traceback into this file."""
    shell._showtraceback(etype, value, shell.InteractiveTB.get_exception_only(etype, value))


def _install_hooks() -> None:
    shell = _shell()
    if shell is None or getattr(shell, "_dlgrade_hooks", False):
        return
    shell._dlgrade_hooks = True
    shell.events.register("pre_run_cell", _before_cell)
    shell.events.register("post_run_cell", _after_cell)
    shell.ast_transformers.append(_RewriteAsserts())
    shell.set_custom_exc((TestsFailed,), _show_failure)
