"""``dlgrade grade SUBMISSION... --out DIR``: grade a class in isolation.

For each student: stage the submission into a private folder, run the
hidden suites in a fresh pytest process whose implementation is a sandboxed
worker (``--isolate``), and score the reported outcomes against the list of
expected tests collected beforehand. Writes per-student results as soon as
they are known (``--resume`` skips those), then ``grades.csv`` and
``report.html`` for the class. With ``--scheduler`` the students are graded
on a Dask cluster's workers instead (``grader.grading.cluster``); everything
else is the same.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from rich.console import Console
from rich.table import Table
from tqdm import tqdm

from grader.defaults import CALL_TIMEOUT_S, TEST_TIMEOUT_S
from grader.errors import EXIT_FAILURES, EXIT_OK, CommandError
from grader.grading import cluster
from grader.grading.outputs import read_student, write_grades, write_student
from grader.grading.report import write_report
from grader.grading.runner import collect
from grader.grading.scoring import ExerciseScore, Outcome, by_exercise, score_tests
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
    """Turns submissions into tasks and tasks' results into per-student files, against the expected tests."""

    def __init__(
        self,
        out: Path,
        selected: list[str],
        unsafe: bool,
        hide: list[Path],
        call_timeout: float = CALL_TIMEOUT_S,
        test_timeout: float = TEST_TIMEOUT_S,
    ):
        self.out = out
        timeouts = [f"--call-timeout={call_timeout}", f"--test-timeout={test_timeout}"]
        self.settings = Settings(selected, unsafe, [str(p.resolve()) for p in hide], timeouts)
        self.expected = expected_tests(selected)

    def task(self, submission: Submission) -> GradingTask:
        """The submission's sources as bytes, to grade here or on a cluster's worker."""
        return make_task(submission.student, submission.folder, self.settings)

    def finish(self, submission: Submission, ran: TaskResult) -> list[ExerciseScore]:
        """Score what a task reported and write the student's files."""
        if ran.grader_error:
            raise GradeError(f"grading stopped: {ran.grader_error}")
        results = score_tests(self.expected, ran.tests, submission.problem)
        exercises = by_exercise(results)
        notes = [*ran.notes, submission.problem] if submission.problem else ran.notes
        write_student(self.out / submission.student, submission.student, results, exercises, ran.seconds, notes)
        return exercises


def folders_to_hide(paths: list[Path], out: Path) -> list[Path]:
    """What no worker may see: every submission, the results, an nbgrader course."""
    hidden = [out]
    for path in paths:
        hidden.append(path.parent if is_nbgrader_submitted(path) else path)
    return [p for p in hidden if p.exists()]


def check_worker_starts(unsafe: bool) -> None:
    """Start one worker on an empty submission: a grader that cannot start one stops here, before any grade."""
    from grader.isolation.client import WorkerStartError
    from grader.isolation.proxy import RemoteImplementation

    with tempfile.TemporaryDirectory(prefix="dlgrade-check-") as empty:
        use_sandbox = not unsafe or sandbox.unavailable_reason() is None
        implementation = RemoteImplementation(Path(empty), use_sandbox=use_sandbox)
        try:
            implementation.client.ensure_started()
        except WorkerStartError as error:
            raise GradeError(str(error)) from None
        finally:
            implementation.close()


def run(args: argparse.Namespace) -> int:
    console = Console(stderr=True)
    available = chapters(HIDDEN_TESTS)
    selected = args.chapters or available
    unknown = [c for c in selected if c not in available]
    if unknown:
        raise GradeError(f"no hidden suite for {', '.join(unknown)} (have: {', '.join(available)})")
    if args.jobs < 1:
        raise GradeError("--jobs must be at least 1")
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
    if out.exists() and not out.is_dir():
        raise GradeError(f"--out {args.out} exists and is not a folder")
    out.mkdir(parents=True, exist_ok=True)

    grades: dict[str, list[ExerciseScore]] = {}
    problems = {s.student: [s.problem] for s in submissions if s.problem}
    todo = []
    for submission in submissions:
        earlier = read_student(out / submission.student) if args.resume else None
        if earlier:
            grades[submission.student] = earlier
        else:
            todo.append(submission)
    if todo and not scheduler:
        check_worker_starts(args.unsafe)
    grader = Grader(
        out, selected, args.unsafe, folders_to_hide(args.submissions, out), args.call_timeout, args.test_timeout
    )
    by_student = {s.student: s for s in todo}

    def record(submission: Submission, ran: TaskResult) -> None:
        grades[submission.student] = grader.finish(submission, ran)
        progress.update()

    with (
        cluster.pool(scheduler, args.jobs) as where,
        tqdm(total=len(todo), desc="grading", unit="student", file=sys.stderr, disable=not todo) as progress,
    ):
        for submission in todo:  # nothing to run for a submission with a problem
            if submission.problem:
                record(submission, TaskResult(submission.student, [], []))
        tasks = (grader.task(s) for s in todo if not s.problem)
        cluster.run_all(where, tasks, lambda task, ran: record(by_student[task.student], ran))

    write_grades(out / "grades.csv", grades)
    write_report(out / "report.html", grades, problems)
    table = Table(title=f"Grades ({len(grades)} students)")
    table.add_column("student")
    for chapter in selected:
        table.add_column(chapter, justify="right")
    for student in sorted(grades):
        row = [student]
        for chapter in selected:
            rows = [r for r in grades[student] if r.chapter == chapter]
            row.append(f"{sum(r.score for r in rows):g}/{sum(r.max_score for r in rows):g}")
        table.add_row(*row)
    Console().print(table)
    print(f"grades: {out / 'grades.csv'}\nreport: {out / 'report.html'}\nper student: {out}/<student>/feedback.md")
    for student, messages in sorted(problems.items()):
        for message in messages:
            console.print(f"problem: {student}: {message}", highlight=False, soft_wrap=True)
    return EXIT_FAILURES if problems else EXIT_OK
