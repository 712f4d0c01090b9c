"""Conventions of the dlgrade command line: help, version, exit statuses, one-line errors."""

import argparse
import subprocess
import sys

import pytest

from grader import cli
from grader.authoring import sync
from grader.authoring.markers import MarkerError
from grader.errors import EXIT_USAGE
from grader.paths import ROOT


def dlgrade(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grader", *args], cwd=ROOT, capture_output=True, text=True)


def test_dlgrade_alone_prints_help_with_the_exit_statuses(capsys):
    assert cli.main([]) == 0
    shown = capsys.readouterr().out
    assert shown.startswith("usage: dlgrade") and "grade" in shown and "exit status:" in shown


def test_version(capsys):
    with pytest.raises(SystemExit) as done:
        cli.main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.startswith("dlgrade (")


def test_every_argument_of_every_command_has_help():
    parser = cli.build_parser()
    (commands,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    assert set(commands.choices) == {name for name, *_ in cli.COMMANDS}
    for name, command in commands.choices.items():
        for action in command._actions:
            assert action.help, f"dlgrade {name}: {action.dest} has no help text"


@pytest.mark.parametrize(
    "args",
    [
        ["selftest", "--chapters", "ch99"],
        ["nbgrader", "COURSE", "--chapters", "ch99"],
        ["release", "DEST", "--chapters", "ch99"],
        ["grade", "nobody", "--out", "OUT", "--chapters", "ch99"],
        ["check", "ch99"],
    ],
    ids=lambda args: args[0],
)
def test_an_unknown_chapter_is_a_usage_error_in_one_line(args, tmp_path):
    args = [str(tmp_path / a) if a.isupper() else a for a in args]
    done = dlgrade(*args)
    assert done.returncode == EXIT_USAGE, done.stderr
    assert done.stderr.startswith(f"dlgrade {args[0]}: ") and "ch99" in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_broken_solution_markers_stop_sync_with_one_line(monkeypatch, capsys):
    def broken(*args: object) -> list[str]:
        raise MarkerError("solutions/ch3/layers.py:12: ### BEGIN SOLUTION never closed")

    monkeypatch.setattr(sync, "differences", broken)
    assert cli.main(["sync", "--check"]) == EXIT_USAGE
    assert capsys.readouterr().err == "dlgrade sync: solutions/ch3/layers.py:12: ### BEGIN SOLUTION never closed\n"
