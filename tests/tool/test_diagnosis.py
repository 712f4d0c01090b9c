"""Naming a student's mistake from the corpus of known wrong answers (grader.diagnosis)."""

import json
import os
import re
import shutil
import subprocess
import sys

import numpy as np

from grader.authoring import mutants as corpus
from grader.diagnosis import TABLE_NAME, Trace, digest, fingerprint
from grader.paths import ROOT

DB_AVERAGED = ("db = dout.sum(axis=0)", "db = np.mean(dout, axis=0)")  # written as a student would, not as the corpus


def run_pytest(*args, cwd=ROOT):
    env = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    command = [sys.executable, "-m", "pytest", "-p", "grader.pytest_plugin", "-p", "no:cacheprovider", *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)


def chapter_copy(tmp_path, edit=None, tests=False):
    """solutions/ch3 copied to tmp_path/ch3 (with its public tests if asked), ``edit`` applied to layers.py."""
    ignore = shutil.ignore_patterns("__pycache__", *([] if tests else ["test_*.py"]))
    shutil.copytree(ROOT / "solutions" / "ch3", tmp_path / "ch3", ignore=ignore)
    if edit:
        layers = tmp_path / "ch3" / "layers.py"
        layers.write_text(layers.read_text().replace(*edit))
    return tmp_path


def diagnoses(report):
    return json.loads(report.read_text())["diagnoses"]


def explanation():
    entry = next(m for m in corpus.load("ch3") if m.description == "affine_backward: db averaged instead of summed")
    return entry.explain


def test_digests_ignore_rounding_and_a_forwards_cache_but_not_a_wrong_value():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, 3))
    assert digest(x) == digest(x * (1 + 1e-13))
    assert digest(x) != digest(x * 1.01)
    assert digest(x) != digest(x.T)
    one, other = Trace(), Trace()
    one.add("affine_forward", (x, ("a", "cache")))
    other.add("affine_forward", (x, {"another": "cache"}))
    assert fingerprint("failed", "dx: largest error 3.1e-01", one) == fingerprint(
        "failed", "dx: largest error 9e-2", other
    )


def test_the_grader_names_the_mistake_without_values(tmp_path):
    folder = chapter_copy(tmp_path, DB_AVERAGED)
    report = tmp_path / "report.json"
    done = run_pytest(str(ROOT / "tests" / "ch3" / "test_layers.py"), f"--impl={folder}", f"--dl-report={report}")
    assert done.returncode == 1
    found = diagnoses(report)
    assert [(d["exercise"], d["explain"]) for d in found] == [("affine_backward", explanation())]
    assert not re.search(r"\d", found[0]["explain"])  # no number, so no expected value


def test_correct_and_blank_submissions_get_no_diagnosis(tmp_path):
    report = tmp_path / "report.json"
    for impl in ("solutions", "exercises"):
        run_pytest(str(ROOT / "tests" / "ch3" / "test_layers.py"), f"--impl={impl}", f"--dl-report={report}")
        assert diagnoses(report) == []


def test_pytest_on_public_tests_names_the_mistake_from_a_table_without_the_corpus(tmp_path):
    table = tmp_path / "table.json"
    run_pytest(str(ROOT / "solutions" / "ch3" / "test_layers.py"), f"--dl-mistakes-table={table}")
    student = chapter_copy(tmp_path / "student", DB_AVERAGED, tests=True)
    shutil.copy(table, student / "ch3" / TABLE_NAME)
    done = run_pytest("ch3/test_layers.py", cwd=student)
    assert done.returncode == 1
    assert f"affine_backward: this looks like a known mistake. {explanation()}" in " ".join(done.stdout.split())
    assert "mean(dout" not in table.read_text()  # fingerprints and explanations only: no code


def test_a_public_test_run_without_a_table_uses_the_corpus(tmp_path):
    student = chapter_copy(tmp_path, DB_AVERAGED, tests=True)
    done = run_pytest("ch3/test_layers.py", cwd=student)
    assert "this looks like a known mistake" in done.stdout


def test_dlgrade_grade_names_the_mistake_in_feedback_results_and_report(tmp_path):
    alice = chapter_copy(tmp_path / "class" / "alice", DB_AVERAGED)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "grader", "grade", str(alice), "--chapters", "ch3", "--out", str(out)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode in (0, 1), done.stdout + done.stderr
    feedback = " ".join((out / "alice" / "feedback.md").read_text().split())
    assert f"This looks like a known mistake: {explanation()}" in feedback
    assert explanation() in json.loads((out / "alice" / "results.json").read_text())["output"]
    assert "<li>1 student: db averaged instead of summed</li>" in (out / "report.html").read_text()
