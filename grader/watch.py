"""``dlgrade watch [CHAPTER]``: rerun the tests each time a file of the chapter is saved.

Like rustlings' ``watch``: the screen shows only the exercise to do now
(the first that does not pass, or the file that does not import), its
failing checks in one line each, and a progress bar; when it passes, the
next one takes its place. Ctrl-C stops. Files are watched with
``watchfiles`` (native notifications, no polling loop of our own).
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

from rich.console import Console
from rich.progress_bar import ProgressBar
from rich.table import Table

from grader.grading.runner import SuiteResult, run_suite
from grader.grading.scoring import ExerciseScore
from grader.paths import EXERCISES, ROOT, chapters
from grader.pytest_plugin import next_step


def first_unfinished(available: list[str]) -> str:
    """The first chapter whose last recorded run was not all passing (the first chapter without a record)."""
    from grader.history import runs

    latest: dict[str, str] = {}
    for record in runs(ROOT):
        latest.update(record["status"])
    for chapter in available:
        statuses = [s for key, s in latest.items() if key.startswith(chapter + "/")]
        if not statuses or any(s != "passing" for s in statuses):
            return chapter
    return available[0]


def current(result: SuiteResult) -> ExerciseScore | None:
    """The row to work on: a broken file first, else the first exercise that does not pass."""
    rows = result.exercises
    return next((r for r in rows if r.status == "broken"), None) or next(
        (r for r in rows if r.status != "passing"), None
    )


def show(console: Console, chapter: str, result: SuiteResult, passed_now: list[str]) -> ExerciseScore | None:
    """Draw the screen for one run; return the current exercise's row."""
    if console.is_terminal:
        console.clear()
    console.print(
        f"[bold]dlgrade watch {chapter}[/]: the tests rerun each time you save a file in exercises/{chapter}. "
        "Ctrl-C stops.\n",
        highlight=False,
    )
    for name in passed_now:
        console.print(f"[green]✓ {name} passes its public tests.[/]", highlight=False)
    if result.error:
        console.print(f"[red]The tests did not run: {result.error}[/]\n{result.output[-2000:]}", highlight=False)
        return None
    rows = result.exercises
    row = current(result)
    if row is None:
        console.print(f"[bold green]Every exercise of {chapter} passes its public tests.[/]", highlight=False)
    elif row.status == "broken":
        console.print(f"[bold red]{next_step(rows)}[/]", highlight=False, soft_wrap=True)
    else:
        console.print(
            f"[bold]{row.exercise}[/] in exercises/{chapter}/{row.module}.py: {row.status}, "
            f"{row.passed}/{row.tests} tests pass",
            highlight=False,
        )
        for test in result.tests:
            if test.exercise == row.exercise and not test.passed:
                name = test.name
                console.print(f"  [red]✗[/] {name}: {test.message}", highlight=False, soft_wrap=True)
        console.print(f"\nStuck? `dlgrade hint {row.exercise}` shows a hint (run it again for more).")
    done = sum(r.status == "passing" for r in rows)
    progress = Table.grid(padding=(0, 1))
    progress.add_row(
        ProgressBar(total=max(len(rows), 1), completed=done, width=40),
        f"{done}/{len(rows)} exercises of {chapter} pass",
    )
    console.print()
    console.print(progress)
    return row


def saves(chapter_dir: Path) -> Iterator[set]:
    """Yield once per batch of saved .py files under ``chapter_dir``, the first time at once.

    The watcher starts before the first yield, so files saved while the
    tests run are not missed: they make up the next batch.
    """
    from watchfiles import PythonFilter, watch

    changes = watch(chapter_dir, watch_filter=PythonFilter(), rust_timeout=200, yield_on_timeout=True)
    next(changes)  # the watcher is running from here on
    yield set()
    for batch in changes:
        if batch:
            yield batch


def run(args: argparse.Namespace) -> int:
    """``dlgrade watch [CHAPTER]``."""
    console = Console()
    available = chapters(EXERCISES)
    if not available:
        console.print("dlgrade watch: no chapters in exercises/")
        return 2
    chapter = args.chapter or first_unfinished(available)
    if chapter not in available:
        console.print(f"dlgrade watch: no chapter {chapter!r} in exercises/ (have: {', '.join(available)})")
        return 2
    folder = EXERCISES / chapter
    row = None
    try:
        before: dict[str, str] = {}
        for _ in saves(folder):
            with console.status(f"Running the tests of {chapter}..."):
                result = run_suite([str(folder)], "exercises")
            passed_now = [
                r.exercise
                for r in result.exercises
                if r.status == "passing" and before.get(r.exercise) not in (None, "passing")
            ]
            row = show(console, chapter, result, passed_now)
            before = {r.exercise: r.status for r in result.exercises}
    except KeyboardInterrupt:
        console.print("\nStopped watching." + (f" Next time: {row.exercise}." if row else ""), highlight=False)
    return 0
