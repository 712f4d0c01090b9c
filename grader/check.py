"""``dlgrade check [CHAPTER] [--history]``: a student's progress, exercise by exercise.

Runs the public tests of ``exercises/chN`` in a fresh pytest process (each
test with its time limit) and shows, per exercise, passing / failing /
broken / not started with the points of its public tests, then what to do
next: a file that does not import comes first. ``--history`` shows instead
how each exercise's status changed over the runs recorded in ``.dlgrade/``.
"""

from __future__ import annotations

from datetime import datetime

from rich.console import Console
from rich.table import Table

from grader import history
from grader.grading.runner import run_suite
from grader.paths import EXERCISES, ROOT, chapters
from grader.pytest_plugin import BROKEN, next_step

STYLE = {"passing": "green", "failing": "red", "not started": "yellow", "broken": "bold red"}


def run(args) -> int:
    """``dlgrade check [CHAPTER] [--history]``."""
    if getattr(args, "history", False):
        return show_history(args.chapter)
    return run_check(args.chapter)


def selected_chapters(console: Console, chapter: str | None) -> list[str] | None:
    available = chapters(EXERCISES)
    if chapter and chapter not in available:
        console.print(f"dlgrade check: no chapter {chapter!r} in exercises/ (have: {', '.join(available)})")
        return None
    return [chapter] if chapter else available


def run_check(chapter: str | None, impl: str = "exercises") -> int:
    console = Console()
    selected = selected_chapters(console, chapter)
    if selected is None:
        return 2
    paths = [f"exercises/{c}" for c in selected]
    with console.status(f"Running the public tests: pytest {' '.join(paths)} (each test at most a few seconds)"):
        result = run_suite([str(ROOT / p) for p in paths], impl)
    if result.error:
        console.print(f"dlgrade check: {result.error}\n{result.output[-3000:]}", highlight=False)
        return 2
    rows = result.exercises
    table = Table(title=f"Progress: {', '.join(selected)}")
    for column in ("chapter", "exercise", "status", "tests passed", "points"):
        table.add_column(column)
    for row in rows:
        status = row["status"]
        table.add_row(
            row["chapter"],
            row["exercise"],
            f"[{STYLE.get(status, 'red')}]{status}[/]",
            f"{row['passed']}/{row['tests']}",
            f"{row['score']:g}/{row['max_score']:g}",
        )
    console.print(table)
    done = sum(row["status"] == "passing" for row in rows)
    if done == len(rows):
        console.print(f"All {len(rows)} exercises pass their public tests.")
        return 0
    console.print(f"{done}/{len(rows)} exercises pass. {next_step(rows)}", highlight=False, soft_wrap=True)
    if not any(row["status"] == BROKEN for row in rows):
        todo = next(row for row in rows if row["status"] != "passing")
        console.print(
            f"Run `pytest exercises/{todo['chapter']}/test_{todo['module']}.py` for details, "
            f"`dlgrade hint {todo['exercise']}` for a hint.",
            highlight=False,
        )
    return 1


def _clock(stamp: str) -> str:
    try:
        return datetime.fromisoformat(stamp).strftime("%b %d %H:%M")
    except ValueError:
        return stamp


def show_history(chapter: str | None) -> int:
    """A timeline per exercise: each change of status and when it happened."""
    console = Console()
    if chapter and selected_chapters(console, chapter) is None:
        return 2
    lines = history.timelines(ROOT, chapter)
    if not lines:
        console.print("No runs recorded yet: run `pytest exercises/chN` or `dlgrade check` first.")
        return 0
    table = Table(title=f"History: {chapter or 'every chapter'} ({len(history.runs(ROOT))} runs)")
    table.add_column("exercise")
    table.add_column("status, from when on")
    for key, changes in lines.items():
        text = "  →  ".join(f"{_clock(when)} [{STYLE.get(status, 'red')}]{status}[/]" for when, status in changes)
        table.add_row(key, text)
    console.print(table)
    return 0
