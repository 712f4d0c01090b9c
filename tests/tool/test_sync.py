"""The one source: stubs are generated from solutions/, and drift is caught."""

import shutil
import subprocess
import sys

import pytest

from grader.authoring.markers import MarkerError, remove_markers, strip_solutions
from grader.authoring.sync import differences, expected_tree, header, sync
from grader.paths import ROOT

SOURCE = '''import numpy as np


def double(x):
    """Return 2x."""
    ### BEGIN SOLUTION
    y = 2 * x
    ### END SOLUTION
    return y


class Net:
    def loss(self, x):
        """A method."""
        ### BEGIN SOLUTION
        return x.sum()
        ### END SOLUTION
'''


def test_solution_blocks_become_a_named_raise():
    stub = strip_solutions(SOURCE)
    assert 'raise NotImplementedError("double: not started, see its docstring")' in stub
    assert '        raise NotImplementedError("Net.loss: not started, see its docstring")' in stub
    assert "2 * x" not in stub and "x.sum()" not in stub
    assert '"""Return 2x."""' in stub and "return y" in stub  # everything outside the markers stays


def test_remove_markers_keeps_the_solution():
    solved = remove_markers(SOURCE)
    assert "BEGIN SOLUTION" not in solved and "y = 2 * x" in solved


@pytest.mark.parametrize(
    "broken",
    [
        "def f():\n    ### BEGIN SOLUTION\n    pass\n",
        "def f():\n    pass\n    ### END SOLUTION\n",
        "def f():\n    ### BEGIN SOLUTION\n    ### BEGIN SOLUTION\n    pass\n    ### END SOLUTION\n",
        "### BEGIN SOLUTION\nx = 1\n### END SOLUTION\n",
    ],
)
def test_unbalanced_or_misplaced_markers_are_errors(broken):
    with pytest.raises(MarkerError):
        strip_solutions(broken)


def test_every_generated_file_starts_with_a_header_for_students():
    for relative, text in expected_tree().items():
        if relative.endswith(".py"):
            first = text.split("\n\n", 1)[0]
            assert text.startswith(header(relative)) and "solutions" not in first and "sync" not in first


def test_committed_exercises_are_up_to_date():
    assert differences() == []


@pytest.fixture
def course(tmp_path):
    solutions, exercises = tmp_path / "solutions", tmp_path / "exercises"
    shutil.copytree(ROOT / "solutions" / "ch3", solutions / "ch3", ignore=shutil.ignore_patterns("__pycache__"))
    sync(solutions, exercises)
    return solutions, exercises


def test_a_change_in_solutions_is_caught(course):
    solutions, exercises = course
    assert differences(solutions, exercises) == []
    layers = solutions / "ch3" / "layers.py"
    layers.write_text(layers.read_text().replace("Rectified linear unit", "Rectified linear units"))
    assert differences(solutions, exercises) == ["out of date: exercises/ch3/layers.py"]


def test_hand_edits_and_stray_files_are_caught(course):
    solutions, exercises = course
    (exercises / "ch3" / "test_layers.py").write_text("# edited by hand\n")
    (exercises / "ch3" / "notes.py").write_text("")
    (solutions / "ch3" / "losses.py").unlink()
    assert sorted(differences(solutions, exercises)) == sorted(
        [
            "out of date: exercises/ch3/test_layers.py",
            "not generated from solutions/: exercises/ch3/notes.py",
            "not generated from solutions/: exercises/ch3/losses.py",
        ]
    )
    sync(solutions, exercises)
    assert differences(solutions, exercises) == []


def test_sync_check_passes_on_the_committed_tree():
    done = subprocess.run([sys.executable, "-m", "grader", "sync", "--check"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout
