"""``dlgrade check [CHAPTER]``: a student's progress, exercise by exercise.

Runs the public tests of ``exercises/chN`` in a fresh pytest process and
shows, per exercise, passing / failing / not started with the points of its
public tests, then the next exercise to do.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from grader.paths import EXERCISES, chapters
from grader.grading.runner import run_suite

STYLE = {"passing": "green", "failing": "red", "not started": "yellow"}


def run(args) -> int:
    """``dlgrade check [CHAPTER]``."""
    return run_check(args.chapter)


def run_check(chapter: str | None, impl: str = "exercises") -> int:
    console = Console()
    available = chapters(EXERCISES)
    if chapter and chapter not in available:
        console.print(f"dlgrade check: no chapter {chapter!r} in exercises/ (have: {', '.join(available)})")
        return 2
    selected = [chapter] if chapter else available
    result = run_suite([str(EXERCISES / c) for c in selected], impl)
    if result.error:
        console.print(f"dlgrade check: {result.error}\n{result.output[-3000:]}", highlight=False)
        return 2
    table = Table(title=f"Progress: {', '.join(selected)}")
    for column in ("chapter", "exercise", "status", "tests passed", "points"):
        table.add_column(column)
    for row in result.exercises:
        status = row["status"]
        table.add_row(
            row["chapter"],
            row["exercise"],
            f"[{STYLE[status]}]{status}[/]",
            f"{row['passed']}/{row['tests']}",
            f"{row['score']:g}/{row['max_score']:g}",
        )
    console.print(table)
    todo = next((row for row in result.exercises if row["status"] != "passing"), None)
    if todo is None:
        console.print(f"All {len(result.exercises)} exercises pass their public tests.")
        return 0
    done = sum(row["status"] == "passing" for row in result.exercises)
    console.print(
        f"{done}/{len(result.exercises)} exercises pass. Next: [bold]{todo['exercise']}[/] in "
        f"exercises/{todo['chapter']}/{todo['module']}.py: {todo['message']}",
        highlight=False,
    )
    console.print(f"Run `pytest exercises/{todo['chapter']}/test_{todo['module']}.py` for details.", highlight=False)
    return 1
