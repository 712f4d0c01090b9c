"""The nbgrader course, driven by the real nbgrader, headless.

Builds the ch3 course once (module fixture), releases it with
``nbgrader generate_assignment``, submits two notebooks (one bug, correct
but noisy on stderr), runs ``autograde``, ``generate_feedback`` and
``export`` and checks the scores, what students get, and that notebooks
rebuild into modules the hidden suite grades alike. The complete and the
blank notebook of every chapter, on every road, are the parity sample's
(``test_every_chapter_scores_alike_on_every_road``).
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
pytest.importorskip("nbgrader", reason="nbgrader is the optional extra `nbgrader`: pip install -e '.[nbgrader]'")

from grader.authoring.markers import remove_markers  # noqa: E402
from grader.grading.runner import run_suite  # noqa: E402
from grader.notebooks.convert import NotebookError, modules_from_notebook, write_modules  # noqa: E402
from grader.notebooks.nbgrader_course import write_course  # noqa: E402
from grader.notebooks.parity import check_chapter  # noqa: E402
from grader.paths import HIDDEN_TESTS, ROOT, chapters  # noqa: E402

CHAPTER = "ch3"
STUDENTS = ("onebug", "warning")
BIN = Path(sys.executable).parent


def nbgrader(course: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")  # nbgrader runs `alembic`
    done = subprocess.run([str(BIN / "nbgrader"), *args], cwd=course, env=env, capture_output=True, text=True)
    if check and done.returncode != 0:
        raise AssertionError(f"nbgrader {' '.join(args)} exited {done.returncode}:\n{done.stderr[-3000:]}")
    return done


def grade_id(cell) -> str | None:
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def submit(course: Path, student: str, edit) -> Path:
    """A student's notebook: the released one with solution cells edited, under submitted/."""
    source = nbformat.read(course / "source" / CHAPTER / f"{CHAPTER}.ipynb", 4)
    answers = {
        grade_id(c): remove_markers(c.source) for c in source.cells if c.metadata.get("nbgrader", {}).get("solution")
    }
    notebook = nbformat.read(course / "release" / CHAPTER / f"{CHAPTER}.ipynb", 4)
    for cell in notebook.cells:
        if grade_id(cell) in answers:
            cell.source = edit(grade_id(cell), answers[grade_id(cell)])
    folder = course / "submitted" / student / CHAPTER
    folder.mkdir(parents=True)
    nbformat.write(notebook, folder / f"{CHAPTER}.ipynb")
    return folder / f"{CHAPTER}.ipynb"


def one_bug(cell_id: str, text: str) -> str:
    return text.replace("out = np.maximum(0, x)", "out = np.maximum(0.01 * x, x)")  # leaky where relu belongs


def noisy(cell_id: str, text: str) -> str:
    """Correct, but warns and prints to stderr every time affine_forward runs."""
    if cell_id == f"{CHAPTER}-layers-affine_forward":
        noise = (
            "    import sys, warnings\n"
            '    warnings.warn("affine_forward: this loop is slow", RuntimeWarning)\n'
            '    print("debug: affine_forward called", file=sys.stderr)\n'
        )
        text = text.replace('    """\n', '    """\n' + noise, 1)  # right after the docstring
        assert "warnings.warn" in text
    return text


EDITS = {"onebug": one_bug, "warning": noisy}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """The ch3 course after generate_assignment, autograde, generate_feedback and export."""
    root = tmp_path_factory.mktemp("course")
    points = write_course(root, [CHAPTER], log=lambda line: None)[CHAPTER]
    nbgrader(root, "generate_assignment", CHAPTER, "--force")
    for student in STUDENTS:
        submit(root, student, EDITS[student])
    nbgrader(root, "autograde", CHAPTER, "--force")
    nbgrader(root, "generate_feedback", CHAPTER, "--force")
    nbgrader(root, "export", "--to", str(root / "grades.csv"))
    with open(root / "grades.csv", newline="", encoding="utf-8") as handle:
        grades = {row["student_id"]: row for row in csv.DictReader(handle)}
    return {"root": root, "points": points, "grades": grades}


def hidden_points_by_exercise(chapter: str = CHAPTER) -> dict[str, float]:
    """What the hidden suite is worth per exercise, as pytest collects it."""
    return isolated_scores(None, chapter)[1]


