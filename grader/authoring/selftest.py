"""``dlgrade selftest``: prove that the hidden suites can fail.

For each chapter with a hidden suite in ``tests/chN``:

1. every hidden test passes on the reference solutions, graded through the
   isolated worker as ``dlgrade grade`` does;
2. every hidden test fails on the generated stubs;
3. every wrong answer of the corpus (``grader.authoring.mutants``) makes at least one
   hidden test fail, graded through the isolated worker too: a wrong answer
   counts as caught only if real grading catches it;
4. every hidden test catches at least one wrong answer, or says in its
   ``@pytest.mark.smoke("reason")`` why it needs none (``grader.authoring.coverage``);
5. every wrong answer has an explanation for students and diagnoses itself
   (``grader.authoring.diagnosable``).

Each wrong answer runs every hidden test its edit can reach (the modules that
import the edited file), so the same runs tell which tests caught it.
Prints one row per chapter (the share of wrong answers caught, the share of
tests that catch one) and exits 1 unless all five hold everywhere;
``--by-test`` also lists, per test, the corpus entries it catches.
"""

from __future__ import annotations

import argparse
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.table import Table

from grader.authoring import mutants as corpus
from grader.authoring.coverage import Coverage, function_of, justified, suites_reaching
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
    caught_by: list[str] = field(default_factory=list)  # nodeids of the hidden tests that failed
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
        result = run_suite(suites_reaching(mutant.file), str(submission), extra=["--dl-no-diagnosis", *isolated()])
    if result.error or result.grader_error:
        return Verdict(mutant, problem=f"suite crashed: {result.error or result.grader_error}")
    return Verdict(mutant, caught_by=[t.nodeid for t in result.tests if t.status in ("failed", "not started")])


def run(args: argparse.Namespace) -> int:
    """``dlgrade selftest [--chapters ...] [--jobs N] [--by-test]``; ``--paths [--sample]`` compares the
    grading roads."""
    if getattr(args, "paths", False):
        from grader.notebooks.parity import run_parity

        return run_parity(args.chapters, sample=args.sample)
    return run_selftest(args.chapters, jobs=args.jobs, by_test=getattr(args, "by_test", False))


PLAIN: dict = {"highlight": False, "soft_wrap": True}  # a line as it is: no colours, no wrapping


def share(part: int, whole: int, empty: str = "0/0") -> str:
    return f"{part}/{whole} ({100 * part / whole:.0f} %)" if whole else empty


def run_selftest(selected: list[str] | None = None, jobs: int = 2, by_test: bool = False) -> int:
    console = Console()
    table = Table(
        title="Hidden suites: can they fail?",
        caption="tests that catch one: test functions that catch a wrong answer (cases: parameter sets)",
    )
    columns = ("chapter", "hidden tests", "pass on solutions", "fail on stubs", "wrong answers caught")
    for column in (*columns, "tests that catch one", "cases", "justified"):
        table.add_column(column, justify="right" if column != "chapter" else "left")
    problems: list[str] = []
    notes: list[str] = []
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
            if not v.problem and not v.caught_by
        ]
        if not wrong:
            problems.append(f"{chapter}: no wrong-answer corpus in tests/mutants/{chapter}.toml")
        coverage = Coverage([t.nodeid for t in reference.tests], smoke=justified(chapter))
        for number, verdict in enumerate(verdicts, 1):
            coverage.record(number, verdict.caught_by)
        problems += [f"{chapter}: catches no wrong answer of the corpus: {name}" for name in coverage.uncaught()]
        notes += [f"{chapter}: {name}: {reason}" for name, reason in coverage.justified().items()]
        if by_test:
            print_by_test(console, chapter, coverage, wrong)
        table.add_row(
            chapter,
            str(total),
            f"{reference.count('passed')}/{total}",
            f"{total - stubs.count('passed')}/{len(stubs.tests)}",
            share(sum(bool(v.caught_by) for v in verdicts), len(wrong), "0/0 (no corpus)"),
            share(*coverage.biting()),
            share(*coverage.biting_cases()),
            str(len(coverage.justified())),
        )
    console.print(table)
    if notes:
        console.print("Justified (a test that needs no wrong answer of its own, and why):")
        for note in notes:
            console.print(f"  {note}", **PLAIN)
    rows, unnamed, listed = diagnosis_rows(hidden_chapters(selected))  # grader.authoring.diagnosable
    console.print(rows)
    for entry in listed:
        console.print(f"not diagnosable: {entry}", **PLAIN)
    problems += unnamed
    for problem in problems:
        console.print(f"[red]FAIL[/red] {problem}", **PLAIN)
    if problems:
        console.print(f"selftest: {len(problems)} problem(s)")
        return EXIT_FAILURES
    console.print(
        "selftest: every hidden test passes on solutions, fails on stubs and catches a wrong answer"
        " (or says why it needs none), and every wrong answer is caught"
    )
    return EXIT_OK


def print_by_test(console: Console, chapter: str, coverage: Coverage, wrong: list[corpus.Mutant]) -> None:
    """Per test function, the corpus entries (numbered as in ``tests/mutants/chN.toml``) it catches."""
    console.print(f"{chapter}: wrong answers caught, per hidden test (entry numbers of tests/mutants/{chapter}.toml)")
    for name, entries in coverage.functions().items():
        cases = sum(function_of(nodeid) == name for nodeid in coverage.tests)
        caught = ", ".join(f"#{n}" for n in sorted(entries)) or ("justified" if name in coverage.smoke else "NONE")
        console.print(f"  {name.split('::', 1)[1]} ({cases} case{'s' * (cases > 1)}): {caught}", **PLAIN)
    for number, mutant in enumerate(wrong, 1):
        console.print(f"  #{number} {mutant.description}", **PLAIN)
