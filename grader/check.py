"""``dlgrade check [CHAPTER]``: a student's progress, exercise by exercise.

Runs the public tests of ``exercises/chN`` in a fresh pytest process and
shows, per exercise, passing / failing / not started with the points of its
public tests, then the next exercise to do.
"""

from __future__ import annotations

import argparse

from rich.console import Console
from rich.table import Table

from grader.errors import EXIT_FAILURES, EXIT_OK, CommandError
from grader.grading.runner import run_suite
from grader.grading.scoring import ExerciseStatus
from grader.paths import EXERCISES, chapters

STYLE: dict[ExerciseStatus, str] = {"passing": "green", "failing": "red", "not started": "yellow"}


def run(args: argparse.Namespace) -> int:
    """``dlgrade check [CHAPTER]``."""
    return run_check(args.chapter)


def run_check(chapter: str | None, impl: str = "exercises") -> int:
    console = Console()
    available = chapters(EXERCISES)
    if chapter and chapter not in available:
        raise CommandError(f"no chapter {chapter!r} in exercises/ (have: {', '.join(available)})")
    selected = [chapter] if chapter else available
    result = run_suite([str(EXERCISES / c) for c in selected], impl)
    if result.error:
        raise CommandError(f"{result.error}\n{result.output_tail()}")
    table = Table(title=f"Progress: {', '.join(selected)}")
    for column in ("chapter", "exercise", "status", "tests passed", "points"):
        table.add_column(column)
    exercises = result.exercises
    for row in exercises:
        table.add_row(
            row.chapter,
            row.exercise,
            f"[{STYLE[row.status]}]{row.status}[/]",
            f"{row.passed}/{row.tests}",
            f"{row.score:g}/{row.max_score:g}",
        )
    console.print(table)
    todo = next((row for row in exercises if row.status != "passing"), None)
    if todo is None:
        console.print(f"All {len(exercises)} exercises pass their public tests.")
        return EXIT_OK
    done = sum(row.status == "passing" for row in exercises)
    console.print(
        f"{done}/{len(exercises)} exercises pass. Next: [bold]{todo.exercise}[/] in "
        f"exercises/{todo.chapter}/{todo.module}.py: {todo.message}",
        highlight=False,
    )
    console.print(f"Run `pytest exercises/{todo.chapter}/test_{todo.module}.py` for details.", highlight=False)
    return EXIT_FAILURES
