"""The exercises a chapter declares, read from its public tests without running them.

A test module that does not import (the student's module has a syntax
error) still names its exercises in ``@pytest.mark.exercise("name")``
decorators; reading its source tells which exercises it would have checked.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from grader.curriculum import sort_key


@dataclass(frozen=True)
class Declared:
    """One public test function and the exercise it checks."""

    chapter: str
    module: str
    test: str
    exercise: str
    points: float


def _exercise_mark(node: ast.AST) -> tuple[str, float] | None:
    """``pytest.mark.exercise("name", points=2)`` -> ("name", 2.0)."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "exercise"):
        return None
    if not node.args or not isinstance(node.args[0], ast.Constant) or not isinstance(node.args[0].value, str):
        return None
    points = 1.0
    for keyword in node.keywords:
        if keyword.arg == "points" and isinstance(keyword.value, ast.Constant):
            points = float(keyword.value.value)  # type: ignore[arg-type]
    return node.args[0].value, points


def declared_in(test_file: Path) -> list[Declared]:
    """Every (test, exercise) pair a public test module declares, in file order."""
    chapter, module = test_file.parent.name, test_file.stem.removeprefix("test_")
    try:
        tree = ast.parse(test_file.read_text(encoding="utf-8"), str(test_file))
    except (OSError, SyntaxError, ValueError):
        return []
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or not node.name.startswith("test"):
            continue
        marks = [m for m in map(_exercise_mark, node.decorator_list) if m]
        marks += [m for m in map(_exercise_mark, ast.walk(node)) if m and m not in marks]  # pytest.param(marks=...)
        found += [(node.lineno, Declared(chapter, module, node.name, name, points)) for name, points in marks]
    return [declared for _, declared in sorted(found, key=lambda pair: pair[0])]


def chapter_exercises(chapter_dir: Path) -> list[Declared]:
    """The exercises of one chapter folder, in course order (one entry per exercise)."""
    seen: dict[str, Declared] = {}
    files = sorted(
        chapter_dir.glob("test_*.py"), key=lambda p: sort_key(chapter_dir.name, p.stem.removeprefix("test_"))
    )
    for test_file in files:
        for declared in declared_in(test_file):
            seen.setdefault(declared.exercise, declared)
    return list(seen.values())