def isolated_scores(folder: Path | None, chapter: str = CHAPTER) -> tuple[dict[str, float], dict[str, float]]:
    """(score, max) per exercise from the hidden suite run in-process against ``folder``."""
    suite = [str(ROOT / "tests" / chapter)]
    result = run_suite(suite, str(folder)) if folder else run_suite(suite, "solutions", extra=["--collect-only"])
    assert not result.error, result.error + result.output_tail()
    rows = result.exercises
    return {r.exercise: r.score for r in rows}, {r.exercise: r.max_score for r in rows}


def cell_scores(root: Path, student: str) -> dict[str, float]:
    """Points per exercise from nbgrader's autograded notebook."""
    return notebook_scores(nbformat.read(root / "autograded" / student / CHAPTER / f"{CHAPTER}.ipynb", 4))


def notebook_scores(notebook) -> dict[str, float]:
    """Points per exercise of an executed notebook (numeric results of its test cells)."""
    scores = {}
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if not meta.get("grade"):
            continue
        exercise = meta["grade_id"].split("-")[2]
        results = [o for o in cell.outputs if o.output_type == "execute_result"]
        errors = [o for o in cell.outputs if o.output_type == "error" or o.get("name") == "stderr"]
        scores[exercise] = 0.0 if errors else float(results[-1].data["text/plain"]) if results else meta["points"]
    return scores


def test_cell_points_equal_the_hidden_suite(course):
    assert course["points"] == pytest.approx(hidden_points_by_exercise())


@pytest.mark.parametrize("chapter", chapters(HIDDEN_TESTS))
def test_every_chapter_scores_alike_on_every_road(chapter, tmp_path):
    """The parity sample (`dlgrade selftest --paths --sample`): the complete, the blank and two wrong answers
    of the chapter, as a folder, a notebook and nbgrader's submitted/, graded in-process, by `dlgrade grade`
    and by stock nbgrader, score the same on every exercise; the complete notebook shows every public test
    passing; the cells are worth the hidden suite's points."""
    verdicts, _ = check_chapter(chapter, tmp_path, sample=True)
    assert [v.variant.student for v in verdicts][:2] == ["complete", "blank"] and len(verdicts) >= 3
    complete, blank = verdicts[0].scores["nbgrader"], verdicts[1].scores["nbgrader"]
    assert complete == pytest.approx(hidden_points_by_exercise(chapter)) and not any(blank.values())
    differences = {v.variant.student: v.differences() for v in verdicts}
    assert differences == {s: [] for s in differences}


def test_source_notebook_metadata_is_nbgrader_schema_3(course):
    notebook = nbformat.read(course["root"] / "source" / CHAPTER / f"{CHAPTER}.ipynb", 4)
    nbformat.validate(notebook)
    ids = [grade_id(c) for c in notebook.cells if grade_id(c)]
    assert len(ids) == len(set(ids)), "grade_ids must be unique"
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader")
        if meta is None:
            continue
        keys = {"schema_version", "grade", "solution", "locked", "grade_id"} | ({"points"} if meta["grade"] else set())
        assert set(meta) == keys and meta["schema_version"] == 3, meta
        if meta["grade"]:
            assert meta["points"] > 0 and meta["locked"] and "### BEGIN HIDDEN TESTS" in cell.source
        if meta["solution"]:
            assert "### BEGIN SOLUTION" in cell.source and cell.source.lstrip().startswith(("def ", "class "))


def test_released_notebook_has_no_solutions_or_hidden_tests(course):
    release = course["root"] / "release" / CHAPTER
    texts = {path.name: path.read_text(encoding="utf-8") for path in release.iterdir() if path.is_file()}
    assert set(texts) == {f"{CHAPTER}.ipynb", "dlgrade_runner.py", "dlgrade_testing.py"}
    for name, text in texts.items():
        for secret in (
            "BEGIN SOLUTION",
            "BEGIN HIDDEN TESTS",
            "np.maximum(0, x)",
            "test_affine_forward_matches_reference",
        ):
            assert secret not in text, f"{name} contains {secret!r}"
    assert "embedded_reference(" not in texts[f"{CHAPTER}.ipynb"]


