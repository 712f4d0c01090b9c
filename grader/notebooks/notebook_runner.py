"""Run one exercise's tests inside a chapter notebook (nbgrader courses).

``dlgrade nbgrader`` copies this file beside every chapter notebook as
``dlgrade_runner.py`` (and ``grader/testing.py`` as ``dlgrade_testing.py``),
so a notebook needs only numpy, autograd and pytest, not this repository.
It holds no tests and no solutions; it must not import ``grader``.

A test cell looks like this (the hidden part exists only in the instructor's
source notebook and, restored by nbgrader, at autograde time)::

    from dlgrade_runner import ExerciseTests
    tests = ExerciseTests("affine_forward", globals())

    @tests.public
    def test_affine_forward_matches_cs231n_example(): ...

    # (nbgrader's begin-hidden-tests marker)
    @tests.hidden(points=1)
    @pytest.mark.parametrize("shape", SHAPES)
    def test_on_more_shapes(layers, shape): ...
    # (nbgrader's end-hidden-tests marker)

    tests.run()

``run`` calls every test the way pytest would (parametrized cases expanded,
fixtures made by ``implementation_of`` given the notebook's own globals) and
prints one line per test. Without hidden tests (a student's notebook) a
failure raises, so the cell shows red. With hidden tests (autograde) the cell
ends with the sum of the points of the hidden tests that passed: nbgrader
takes a numeric result as the cell's score, the same score the isolated
grader (``dlgrade grade``) gives. Hidden tests are reported by number only,
with their one-line failure message, never their names or code.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import importlib
import importlib.abc
import importlib.util
import inspect
import io
import itertools
import json
import sys
import warnings
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any, TypeVar

Test = TypeVar("Test", bound=Callable[..., Any])

PASS, FAIL, NOT_STARTED = "passed", "failed", "not started"


class Fixture:
    """Stands for the code under test, module ``chN.name``: the notebook itself."""

    def __init__(self, module: str):
        self.module = module

    def __repr__(self) -> str:
        return f"implementation_of({self.module!r})"


def implementation_of(module: str) -> Fixture:
    """The notebook's counterpart of ``grader.testing.implementation_of``."""
    return Fixture(module)


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
        raise AttributeError(f"{name} is not defined in this notebook (run its cell first)")

    def __repr__(self) -> str:
        return f"<notebook as {self._module}>"


