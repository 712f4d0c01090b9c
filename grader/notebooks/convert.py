"""Chapter notebooks back to modules, so the isolated grader can grade them.

A chapter notebook written by ``dlgrade nbgrader`` (and a student's copy of
it) holds, for every module ``chN/name.py``, locked code cells
(``grade_id`` ``chN-name-codeK``) and one solution cell per exercise
(``chN-name-<exercise>``), in the module's order; test cells
(``...-tests``, graded) are not part of the module. Joining a module's cells
gives back its source: relative imports are in the notebook already,
guarded by ``if __name__ != "__main__"``.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

GRADE_ID = re.compile(r"^(ch\d+)-([A-Za-z_][A-Za-z0-9_]*)-([A-Za-z0-9_]+)$")


class NotebookError(ValueError):
    """A notebook that cannot be read as a chapter notebook; the message says why."""


def _read(path: Path) -> nbformat.NotebookNode:
    try:
        return nbformat.read(str(path), as_version=4)
    except FileNotFoundError:
        raise NotebookError(f"{path}: no such notebook") from None
    except Exception as error:  # NotJSONError, ValidationError, UnicodeDecodeError, ...
        first = (str(error).strip().splitlines() or [type(error).__name__])[0][:200]
        raise NotebookError(f"{path}: not a readable notebook ({first})") from None


def modules_from_notebook(path: str | Path) -> dict[str, str]:
    """``{"ch3/layers.py": source, ...}`` rebuilt from a chapter notebook's cells.

    Solution and locked code cells are found by their nbgrader ``grade_id``;
    a chapter's ``__init__.py`` is added. Raises ``NotebookError`` for a
    notebook that does not parse, has no such cells, or repeats a grade_id.
    """
    path = Path(path)
    notebook = _read(path)
    parts: dict[str, list[str]] = {}
    seen: set[str] = set()
    chapters: set[str] = set()
    for index, cell in enumerate(notebook.get("cells", [])):
        meta = (cell.get("metadata") or {}).get("nbgrader") or {}
        grade_id = meta.get("grade_id")
        if cell.get("cell_type") != "code" or not isinstance(grade_id, str):
            continue
        if grade_id in seen:
            raise NotebookError(f"{path}: cell {index + 1} repeats grade_id {grade_id!r} (a copied cell?)")
        seen.add(grade_id)
        match = GRADE_ID.match(grade_id)
        if not match or meta.get("grade") or grade_id.endswith("-tests"):
            continue  # test cells and cells that are not ours
        if not (meta.get("solution") or meta.get("locked")):
            continue
        chapter, module, _ = match.groups()
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        parts.setdefault(f"{chapter}/{module}.py", []).append(source.rstrip() + "\n")
        chapters.add(chapter)
    if not parts:
        raise NotebookError(
            f"{path}: no solution cells with a dlgrade grade_id (chN-module-exercise); "
            "was it written by `dlgrade nbgrader`?"
        )
    modules = {rel: "\n\n".join(cells) for rel, cells in parts.items()}
    for chapter in chapters:
        modules.setdefault(f"{chapter}/__init__.py", f'"""{chapter}, rebuilt from {path.name}."""\n')
    return modules


def write_modules(path: str | Path, folder: str | Path) -> list[Path]:
    """Write the modules of notebook ``path`` under ``folder``; return the files written."""
    folder = Path(folder)
    written = []
    for rel, text in modules_from_notebook(path).items():
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written
