"""`dlgrade grade` as an instructor runs it: layouts, bad input, outputs, resume."""

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grader.isolation.sandbox import unavailable_reason
from grader.paths import ROOT

pytestmark = pytest.mark.skipif(unavailable_reason() is not None, reason=str(unavailable_reason()))
EXAMPLES = ROOT / "examples" / "submissions"


def grade(*args):
    return subprocess.run(
        [sys.executable, "-m", "grader", "grade", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )


def totals(out: Path, column: str = "score") -> dict[str, float]:
    scores: dict[str, float] = {}
    with open(out / "grades.csv") as handle:
        for row in csv.DictReader(handle):
            scores[row["student"]] = scores.get(row["student"], 0.0) + float(row[column])
    return scores


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("outputs")
    klass = base / "class"
    shutil.copytree(EXAMPLES / "partial", klass / "partial")
    shutil.copytree(EXAMPLES / "complete" / "ch3", klass / "nested" / "exercises" / "ch3")  # under exercises/
    garbage = klass / "garbage" / "ch3"
    garbage.mkdir(parents=True)
    (garbage / "layers.py").write_bytes(os.urandom(4096))
    (garbage / "losses.py").write_text("x = 1\n" * 300_000)  # 1.8 MB: skipped, not read
    linked = klass / "linked" / "ch3"
    linked.mkdir(parents=True)
    (linked / "layers.py").symlink_to(ROOT / "solutions" / "ch3" / "layers.py")
    out = base / "out"
    done = grade(*sorted(klass.iterdir()), "--out", out, "--chapters", "ch3", "--jobs", "2")
    return {"base": base, "klass": klass, "out": out, "done": done}


def test_everyone_is_graded(graded):
    assert graded["done"].returncode == 0, graded["done"].stderr[-2000:]
    assert set(totals(graded["out"])) == {"partial", "nested", "garbage", "linked"}


def test_grades_csv_has_one_row_per_student_and_exercise(graded):
    with open(graded["out"] / "grades.csv") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == [
        "student",
        "chapter",
        "exercise",
        "score",
        "max_score",
        "submitted",
        "late_hours",
        "penalty",
    ]
    exercises = {r["exercise"] for r in rows}
    assert {"affine_forward", "TwoLayerNet", "count_linear_regions"} <= exercises
    assert len(rows) == 4 * len(exercises)


def test_scores_follow_what_each_submission_does(graded):
    scores = totals(graded["out"])
    assert scores["nested"] == totals(graded["out"], "max_score")["nested"] > 100  # independent and complete
    assert 0 < scores["partial"] < 40
    assert scores["garbage"] == scores["linked"] == 0


def test_gradescope_results(graded):
    results = json.loads((graded["out"] / "partial" / "results.json").read_text())
    assert set(results) >= {"score", "tests", "output", "visibility", "execution_time"}
    assert results["score"] == sum(t["score"] for t in results["tests"])
    for test in results["tests"]:
        assert set(test) >= {"name", "number", "score", "max_score", "status", "output", "visibility"}
        assert test["status"] in ("passed", "failed") and test["visibility"] == "after_published"


def test_feedback_says_what_failed_with_a_hint(graded):
    feedback = (graded["out"] / "partial" / "feedback.md").read_text()
    assert "affine_backward" in feedback and "db: values differ" in feedback
    assert "not started: sigmoid_forward" in feedback and "Hint:" in feedback
    garbage = (graded["out"] / "garbage" / "feedback.md").read_text()
    assert "losses.py: larger than 1024 KiB, ignored" in garbage
    assert "ch3/layers.py does not import" in garbage or "syntax error" in garbage
    linked = (graded["out"] / "linked" / "feedback.md").read_text()
    assert "symbolic link ignored" in linked


def test_report_has_the_heatmap_and_the_distribution(graded):
    report = (graded["out"] / "report.html").read_text()
    assert report.count("data:image/png;base64,") == 1 and "class='heat'" in report and "partial" in report


def test_resume_skips_unchanged_students_and_scores_are_deterministic(graded, tmp_path):
    before = (graded["out"] / "partial" / "scores.json").read_text()
    again = grade(graded["klass"] / "partial", "--out", graded["out"], "--chapters", "ch3", "--resume")
    assert again.returncode == 0 and "grading" not in again.stderr, "resume regraded an unchanged student"
    assert (graded["out"] / "partial" / "scores.json").read_text() == before
    assert set(totals(graded["out"])) == {"partial", "nested", "garbage", "linked"}, "the others were dropped"
    fresh = grade(graded["klass"] / "partial", "--out", tmp_path / "fresh", "--chapters", "ch3")
    first = json.loads(before)["tests"]
    second = json.loads((tmp_path / "fresh" / "partial" / "scores.json").read_text())["tests"]
    assert fresh.returncode == 0 and first == second


@pytest.mark.parametrize(
    "args,message",
    [
        (["--chapters", "ch99"], "no hidden suite for ch99"),
        (["--jobs", "0"], "--jobs must be at least 1"),
        (["--call-timeout", "-1"], "--call-timeout must be a positive number of seconds"),
        (["--test-timeout", "0"], "--test-timeout must be a positive number of seconds"),
        (["--test-timeout", "nan"], "--test-timeout must be a positive number of seconds"),
        (["--late-penalty", "150"], "--late-penalty must be a percentage"),
        (["--deadline", "friday"], "not a date and time: 'friday'"),
        (["--roster", "nowhere.csv"], "--roster nowhere.csv: no such file"),
        ([EXAMPLES / "nobody"], "no such folder: " + str(EXAMPLES / "nobody") + " (nothing was graded)"),
    ],
)
def test_wrong_arguments_are_one_line_errors_before_grading(tmp_path, args, message):
    paths = [a for a in args if isinstance(a, Path)]
    options = [a for a in args if not isinstance(a, Path)]
    done = grade(EXAMPLES / "partial", *paths, "--out", tmp_path / "out", *options)
    assert done.returncode == 2 and message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists(), "something was written before the arguments were checked"