def test_exported_scores(course):
    grades = course["grades"]
    total = sum(course["points"].values())
    assert set(grades) == set(STUDENTS)
    for row in grades.values():
        assert float(row["max_score"]) == pytest.approx(total)
    assert 0 < float(grades["onebug"]["score"]) < total
    assert float(grades["warning"]["score"]) == pytest.approx(total), "stderr must not cost a correct answer points"


def test_feedback_does_not_reveal_hidden_tests(course):
    for student in STUDENTS:
        html = (course["root"] / "feedback" / student / CHAPTER / f"{CHAPTER}.html").read_text(encoding="utf-8")
        assert "hidden check 1" in html  # results are there, by number
        for secret in (
            "BEGIN HIDDEN TESTS",
            "embedded_reference",
            "test_affine_forward_matches_reference",
            "AFFINE_SHAPES",
            "check_backward(",
        ):
            assert secret not in html, f"feedback of {student} shows {secret!r}"


def test_one_bug_costs_only_the_exercises_it_breaks(course):
    scores = cell_scores(course["root"], "onebug")
    assert scores["relu_forward"] == 0
    assert scores["affine_forward"] == course["points"]["affine_forward"]


@pytest.mark.parametrize("student", STUDENTS)
def test_notebook_scores_equal_the_hidden_suite_on_rebuilt_modules(course, student, tmp_path):
    """modules_from_notebook + the hidden suite in-process give nbgrader's points, per exercise."""
    write_modules(course["root"] / "submitted" / student / CHAPTER / f"{CHAPTER}.ipynb", tmp_path)
    isolated, _ = isolated_scores(tmp_path)
    assert cell_scores(course["root"], student) == pytest.approx(isolated)


def test_dlgrade_grade_gives_the_same_points_per_exercise(course, tmp_path):
    out = tmp_path / "out"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "grader",
            "grade",
            str(course["root"] / "submitted"),
            "--out",
            str(out),
            "--chapters",
            CHAPTER,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert (out / "grades.csv").exists(), done.stderr[-2000:]
    with open(out / "grades.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for student in STUDENTS:
        theirs = {r["exercise"]: float(r["score"]) for r in rows if r["student"] == student and r["chapter"] == CHAPTER}
        assert theirs == pytest.approx(cell_scores(course["root"], student)), student


def test_modules_from_notebook_rebuilds_importable_modules(course):
    modules = modules_from_notebook(course["root"] / "source" / CHAPTER / f"{CHAPTER}.ipynb")
    assert {f"{CHAPTER}/layers.py", f"{CHAPTER}/network.py", f"{CHAPTER}/__init__.py"} <= set(modules)
    for rel, text in modules.items():
        compile(text, rel, "exec")
    assert "def affine_forward(x, w, b):" in modules[f"{CHAPTER}/layers.py"]
    assert "def test_" not in "".join(modules.values())


@pytest.mark.parametrize(
    "content,message",
    [
        ("{not json", "not a readable notebook"),
        (json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}), "no solution cells"),
    ],
)
def test_modules_from_notebook_rejects_broken_notebooks(tmp_path, content, message):
    path = tmp_path / "ch3.ipynb"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(NotebookError, match=message):
        modules_from_notebook(path)


def test_modules_from_notebook_rejects_repeated_grade_ids(course, tmp_path):
    notebook = nbformat.read(course["root"] / "release" / CHAPTER / f"{CHAPTER}.ipynb", 4)
    solution = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("solution"))
    notebook.cells.append(nbformat.from_dict(json.loads(json.dumps(solution))))
    notebook.cells[-1].id = "copied"
    nbformat.write(notebook, tmp_path / "ch3.ipynb")
    with pytest.raises(NotebookError, match="repeats grade_id"):
        modules_from_notebook(tmp_path / "ch3.ipynb")


