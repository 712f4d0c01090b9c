"""`dlgrade watch` and `dlgrade hint` in a real terminal (a pseudo-terminal driven by pexpect), in a release clone."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

from tests.tool.test_student_loop import release, student_env  # noqa: F401 (the module's release fixture)

CH3_TESTS = (Path(__file__).resolve().parents[2] / "solutions" / "ch3").glob("test_*.py")
CH3_EXERCISES = len({name for f in CH3_TESTS for name in re.findall(r'mark\.exercise\(\s*"(\w+)"', f.read_text())})


@pytest.fixture
def clone(release, tmp_path):  # noqa: F811
    folder = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(release), str(folder)], check=True)
    subprocess.run(["git", "fetch", "--quiet", "origin", "solutions"], cwd=folder, check=True)
    return folder


def spawn(clone, *args: str) -> pexpect.spawn:
    return pexpect.spawn(
        sys.executable,
        ["-m", "grader", *args],
        cwd=str(clone),
        env=student_env(clone),
        encoding="utf-8",
        timeout=90,
        dimensions=(40, 160),
    )


def test_watch_shows_the_current_exercise_moves_on_when_it_passes_and_stops_on_ctrl_c(clone):
    watch = spawn(clone, "watch", "ch3")
    try:
        watch.expect("dlgrade watch ch3")
        watch.expect("affine_forward")
        watch.expect("not started")
        watch.expect(rf"0/{CH3_EXERCISES} exercises of ch3 pass")
        # the student finishes every exercise of layers.py and saves
        subprocess.run(["git", "checkout", "origin/solutions", "--", "exercises/ch3/layers.py"], cwd=clone, check=True)
        watch.expect("affine_forward passes its public tests")
        watch.expect("mse_loss")
        watch.expect(rf"9/{CH3_EXERCISES} exercises of ch3 pass")
        watch.sendintr()
        watch.expect("Stopped watching. Next time: mse_loss.")
        watch.expect(pexpect.EOF)
    finally:
        watch.close()
    assert watch.exitstatus == 0


def test_hint_reveals_one_level_per_call_and_remembers(clone):
    levels = []
    for _ in range(4):
        hint = spawn(clone, "hint", "affine_backward")
        hint.expect(pexpect.EOF)
        hint.close()
        assert hint.exitstatus == 0
        levels.append(hint.before)
    assert "hint 1 of 3" in levels[0] and "1. The idea" in levels[0] and "2. The maths" not in levels[0]
    assert "hint 2 of 3" in levels[1] and "2. The maths" in levels[1]
    assert "hint 3 of 3" in levels[2] and "3. The shapes" in levels[2] and "last hint" in levels[2]
    assert "hint 3 of 3" in levels[3]
    unknown = spawn(clone, "hint", "afine_backward")
    unknown.expect("did you mean affine_backward")
    unknown.expect(pexpect.EOF)
    unknown.close()
    assert unknown.exitstatus == 2
