"""`dlgrade gradescope`: the zip, run as Gradescope runs it (locally), gives valid results."""

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import jsonschema
import pytest

from grader.isolation.sandbox import unavailable_reason
from grader.paths import ROOT

SCHEMA = Path(__file__).with_name("gradescope_results.schema.json")


def dlgrade(*args):
    return subprocess.run(
        [sys.executable, "-m", "grader", *map(str, args)], cwd=ROOT, capture_output=True, text=True, timeout=900
    )


@pytest.fixture(scope="module")
def autograder(tmp_path_factory):
    base = tmp_path_factory.mktemp("gradescope")
    done = dlgrade("gradescope", base / "autograder.zip", "--chapters", "ch3", "--visibility", "hidden")
    assert done.returncode == 0, done.stderr
    return base / "autograder.zip"


def test_the_zip_holds_gradescopes_scripts_and_only_the_chosen_suites(autograder):
    with zipfile.ZipFile(autograder) as archive:
        names = set(archive.namelist())
        modes = {info.filename: info.external_attr >> 16 for info in archive.infolist()}
    assert {"setup.sh", "run_autograder", "dlcourse/pyproject.toml", "dlcourse/tests/ch3/test_layers.py"} <= names
    assert modes["run_autograder"] & stat.S_IXUSR and modes["setup.sh"] & stat.S_IXUSR
    tests = {n.split("/")[2] for n in names if n.startswith("dlcourse/tests/")}
    assert tests == {"ch3"} and not any("__pycache__" in n for n in names)  # no other suite, no wrong answers


@pytest.mark.skipif(unavailable_reason() is not None, reason=str(unavailable_reason()))
def test_run_autograder_in_gradescopes_layout_writes_valid_results(autograder):
    with tempfile.TemporaryDirectory(prefix="dlgrade-autograder-") as scratch:
        os.chmod(scratch, 0o755)  # the sandboxed worker's user must reach the course (pytest's tmp_path is private)
        run_autograder(autograder, Path(scratch) / "autograder")


def run_autograder(autograder: Path, root: Path) -> None:
    """``root`` is what Gradescope mounts at /autograder."""
    with zipfile.ZipFile(autograder) as archive:
        archive.extractall(root / "source")
    (root / "results").mkdir()
    (root / "submission").mkdir()
    partial = ROOT / "examples" / "submissions" / "partial" / "ch3" / "layers.py"
    shutil.copy(partial, root / "submission")  # uploaded alone, without its chapter folder
    env = {**os.environ, "DLGRADE_AUTOGRADER": str(root), "DLGRADE_PYTHON": sys.executable}
    done = subprocess.run(
        ["bash", str(root / "source" / "run_autograder")], env=env, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads((root / "results" / "results.json").read_text())
    jsonschema.validate(results, json.loads(SCHEMA.read_text()))
    assert 0 < results["score"] < 163.5 and results["score"] == sum(t["score"] for t in results["tests"])
    assert {t["visibility"] for t in results["tests"]} == {"hidden"}
    assert "Feedback for submission" in results["output"] and "_dlimpl_" not in json.dumps(results)
