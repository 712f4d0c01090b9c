"""The ``dlgrade`` command line.

Each command lives in its own module, ``grader.<module>.run(args)``, and is
offered only where that module exists: the student repository written by
``dlgrade release`` ships ``check`` alone, with this very file. ``run``
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


def _sync(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if exercises/ is out of date")


def _check(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("chapter", nargs="?", help="chapter to check, e.g. ch3 (default: every chapter)")


def _selftest(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--chapters", type=_chapter_list, default=None, help="comma-separated chapters, e.g. ch3,ch5 (default: all)"
    )
    parser.add_argument(
        "--jobs", type=int, default=SELFTEST_JOBS, help="wrong answers checked in parallel (default %(default)s)"
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
    parser.add_argument("--chapters", type=_chapter_list, default=None, help="comma-separated chapters (default: all)")
    parser.add_argument(
        "--jobs", type=int, default=GRADE_JOBS, help="students graded in parallel (default %(default)s)"
    )
    parser.add_argument("--resume", action="store_true", help="skip students already graded in --out")
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


def _nbgrader(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "course_dir", type=Path, metavar="COURSE_DIR", help="folder of the nbgrader course (created or updated)"
    )
    parser.add_argument("--chapters", type=_chapter_list, default=None, help="comma-separated chapters (default: all)")


def _release(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "dest", type=Path, metavar="DEST", help="new folder for the student repository (must not exist yet)"
    )
    parser.add_argument("--chapters", type=_chapter_list, default=None, help="comma-separated chapters (default: all)")
    parser.add_argument(
        "--zip", action="store_true", help="also write an archive of main for a learning-management system"
    )


# command, module, help, arguments
COMMANDS = [
    ("sync", "authoring.sync", "regenerate exercises/ from solutions/", _sync),
    ("check", "check", "run a chapter's tests on your exercises and show your progress", _check),
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
