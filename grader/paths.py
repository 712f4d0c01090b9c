"""Where things live in the course repository."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
EXERCISES = ROOT / "exercises"
HIDDEN_TESTS = ROOT / "tests"
MUTANTS = ROOT / "tests" / "mutants"

SKIPPED_PARTS = {"__pycache__", ".pytest_cache"}
CHAPTER_NAME = re.compile(r"ch\d+")


def is_chapter(name: str) -> bool:
    """Whether ``name`` is a chapter's name: ``ch3``, ``ch10``."""
    return CHAPTER_NAME.fullmatch(name) is not None


def chapter_number(name: str) -> int:
    """3 for ``ch3``; ValueError for a name that is not a chapter's."""
    if not is_chapter(name):
        raise ValueError(f"{name!r} is not a chapter (ch1, ch2, ...)")
    return int(name[2:])


def chapters(base: Path = SOLUTIONS) -> list[str]:
    """Chapter folder names (``ch2``, ``ch3``, ...) in numeric order."""
    names = [p.name for p in base.glob("ch*") if p.is_dir() and is_chapter(p.name)]
    return sorted(names, key=chapter_number)


def source_files(base: Path) -> list[Path]:
    """Every file under ``base`` that belongs to the course (no caches)."""
    return sorted(
        p
        for p in base.rglob("*")
        if p.is_file() and not SKIPPED_PARTS & set(p.relative_to(base).parts) and p.suffix != ".pyc"
    )
