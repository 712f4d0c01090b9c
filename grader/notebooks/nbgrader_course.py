"""``dlgrade nbgrader COURSE_DIR``: an nbgrader course built from the same sources.

For every chapter ``chN`` it writes ``COURSE_DIR/source/chN/chN.ipynb``
(``grader.notebooks.cells``: a progress cell, given code, one solution cell
and one graded test cell per exercise whose ``points`` are the hidden suite's),
and beside it ``dlgrade_runner.py`` (``grader/notebooks/notebook_runner.py``,
which runs a cell's tests with pytest) and ``dlgrade_testing.py``
(``grader/testing.py``); neither holds a solution or a hidden test.
``nbgrader_config.py`` (``grader.notebooks.course_config``) sets the course
up for headless use.

Why the reference is embedded in the hidden part of each test cell: nbgrader
removes hidden regions from released notebooks and restores them from its
gradebook at autograde, so whatever sits there reaches the autograder and
never a student, with no course-private folder to keep out of ``release/``
and no path that breaks when the course folder moves.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

import nbformat

from grader.errors import EXIT_OK
from grader.fileio import atomic_write
from grader.notebooks.cell_tests import RUNNER_NAME, TESTING_NAME
from grader.notebooks.cells import Chapter
from grader.notebooks.course_config import CONFIG_HEADER, config_text
from grader.notebooks.sources import CourseError
from grader.paths import ROOT, chapters


def build_notebook(chapter: str) -> tuple[nbformat.NotebookNode, dict[str, float], list[str]]:
    """(notebook, points per graded exercise, exercises without hidden tests)."""
    built = Chapter(chapter).build()
    return built.notebook(), built.points, built.ungraded


def write_course(
    course_dir: Path, selected: list[str] | None = None, log: Callable[[str], object] = print
) -> dict[str, dict[str, float]]:
    """Write the course; return the points of every graded exercise per chapter."""
    available = chapters()
    selected = selected or available
    unknown = [c for c in selected if c not in available]
    if unknown:
        raise CourseError(f"unknown chapter {unknown[0]} (chapters: {', '.join(available)})")
    if course_dir.exists() and not course_dir.is_dir():
        raise CourseError(f"{course_dir} exists and is not a folder")
    built = {}
    for chapter in selected:
        notebook, points, ungraded = build_notebook(chapter)
        built[chapter] = (notebook, points, ungraded)
    config = course_dir / "nbgrader_config.py"
    if config.exists() and not config.read_text(encoding="utf-8").startswith(CONFIG_HEADER):
        log(f"kept {config} (not written by dlgrade)")
    else:
        atomic_write(config, config_text())
    here = Path(__file__).resolve().parent
    result = {}
    for chapter, (notebook, points, ungraded) in built.items():
        folder = course_dir / "source" / chapter
        atomic_write(folder / f"{chapter}.ipynb", nbformat.writes(notebook) + "\n")
        atomic_write(folder / f"{RUNNER_NAME}.py", (here / "notebook_runner.py").read_text(encoding="utf-8"))
        atomic_write(folder / f"{TESTING_NAME}.py", (here.parent / "testing.py").read_text(encoding="utf-8"))
        result[chapter] = points
        log(
            f"{folder / (chapter + '.ipynb')}: {len(points)} graded exercises, {sum(points.values()):g} points"
            + (f"; not graded (no hidden tests): {', '.join(ungraded)}" if ungraded else "")
        )
    return result


def run(args: argparse.Namespace) -> int:
    written = write_course(args.course_dir, args.chapters)
    if args.example_class:
        from grader.notebooks.fill import fill_example_class

        fill_example_class(args.course_dir, list(written), ROOT / "examples" / "submissions")
        print(
            f"Dry run: cd {args.course_dir} && nbgrader generate_assignment <chapter> --force && "
            "nbgrader autograde <chapter> --force && nbgrader generate_feedback <chapter> --force && "
            "nbgrader export --to grades.csv (see docs/nbgrader.md)"
        )
        return EXIT_OK
    print(f"Next: cd {args.course_dir} && nbgrader generate_assignment <chapter> (see docs/nbgrader.md)")
    return EXIT_OK
