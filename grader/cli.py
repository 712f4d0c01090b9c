"""The ``dlgrade`` command line."""
from __future__ import annotations

import argparse
import sys


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
    selftest.add_argument("--chapters", type=lambda text: [c for c in text.split(",") if c], default=None,
                          help="comma-separated chapters, e.g. ch3,ch5 (default: all)")
    selftest.add_argument("--jobs", type=int, default=2, help="wrong answers checked in parallel (default 2)")
    selftest.set_defaults(run=_selftest)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
