"""Suites run in children of a preloaded fork server (grader.grading.forked) as in a fresh pytest process."""

import os
import sys
import time
from pathlib import Path

import pytest

from grader.grading import forked
from grader.paths import ROOT

pytestmark = pytest.mark.skipif(not forked.available(), reason="no multiprocessing fork server here")

PROBE = """
import os, sys
from pathlib import Path
import numpy as np

def test_environment_and_folders():
    import probe_state
    out = Path(os.environ["PROBE_OUT"])
    out.write_text(repr((os.environ.get("PROBE_VALUE"), os.getcwd(), sys.path, probe_state.runs, np.random.random())))
    probe_state.runs += 1  # a later run must not see this

def test_fails():
    assert 1 == 2
"""


def run_probe(tmp_path: Path, environment: dict[str, str], timeout: float = 120) -> tuple[int | None, str]:
    (tmp_path / "test_probe.py").write_text(PROBE)
    (tmp_path / "probe_state.py").write_text("runs = 0\n")
    code = forked.run(["-q", "-p", "no:cacheprovider", str(tmp_path)], environment, tmp_path / "out.txt", timeout)
    return code, (tmp_path / "out.txt").read_text()


def test_a_child_is_like_a_fresh_pytest_in_root_and_leaves_nothing_behind(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path / "not-for-the-child"))
    environment = {**os.environ, "PROBE_VALUE": "set after the server started", "PROBE_OUT": str(tmp_path / "seen")}
    drawn = set()
    for _ in range(2):
        code, output = run_probe(tmp_path, environment)
        assert code == pytest.ExitCode.TESTS_FAILED, output  # pytest's exit code comes back
        assert "1 failed, 1 passed" in output  # and its output
        value, cwd, path, runs, draw = eval((tmp_path / "seen").read_text())
        drawn.add(draw)
        assert (value, Path(cwd), runs) == ("set after the server started", ROOT, 0)
        assert str(ROOT) in path and str(tmp_path / "not-for-the-child") not in path  # as a fresh pytest in ROOT
    assert len(drawn) == 2  # numpy's global generator is seeded afresh in each child
    assert sys.path[0] == str(tmp_path / "not-for-the-child")  # the caller's own state is untouched


def test_a_child_past_its_time_is_killed(tmp_path):
    (tmp_path / "test_slow.py").write_text("import time\n\ndef test_sleeps():\n    time.sleep(600)\n")
    started = time.monotonic()
    assert forked.run(["-q", "-p", "no:cacheprovider", str(tmp_path)], dict(os.environ), tmp_path / "out", 3) is None
    assert time.monotonic() - started < 120
