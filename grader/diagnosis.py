"""Name the mistake: the known wrong answer that behaves exactly like a failing exercise.

Every call a test makes to the code under test is recorded as a digest of
what it returned (values, shapes, gradients; never a forward's cache), and
a test run becomes a *fingerprint*: its status, its message with the
numbers blanked, and the digests of its calls. When a test of an exercise
fails, the same test is run again with each wrong answer of the chapter's
corpus (``grader.authoring.mutants``: the reference with one edit, course
code run in this process, never in the isolated worker) in place of the student's
modules. An exercise is diagnosed when exactly one wrong answer gives the
student's fingerprint on every failing test of that exercise (and passes
the tests after the first failure that the student passes), or several that
share one explanation (entries merged for students); the student then
reads that ``explain``, never a value.

Digests compare values on a grid of 1e-5 of each array's largest magnitude,
so equal maths computed in another order still matches. Where the corpus is
not at hand (a student's repository), the fingerprints of the public tests
come precomputed in a table (``write_table``) holding digests only.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import random
import re
import sys
import types
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from grader.paths import MUTANTS, SOLUTIONS

if TYPE_CHECKING:  # the corpus is the course's: a student's repository has none, only tables
    from grader.authoring import mutants as corpus

GRID = 1e5  # values compared to 1e-5 of the array's largest magnitude
MAX_CALLS = 400  # calls digested per test run (a numerical gradient makes many)
NUMBER = re.compile(r"[-+]?(\d+\.\d*|\.\d+|\d+(?=[eE]))([eE][-+]?\d+)?")  # measured, not counted: 3.2e-01, 0.5
PASSED = "passed"
TABLE_NAME = "mistakes.json"  # the shipped table of a chapter, beside its public tests


# -- digests of what a call returned ---------------------------------------------------------------


def _update(h: Any, value: Any, depth: int = 0) -> None:
    if depth > 6:
        h.update(b"...")
    elif isinstance(value, (tuple, list)):
        h.update(b"(%d" % len(value))
        for item in value:
            _update(h, item, depth + 1)
    elif isinstance(value, dict):
        h.update(b"{%d" % len(value))
        for key in sorted(value, key=str):
            h.update(str(key).encode())
            _update(h, value[key], depth + 1)
    elif isinstance(value, str):
        h.update(b"s" + value.encode())
    elif isinstance(value, (bool, int, float, np.number, np.bool_, np.ndarray)):
        array = np.asarray(value)
        if array.dtype.kind not in "biuf":
            h.update(b"?")
            return
        h.update(repr(array.shape).encode())
        flat = array.astype(np.float64).ravel()
        finite = np.isfinite(flat)
        everywhere = bool(finite.all())
        magnitudes = np.abs(flat if everywhere else flat[finite])
        scale = float(magnitudes.max()) if magnitudes.size else 0.0
        grid = np.rint(flat * (GRID / scale)) if scale > 0 else np.zeros_like(flat)
        if not everywhere:
            grid[np.isnan(flat)] = 3 * GRID
            grid[np.isposinf(flat)] = 4 * GRID
            grid[np.isneginf(flat)] = -4 * GRID
        h.update(f"{scale:.4e}".encode() + grid.astype(np.int64).tobytes())
    else:
        h.update(b"?")  # an object: only that there is one


def digest(value: Any) -> str:
    h = hashlib.sha1()
    try:
        _update(h, value)
    except Exception:  # whatever the code under test returned, the test goes on
        h.update(b"!")
    return h.hexdigest()[:16]


def returned(name: str, result: Any) -> Any:
    """What of a call's result is compared: a forward pass's cache (its last item) is private."""
    if "forward" in name and isinstance(result, tuple) and len(result) >= 2:
        return result[:-1]
    return result


def error_kind(error: BaseException) -> str:
    """The kind of an error, alike in this process and through the worker (``ValueError``)."""
    name = type(error).__name__
    return str(error).split(":", 1)[0] if name == "StudentCodeError" else name


class Diverged(BaseException):
    """A wrong answer's run has already made a call unlike the student's: the rest of the test cannot match."""


class Trace:
    """The calls one test run made, as digests. The student's are digested after the test (a timed call is
    not slowed down); with ``expected`` (the student's digests), a wrong answer's run stops at its first
    call that differs."""

    def __init__(self, expected: list[str] | None = None) -> None:
        self.expected = expected
        self._calls: list[str] = []
        self._later: list[tuple[str, Any, BaseException | None]] = []

    def add(self, name: str, result: Any = None, error: BaseException | None = None) -> None:
        if len(self._calls) + len(self._later) >= MAX_CALLS:
            return
        if self.expected is None:
            self._later.append((name, result, error))
            return
        self._calls.append(_call_digest(name, result, error))
        index = len(self._calls) - 1
        if index >= len(self.expected) or self.expected[index] != self._calls[index]:
            raise Diverged

    @property
    def calls(self) -> list[str]:
        """One digest per call: ``name:digest`` or ``name:raised Kind``."""
        self._calls += [_call_digest(*call) for call in self._later]
        self._later.clear()
        return self._calls


def _call_digest(name: str, result: Any, error: BaseException | None) -> str:
    return f"{name}:{'raised ' + error_kind(error) if error is not None else digest(returned(name, result))}"


class Recorded:
    """A function of the code under test whose calls go into a trace."""

    __slots__ = ("_name", "_target", "_trace")

    def __init__(self, target: Any, trace: Trace, name: str):
        object.__setattr__(self, "_target", target)
        object.__setattr__(self, "_trace", trace)
        object.__setattr__(self, "_name", name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            result = self._target(*args, **kwargs)
        except Exception as error:
            self._trace.add(self._name, error=error)
            raise
        self._trace.add(self._name, result)
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self._target, name)


def is_class(value: Any) -> bool:
    """A class (in this process, or in the worker): left as it is, so tests may subclass it or use isinstance
    (what its objects do is compared through the test's messages)."""
    if isinstance(value, type):
        return True
    try:
        return object.__getattribute__(value, "_type") == "type"
    except AttributeError:
        return False


def recorded(value: Any, trace: Trace, name: str) -> Any:
    return Recorded(value, trace, name) if callable(value) and not is_class(value) else value


# -- fingerprints of test runs ---------------------------------------------------------------------


def fingerprint(status: str, message: str, trace: Trace) -> str:
    """One test run: ``passed``, or a digest of the failure (its message with measured numbers blanked, counts
    such as an epoch or a shape kept) and of the calls."""
    if status == PASSED:
        return PASSED
    text = NUMBER.sub("#", message.strip().splitlines()[0] if message.strip() else "")
    return hashlib.sha1("\n".join([status, text, *trace.calls]).encode()).hexdigest()[:16]


def failure_text(error: BaseException) -> str:
    """A failed check's own sentence; for any other error only its kind (its place differs by file)."""
    from grader.implementations import public_text
    from grader.testing import ExerciseFailure

    if isinstance(error, (ExerciseFailure, AssertionError)) and type(error).__name__ != "StudentCodeError":
        return public_text(str(error))
    return error_kind(error)


def outcome_of(error: BaseException | None) -> tuple[str, str]:
    """(status, message) of a test run that raised ``error`` (None: it passed)."""
    if error is None:
        return PASSED, ""
    if isinstance(error, NotImplementedError):
        return "not started", ""
    return "failed", failure_text(error)


# -- the wrong answers, loaded in this process ------------------------------------------------------


def mutant_id(mutant: corpus.Mutant) -> str:
    return hashlib.sha1(f"{mutant.file}\0{mutant.find}\0{mutant.replace}".encode()).hexdigest()[:12]


def exercise_of(mutant: corpus.Mutant, exercises: set[str]) -> str | None:
    """The exercise a wrong answer belongs to: its own ``exercise``, or the name its description starts with
    (``Sequential.fit: ...`` is Sequential's; ``hogwild_worker: ...`` is hogwild's)."""
    if mutant.exercise:
        return mutant.exercise
    name = mutant.description.split(":", 1)[0].strip()
    if name in exercises:
        return name
    name = name.split(".")[0]
    owners = [e for e in exercises if name == e or name.startswith(e + "_")]
    return max(owners, key=len) if owners else None


_LOADED: dict[str, types.ModuleType] = {}


def _package(mutant: corpus.Mutant, solutions: Path) -> str:
    """A private package reading the reference, except the one module the wrong answer edits."""
    name = f"_dlmut_{mutant_id(mutant)}"
    if name in sys.modules:
        return name
    package = types.ModuleType(name)
    package.__path__ = [str(solutions)]
    sys.modules[name] = package
    module_name = f"{name}.{mutant.file.removesuffix('.py').replace('/', '.')}"
    importlib.import_module(module_name.rsplit(".", 1)[0])
    module = types.ModuleType(module_name)
    module.__file__ = str(solutions / mutant.file)
    module.__package__ = module_name.rsplit(".", 1)[0]
    sys.modules[module_name] = module
    try:
        from grader.authoring.mutants import mutated_source

        exec(compile(mutated_source(mutant, solutions), module.__file__, "exec"), module.__dict__)
    except BaseException:
        del sys.modules[module_name]
        raise
    return name


def mutant_module(mutant: corpus.Mutant, module: str, solutions: Path = SOLUTIONS) -> types.ModuleType:
    """Module ``chN.name`` of the reference with the wrong answer applied."""
    return importlib.import_module(f"{_package(mutant, solutions)}.{module}")


# -- running a test again with other code ---------------------------------------------------------


@dataclass
class RandomState:
    """numpy's and Python's global random state, to start each run of a test alike."""

    saved: tuple = ()

    @classmethod
    def now(cls) -> RandomState:
        return cls((np.random.get_state(), random.getstate()))

    def restore(self) -> None:
        np.random.set_state(self.saved[0])
        random.setstate(self.saved[1])


def run_recorded(call: Callable[[Trace], None], expected: list[str] | None = None) -> str:
    """Run ``call`` (a test with its code under test recorded into the trace); return its fingerprint
    ('' when it stopped at a call unlike ``expected``)."""
    trace = Trace(expected)
    error: BaseException | None = None
    try:
        call(trace)
    except (KeyboardInterrupt, SystemExit):
        raise
    except Diverged:
        return ""
    except BaseException as raised:  # a failed check, any error, pytest.fail or a timeout
        error = raised
    return fingerprint(*outcome_of(error), trace)


def chapter_names(namespace: dict) -> dict[str, str]:
    """Names a public test module took from its chapter's modules: name -> ``chN.module``."""
    package = namespace.get("__package__") or ""
    chapter = package.rsplit(".", 1)[-1]
    found = {}
    for name, value in namespace.items():
        owner = getattr(value, "__module__", None) if callable(value) else None
        if not owner or not owner.startswith(package + ".") or owner.rsplit(".", 1)[-1].startswith("test_"):
            continue
        found[name] = f"{chapter}.{owner.removeprefix(package + '.')}"
    return found


# -- what a diagnosis says -------------------------------------------------------------------------


@dataclass(frozen=True)
class Diagnosis:
    """A failing exercise that behaves exactly like one known wrong answer."""

    chapter: str
    exercise: str
    mistake: str  # the corpus entry's id
    explain: str  # for the student: what the code does, why it is wrong, what to revisit

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Diagnosis:
        return cls(str(data["chapter"]), str(data["exercise"]), str(data["mistake"]), str(data["explain"]))

    def sentence(self) -> str:
        return f"{self.exercise}: this looks like a known mistake. {self.explain}"


@dataclass
class Suspects:
    """What is known so far of one exercise: the wrong answers not yet ruled out."""

    remaining: set[str] | None = None  # None until a test of the exercise fails
    blocked: bool = False  # a test could not be compared (not started, broken, skipped)
    compared: int = 0

    def narrow(self, matching: set[str]) -> None:
        self.remaining = matching if self.remaining is None else self.remaining & matching
        self.compared += 1


@dataclass
class Table:
    """Fingerprints of wrong answers per test: ``tests[test][mistake]``; ``mistakes[id]``: exercise, explain."""

    mistakes: dict[str, dict[str, str]] = field(default_factory=dict)
    tests: dict[str, dict[str, str]] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps({"mistakes": self.mistakes, "tests": self.tests}, indent=0)

    @classmethod
    def read(cls, path: Path) -> Table:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data["mistakes"], data["tests"])


def corpus_entries(chapter: str, exercises: set[str], corpus_dir: Path = MUTANTS) -> dict[str, list[corpus.Mutant]]:
    """The chapter's wrong answers by exercise (left out: those that only cost time, which would hang, and
    those whose values change from run to run, which no fingerprint could match)."""
    from grader.authoring.mutants import load

    found: dict[str, list[corpus.Mutant]] = {}
    for mutant in load(chapter, corpus_dir):
        owner = exercise_of(mutant, exercises)
        if owner and not mutant.slow and not mutant.unsteady:
            found.setdefault(owner, []).append(mutant)
    return found


def test_key(nodeid: str) -> str:
    """A test's name in a table: its file's name and the test (``test_layers.py::test_x[1]``)."""
    path, _, rest = nodeid.partition("::")
    return f"{Path(path).name}::{rest}"


# -- during a pytest run ---------------------------------------------------------------------------

Maker = Callable[[str, str, Callable[[], Any]], Any]
BUDGET_S = 20.0  # the most seconds spent running wrong answers for one exercise


@dataclass
class Run:
    """One test run of the code under test, being recorded."""

    item: Any
    chapter: str
    exercise: str
    trace: Trace
    state: RandomState
    undo: Callable[[], None]
    funcargs: dict[str, Any]  # the test's arguments as the code under test got them, to run it again


class Diagnoser:
    """Records the code under test in every test of an exercise the corpus knows, and runs the wrong answers
    of the exercise on the tests it fails (or looks them up in a chapter's table); ``table`` instead runs
    every wrong answer on every test, to write a table."""

    def __init__(self, table: bool = False, corpus_dir: Path = MUTANTS, solutions: Path = SOLUTIONS):
        self.writing = table
        self.corpus_dir, self.solutions = corpus_dir, solutions
        self.exercises: dict[str, set[str]] = {}  # chapter -> its exercises in this run
        self.entries: dict[str, dict[str, list[corpus.Mutant]]] = {}
        self.tables: dict[Path, Table | None] = {}
        self.suspects: dict[tuple[str, str], Suspects] = {}
        self.spent: dict[tuple[str, str], float] = {}
        self.passed: dict[tuple[str, str], list[Run]] = {}  # tests passed before the exercise's first failure
        self.chapter_names: dict[int, dict[str, str]] = {}
        self.written = Table()

    def collected(self, chapter: str, exercise: str) -> None:
        self.exercises.setdefault(chapter, set()).add(exercise)

    def _entries(self, chapter: str) -> dict[str, list[corpus.Mutant]]:
        if chapter not in self.entries:
            live = self.corpus_dir.is_dir() and self.solutions.is_dir()
            self.entries[chapter] = (
                corpus_entries(chapter, self.exercises.get(chapter, set()), self.corpus_dir) if live else {}
            )
        return self.entries[chapter]

    def _table(self, item: Any) -> Table | None:
        folder = Path(str(item.path)).parent
        if folder not in self.tables:
            path = folder / TABLE_NAME
            self.tables[folder] = Table.read(path) if path.is_file() and not self.writing else None
        return self.tables[folder]

    def _mistakes(self, item: Any, chapter: str, exercise: str) -> list[str]:
        table = self._table(item)
        if table is not None:
            return sorted(i for i, m in table.mistakes.items() if m["exercise"] == exercise)
        return [mutant_id(m) for m in self._entries(chapter).get(exercise, [])]

    def start(self, item: Any, chapter: str, exercise: str) -> Run | None:
        """Record the code under test in ``item`` if the corpus could name its exercise's mistake."""
        key = (chapter, exercise)
        suspects = self.suspects.setdefault(key, Suspects())
        if not self._mistakes(item, chapter, exercise) or (
            not self.writing and (suspects.blocked or suspects.remaining == set())
        ):
            return None
        if self.writing:  # a table is shipped: code that draws from the global generators must draw alike every time
            np.random.seed(0)
            random.seed(0)
        trace = Trace()
        funcargs = dict(getattr(item, "funcargs", None) or {})
        undo = self._install(item, item.funcargs, lambda module, name, value: recorded(value(), trace, name))
        return Run(item, chapter, exercise, trace, RandomState.now(), undo, funcargs)

    def _install(self, item: Any, funcargs: dict[str, Any], make: Maker) -> Callable[[], None]:
        """Put ``make(module, name, value)`` in place of what the test reaches of module ``chN.x`` under ``name``
        (``value()`` gives the code under test's), in ``funcargs`` or the public test's module; return the undo."""
        from grader import testing

        swapped = {name: v for name, v in funcargs.items() if id(v) in testing.LOADED_MODULES}
        for name, module in swapped.items():
            funcargs[name] = _ModuleView(module, testing.LOADED_MODULES[id(module)], make)
        namespace = getattr(getattr(item, "module", None), "__dict__", {})
        names = self._names(namespace) if not swapped else {}
        saved = {name: namespace[name] for name in names}
        namespace.update(
            {
                name: make(module, getattr(saved[name], "__name__", name), _constant(saved[name]))
                for name, module in names.items()
            }
        )

        def undo() -> None:
            funcargs.update(swapped)
            namespace.update(saved)

        return undo

    def _names(self, namespace: dict) -> dict[str, str]:
        """``chapter_names`` of a public test module, found once per module."""
        key = id(namespace)
        if key not in self.chapter_names:
            self.chapter_names[key] = chapter_names(namespace)
        return self.chapter_names[key]

    def finish(self, run: Run, error: BaseException | None) -> None:
        """The test is over: compare it with the wrong answers of its exercise."""
        import time

        run.undo()
        key = (run.chapter, run.exercise)
        suspects = self.suspects[key]
        status, message = outcome_of(error)
        if error is not None and (type(error).__name__ in ("Skipped", "SubmissionError", "MissingChapter")):
            status = "blocked"
        after = RandomState.now()
        started = time.perf_counter()
        try:
            if self.writing:
                self.written.tests[test_key(run.item.nodeid)] = {
                    i: self._fingerprint(run, i) for i in self._mistakes(run.item, *key)
                }
            elif status in ("not started", "blocked"):
                suspects.blocked = True
            elif status == PASSED:
                if suspects.remaining is None:
                    self.passed.setdefault(key, []).append(run)  # checked once a test of the exercise fails
                elif suspects.remaining:
                    suspects.remaining = {i for i in suspects.remaining if self._fingerprint(run, i) == PASSED}
            else:
                student = fingerprint(status, message, run.trace)
                first = suspects.remaining is None
                candidates = set(self._mistakes(run.item, *key)) if first else suspects.remaining or set()
                suspects.narrow({i for i in candidates if self._fingerprint(run, i, run.trace.calls) == student})
                for earlier in self.passed.pop(key, []) if first else []:
                    suspects.remaining = {
                        i for i in suspects.remaining or () if self._fingerprint(earlier, i) == PASSED
                    }
        finally:
            after.restore()
            self.spent[key] = self.spent.get(key, 0.0) + time.perf_counter() - started
            if self.spent[key] > BUDGET_S and not self.writing:
                suspects.blocked = True

    def _fingerprint(self, run: Run, mistake: str, expected: list[str] | None = None) -> str:
        """The fingerprint of the test with the wrong answer ``mistake`` in place of the code under test
        ('' as soon as it makes a call unlike ``expected``)."""
        table = self._table(run.item)
        if table is not None:
            return table.tests.get(test_key(run.item.nodeid), {}).get(mistake, "")
        mutant = next(m for m in self._entries(run.chapter)[run.exercise] if mutant_id(m) == mistake)
        item = run.item

        def call(trace: Trace) -> None:
            funcargs = dict(run.funcargs)
            try:
                undo = self._install(
                    item,
                    funcargs,
                    lambda module, name, _: recorded(getattr(mutant_module(mutant, module), name), trace, name),
                )
            except Exception:
                trace.add("import", error=RuntimeError())
                raise
            try:
                run.state.restore()
                with warnings.catch_warnings():  # the wrong answer's warnings are not the student's
                    warnings.simplefilter("ignore")
                    item.obj(**{name: funcargs[name] for name in item._fixtureinfo.argnames})
            finally:
                undo()

        return run_recorded(call, expected)

    def diagnoses(self) -> list[Diagnosis]:
        """The exercises whose remaining suspects are one mistake (entries sharing one explanation count as one)."""
        found = []
        for (chapter, exercise), suspects in self.suspects.items():
            if suspects.blocked or not suspects.compared or not suspects.remaining:
                continue
            explains = {self._explain(chapter, mistake) for mistake in suspects.remaining}
            if len(explains) == 1 and "" not in explains:
                found.append(Diagnosis(chapter, exercise, min(suspects.remaining), explains.pop()))
        return found

    def _explain(self, chapter: str, mistake: str) -> str:
        for table in self.tables.values():
            if table is not None and mistake in table.mistakes:
                return table.mistakes[mistake]["explain"]
        for mutants in self._entries(chapter).values():
            for mutant in mutants:
                if mutant_id(mutant) == mistake:
                    return mutant.explain
        return ""

    def table(self) -> Table:
        """The table written by a ``table`` run: every test's fingerprints, and each wrong answer's exercise."""
        for chapter, by_exercise in self.entries.items():
            for exercise, mutants in by_exercise.items():
                for mutant in mutants:
                    self.written.mistakes[mutant_id(mutant)] = {
                        "exercise": exercise,
                        "explain": mutant.explain,
                        "chapter": chapter,
                    }
        return self.written


def _constant(value: Any) -> Callable[[], Any]:
    return lambda: value


class _ModuleView:
    """A module of the code under test as a test sees it, with each function replaced by ``make``'s."""

    def __init__(self, module: Any, name: str, make: Maker):
        object.__setattr__(self, "_module", module)
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_make", make)

    def __getattr__(self, name: str) -> Any:
        module = self._module
        return self._make(self._name, name, lambda: getattr(module, name))

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._module, name, value)
