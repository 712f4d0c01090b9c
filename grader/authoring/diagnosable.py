"""Can the corpus name a student's mistake? Every wrong answer, run as a submission, diagnosed as itself.

One pytest run per chapter runs every wrong answer of the corpus on every
hidden test of its exercise, in this process (``--dl-mistakes-table``), and
records their fingerprints (``grader.diagnosis``). A submission made of the
reference plus one entry's edit then fails exactly the tests where that
entry's fingerprint is not ``passed``, and ``dlgrade grade`` would narrow the
exercise's suspects test by test as ``Diagnoser.finish`` does: the entry
*diagnoses itself* when it is the one suspect left, or the suspects left
share its explanation (entries merged for students). Entries that cannot
be told apart on the tests' inputs carry ``indistinct = "reason"``; those
that only cost time, and those whose values change from run to run
(``unsteady = "reason"``), are never run; selftest lists them all.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from rich.table import Table as RichTable

from grader.authoring import mutants as corpus
from grader.diagnosis import PASSED, Table, corpus_entries, mutant_id
from grader.grading.runner import run_suite
from grader.paths import HIDDEN_TESTS, SOLUTIONS


def fingerprint_table(paths: list[str], impl: str = str(SOLUTIONS)) -> Table:
    """Every wrong answer's fingerprint on every test of ``paths`` (run against ``impl``)."""
    with tempfile.TemporaryDirectory(prefix="dlgrade-table-") as tmp:
        out = Path(tmp) / "table.json"
        result = run_suite(paths, impl, extra=[f"--dl-mistakes-table={out}"])
        if not out.exists():
            raise RuntimeError(f"no table written: {result.error or result.output_tail()}")
        return Table.read(out)


def suspects_left(table: Table, mistake: str, exercise: str) -> set[str] | None:
    """The wrong answers still suspected after a submission behaving like ``mistake`` ran the exercise's tests:
    those alike on every test it fails and passing every test it passes (None: it fails none of them)."""
    rows = [f for f in table.tests.values() if mistake in f]
    if all(f[mistake] == PASSED for f in rows):
        return None
    ours = {m for m, e in table.mistakes.items() if e.get("exercise") == exercise}
    return {m for m in ours if all(f.get(m) == f[mistake] for f in rows)}


@dataclass
class ChapterDiagnosis:
    chapter: str
    entries: int = 0
    explained: int = 0
    unique: int = 0
    problems: list[str] = field(default_factory=list)
    listed: list[str] = field(default_factory=list)  # not diagnosable, with the reason the corpus gives


def check_chapter(chapter: str) -> ChapterDiagnosis:
    """How many of ``chapter``'s wrong answers have an explanation and diagnose themselves uniquely."""
    report = ChapterDiagnosis(chapter)
    wrong = corpus.load(chapter)
    report.entries = len(wrong)
    report.explained = sum(bool(m.explain.strip()) for m in wrong)
    report.problems += [f"{chapter}: no explanation for students: {m.description}" for m in wrong if not m.explain]
    table = fingerprint_table([str(HIDDEN_TESTS / chapter)])
    exercises = {m["exercise"] for m in table.mistakes.values()}
    owned = {mutant_id(m): e for e, ms in corpus_entries(chapter, exercises).items() for m in ms}
    descriptions = {mutant_id(m): m.description for m in wrong}
    explains = {mutant_id(m): m.explain for m in wrong}
    for mutant in wrong:
        key = mutant_id(mutant)
        if mutant.slow:
            reason = "only costs time (not run when diagnosing)"
        elif mutant.unsteady:
            reason = f"{mutant.unsteady} (not run when diagnosing)"
        elif key not in owned:
            reason = "belongs to no exercise of the hidden suite"
        else:
            left = suspects_left(table, key, owned[key])
            if left == {key} or (
                left and key in left and mutant.explain and {explains[m] for m in left} == {mutant.explain}
            ):
                report.unique += 1
                continue
            if left is None:
                reason = "fails no test of its exercise"
            elif key not in left:
                reason = "a run differs from itself (not deterministic?)"
            else:
                others = sorted(descriptions[m] for m in left - {key})
                reason = "behaves like " + "; ".join(others) + " (give them better inputs, or one explanation)"
        if mutant.indistinct or mutant.slow or mutant.unsteady:
            report.listed.append(f"{chapter}: {mutant.description}: {mutant.indistinct or reason}")
        else:
            report.problems.append(f"{chapter}: does not diagnose itself: {mutant.description}: {reason}")
    return report


def diagnosis_rows(chapters: list[str]) -> tuple[RichTable, list[str], list[str]]:
    """selftest's second table: per chapter, the wrong answers explained and diagnosing themselves; the
    problems; the entries listed as not diagnosable, with their reasons."""
    table = RichTable(title="Wrong answers: can a student's mistake be named?")
    for column in ("chapter", "explained for students", "diagnose themselves uniquely"):
        table.add_column(column, justify="left" if column == "chapter" else "right")
    problems: list[str] = []
    listed: list[str] = []
    for chapter in chapters:
        found = check_chapter(chapter)
        problems += found.problems
        listed += found.listed
        table.add_row(chapter, _share(found.explained, found.entries), _share(found.unique, found.entries))
    return table, problems, listed


def _share(count: int, total: int) -> str:
    return f"{count}/{total} ({100 * count / max(1, total):.0f} %)"
