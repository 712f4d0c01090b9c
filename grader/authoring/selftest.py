"""``dlgrade selftest``: prove that the hidden suites can fail.

For each chapter with a hidden suite in ``tests/chN``:

1. every hidden test passes on the reference solutions, graded through the
   isolated worker as ``dlgrade grade`` does;
2. every hidden test fails on the generated stubs;
3. every wrong answer of the corpus (``grader.authoring.mutants``) makes at least one
   hidden test fail, graded through the isolated worker too: a wrong answer
   counts as caught only if real grading catches it;
4. every wrong answer has an explanation for students and diagnoses itself
   (``grader.authoring.diagnosable``).

Prints one row per chapter (the share of wrong answers caught) and exits 1
unless all three hold everywhere.
"""

from __future__ import annotations

import argparse
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from grader.authoring import mutants as corpus
from grader.authoring.diagnosable import diagnosis_rows
from grader.errors import EXIT_FAILURES, EXIT_OK, CommandError
from grader.grading.runner import run_suite
from grader.paths import HIDDEN_TESTS, SOLUTIONS, chapters


def hidden_chapters(selected: list[str] | None = None) -> list[str]:
    available = chapters(HIDDEN_TESTS)
    if selected:
        unknown = sorted(set(selected) - set(available))
        if unknown:
            raise CommandError(f"no hidden suite for {', '.join(unknown)} (have: {', '.join(available)})")
        return [c for c in available if c in selected]
    return available


@dataclass
class Verdict:
    """What the hidden suite made of one wrong answer."""

    mutant: corpus.Mutant
    caught_by: str | None = None  # exercise of the first failing test
    problem: str = ""  # the corpus entry or the run itself is broken


def isolated() -> list[str]:
    """pytest options that grade through the worker, as ``dlgrade grade`` does (sandboxed where possible)."""
    from grader.isolation import sandbox

    return ["--isolate", *(["--unsafe"] if sandbox.unavailable_reason() else [])]


def check_mutant(mutant: corpus.Mutant) -> Verdict:
    with tempfile.TemporaryDirectory(prefix="dlgrade-mutant-") as tmp:
        try:
            submission = corpus.write_submission(mutant, Path(tmp) / "submission")
        except corpus.CorpusError as error:
            return Verdict(mutant, problem=f"corpus entry does not apply: {error}")
        result = run_suite(
            [str(HIDDEN_TESTS / mutant.chapter)], str(submission), extra=["-x", "--dl-no-diagnosis", *isolated()]
        )
    if result.error or result.grader_error:
        return Verdict(mutant, problem=f"suite crashed: {result.error or result.grader_error}")
    failed = [t for t in result.tests if t.status in ("failed", "not started")]  # not the ones -x skipped
    return Verdict(mutant, caught_by=failed[0].exercise if failed else None)


def run(args: argparse.Namespace) -> int:
    """``dlgrade selftest [--chapters ...] [--jobs N]``; ``--paths [--sample]`` compares the grading roads."""
    if getattr(args, "paths", False):
        from grader.notebooks.parity import run_parity

        return run_parity(args.chapters, sample=args.sample)
    return run_selftest(args.chapters, jobs=args.jobs)


def run_selftest(selected: list[str] | None = None, jobs: int = 2) -> int:
    console = Console()
    table = Table(title="Hidden suites: can they fail?")
    for column in ("chapter", "hidden tests", "pass on solutions", "fail on stubs", "wrong answers caught"):
        table.add_column(column, justify="right" if column != "chapter" else "left")
    problems: list[str] = []
    for chapter in hidden_chapters(selected):
        suite = [str(HIDDEN_TESTS / chapter)]
        reference = run_suite(suite, str(SOLUTIONS), extra=isolated())
        stubs = run_suite(suite, "exercises")
        total = len(reference.tests)
        for name, result in (("solutions", reference), ("exercises", stubs)):
            if result.error or result.grader_error:
                problems.append(f"{chapter} on {name}: {result.error or result.grader_error}\n{result.output_tail()}")
        problems += [
            f"{chapter}: fails on the reference: {t.nodeid}: {t.message}" for t in reference.tests if not t.passed
        ]
        problems += [f"{chapter}: passes on the stubs (cannot fail): {t.nodeid}" for t in stubs.tests if t.passed]
        wrong = corpus.load(chapter)
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            verdicts = list(pool.map(check_mutant, wrong))
        problems += [f"{chapter}: {v.mutant.description}: {v.problem}" for v in verdicts if v.problem]
        problems += [
            f"{chapter}: wrong answer not caught: {v.mutant.description} ({v.mutant.file})"
            for v in verdicts
            if not v.problem and v.caught_by is None
        ]
        caught = sum(v.caught_by is not None for v in verdicts)
        share = f"{caught}/{len(wrong)} ({100 * caught / len(wrong):.0f} %)" if wrong else "0/0 (no corpus)"
        if not wrong:
            problems.append(f"{chapter}: no wrong-answer corpus in tests/mutants/{chapter}.toml")
        table.add_row(
            chapter,
            str(total),
            f"{reference.count('passed')}/{total}",
            f"{total - stubs.count('passed')}/{len(stubs.tests)}",
            share,
        )
    console.print(table)
    rows, unnamed, listed = diagnosis_rows(hidden_chapters(selected))  # grader.authoring.diagnosable
    console.print(rows)
    for entry in listed:
        console.print(f"not diagnosable: {entry}", highlight=False)
    problems += unnamed
    for problem in problems:
        console.print(f"[red]FAIL[/red] {problem}", highlight=False)
    if problems:
        console.print(f"selftest: {len(problems)} problem(s)")
        return EXIT_FAILURES
    console.print("selftest: every hidden test passes on solutions, fails on stubs, and every wrong answer is caught")
    return EXIT_OK
