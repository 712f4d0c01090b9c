"""The pieces around grading, without grading: merge, lateness, roster, report, feedback wording."""

import csv
import subprocess
import sys
from datetime import UTC, datetime

import pytest

from grader.grading.exports import student_id, write_wide
from grader.grading.grade import digest, merge
from grader.grading.late import lateness, parse_time, submission_time
from grader.grading.outputs import StudentRecord, feedback, gradescope, plain
from grader.grading.report import write_report
from grader.grading.scoring import Outcome
from grader.paths import ROOT


def outcome(chapter, exercise, status="passed", message="", module="layers", points=2.0):
    return Outcome(
        f"tests/{chapter}/test_{module}.py::test_{exercise}", chapter, module, exercise, points, status, message
    )


def test_merge_replaces_the_graded_chapters_and_keeps_the_others():
    earlier = StudentRecord("ann", [outcome("ch3", "a", "failed", "x"), outcome("ch5", "conv")], digest="old")
    now = StudentRecord("ann", [outcome("ch3", "a")], digest="new")
    merged = merge(earlier, now, ["ch3"], [])
    assert [(t.chapter, t.status) for t in merged.tests] == [("ch3", "passed"), ("ch5", "passed")]
    assert merge(None, now, ["ch3"], []) is now


def test_merge_of_some_exercises_keeps_the_chapters_other_exercises():
    earlier = StudentRecord("ann", [outcome("ch3", "a", "failed", "x"), outcome("ch3", "b", "failed", "y")])
    now = StudentRecord("ann", [outcome("ch3", "a")])
    merged = merge(earlier, now, ["ch3"], ["a"])
    assert sorted((t.exercise, t.status) for t in merged.tests) == [("a", "passed"), ("b", "failed")]


def test_digest_changes_with_any_file_and_ignores_git(tmp_path):
    (tmp_path / "ch3").mkdir()
    (tmp_path / "ch3" / "layers.py").write_text("x = 1\n")
    first = digest(tmp_path)
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "index").write_text("anything")
    assert digest(tmp_path) == first
    (tmp_path / "ch3" / "layers.py").write_text("x = 2\n")
    assert digest(tmp_path) != first


def test_lateness_is_per_started_day_and_capped():
    deadline = parse_time("2026-11-21T00:00Z")
    assert lateness(parse_time("2026-11-20 23:00:00 UTC"), deadline, 10) == (0.0, 0.0)
    assert lateness(parse_time("2026-11-21 01:00:00.5 UTC"), deadline, 10)[1] == 10
    assert lateness(parse_time("2026-11-22 10:00:00 UTC"), deadline, 10) == (34.0, 20.0)
    assert lateness(parse_time("2027-01-01T00:00Z"), deadline, 10)[1] == 100
    assert lateness(None, deadline, 10) == (0.0, 0.0)


def test_submission_time_from_nbgrader_or_the_folders_own_git(tmp_path):
    nbgrader = tmp_path / "ann"
    (nbgrader / "ch3").mkdir(parents=True)
    (nbgrader / "ch3" / "timestamp.txt").write_text("2026-11-20 14:03:11.123456 UTC\n")
    assert submission_time(nbgrader) == datetime(2026, 11, 20, 14, 3, 11, 123456, tzinfo=UTC)
    clone = tmp_path / "course-bob"
    clone.mkdir()
    (clone / "a.py").write_text("")
    git = ["git", "-C", str(clone), "-c", "user.name=b", "-c", "user.email=b@c"]
    env = {"GIT_COMMITTER_DATE": "2026-11-19T08:00:00+01:00", "GIT_AUTHOR_DATE": "2026-11-19T08:00:00+01:00"}
    for command in (["init", "-q"], ["add", "."], ["commit", "-qm", "x"]):
        subprocess.run([*git, *command], check=True, env={**env, "PATH": "/usr/bin:/bin"})
    assert submission_time(clone) == parse_time("2026-11-19T07:00:00Z")
    assert submission_time(tmp_path) is None  # neither a timestamp nor the top of a repository


def test_roster_maps_folders_and_classroom_clones():
    roster = {"alice": "s1", "bob": "s2", "al": "s9"}
    assert student_id("alice", roster) == "s1"
    assert student_id("dl-course-2025-alice", roster) == "s1"  # the longest login that ends the name
    assert student_id("carol", roster) == "carol"


def test_wide_csv_has_one_row_per_student_with_the_penalty(tmp_path):
    records = {
        "ann": StudentRecord("ann", [outcome("ch3", "a"), outcome("ch5", "conv", "failed", "x")], penalty=10),
        "bob": StudentRecord("bob", [outcome("ch3", "a")]),
    }
    write_wide(tmp_path / "totals.csv", records, {"ann": "s1"})
    with open(tmp_path / "totals.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["student_id"] for r in rows] == ["s1", "bob"]
    assert (
        rows[0]["ch3"] == "2" and rows[0]["ch5"] == "0" and rows[0]["final"] == "1.80" and rows[0]["percent"] == "45.0"
    )
    assert rows[1]["ch5"] == "0" and rows[1]["possible"] == "2"


def test_report_escapes_everything_a_student_controls(tmp_path):
    evil = "<img src=x onerror=alert(1)>"
    record = StudentRecord(evil, [outcome("ch3", "a", "failed", "<script>alert(2)</script>")], notes=[evil])
    write_report(tmp_path / "report.html", {evil: record})
    page = (tmp_path / "report.html").read_text()
    assert "<img src=x" not in page and "<script>alert" not in page
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page


def test_feedback_uses_plain_words_and_one_note_for_missing_files():
    missing = [outcome("ch3", e, "failed", "ch3/layers.py is missing") for e in ("a", "b", "c")]
    internal = "AttributeError: module '_dlimpl_0e4eb4a8cd13.ch3.losses' has no attribute 'softmax'"
    record = StudentRecord("ann", [*missing, outcome("ch3", "d", "failed", internal, module="losses")])
    text = feedback(record)
    assert text.count("ch3/layers.py") == 1 and "Not found, so their" in text
    assert "_dlimpl_" not in text and "ch3/losses.py does not define softmax" in text
    assert "earlier worker" not in plain("ValueError: unknown object (from an earlier worker?)")
    assert (
        plain("your code ended the worker process (exit code 0)")
        == "your code ended the process running it (exit code 0)"
    )


def test_results_json_visibility_is_the_instructors_choice():
    record = StudentRecord("ann", [outcome("ch3", "a")])
    assert {t["visibility"] for t in gradescope(record, "hidden")["tests"]} == {"hidden"}


@pytest.mark.parametrize(
    "args,message",
    [
        (["similarity", "examples/submissions/partial", "--out", "x", "--threshold", "1.5"], "--threshold must be"),
        (["similarity", "nobody", "--out", "x"], "no such folder: nobody"),
        (["similarity", "examples/submissions/partial", "--out", "x", "--chapters", "ch99"], "no hidden suite for"),
        (["gradescope", "autograder.tar"], "must be a .zip file"),
        (["gradescope", "a.zip", "--chapters", "ch99"], "no hidden suite for ch99"),
    ],
)
def test_similarity_and_gradescope_refuse_wrong_arguments_in_one_line(tmp_path, args, message):
    done = subprocess.run(
        [sys.executable, "-m", "grader", *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 2 and message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (ROOT / "x").exists() and not (ROOT / "a.zip").exists()
