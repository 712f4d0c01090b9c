"""Where things live in the course repository."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
EXERCISES = ROOT / "exercises"
HIDDEN_TESTS = ROOT / "tests"
MUTANTS = ROOT / "tests" / "mutants"

SKIPPED_PARTS = {"__pycache__", ".pytest_cache"}


def chapters(base: Path = SOLUTIONS) -> list[str]:
    """Chapter folder names (``ch2``, ``ch3``, ...) in numeric order."""
    names = [p.name for p in base.glob("ch*") if p.is_dir() and p.name[2:].isdigit()]
    return sorted(names, key=lambda name: int(name[2:]))


def source_files(base: Path) -> list[Path]:
    """Every file under ``base`` that belongs to the course (no caches)."""
    return sorted(
        p
        for p in base.rglob("*")
        if p.is_file() and not SKIPPED_PARTS & set(p.relative_to(base).parts) and p.suffix != ".pyc"
    )
