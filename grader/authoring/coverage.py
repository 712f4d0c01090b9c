"""Which hidden test catches which wrong answer of the corpus.

A hidden test *bites* when at least one corpus entry makes it fail through
the isolated worker. A test that needs no wrong answer of its own (a smoke
test of a public example, say) says why in one line::

    @pytest.mark.smoke("the public example, graded once more")

Coverage is counted per test function: the parameter sets of a test check
one property on several inputs, and a wrong answer for that property has to
fail at least one of them (``cases`` gives the stricter count per parameter set,
for information).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from grader.given import _imported
from grader.paths import HIDDEN_TESTS, ROOT, SOLUTIONS

SMOKE = "smoke"  # the marker's name


def function_of(nodeid: str) -> str:
    """``tests/ch3/test_x.py::test_y[case]`` -> ``tests/ch3/test_x.py::test_y``."""
    return nodeid.split("[", 1)[0]


def justified(chapter: str, tests: Path = HIDDEN_TESTS) -> dict[str, str]:
    """``{test function nodeid: reason}`` for the hidden tests marked ``@pytest.mark.smoke("reason")``."""
    found: dict[str, str] = {}
    for path in sorted((tests / chapter).glob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        prefix = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test"):
                for mark in node.decorator_list:
                    reason = _smoke_reason(mark)
                    if reason is not None:
                        found[f"{prefix}::{node.name}"] = reason
    return found


def _smoke_reason(node: ast.expr) -> str | None:
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == SMOKE):
        return None
    first = node.args[0] if node.args else None
    return first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else ""


def suites_reaching(file: str, solutions: Path = SOLUTIONS, tests: Path = HIDDEN_TESTS) -> list[str]:
    """The hidden test modules of ``file``'s chapter (``ch3/layers.py``) whose module is ``file`` or
    imports it, directly or through other modules: the only ones an edit of ``file`` can make fail."""
    chapter = file.split("/")[0]
    reached = []
    for path in sorted((tests / chapter).glob("test_*.py")):
        module = f"{chapter}/{path.stem.removeprefix('test_')}.py"
        if not (solutions / module).is_file() or file in _closure(module, solutions):
            reached.append(str(path))
    return reached


def _closure(module: str, solutions: Path) -> set[str]:
    """``module`` and every reference module it imports, transitively."""
    seen: set[str] = set()
    todo = [module]
    while todo:
        rel = todo.pop()
        if rel not in seen and (solutions / rel).is_file():
            seen.add(rel)
            todo += _imported(rel, (solutions / rel).read_text(encoding="utf-8"), solutions)
    return seen


@dataclass
class Coverage:
    """One chapter: for each hidden test (by nodeid), the corpus entries (by number) it caught."""

    tests: list[str]  # every hidden test's nodeid, in suite order
    caught: dict[str, set[int]] = field(default_factory=dict)
    smoke: dict[str, str] = field(default_factory=dict)  # test function -> why it needs no wrong answer

    def record(self, entry: int, failed: Iterable[str]) -> None:
        for nodeid in failed:
            self.caught.setdefault(nodeid, set()).add(entry)

    def functions(self) -> dict[str, set[int]]:
        """Per test function, in suite order: the entries any of its parameter sets caught."""
        result: dict[str, set[int]] = {}
        for nodeid in self.tests:
            result.setdefault(function_of(nodeid), set()).update(self.caught.get(nodeid, set()))
        return result

    def biting(self) -> tuple[int, int]:
        """(test functions that catch an entry, test functions)."""
        functions = self.functions()
        return sum(bool(entries) for entries in functions.values()), len(functions)

    def biting_cases(self) -> tuple[int, int]:
        """(parameter sets that catch an entry, parameter sets)."""
        return sum(bool(self.caught.get(nodeid)) for nodeid in self.tests), len(self.tests)

    def uncaught(self) -> list[str]:
        """Test functions that catch no entry and are not justified."""
        return [name for name, entries in self.functions().items() if not entries and name not in self.smoke]

    def justified(self) -> dict[str, str]:
        """Test functions that catch no entry, each with the reason its marker gives."""
        functions = self.functions()
        return {name: reason for name, reason in self.smoke.items() if not functions.get(name)}
