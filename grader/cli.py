"""The ``dlgrade`` command line.

Each command lives in its own module, ``grader.<module>.run(args)``, and is
offered only where that module exists: the student repository written by
``dlgrade release`` ships ``check``, ``watch`` and ``hint``, with this very file. ``run``
returns the exit status; an expected failure raises ``CommandError`` and
reaches the user as one line (the statuses are in ``grader.errors``).
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import sys
from pathlib import Path

from grader.defaults import CALL_TIMEOUT_S, GRADE_JOBS, SELFTEST_JOBS, TEST_TIMEOUT_S
from grader.errors import EXIT_INTERRUPTED, EXIT_OK, CommandError

HERE = Path(__file__).resolve().parent
EXIT_STATUSES = """exit status:
  0  done, nothing failed
  1  done, and it found failures (failing tests, a suite that cannot fail, ungradable submissions)
  2  not done: a wrong argument or unusable input (the message says which)
  130  interrupted"""


def _chapter_list(text: str) -> list[str]:
    return [c.strip() for c in text.split(",") if c.strip()]


def _add_chapters(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--chapters", type=_chapter_list, default=None, help="comma-separated chapters, e.g. ch3,ch5 (default: all)"
    )


def _sync(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if exercises/ is out of date")


def _check(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("chapter", nargs="?", help="chapter to check, e.g. ch3 (default: every chapter)")
    parser.add_argument(
        "--history", action="store_true", help="show how each exercise's status changed over your past runs"
    )


def _watch(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("chapter", nargs="?", help="chapter to watch, e.g. ch3 (default: the first one not done)")


def _hint(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("exercise", help="the exercise, e.g. affine_backward")
    parser.add_argument("--reset", action="store_true", help="hide this exercise's hints again")


def _selftest(parser: argparse.ArgumentParser) -> None:
    _add_chapters(parser)
    parser.add_argument(
        "--jobs", type=int, default=SELFTEST_JOBS, help="wrong answers checked in parallel (default %(default)s)"
    )
    parser.add_argument(
        "--by-test", action="store_true", help="also list, per hidden test, the wrong answers of the corpus it catches"
    )
    parser.add_argument(
        "--paths",
        action="store_true",
        help="instead: grade every submission of the corpus in-process, by dlgrade grade and by nbgrader; "
        "fail on any difference",
    )
    parser.add_argument(
        "--sample", action="store_true", help="with --paths: the complete, the blank and two wrong answers"
    )


def _grade(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "submissions",
        nargs="+",
        type=Path,
        metavar="SUBMISSION",
        help="a student's folder (or an nbgrader course's submitted/ folder)",
    )
    parser.add_argument(
        "--out", required=True, type=Path, help="folder for grades.csv, per-student results and report.html"
    )
    _add_chapters(parser)
    parser.add_argument(
        "--exercises",
        type=lambda text: [name.strip() for name in text.split(",") if name.strip()],
        default=None,
        help="comma-separated exercises to regrade, e.g. affine_backward,sgd (default: every exercise of the "
        "chapters); the others keep their earlier results in --out",
    )
    parser.add_argument(
        "--jobs", type=int, default=GRADE_JOBS, help="students graded in parallel (default %(default)s)"
    )
    parser.add_argument(
        "--resume", action="store_true", help="skip students graded in --out whose submission has not changed since"
    )
    parser.add_argument(
        "--roster",
        type=Path,
        default=None,
        help="CSV with columns folder,student_id (folder: a folder name or a GitHub login) for totals.csv",
    )
    parser.add_argument("--deadline", default=None, help="e.g. 2026-11-20T23:59+01:00; later submissions lose points")
    parser.add_argument(
        "--late-penalty",
        type=float,
        default=10.0,
        help="percent of the total taken off per started day late (default %(default)s)",
    )
    parser.add_argument(
        "--visibility",
        choices=["visible", "after_published", "after_due_date", "hidden"],
        default="after_published",
        help="when students see each test's name and message in results.json (default %(default)s)",
    )
    parser.add_argument(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        default=None,
        help="grade on this Dask cluster (default: $DLGRADE_SCHEDULER, else --jobs threads on this machine)",
    )
    parser.add_argument(
        "--call-timeout",
        type=float,
        default=CALL_TIMEOUT_S,
        help="seconds one call of student code may take (default %(default)s)",
    )
    parser.add_argument(
        "--test-timeout", type=float, default=TEST_TIMEOUT_S, help="seconds one test may take (default %(default)s)"
    )
    parser.add_argument(
        "--unsafe",
        action="store_true",
        help="grade even where the sandbox cannot hide the solutions (trusted submissions only)",
    )


def _gradescope(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dest", type=Path, metavar="OUT.zip", help="the autograder zip to write")
    _add_chapters(parser)
    parser.add_argument(
        "--visibility",
        choices=["visible", "after_published", "after_due_date", "hidden"],
        default="after_published",
        help="when students see each hidden test's name and message (default %(default)s)",
    )
    parser.add_argument(
        "--unsafe", action="store_true", help="grade even where Gradescope's container cannot run the sandbox"
    )


def _similarity(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("submissions", nargs="+", type=Path, metavar="SUBMISSION", help="a student's folder")
    parser.add_argument(
        "--out", required=True, type=Path, help="folder for similarity.html (the grade --out folder links it)"
    )
    _add_chapters(parser)
    parser.add_argument(
        "--threshold",
        type=float,
        default=0.6,
        help="share of a file's fingerprints found in the other to report a pair (default %(default)s)",
    )


def _nbgrader(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "course_dir", type=Path, metavar="COURSE_DIR", help="folder of the nbgrader course (created or updated)"
    )
    _add_chapters(parser)
    parser.add_argument(
        "--example-class",
        action="store_true",
        help="also hand in the example class (complete, partial, broken) under COURSE_DIR/submitted/ for a dry run",
    )


def _release(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "dest", type=Path, metavar="DEST", help="new folder for the student repository (must not exist yet)"
    )
    _add_chapters(parser)
    parser.add_argument(
        "--zip", action="store_true", help="also write an archive of main for a learning-management system"
    )


# command, module, help, arguments
COMMANDS = [
    ("sync", "authoring.sync", "regenerate exercises/ from solutions/", _sync),
    ("check", "check", "run a chapter's tests on your exercises and show your progress", _check),
    ("watch", "watch", "rerun the current exercise's tests each time you save a file", _watch),
    ("hint", "hints", "show the next hint for an exercise (the idea, the maths, the shapes)", _hint),
    (
        "selftest",
        "authoring.selftest",
        "prove the hidden suites: pass on solutions, fail on stubs and wrong answers",
        _selftest,
    ),
    (
        "grade",
        "grading.grade",
        "grade submissions in isolation; write grades.csv, results.json, feedback, report",
        _grade,
    ),
    ("gradescope", "grading.gradescope", "write a Gradescope autograder zip for the hidden suites", _gradescope),
    ("similarity", "grading.similarity", "find pairs of submissions that look alike, per chapter", _similarity),
    ("nbgrader", "notebooks.nbgrader_course", "write an nbgrader course built from the same sources", _nbgrader),
    ("release", "authoring.release", "write the student repository (main) with a solutions branch", _release),
]


def version() -> str:
    """The version of the installed distribution that holds this package."""
    for distribution in importlib.metadata.packages_distributions().get(__package__ or "grader", []):
        try:
            return f"{distribution} {importlib.metadata.version(distribution)}"
        except importlib.metadata.PackageNotFoundError:
            continue
    return "not installed (run from a checkout)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dlgrade",
        description="Deep-learning course: exercises, tests and grading.",
        epilog=EXIT_STATUSES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s ({version()})")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module, text, add_arguments in COMMANDS:
        if (HERE / f"{module.replace('.', '/')}.py").is_file():
            command = commands.add_parser(
                name,
                help=text,
                description=text,
                epilog=EXIT_STATUSES,
                formatter_class=argparse.RawDescriptionHelpFormatter,
            )
            add_arguments(command)
            command.set_defaults(module=module)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_OK
    try:
        return int(importlib.import_module(f"grader.{args.module}").run(args))
    except CommandError as error:
        print(f"dlgrade {args.command}: {error}", file=sys.stderr)
        return error.code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