def test_cli_rejects_unknown_chapter(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "grader", "nbgrader", str(tmp_path / "c"), "--chapters", "ch99"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and "unknown chapter ch99" in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_shipped_helpers_hold_no_tests_or_solutions(course):
    folder = course["root"] / "source" / CHAPTER
    for name in ("dlgrade_runner.py", "dlgrade_testing.py"):
        text = (folder / name).read_text(encoding="utf-8")
        assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN" not in text and "import grader" not in text
        assert "test_affine_forward_matches_reference" not in text and "x.reshape(x.shape[0], -1)" not in text
    assert shutil.which("alembic", path=str(BIN)), "nbgrader needs alembic beside it"


# ------------------------------------------------------------------ the student's view (issue: notebook feedback)


def mixed(cell_id: str, text: str) -> str | None:
    """affine_forward without the bias, sigmoid_forward broken (a syntax error), tanh_forward correct,
    everything else not started (None: the released stub stays)."""
    if cell_id.endswith("-affine_forward"):
        return text.replace("out = rows @ w + b", "out = rows @ w")
    if cell_id.endswith("-sigmoid_forward"):
        return text.replace("e = np.exp(-np.abs(x))", "e = np.exp(-np.abs(x)")
    if cell_id.endswith("-tanh_forward"):
        return text
    return None


@pytest.fixture(scope="module")
def student_view(course):
    """The released ch3 notebook, filled in by `mixed`, run as Jupyter runs it (Restart & Run All)."""
    from nbclient import NotebookClient

    root = course["root"]
    source = nbformat.read(root / "source" / CHAPTER / f"{CHAPTER}.ipynb", 4)
    answers = {
        grade_id(c): remove_markers(c.source) for c in source.cells if c.metadata.get("nbgrader", {}).get("solution")
    }
    notebook = nbformat.read(root / "release" / CHAPTER / f"{CHAPTER}.ipynb", 4)
    for cell in notebook.cells:
        cell_id = grade_id(cell)
        edited = mixed(cell_id, answers[cell_id]) if cell_id is not None and cell_id in answers else None
        if edited is not None:
            cell.source = edited
    folder = root / "release" / CHAPTER
    NotebookClient(
        notebook, timeout=300, kernel_name="python3", allow_errors=True, resources={"metadata": {"path": str(folder)}}
    ).execute()
    return {grade_id(c): c for c in notebook.cells if grade_id(c)}


def shown(cell) -> str:
    """Everything a cell shows: streams, displays, and errors as Jupyter prints them."""
    parts = []
    for output in cell.outputs:
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type == "error":
            parts.append("\n".join(output.traceback))
        else:
            parts.append(output.get("data", {}).get("text/plain", ""))
    return "\n".join(parts)


def errors(cell) -> list:
    return [o for o in cell.outputs if o.output_type == "error"]


def test_a_failing_test_cell_shows_the_checks_message_and_no_runner_traceback(student_view):
    cell = student_view[f"{CHAPTER}-layers-affine_forward-tests"]
    text = shown(cell)
    assert "FAIL test_affine_forward_matches_cs231n_example: affine_forward output (each row of x flattened" in text
    assert len(errors(cell)) == 1 and errors(cell)[0].ename == "TestsFailed", "the cell must still fail"
    assert len(errors(cell)[0].traceback) == 1, "one line, no traceback"
    assert "affine_forward: failing (the lines above say why)" in errors(cell)[0].traceback[0]
    for internal in ("dlgrade_runner", "Traceback", "pytest.main", "_pytest"):
        assert internal not in text


def test_a_correct_answer_passes_its_visible_tests(student_view):
    cell = student_view[f"{CHAPTER}-layers-tanh_forward-tests"]
    assert not errors(cell) and "tanh_forward: 1 of 1 public tests passed" in shown(cell)


def test_a_stub_reads_not_started(student_view):
    cell = student_view[f"{CHAPTER}-layers-relu_forward-tests"]
    assert "not started" in shown(cell) and "Traceback" not in shown(cell)


def test_broken_code_is_named_with_its_cell_and_line(student_view):
    text = shown(student_view[f"{CHAPTER}-layers-sigmoid_forward-tests"])
    assert re.search(r"sigmoid_forward: broken: its cell \(In \[\d+\]\) does not run: line \d+: SyntaxError", text), (
        text
    )


def test_the_progress_cell_shows_every_exercise_and_what_to_do_next(student_view):
    text = shown(student_view[f"{CHAPTER}-progress"])
    assert re.search(r"affine_forward\s+failing", text) and re.search(r"tanh_forward\s+passing", text)
    assert re.search(r"sigmoid_forward\s+broken", text) and re.search(r"relu_forward\s+not started", text)
    assert "Next: affine_forward (failing: affine_forward output (each row of x flattened" in text
