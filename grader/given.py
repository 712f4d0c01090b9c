"""What chapter N is graded with from other chapters: the course's reference.

The rule, on every road (a folder, a notebook, nbgrader, the isolated
worker): when chapter N is graded, only chapter N's modules come from the
student; every module of another chapter that chapter N's reference imports
(directly or through other modules) is the reference, markers removed. A
student's earlier chapters are graded once, as those chapters. The nbgrader
notebook of chapter N shows exactly these modules as locked "given" cells.

A view of chapter N (``write_view``) is a folder like a submission's:
``chN/`` copied from the student's staged chapter, and the given modules
(``ch3/layers.py``, ``ch3/__init__.py``, ...). It never holds a module of
chapter N's reference, nor a test.
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

from grader.paths import SOLUTIONS


def _imported(rel: str, text: str, solutions: Path) -> list[str]:
    """The reference files (``chM/name.py``) that module ``rel`` imports relatively."""
    package = rel.split("/")[:-1]
    found = []
    for node in ast.walk(ast.parse(text, rel)):
        if not (isinstance(node, ast.ImportFrom) and node.level):
            continue
        base = package[: len(package) - (node.level - 1)] + (node.module.split(".") if node.module else [])
        stem = "/".join(base)
        if (solutions / f"{stem}.py").is_file():
            found.append(f"{stem}.py")
            continue
        found += [
            f"{stem}/{alias.name}.py" for alias in node.names if (solutions / stem / f"{alias.name}.py").is_file()
        ]
        if (solutions / stem / "__init__.py").is_file():
            found.append(f"{stem}/__init__.py")
    return found


def given_modules(chapter: str, solutions: Path = SOLUTIONS) -> dict[str, str]:
    """``{"ch3/layers.py": source, "ch3/__init__.py": source, ...}``: the other chapters' reference
    modules that chapter ``chapter`` builds on, markers removed, each chapter with its ``__init__.py``."""
    from grader.authoring.markers import remove_markers

    own = sorted(p for p in (solutions / chapter).glob("*.py") if not p.name.startswith("test_"))
    todo = [p.relative_to(solutions).as_posix() for p in own]
    seen: set[str] = set()
    given: dict[str, str] = {}
    while todo:
        rel = todo.pop()
        if rel in seen:
            continue
        seen.add(rel)
        text = (solutions / rel).read_text(encoding="utf-8")
        if not rel.startswith(f"{chapter}/"):
            given[rel] = remove_markers(text)
        todo += _imported(rel, text, solutions)
    for other in {rel.split("/")[0] for rel in given}:
        init = solutions / other / "__init__.py"
        given.setdefault(f"{other}/__init__.py", init.read_text(encoding="utf-8") if init.is_file() else "")
    return dict(sorted(given.items()))


def given_chapters(chapter: str, solutions: Path = SOLUTIONS) -> set[str]:
    """The chapters whose reference chapter ``chapter`` is given."""
    return {rel.split("/")[0] for rel in given_modules(chapter, solutions)}


def write_view(staged: Path, chapter: str, dest: Path, solutions: Path = SOLUTIONS) -> Path:
    """Chapter ``chapter`` of a staged submission (``staged/chN/*.py``) with what it is given,
    as a new folder ``dest`` (returned); without the student's chapter, only the given modules."""
    dest.mkdir(parents=True)
    if (staged / chapter).is_dir():
        shutil.copytree(staged / chapter, dest / chapter, symlinks=True)
    for rel, text in given_modules(chapter, solutions).items():
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return dest
