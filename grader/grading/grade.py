"""``dlgrade grade SUBMISSION... --out DIR``: grade a class in isolation.

Every path and option is checked first. For each student: stage the
submission into a private folder, run the hidden suites in a fresh pytest
process whose implementation is a sandboxed worker (``--isolate``), and score
the reported outcomes against the expected tests collected beforehand.
Results merge into ``--out``: the chapters graded now replace that
student's earlier ones, and every other student stays. ``--resume`` skips a
student whose files are unchanged (same digest) and already graded on these
chapters. Then ``grades.csv``, ``totals.csv`` and ``report.html`` are
rewritten for everyone in ``--out``. With ``--scheduler`` the students are
graded on a Dask cluster's workers instead (``grader.grading.cluster``);
everything else is the same.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import os
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from rich.console import Console
from rich.table import Table
from tqdm import tqdm

from grader.curriculum import sort_key
from grader.defaults import CALL_TIMEOUT_S, TEST_TIMEOUT_S
from grader.errors import EXIT_FAILURES, EXIT_OK, CommandError
from grader.grading import cluster
from grader.grading.exports import read_roster, write_wide
from grader.grading.late import lateness, parse_time, submission_time
from grader.grading.outputs import StudentRecord, read_class, write_grades, write_student
from grader.grading.report import write_report
from grader.grading.runner import collect
from grader.grading.scoring import Outcome, score_tests
from grader.grading.submissions import Submission, discover, is_nbgrader_submitted
from grader.grading.tasks import TRUSTED_OPTIONS, GradingTask, Settings, TaskResult, make_task
from grader.isolation import sandbox
from grader.paths import HIDDEN_TESTS, chapters


class GradeError(CommandError):
    """A problem with the command line or its input: one line, exit 2."""


def suite_paths(selected: list[str]) -> list[str]:
    return [str(HIDDEN_TESTS / chapter) for chapter in selected]


def expected_tests(selected: list[str]) -> list[Outcome]:
    """Every hidden test of the chapters, collected without any student code."""
    collected = collect(suite_paths(selected), extra=TRUSTED_OPTIONS)
    if collected.error or not collected.tests:
        raise GradeError(
            f"cannot collect the hidden suites: {collected.error or 'no tests'}\n{collected.output_tail()}"
        )
    return collected.tests


class Grader:
    """Grades one submission at a time (thread-safe) against the expected tests of ``selected``."""

    def __init__(
        self,
        selected: list[str],
        unsafe: bool,
        hide: list[Path],
        call_timeout: float = CALL_TIMEOUT_S,
        test_timeout: float = TEST_TIMEOUT_S,
        exercises: list[str] | None = None,
    ):
        timeouts = [f"--call-timeout={call_timeout}", f"--test-timeout={test_timeout}"]
        hidden = [str(p.resolve()) for p in hide]
        self.settings = Settings(selected, unsafe, hidden, timeouts, list(exercises or []))
        self.expected = expected_tests(selected)
        names = {t.exercise for t in self.expected}
        unknown = [name for name in self.settings.exercises if name not in names]
        if unknown or exercises == []:
            raise GradeError(
                f"--exercises: {', '.join(unknown) or 'none named'}: not an exercise of {', '.join(selected)}"
            )
        if exercises:
            self.expected = [t for t in self.expected if t.exercise in exercises]

    def task(self, submission: Submission) -> GradingTask:
        """The submission's sources as bytes, to grade here or on a cluster's worker."""
        return make_task(submission.student, submission.folder, self.settings)

    def finish(self, submission: Submission, ran: TaskResult) -> StudentRecord:
        """The outcomes of the selected chapters' tests as scored here, the staging notes and the time taken."""
        if ran.grader_error:
            raise GradeError(f"grading stopped: {ran.grader_error}")
        notes = [*ran.notes, submission.problem] if submission.problem else ran.notes
        tests = score_tests(self.expected, ran.tests, submission.problem)
        return StudentRecord(submission.student, tests, notes, ran.seconds, diagnoses=ran.diagnoses)


def folders_to_hide(paths: list[Path], out: Path) -> list[Path]:
    """What no worker may see: every submission, the results, an nbgrader course."""
    hidden = [out]
    for path in paths:
        hidden.append(path.parent if is_nbgrader_submitted(path) else path)
    return [p for p in hidden if p.exists()]


def check_worker_starts(unsafe: bool) -> None:
    """Start one worker (a chapter of an empty submission): a grader that cannot start one stops before any grade."""
    from grader.isolation.client import WorkerStartError
    from grader.isolation.proxy import RemoteImplementation

    with tempfile.TemporaryDirectory(prefix="dlgrade-check-") as empty:
        use_sandbox = not unsafe or sandbox.unavailable_reason() is None
        implementation = RemoteImplementation(Path(empty), use_sandbox=use_sandbox)
        try:
            implementation.client(chapters()[0]).ensure_started()
        except WorkerStartError as error:
            raise GradeError(str(error)) from None
        finally:
            implementation.close()


def digest(folder: Path) -> str:
    """SHA-256 of every file under ``folder`` (names and contents; links by their target), .git aside."""
    hasher = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if ".git" in relative.parts:
            continue
        if path.is_symlink():
            hasher.update(f"L {relative} {os.readlink(path)}\n".encode())
        elif path.is_file():
            hasher.update(f"F {relative} {path.stat().st_size}\n".encode())
            hasher.update(path.read_bytes())
    return hasher.hexdigest()


