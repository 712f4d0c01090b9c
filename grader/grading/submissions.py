"""Find students' submissions and copy them into a private folder.

Layouts accepted: chapter folders at the top (``alice/ch3/layers.py``)
or under ``exercises/``, chapter notebooks (``alice/ch3.ipynb``), and nbgrader's
``submitted/<student>/<assignment>/<assignment>.ipynb``. Staging copies only
chapter sources: regular files, never symlinks, each at most MAX_FILE bytes.
Notebooks become modules through ``grader.notebooks``.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from grader.implementations import chapter_root
from grader.paths import is_chapter

MAX_FILE = 1 << 20
MAX_FILES = 400


@dataclass
class Submission:
    student: str
    folder: Path
    problem: str = ""  # why nothing of it can be graded


@dataclass
class Staged:
    notes: list[str] = field(default_factory=list)  # files skipped and why


def is_nbgrader_submitted(path: Path) -> bool:
    return path.name == "submitted" and path.is_dir()


def discover(paths: list[Path]) -> list[Submission]:
    """One Submission per student named on the command line (or under nbgrader's submitted/)."""
    found: list[Submission] = []
    for path in paths:
        if is_nbgrader_submitted(path):
            found += [Submission(child.name, child) for child in sorted(path.iterdir()) if child.is_dir()]
        elif path.is_dir():
            found.append(Submission(path.name, path))
        else:
            found.append(Submission(path.name or str(path), path, f"{path}: no such folder"))
    return found


def _copy_sources(source: Path, dest: Path, staged: Staged) -> None:
    for path in sorted(source.rglob("*.py")):
        relative = path.relative_to(source)
        if path.is_symlink() or any(p.is_symlink() for p in path.parents if source in p.parents):
            staged.notes.append(f"{relative}: symbolic link ignored")
        elif not path.is_file():
            continue
        elif path.stat().st_size > MAX_FILE:
            staged.notes.append(f"{relative}: larger than {MAX_FILE // 1024} KiB, ignored")
        elif len(list(dest.rglob("*.py"))) >= MAX_FILES:
            staged.notes.append(f"{relative}: too many files, ignored")
        else:
            target = dest / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target, follow_symlinks=False)


def _notebooks(root: Path) -> list[Path]:
    """chN.ipynb at the top, or in an assignment folder chN/ (nbgrader)."""
    candidates = list(root.glob("ch*.ipynb")) + list(root.glob("ch*/ch*.ipynb"))
    return sorted(p for p in candidates if is_chapter(p.stem) and p.is_file() and not p.is_symlink())


def stage(folder: Path, dest: Path) -> Staged:
    """Copy the chapters of ``folder`` to ``dest`` (created), as ``dest/chN/*.py``."""
    staged = Staged()
    dest.mkdir(parents=True, exist_ok=True)
    root = chapter_root(folder)
    for chapter in sorted(p for p in root.iterdir() if p.is_dir() and is_chapter(p.name) and not p.is_symlink()):
        _copy_sources(chapter, dest / chapter.name, staged)
    for notebook in _notebooks(root):
        from grader.notebooks.convert import modules_from_notebook

        try:
            modules = modules_from_notebook(notebook)
        except Exception as error:  # a broken notebook costs only its own chapter
            staged.notes.append(f"{notebook.name}: cannot be read as a notebook ({error})")
            continue
        for relative, text in modules.items():
            target = dest / relative
            if target.exists():
                staged.notes.append(f"{relative}: found both as a file and in {notebook.name}; the file is used")
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    return staged
