"""The ``dlgrade`` command line.

Each command lives in its own module, ``grader.<module>.run(args)``, and is
offered only where that module exists: the student repository written by
``dlgrade release`` ships ``check`` alone, with this very file.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _chapter_list(text: str) -> list[str]:
    return [c.strip() for c in text.split(",") if c.strip()]


def _sync(parser) -> None:
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if exercises/ is out of date")


def _check(parser) -> None:
    parser.add_argument("chapter", nargs="?", help="chapter to check, e.g. ch3 (default: every chapter)")


def _selftest(parser) -> None:
    parser.add_argument(
        "--chapters", type=_chapter_list, default=None, help="comma-separated chapters, e.g. ch3,ch5 (default: all)"
    )
    parser.add_argument("--jobs", type=int, default=2, help="wrong answers checked in parallel (default 2)")
    parser.add_argument(
        "--paths",
        action="store_true",
        help="instead: grade every submission of the corpus by pytest, dlgrade grade and nbgrader; fail on any difference",
    )
    parser.add_argument("--sample", action="store_true", help="with --paths: the complete, the blank and two wrong answers")


def _grade(parser) -> None:
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
    parser.add_argument("--jobs", type=int, default=1, help="students graded in parallel (default 1)")
    parser.add_argument("--resume", action="store_true", help="skip students already graded in --out")
    parser.add_argument("--call-timeout", type=float, default=30.0, help="seconds one call of student code may take")
    parser.add_argument("--test-timeout", type=float, default=120.0, help="seconds one test may take")
    parser.add_argument(
        "--unsafe",
        action="store_true",
        help="grade even where the sandbox cannot hide the solutions (trusted submissions only)",
    )


def _nbgrader(parser) -> None:
    parser.add_argument("course_dir", type=Path, metavar="COURSE_DIR")
    parser.add_argument("--chapters", type=_chapter_list, default=None, help="comma-separated chapters (default: all)")
    parser.add_argument(
        "--example-class",
        action="store_true",
        help="also hand in the example class (complete, partial, broken) under COURSE_DIR/submitted/ for a dry run",
    )


def _release(parser) -> None:
    parser.add_argument("dest", type=Path, metavar="DEST")
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dlgrade", description="Deep-learning course: exercises, tests and grading.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, module, text, add_arguments in COMMANDS:
        if (HERE / f"{module.replace('.', '/')}.py").is_file():
            command = commands.add_parser(name, help=text)
            add_arguments(command)
            command.set_defaults(module=module)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return importlib.import_module(f"grader.{args.module}").run(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
