"""The ``dlgrade`` command line."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _sync(args) -> int:
    from grader.sync import differences, sync

    if args.check:
        problems = differences()
        for problem in problems:
            print(problem)
        if problems:
            print("exercises/ differs from what solutions/ generates: run `dlgrade sync` and commit.")
            return 1
        print("exercises/ is up to date with solutions/.")
        return 0
    changed = sync()
    print(f"regenerated {len(changed)} file(s) in exercises/" + "".join(f"\n  {c}" for c in changed))
    return 0


def _check(args) -> int:
    from grader.check import run_check

    return run_check(args.chapter, args.impl)


def _selftest(args) -> int:
    from grader.selftest import run_selftest

    return run_selftest(args.chapters, jobs=args.jobs)


def _delegate(module: str):
    """Run ``grader.<module>.run(args)``; each command lives in its own module."""

    def run(args) -> int:
        import importlib

        return importlib.import_module(f"grader.{module}").run(args)

    return run


def _chapter_list(text: str) -> list[str]:
    return [c.strip() for c in text.split(",") if c.strip()]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dlgrade", description="Deep-learning course: exercises, tests and grading.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sync = commands.add_parser("sync", help="regenerate exercises/ from solutions/")
    sync.add_argument("--check", action="store_true", help="change nothing; exit 1 if exercises/ is out of date")
    sync.set_defaults(run=_sync)

    check = commands.add_parser("check", help="run a chapter's tests on your exercises and show your progress")
    check.add_argument("chapter", nargs="?", help="chapter to check, e.g. ch3 (default: every chapter)")
    check.add_argument("--impl", default="exercises", help=argparse.SUPPRESS)
    check.set_defaults(run=_check)

    selftest = commands.add_parser("selftest", help="prove the hidden suites: pass on solutions, fail on stubs and wrong answers")
    selftest.add_argument("--chapters", type=_chapter_list, default=None,
                          help="comma-separated chapters, e.g. ch3,ch5 (default: all)")
    selftest.add_argument("--jobs", type=int, default=2, help="wrong answers checked in parallel (default 2)")
    selftest.set_defaults(run=_selftest)

    grade = commands.add_parser("grade", help="grade submissions in isolation; write grades.csv, results.json, feedback, report")
    grade.add_argument("submissions", nargs="+", type=Path, metavar="SUBMISSION",
                       help="a student's folder (or an nbgrader course's submitted/ folder)")
    grade.add_argument("--out", required=True, type=Path, help="folder for grades.csv, per-student results and report.html")
    grade.add_argument("--chapters", type=_chapter_list, default=None, help="comma-separated chapters (default: all)")
    grade.add_argument("--jobs", type=int, default=1, help="students graded in parallel (default 1)")
    grade.add_argument("--resume", action="store_true", help="skip students already graded in --out")
    grade.add_argument("--call-timeout", type=float, default=30.0, help="seconds one call of student code may take")
    grade.add_argument("--test-timeout", type=float, default=120.0, help="seconds one test may take")
    grade.add_argument("--unsafe", action="store_true",
                       help="grade even where the sandbox cannot hide the solutions (trusted submissions only)")
    grade.set_defaults(run=_delegate("grade"))

    nbgrader = commands.add_parser("nbgrader", help="write an nbgrader course built from the same sources")
    nbgrader.add_argument("course_dir", type=Path, metavar="COURSE_DIR")
    nbgrader.add_argument("--chapters", type=_chapter_list, default=None, help="comma-separated chapters (default: all)")
    nbgrader.set_defaults(run=_delegate("nbgrader_course"))

    release = commands.add_parser("release", help="write the student repository (main) with a solutions branch")
    release.add_argument("dest", type=Path, metavar="DEST")
    release.add_argument("--chapters", type=_chapter_list, default=None, help="comma-separated chapters (default: all)")
    release.add_argument("--zip", action="store_true", help="also write an archive of main for a learning-management system")
    release.set_defaults(run=_delegate("release"))
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
