"""Submissions written from the course's own files, for the tool tests."""

from pathlib import Path

from grader.authoring.markers import remove_markers
from grader.paths import SOLUTIONS


def reference_files(chapter: str) -> dict[str, str]:
    """``chN/name.py`` -> the reference module, markers removed (what a perfect student writes)."""
    return {
        f"{chapter}/{p.name}": remove_markers(p.read_text(encoding="utf-8"))
        for p in sorted((SOLUTIONS / chapter).glob("*.py"))
        if not p.name.startswith("test_")
    }


def write_files(folder: Path, files: dict[str, str]) -> Path:
    """``files`` (relative path -> text) written under ``folder``; returns ``folder``."""
    for rel, text in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text, encoding="utf-8")
    return folder
