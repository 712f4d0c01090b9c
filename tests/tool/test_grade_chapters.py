"""Every road grades chapter N on chapter N's code alone (grader.given), through the real `dlgrade grade`.

One class graded once (sandboxed workers, --jobs 2, chapters 5, 7 and 8, the chapters with dependencies):
the same wrong answer in a chapter folder alone, beside stubs of every other chapter, in a chapter
notebook, and in an nbgrader submission; plus a student who looks for the reference of chapter 5
wherever the worker can reach. (That nbgrader's own autograde gives those points too is the parity
sample's proof, every chapter: tests/tool/test_nbgrader.py.)
"""

from __future__ import annotations

import csv
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from grader.authoring import mutants as corpus
from grader.authoring.markers import remove_markers
from grader.isolation.sandbox import unavailable_reason
from grader.paths import EXERCISES, ROOT, chapters
from tests.tool.submission_files import reference_files, write_files

pytestmark = pytest.mark.skipif(unavailable_reason() is not None, reason=str(unavailable_reason()))
nbformat = pytest.importorskip("nbformat")

GRADED = ("ch5", "ch7", "ch8")
MUTANTS = {chapter: corpus.load(chapter)[0] for chapter in GRADED}  # one wrong answer per chapter: partial scores
BIN = Path(sys.executable).parent

CHEAT = '''

def _steal(name):
    """The first function ``name`` in any Python file this worker can read, except this one."""
    import importlib
    import os

    own = os.path.abspath(__file__)
    roots = [os.path.dirname(os.path.dirname(own)), os.getcwd(), os.path.expanduser("~"), "/tmp", "/mnt", {root!r}]
    for root in roots:
        for folder, _, files in os.walk(root):
            for file in files:
                path = os.path.join(folder, file)
                if not file.endswith(".py") or os.path.abspath(path) == own:
                    continue
                try:
                    text = open(path, encoding="utf-8").read()
                    if f"def {{name}}(" in text and "NotImplementedError" not in text:
                        namespace = {{"__name__": "stolen"}}
                        exec(compile(text, path, "exec"), namespace)
                        return namespace[name]
                except Exception:
                    continue
    for module in ("solutions.ch5.conv", "exercises.ch5.conv", __package__ + ".conv_reference"):
        try:
            found = getattr(importlib.import_module(module), name)
            if found is not conv_forward_naive:
                return found
        except Exception:
            continue
    return None


def conv_forward_naive(x, w, b, conv_param):
    if _steal("affine_forward") is None:
        raise RuntimeError("the search found not even the given chapter 3")
    stolen = _steal("conv_forward_naive")
    if stolen is None:
        raise NotImplementedError("conv_forward_naive: not started, see its docstring")
    return stolen(x, w, b, conv_param)
'''


def answer(chapter: str) -> dict[str, str]:
    mutant = MUTANTS[chapter]
    return {**reference_files(chapter), mutant.file: remove_markers(corpus.mutated_source(mutant))}


def stubs_except(kept: tuple[str, ...]) -> dict[str, str]:
    return {
        f"{other}/{p.name}": p.read_text(encoding="utf-8")
        for other in chapters(EXERCISES)
        if other not in kept
        for p in sorted((EXERCISES / other).glob("*.py"))
        if not p.name.startswith("test_")
    }


def mutated_notebook(notebook, chapter: str):
    """The chapter notebook with the chapter's wrong answer in its solution cell."""
    mutant = MUTANTS[chapter]
    cells = [c for c in notebook.cells if c.cell_type == "code" and mutant.find in c.source]
    assert len(cells) == 1, f"{mutant.description}: found in {len(cells)} cells"
    cells[0].source = cells[0].source.replace(mutant.find, mutant.replace)
    return notebook