def merge(
    earlier: StudentRecord | None, graded: StudentRecord, selected: list[str], exercises: list[str]
) -> StudentRecord:
    """``graded`` (the selected chapters, or only their ``exercises``) with everything else of ``earlier`` kept."""
    if earlier is None:
        return graded
    kept = [t for t in earlier.tests if t.chapter not in selected or (exercises and t.exercise not in exercises)]
    tests = sorted(kept + graded.tests, key=lambda t: sort_key(t.chapter, t.module)[0])
    diagnoses = [
        d for d in earlier.diagnoses if d.chapter not in selected or (exercises and d.exercise not in exercises)
    ] + graded.diagnoses
    return replace(graded, tests=tests, diagnoses=diagnoses)


def check_arguments(args: argparse.Namespace, available: list[str]) -> None:
    """Every option and path, before anything is graded; GradeError names the first wrong one."""
    unknown = [c for c in args.chapters or [] if c not in available]
    if unknown:
        raise GradeError(f"no hidden suite for {', '.join(unknown)} (have: {', '.join(available)})")
    if args.jobs < 1:
        raise GradeError("--jobs must be at least 1")
    for option in ("call_timeout", "test_timeout"):
        value = getattr(args, option)
        if not (value > 0 and math.isfinite(value)):
            raise GradeError(f"--{option.replace('_', '-')} must be a positive number of seconds, not {value:g}")
    if not (0 <= args.late_penalty <= 100):
        raise GradeError(f"--late-penalty must be a percentage from 0 to 100, not {args.late_penalty:g}")
    missing = [str(p) for p in args.submissions if not p.is_dir()]
    if missing:
        raise GradeError(f"no such folder: {', '.join(missing)} (nothing was graded)")
    if args.roster is not None and not args.roster.is_file():
        raise GradeError(f"--roster {args.roster}: no such file")
    if args.out.exists() and not args.out.is_dir():
        raise GradeError(f"--out {args.out} exists and is not a folder")


def run(args: argparse.Namespace) -> int:
    console = Console(stderr=True)
    available = chapters(HIDDEN_TESTS)
    check_arguments(args, available)
    selected = args.chapters or available
    try:
        deadline = parse_time(args.deadline) if args.deadline else None
        roster = read_roster(args.roster) if args.roster else {}
    except ValueError as error:
        raise GradeError(str(error)) from None
    scheduler = cluster.scheduler_address(getattr(args, "scheduler", None))
    reason = sandbox.unavailable_reason()
    if reason and not args.unsafe and not scheduler:  # a cluster's workers check their own sandbox
        raise GradeError(reason)
    submissions = discover(args.submissions)
    names = [s.student for s in submissions]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise GradeError(f"several submissions are named {', '.join(duplicated)}: student names must be unique")
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)

    records = read_class(out)
    hide = folders_to_hide(args.submissions, out)
    grader = Grader(selected, args.unsafe, hide, args.call_timeout, args.test_timeout, args.exercises)
    expected = {t.nodeid for t in grader.expected}
    problems = {s.student: [s.problem] for s in submissions if s.problem}
    digests = {s.student: digest(s.folder) if s.folder.is_dir() else "" for s in submissions}
    todo = []
    for submission in submissions:
        earlier = records.get(submission.student)
        unchanged = (
            earlier is not None
            and earlier.digest == digests[submission.student]
            and expected <= {t.nodeid for t in earlier.tests}
        )
        if not (args.resume and unchanged):
            todo.append(submission)
    if todo and not scheduler:
        check_worker_starts(args.unsafe)
    by_student = {s.student: s for s in todo}

    def graded(submission: Submission, ran: TaskResult) -> None:
        record = grader.finish(submission, ran)
        records[submission.student] = merge(
            records.get(submission.student), record, selected, grader.settings.exercises
        )
        progress.update()

    if len(todo) < len(submissions):
        console.print(f"resume: {len(submissions) - len(todo)} unchanged students kept as graded", highlight=False)
    with (
        cluster.pool(scheduler, args.jobs) as where,
        tqdm(total=len(todo), desc="grading", unit="student", file=sys.stderr, disable=not todo) as progress,
    ):
        for submission in todo:  # nothing to run for a submission with a problem
            if submission.problem:
                graded(submission, TaskResult(submission.student, [], []))
        tasks = (grader.task(s) for s in todo if not s.problem)
        cluster.run_all(where, tasks, lambda task, ran: graded(by_student[task.student], ran))
    for submission in submissions:  # lateness of everyone named, graded now or resumed
        record = records[submission.student]
        submitted = submission_time(submission.folder) if submission.folder.is_dir() else None
        hours, penalty = lateness(submitted, deadline, args.late_penalty)
        record.digest = digests[submission.student]
        record.submitted = submitted.isoformat() if submitted else ""
        record.late_hours, record.penalty = hours, penalty
        write_student(out / submission.student, record, args.visibility)

    write_grades(out / "grades.csv", records)
    write_wide(out / "totals.csv", records, roster)
    write_report(out / "report.html", records)
    table = Table(title=f"Grades ({len(records)} students)")
    table.add_column("student")
    for chapter in selected:
        table.add_column(chapter, justify="right")
    for student in sorted(records):
        row = [student]
        for chapter in selected:
            rows = [r for r in records[student].exercises if r.chapter == chapter]
            row.append(f"{sum(r.score for r in rows):g}/{sum(r.max_score for r in rows):g}")
        table.add_row(*row)
    Console().print(table)
    print(
        f"grades: {out / 'grades.csv'}\ntotals (one row per student): {out / 'totals.csv'}\n"
        f"report: {out / 'report.html'}\nper student: {out}/<student>/feedback.md"
    )
    for student, messages in sorted(problems.items()):
        for message in messages:
            console.print(f"problem: {student}: {message}", highlight=False, soft_wrap=True)
    return EXIT_FAILURES if problems else EXIT_OK
