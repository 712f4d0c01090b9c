"""``dlgrade check [CHAPTER] [--history]``: a student's progress, exercise by exercise.

Runs the public tests of ``exercises/chN`` in a fresh pytest process (each
test with its time limit) and shows, per exercise, passing / failing /
broken / not started with the points of its public tests, then what to do
next: a file that does not import comes first, and, for a failing exercise
that behaves exactly like a known mistake, what that mistake is. ``--history`` shows instead
how each exercise's status changed over the runs recorded in ``.dlgrade/``.
"""

from __future__ import annotations

import argparse
from datetime import datetime

from rich.console import Console
from rich.table import Table

from grader import history
from grader.errors import EXIT_FAILURES, EXIT_OK, CommandError
from grader.grading.runner import run_suite
from grader.grading.scoring import ExerciseStatus
from grader.paths import EXERCISES, ROOT, chapters
from grader.pytest_plugin import next_step

STYLE: dict[ExerciseStatus, str] = {
    "passing": "green",
    "failing": "red",
    "not started": "yellow",
    "broken": "bold red",
}


def run(args: argparse.Namespace) -> int:
    """``dlgrade check [CHAPTER] [--history]``."""
    if getattr(args, "history", False):
        return show_history(args.chapter)
    return run_check(args.chapter)


def selected_chapters(chapter: str | None) -> list[str]:
    available = chapters(EXERCISES)
    if chapter and chapter not in available:
        raise CommandError(f"no chapter {chapter!r} in exercises/ (have: {', '.join(available)})")
    return [chapter] if chapter else available


def run_check(chapter: str | None, impl: str = "exercises") -> int:
    console = Console()
    selected = selected_chapters(chapter)
    paths = [f"exercises/{c}" for c in selected]
    with console.status(f"Running the public tests: pytest {' '.join(paths)} (each test at most a few seconds)"):
        result = run_suite([str(ROOT / p) for p in paths], impl)
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
    for diagnosis in result.diagnoses:
        console.print(f"{diagnosis.chapter} {diagnosis.sentence()}", highlight=False, soft_wrap=True)
    done = sum(row.status == "passing" for row in exercises)
    if done == len(exercises):
        console.print(f"All {len(exercises)} exercises pass their public tests.")
        return EXIT_OK
    console.print(f"{done}/{len(exercises)} exercises pass. {next_step(exercises)}", highlight=False, soft_wrap=True)
    if not any(row.status == "broken" for row in exercises):
        todo = next(row for row in exercises if row.status != "passing")
        console.print(
            f"Run `pytest exercises/{todo.chapter}/test_{todo.module}.py` for details, "
            f"`dlgrade hint {todo.exercise}` for a hint.",
            highlight=False,
        )
    return EXIT_FAILURES


def _clock(stamp: str) -> str:
    try:
        return datetime.fromisoformat(stamp).strftime("%b %d %H:%M")
    except ValueError:
        return stamp


def show_history(chapter: str | None) -> int:
    """A timeline per exercise: each change of status and when it happened."""
    console = Console()
    if chapter:
        selected_chapters(chapter)
    lines = history.timelines(ROOT, chapter)
    if not lines:
        console.print("No runs recorded yet: run `pytest exercises/chN` or `dlgrade check` first.")
        return EXIT_OK
    table = Table(title=f"History: {chapter or 'every chapter'} ({len(history.runs(ROOT))} runs)")
    table.add_column("exercise")
    table.add_column("status, from when on")
    for key, changes in lines.items():
        text = "  →  ".join(f"{_clock(when)} [{STYLE.get(status, 'red')}]{status}[/]" for when, status in changes)  # type: ignore[call-overload]
        table.add_row(key, text)
    console.print(table)
    return EXIT_OK