def nbgrader(course: Path, *args: str) -> None:
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")  # nbgrader runs `alembic`
    done = subprocess.run(
        [str(BIN / "nbgrader"), *args], check=False, cwd=course, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, f"nbgrader {' '.join(args)}:\n{done.stderr[-3000:]}"


def nbgrader_submission(root: Path) -> Path:
    """An nbgrader ch5 course where student `nbgrader5` submitted the wrong answer; returns ``submitted/``."""
    if importlib.util.find_spec("nbgrader") is None:
        pytest.skip("nbgrader is the optional extra `nbgrader`")
    from grader.notebooks.nbgrader_course import write_course

    write_course(root, ["ch5"], log=lambda line: None)
    nbgrader(root, "generate_assignment", "ch5", "--force")
    source = nbformat.read(root / "source" / "ch5" / "ch5.ipynb", 4)
    answers = {
        c.metadata["nbgrader"]["grade_id"]: remove_markers(c.source)
        for c in source.cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }
    released = nbformat.read(root / "release" / "ch5" / "ch5.ipynb", 4)
    for cell in released.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in answers:
            cell.source = answers[gid]
    folder = root / "submitted" / "nbgrader5" / "ch5"
    folder.mkdir(parents=True)
    nbformat.write(mutated_notebook(released, "ch5"), folder / "ch5.ipynb")
    return root / "submitted"


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    from grader.notebooks.nbgrader_course import build_notebook

    base = tmp_path_factory.mktemp("chapters")
    klass = base / "class"
    write_files(klass / "alone5", answer("ch5"))
    write_files(klass / "alone7", answer("ch7"))
    write_files(klass / "alone8", answer("ch8"))
    write_files(klass / "full", {**stubs_except(GRADED), **answer("ch5"), **answer("ch7"), **answer("ch8")})
    (klass / "notebook5").mkdir()
    nbformat.write(mutated_notebook(build_notebook("ch5")[0], "ch5"), klass / "notebook5" / "ch5.ipynb")
    cheat = reference_files("ch5")
    cheat["ch5/conv.py"] += CHEAT.format(root=str(ROOT))
    write_files(klass / "cheat5", cheat)
    submitted = nbgrader_submission(base / "course")
    out = base / "out"
    options = ["--out", out, "--chapters", ",".join(GRADED), "--jobs", "2"]
    grading = subprocess.Popen(
        [sys.executable, "-m", "grader", "grade", *sorted(klass.iterdir()), submitted, *options],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    _, errors = grading.communicate(timeout=1200)
    assert (out / "grades.csv").exists(), errors[-3000:]
    scores: dict[str, dict[str, dict[str, float]]] = {}
    most: dict[str, dict[str, float]] = {}
    with open(out / "grades.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            scores.setdefault(row["student"], {}).setdefault(row["chapter"], {})[row["exercise"]] = float(row["score"])
            most.setdefault(row["chapter"], {})[row["exercise"]] = float(row["max_score"])
    return {"out": out, "scores": scores, "max": most}


def test_a_chapter_alone_scores_like_a_full_submission(graded):
    scores = graded["scores"]
    for chapter, alone in (("ch5", "alone5"), ("ch7", "alone7"), ("ch8", "alone8")):
        assert scores[alone][chapter] == scores["full"][chapter], chapter
        assert sum(scores[alone][chapter].values()) > 0, chapter
    assert scores["alone8"]["ch8"]["hogwild"] > 0 and scores["alone8"]["ch8"]["downpour"] > 0


def test_the_wrong_answers_cost_points(graded):
    for chapter, alone in (("ch5", "alone5"), ("ch7", "alone7"), ("ch8", "alone8")):
        exercise = MUTANTS[chapter].description.split(":")[0]
        assert graded["scores"][alone][chapter][exercise] < graded["max"][chapter][exercise], chapter


def test_a_chapter_notebook_scores_like_its_folder(graded):
    assert graded["scores"]["notebook5"]["ch5"] == graded["scores"]["alone5"]["ch5"]


def test_an_nbgrader_submission_scores_like_its_folder(graded):
    assert graded["scores"]["nbgrader5"]["ch5"] == graded["scores"]["alone5"]["ch5"]


def test_the_reference_of_the_graded_chapter_is_nowhere_the_worker_can_reach(graded):
    cheat = graded["scores"]["cheat5"]["ch5"]
    assert cheat["conv_forward_naive"] == 0
    feedback = (graded["out"] / "cheat5" / "feedback.md").read_text(encoding="utf-8")
    assert "not started: conv_forward_naive" in feedback  # it found the given chapter 3, and no chapter 5
    assert "the search found not even" not in feedback
    assert cheat["ThreeLayerConvNet"] > 0


def test_a_missing_chapter_is_one_plain_line(graded):
    feedback = (graded["out"] / "alone5" / "feedback.md").read_text(encoding="utf-8")
    assert feedback.count("Not found, so their exercises score 0: ch7/, ch8/.") == 1 and "ch8 folder" not in feedback


def test_no_output_names_the_private_package(graded):
    for path in graded["out"].rglob("*"):
        if path.is_file():
            assert "_dlimpl_" not in path.read_text(encoding="utf-8", errors="replace"), path
