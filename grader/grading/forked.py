"""Run pytest in a process forked from a server that has already imported it.

Starting a fresh Python for every suite costs its start and its imports
(pytest, numpy, autograd, the grader: about a third of a student's grading
time). A ``multiprocessing`` fork server, started once per grading process,
imports them (``PRELOAD``) and checks the sandbox once; each suite then runs
in a child forked from it, which holds nothing of any earlier suite: the
server itself never collects a test nor imports a submission. The child gets
the caller's environment and working folder, numpy's global generator is
seeded afresh, its output goes to a file, and its exit code is pytest's.

Where no fork server can be started (another platform, or a daemonic
process such as a Dask worker under a nanny) ``available`` is False and the
caller starts a fresh ``python -m pytest`` instead.
"""

from __future__ import annotations

import importlib.util
import multiprocessing
import os
import sys
from pathlib import Path

import numpy as np
import pytest
from _pytest.config import default_plugins

from grader.paths import ROOT

# imported once by the server: what every suite's process needs before its first test (the plugin
# itself is left to pytest, which rewrites its asserts only when it imports it)
PRELOAD = [
    "grader.grading.forked",
    *(f"_pytest.{name}" for name in default_plugins if importlib.util.find_spec(f"_pytest.{name}")),
    *("pytest_timeout", "pdb", "unittest", "xml.etree.ElementTree", "tomllib", "numpy", "autograd"),
    *("grader.testing", "grader.history", "grader.catalog", "grader.diagnose", "grader.diagnosis"),
    "grader.isolation.proxy",
]


def _environment_path() -> list[str] | None:
    """The import folders of a fresh interpreter (found once, in the server), and the sandbox checked once;
    None in the student repository, which ships no sandbox (a child then keeps the server's folders)."""
    try:
        from grader.isolation import sandbox
    except ImportError:
        return None
    if sandbox.bwrap() is not None:
        sandbox.unavailable_reason()
    return sandbox.environment_sys_path()


ENVIRONMENT_PATH = _environment_path()


def available() -> bool:
    return "forkserver" in multiprocessing.get_all_start_methods() and not multiprocessing.current_process().daemon


def _pytest_main(args: list[str], environment: dict[str, str], output: str) -> None:
    """In the forked child: the caller's environment, and ROOT as working folder and first import folder,
    then the caller's PYTHONPATH and the environment's folders, as for `python -m pytest` started in ROOT."""
    descriptor = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(descriptor, 1)
    os.dup2(descriptor, 2)
    os.close(descriptor)
    os.environ.clear()
    os.environ.update(environment)
    sys.dont_write_bytecode = bool(environment.get("PYTHONDONTWRITEBYTECODE"))
    os.chdir(ROOT)
    np.random.seed()  # numpy's global generator from fresh entropy, as in a new process (not the server's state)
    extra = [entry for entry in environment.get("PYTHONPATH", "").split(os.pathsep) if entry]
    sys.path[:] = [str(ROOT), *extra, *(ENVIRONMENT_PATH or sys.path[1:])]
    sys.exit(int(pytest.main(args)))


def run(args: list[str], environment: dict[str, str], output: Path, timeout: float) -> int | None:
    """pytest's exit code (negative: the signal that ended it), or None when it ran past ``timeout`` (killed)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    process = context.Process(target=_pytest_main, args=(args, environment, str(output)), name="dlgrade-pytest")
    process.start()
    process.join(timeout)
    if process.exitcode is None:
        process.kill()
        process.join()
        return None
    return process.exitcode
