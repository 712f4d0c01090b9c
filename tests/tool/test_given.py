"""A chapter is graded on its own exercises: other chapters' code is the reference's (grader.given).

In-process (`pytest tests/chN --impl=FOLDER`); the isolated grader and the
notebook roads are in test_grade_chapters.py.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grader.authoring import mutants as corpus
from grader.authoring.markers import BEGIN, remove_markers
from grader.given import given_modules, write_view
from grader.grading.scoring import Outcome, by_exercise
from grader.implementations import FolderImplementation, SubmissionError
from grader.paths import EXERCISES, HIDDEN_TESTS, ROOT, SOLUTIONS, chapters
from tests.tool.submission_files import reference_files, write_files

DEPENDENT = [chapter for chapter in chapters(HIDDEN_TESTS) if given_modules(chapter)]


def with_first_mutant(chapter: str) -> dict[str, str]:
    """The chapter's reference with its corpus's first wrong answer: a partial score."""
    mutant = corpus.load(chapter)[0]
    return {**reference_files(chapter), mutant.file: remove_markers(corpus.mutated_source(mutant))}


def stubs_of_other_chapters(chapter: str) -> dict[str, str]:
    """Every other chapter as generated stubs: code that, if graded with, fails every test using it."""
    return {
        f"{other}/{p.name}": p.read_text(encoding="utf-8")
        for other in chapters(EXERCISES)
        if other != chapter
        for p in sorted((EXERCISES / other).glob("*.py"))
        if not p.name.startswith("test_")
    }


def hidden_suite(folder: Path, chapter: str, tmp_path: Path, *extra: str) -> dict:
    report = tmp_path / f"report-{folder.name}.json"
    env = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "grader.pytest_plugin", "-p", "no:cacheprovider"]
    command += [str(HIDDEN_TESTS / chapter), f"--impl={folder}", f"--dl-report={report}", *extra]
    done = subprocess.run(command, check=False, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert report.exists(), done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(report.read_text(encoding="utf-8"))


def scores(report: dict) -> dict[str, float]:
    return {row.exercise: row.score for row in by_exercise([Outcome.from_json(t) for t in report["tests"]])}


def test_chapters_are_given_what_their_reference_imports():
    assert set(given_modules("ch5")) == {"ch3/__init__.py", "ch3/layers.py", "ch3/losses.py"}
    assert set(given_modules("ch8")) == {"ch3/__init__.py", "ch3/layers.py", "ch3/losses.py"}
    assert given_modules("ch3") == {}
    assert {"ch5", "ch8"} <= set(DEPENDENT)


@pytest.mark.parametrize("chapter", chapters(SOLUTIONS))
def test_no_chapter_is_given_its_own_reference_or_a_test(chapter):
    for rel, text in given_modules(chapter).items():
        assert not rel.startswith(f"{chapter}/"), rel
        assert not Path(rel).name.startswith("test_"), rel
        assert BEGIN not in text
        assert text == remove_markers((SOLUTIONS / rel).read_text(encoding="utf-8")) or rel.endswith("__init__.py")


@pytest.mark.parametrize("chapter", DEPENDENT)
def test_the_nbgrader_notebook_gives_the_same_modules(chapter):
    pytest.importorskip("nbformat")
    from grader.notebooks.nbgrader_course import Chapter

    given = {rel for rel in given_modules(chapter) if not rel.endswith("/__init__.py")}
    assert set(Chapter(chapter).given()) == given


def test_a_view_holds_the_students_chapter_and_only_the_reference_of_others(tmp_path):
    staged = write_files(tmp_path / "staged", {"ch5/conv.py": "MINE = 5\n", "ch3/layers.py": "MINE = 3\n"})
    view = write_view(staged, "ch5", tmp_path / "view")
    files = {p.relative_to(view).as_posix(): p.read_text(encoding="utf-8") for p in view.rglob("*.py")}
    assert files["ch5/conv.py"] == "MINE = 5\n"
    assert files["ch3/layers.py"] == remove_markers((SOLUTIONS / "ch3" / "layers.py").read_text(encoding="utf-8"))
    assert sorted(rel for rel in files if rel.startswith("ch5/")) == ["ch5/conv.py"]
    own_reference = set(reference_files("ch5").values())
    assert not own_reference & set(files.values())


def test_own_chapter_missing_is_one_plain_line(tmp_path):
    folder = write_files(tmp_path / "alice", reference_files("ch8"))
    implementation = FolderImplementation(folder)
    try:
        with pytest.raises(SubmissionError) as missing:
            implementation.load("ch5.conv")
        assert str(missing.value) == "no ch5 folder in this submission"
        assert implementation.load("ch8.parallel").hogwild
    finally:
        implementation.close()


def test_a_module_beyond_what_the_chapter_is_given_is_named(tmp_path):
    files = reference_files("ch5")
    files["ch5/conv.py"] = "from ..ch3.gradcheck import rel_error\n" + files["ch5/conv.py"]
    folder = write_files(tmp_path / "alice", {**files, **reference_files("ch3")})
    implementation = FolderImplementation(folder)
    try:
        with pytest.raises(SubmissionError) as error:
            implementation.load("ch5.conv")
    finally:
        implementation.close()
    assert "it needs ch3/gradcheck.py" in str(error.value) and "_dlimpl_" not in str(error.value)


def test_messages_never_name_the_private_package(tmp_path):
    files = reference_files("ch5")
    files["ch5/pool.py"] = "import numpy as np\n"  # every pool exercise missing
    report = hidden_suite(write_files(tmp_path / "alice", files), "ch5", tmp_path, "-k", "pool")
    messages = [t["message"] for t in report["tests"] if t["exercise"].startswith("max_pool")]
    assert messages and all("has no attribute" in m for m in messages)
    assert not [m for m in messages if "_dlimpl_" in m]


@pytest.mark.parametrize("chapter", DEPENDENT)
def test_a_chapter_alone_grades_like_a_full_submission(chapter, tmp_path):
    """The chapter's code with one wrong answer, alone and beside stubs of every other chapter:
    the same score for every exercise, and the wrong answer costs points in both."""
    answer = with_first_mutant(chapter)
    alone = hidden_suite(write_files(tmp_path / "alone", answer), chapter, tmp_path)
    full = hidden_suite(
        write_files(tmp_path / "full", {**stubs_of_other_chapters(chapter), **answer}), chapter, tmp_path
    )
    assert scores(alone) == scores(full)
    assert sum(scores(alone).values()) < sum(t["points"] for t in alone["tests"])
    assert not [t for t in alone["tests"] if "no " in t["message"] and "folder" in t["message"]]


def test_notebook_in_a_folder_is_staged_in_process(tmp_path):
    """`--impl=FOLDER` stages like the grader: a chapter notebook (alice/ch5.ipynb) is graded too."""
    pytest.importorskip("nbformat")
    import nbformat

    from grader.notebooks.nbgrader_course import build_notebook

    notebook = build_notebook("ch5")[0]
    folder = tmp_path / "alice"
    folder.mkdir()
    nbformat.write(notebook, folder / "ch5.ipynb")
    report = hidden_suite(folder, "ch5", tmp_path, "-k", "conv_relu_pool_forward")
    assert report["tests"] and {t["status"] for t in report["tests"]} == {"passed"}
    shutil.rmtree(folder)


def test_chapters_that_build_on_each_other_never_share_a_worker():
    from grader.given import given_chapters
    from grader.isolation.proxy import share_workers

    every = chapters(SOLUTIONS)
    groups = share_workers(every)
    assert sorted(c for group in groups for c in group) == sorted(every)
    for group in groups:
        for chapter in group:
            assert not given_chapters(chapter) & set(group), (chapter, group)
    assert share_workers(["ch3", "ch5", "ch6", "ch8", "ch10"]) == [["ch3", "ch6", "ch10"], ["ch5", "ch8"]]