class _Sources(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports ``package.chN.name`` from a dict of sources (the embedded reference)."""

    def __init__(self, package: str, files: dict[str, str]):
        self.package = package
        self.files = files

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname != self.package and not fullname.startswith(self.package + "."):
            return None
        rel = fullname[len(self.package) + 1 :].replace(".", "/")
        if fullname == self.package or any(f.startswith(rel + "/") for f in self.files):
            return importlib.util.spec_from_loader(fullname, self, is_package=True)
        if rel + ".py" in self.files:
            return importlib.util.spec_from_loader(fullname, self, is_package=False)
        return None

    def create_module(self, spec: ModuleSpec) -> None:
        return None

    def exec_module(self, module: ModuleType) -> None:
        rel = module.__name__[len(self.package) + 1 :].replace(".", "/")
        source = self.files.get(rel + ".py", self.files.get(rel + "/__init__.py", ""))
        exec(compile(source, f"<reference {rel}.py>", "exec"), module.__dict__)


def pack_sources(files: dict[str, str]) -> str:
    """Sources as one ASCII string (zlib and base64), for ``embedded_reference``."""
    data = json.dumps(files, sort_keys=True).encode("utf-8")
    return base64.b64encode(zlib.compress(data, 9)).decode("ascii")


def embedded_reference(module: str, packed: str) -> ModuleType:
    """The reference module ``chN.name`` from sources packed by ``pack_sources``.

    The hidden part of a test cell carries the reference it compares with,
    so it reaches the autograder with the hidden tests and never a student.
    """
    package = "_dlgrade_reference_" + hashlib.sha1(packed.encode("ascii")).hexdigest()[:12]
    if package not in sys.modules:
        files = json.loads(zlib.decompress(base64.b64decode(packed)).decode("utf-8"))
        sys.meta_path.insert(0, _Sources(package, files))
    return importlib.import_module(f"{package}.{module}")


class _Case:
    def __init__(self, func: Callable[..., Any], kwargs: dict, label: str, points: float | None):
        self.func, self.kwargs, self.label, self.points = func, kwargs, label, points


def _exercise_mark(marks: Iterable[Any]) -> tuple[str, float] | None:
    """(exercise, points) of an ``exercise`` mark among ``marks``, if any."""
    for mark in marks:
        if getattr(mark, "name", "") == "exercise" and mark.args:
            return mark.args[0], float(mark.kwargs.get("points", 1))
    return None


def _parametrize_cases(func: Callable[..., Any], exercise: str | None = None) -> list[tuple[dict, str, float | None]]:
    """(arguments, id, points) for every case of a test, as pytest expands parametrize marks.

    A ``pytest.param`` may carry its own exercise mark (one test covering several
    exercises); with ``exercise`` given, only its cases are kept, and ``points``
    is that mark's (None where the case has no mark of its own).
    """
    marks = [m for m in getattr(func, "pytestmark", []) if getattr(m, "name", "") == "parametrize"]
    axes = []
    for mark in marks:
        names = mark.args[0] if mark.args else mark.kwargs["argnames"]
        values = mark.args[1] if len(mark.args) > 1 else mark.kwargs["argvalues"]
        names = [n.strip() for n in names.split(",")] if isinstance(names, str) else list(names)
        axis = []
        for index, value in enumerate(values):
            own = None
            if hasattr(value, "values") and hasattr(value, "marks") and hasattr(value, "id"):
                own = _exercise_mark(value.marks)  # pytest.param(...)
                value = value.values
                value = value[0] if len(names) == 1 else value
            if exercise is not None and own is not None and own[0] != exercise:
                continue
            row = {names[0]: value} if len(names) == 1 else dict(zip(names, value))
            axis.append((row, str(index), own[1] if own else None))
        axes.append(axis)
    cases = []
    for combination in itertools.product(*axes):
        kwargs, ids, points = {}, [], None
        for row, ident, own_points in combination:
            kwargs.update(row)
            ids.append(ident)
            points = own_points if own_points is not None else points
        cases.append((kwargs, "-".join(ids), points))
    return cases


def _describe(error: BaseException, hidden: bool) -> tuple[str, str]:
    """(status, one line) for a failed test; hidden tests never show an assertion's text."""
    if isinstance(error, NotImplementedError):
        return NOT_STARTED, "not started (the function still raises NotImplementedError)"
    name = type(error).__name__
    text = (str(error).strip().splitlines() or [""])[0][:300]
    if name == "ExerciseFailure":
        return FAIL, text
    if isinstance(error, AssertionError) and hidden:
        return FAIL, "a check on your answer failed"
    return FAIL, f"{name}: {text}" if text else name


class ExerciseTests:
    """The tests of one exercise in a notebook cell, and their runner."""

    def __init__(self, exercise: str, namespace: dict):
        self.exercise = exercise
        self.namespace = namespace
        self._public: list = []
        self._hidden: list[tuple[Callable[..., Any], float]] = []

    def public(self, func: Test) -> Test:
        """Register a public test (no points: only hidden tests are scored)."""
        self._public.append(func)
        return func

    def hidden(self, points: float = 1) -> Callable[[Test], Test]:
        """Register a hidden test worth ``points`` per parametrized case."""

        def register(func: Test) -> Test:
            self._hidden.append((func, float(points)))
            return func

        return register

    def _cases(self, func: Callable[..., Any], points: float | None) -> Iterator[_Case]:
        """This exercise's cases of ``func``; a case's own exercise mark overrides ``points``."""
        for kwargs, ident, own_points in _parametrize_cases(func, self.exercise):
            label = func.__name__ + (f"[{ident}]" if ident else "")
            yield _Case(func, kwargs, label, points if points is None or own_points is None else own_points)

    def _call(self, case: _Case) -> None:
        kwargs = dict(case.kwargs)
        for name in inspect.signature(case.func).parameters:
            if name in kwargs:
                continue
            value = self.namespace.get(name)
            if not isinstance(value, Fixture):
                raise RuntimeError(f"test setup: no fixture named {name!r}")
            kwargs[name] = NotebookModule(value.module, self.namespace)
        case.func(**kwargs)

    def run(self) -> float | None:
        """Run the tests; raise on a public failure, or return the hidden points earned."""
        public = [c for f in self._public for c in self._cases(f, None)]
        hidden = [c for f, p in self._hidden for c in self._cases(f, p)]
        results = []
        output = io.StringIO()
        # stdout is shown after the results; stderr goes where it goes (nbgrader's
        # IgnorePattern, configured by dlgrade, keeps it from zeroing the cell).
        with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(output):
            warnings.simplefilter("always")
            for case in public + hidden:
                try:
                    self._call(case)
                    results.append((case, PASS, ""))
                except KeyboardInterrupt:
                    raise
                except BaseException as error:
                    results.append((case, *_describe(error, case.points is not None)))
        self._report(results, output.getvalue(), caught)
        public_failed = [r for r in results if r[0].points is None and r[1] != PASS]
        if not hidden:
            if public_failed:
                status = NOT_STARTED if all(r[1] == NOT_STARTED for r in public_failed) else FAIL
                what = (
                    "not started"
                    if status == NOT_STARTED
                    else f"{len(public_failed)} of {len(public)} public tests failed"
                )
                raise AssertionError(f"{self.exercise}: {what}")
            return None
        score = sum(r[0].points for r in results if r[0].points is not None and r[1] == PASS)
        return round(score, 6)

    def _report(
        self, results: list[tuple[_Case, str, str]], output: str, caught: list[warnings.WarningMessage]
    ) -> None:
        hidden = [r for r in results if r[0].points is not None]
        public = [r for r in results if r[0].points is None]
        lines = []
        if public:
            passed = sum(r[1] == PASS for r in public)
            lines.append(f"{self.exercise}: {passed} of {len(public)} public tests passed")
            for case, status, message in public:
                mark = "ok  " if status == PASS else "FAIL"
                lines.append(f"  {mark} {case.label}" + (f": {message}" if message else ""))
        if hidden:
            earned = sum(r[0].points or 0.0 for r in hidden if r[1] == PASS)
            total = sum(r[0].points or 0.0 for r in hidden)
            lines.append(f"{self.exercise}: hidden tests {earned:g} of {total:g} points")
            for number, (case, status, message) in enumerate(hidden, start=1):
                mark = "ok  " if status == PASS else "FAIL"
                lines.append(
                    f"  {mark} hidden check {number} ({case.points:g} point{'s' if case.points != 1 else ''})"
                    + (f": {message}" if message else "")
                )
        if not results:
            lines.append(f"{self.exercise}: no tests in this cell")
        messages = sorted({f"{w.category.__name__}: {w.message}" for w in caught})
        if messages:
            lines.append("warnings while testing (they cost no points):")
            lines += [f"  {m[:200]}" for m in messages[:10]]
        if output.strip():
            shown = output.strip().splitlines()
            lines.append("output of your code while testing:")
            lines += [f"  {line[:200]}" for line in shown[:20]]
            if len(shown) > 20:
                lines.append(f"  ... ({len(shown) - 20} more lines)")
        print("\n".join(lines))
