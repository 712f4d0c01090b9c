"""Submission forms without a kernel: a folder's modules into a chapter notebook and back, and the
parity tool's choice of submissions."""

from __future__ import annotations

import ast

import nbformat
import pytest

from grader.authoring import mutants as corpus
from grader.authoring.markers import remove_markers
from grader.notebooks.cells import Chapter
from grader.notebooks.convert import modules_from_notebook
from grader.notebooks.fill import cleared, folder_modules, released, student_notebook
from grader.notebooks.parity import ROADS, Variant, Verdict, variants
from grader.paths import EXERCISES, HIDDEN_TESTS, ROOT, SOLUTIONS, chapters


def functions(text: str) -> dict[str, str]:
    """Top-level functions and classes of a module, as source text (markers removed)."""
    tree = ast.parse(remove_markers(text))
    return {n.name: ast.unparse(n) for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}


@pytest.fixture(scope="module")
def ch3_notebook():
    return Chapter("ch3").build().notebook()


@pytest.mark.parametrize("folder", [SOLUTIONS, EXERCISES, ROOT / "examples" / "submissions" / "complete"])
def test_a_folder_survives_the_round_trip_through_a_notebook(ch3_notebook, folder, tmp_path):
    modules = folder_modules(folder, "ch3")
    rebuilt = tmp_path / "ch3.ipynb"

    nbformat.write(student_notebook(ch3_notebook, modules), rebuilt)
    back = modules_from_notebook(rebuilt)
    for rel, text in modules.items():
        if rel.endswith("__init__.py"):
            continue
        mine, theirs = functions(text), functions(back[rel])
        assert set(mine) <= set(theirs), rel
        assert all(mine[name] == theirs[name] for name in mine), rel


def test_a_student_notebook_holds_no_hidden_tests_and_no_outputs(ch3_notebook):
    notebook = student_notebook(ch3_notebook, {})
    text = "\n".join(cell.source for cell in notebook.cells)
    assert "BEGIN HIDDEN TESTS" not in text and "embedded_reference" not in text
    assert "raise NotImplementedError()" in text and "### BEGIN SOLUTION" not in text
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")


def test_released_and_cleared_match_nbgrader():
    cell = "a\n### BEGIN HIDDEN TESTS\nsecret\n### END HIDDEN TESTS\nb"
    assert released(cell) == "a\nb"
    stub = cleared("def f(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION\n")
    assert stub == "def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n"


def test_a_syntax_error_lands_whole_in_the_modules_first_solution_cell(ch3_notebook):
    broken = (ROOT / "examples" / "submissions" / "broken" / "ch3" / "layers.py").read_text(encoding="utf-8")
    notebook = student_notebook(ch3_notebook, {"ch3/layers.py": broken})
    first = next(
        c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "ch3-layers-affine_forward"
    )
    assert first.source == broken


@pytest.mark.parametrize("chapter", chapters(HIDDEN_TESTS))
def test_the_sample_has_the_complete_the_blank_and_two_wrong_answers(chapter):
    sample, _ = variants(chapter, sample=True)
    everything, left_out = variants(chapter)
    assert [v.student for v in sample][:3] == ["complete", "blank", "wrong01"]
    handed_in = [m for m in corpus.load(chapter) if any(m.description in v.what for v in sample[2:])]
    assert len(handed_in) == 2, "two wrong answers, together or apart"
    assert len(everything) + len(left_out) == 2 + len(corpus.load(chapter))
    assert not any(v.slow for v in sample), "answers that only cost time are for the full run"


def test_an_answer_that_only_costs_time_must_lose_points_on_every_road_not_the_same_points():
    """Each road has its own time limits (30 s a call and 120 s a test in the worker, 30 s a test and 240 s a
    cell in a notebook), so a slow answer is held to being caught on every road; any other answer to equal
    points per exercise."""
    complete = {"toposort": 6.0, "evaluate": 4.0}

    def wrong() -> dict[str, dict[str, float]]:
        return {road: {"toposort": 5.0, "evaluate": 4.0} for road in ROADS}

    slow = Verdict(Variant("wrong01", "toposort: exponential", {}, slow=True), ROADS, wrong())
    slow.scores["nbgrader"] = {"toposort": 0.0, "evaluate": 4.0}
    assert slow.differences(complete) == []
    slow.scores["grade folder"] = dict(complete)
    assert slow.differences(complete) == ["grade folder: full marks for an answer that only costs time"]
    exact = Verdict(Variant("wrong02", "toposort: pre-order", {}), ROADS, wrong())
    exact.scores["nbgrader"] = {"toposort": 0.0, "evaluate": 4.0}
    assert exact.differences(complete) == ["toposort: pytest 5.0, nbgrader 0.0"]
