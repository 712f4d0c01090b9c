"""The outside corpus: correct answers written the way CS231n students write them get every point.

``tests/outside/setK/chN/<module>.py`` holds functions of chapter N's ``<module>.py`` in the idioms of completed
CS231n assignments: explicit loops instead of vectorisation, ``.dot`` and ``keepdims``, other cache layouts,
in-place updates of arrays the function made itself, ``config.setdefault``, ``np.random.seed`` in dropout,
and the formula variants the course accepts (ε inside RMSProp's square root, Adam's "efficient" ordering).
A submission is the reference module with its markers removed and those functions appended, so the later
definitions replace the reference's. Each set of each chapter is graded once (the second set writes the same
functions in other idioms), through the isolated worker as ``dlgrade grade`` does, and must score every
point; a correct variant that loses points is named with its exercise, test and message.

``tests/outside/ruled_out/chN/`` holds CS231n conventions the course grades as wrong (its docstrings say so):
each such submission loses points on exactly the exercises ``RULED_OUT`` names, with a message naming the
cause, and keeps every other point.
"""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

from grader.authoring.markers import remove_markers
from grader.authoring.selftest import isolated
from grader.grading.runner import SuiteResult, run_suite
from grader.paths import HIDDEN_TESTS, ROOT, SOLUTIONS

OUTSIDE = ROOT / "tests" / "outside"
CHAPTERS = ("ch3", "ch5", "ch6", "ch8")
SETS = ("set1", "set2")
ACCEPTED = [OUTSIDE / s / c for s in SETS for c in CHAPTERS]

# exercise -> words its failure message must contain: the conventions of other CS231n years that the course
# grades as wrong, and why (the docstring of each says so beforehand)
RULED_OUT = {
    "ch8": {
        "adam": "t = 2",  # 2017: t started at 1, so the first step's bias correction used t = 2
        "dropout_forward": "KEEP probability",  # 2016-2017: p was the probability of dropping a unit
        "dropout_backward": "dout * mask",  # the same submission's backward: its mask keeps 1 - p
        "batchnorm_backward": "shape (1, ",  # dgamma and dbeta shaped (1, D): the update would reshape gamma
    },
}


def fragments(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.py"))


def top_level_names(source: str) -> list[str]:
    tree = ast.parse(source)
    return [node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))]


def submission(chapter: str, folder: Path, dest: Path) -> Path:
    """The reference tree with the functions of ``folder`` appended to their modules of ``chapter``."""
    shutil.copytree(SOLUTIONS, dest, ignore=shutil.ignore_patterns("__pycache__", "test_*.py"))
    for fragment in fragments(folder):
        target = dest / chapter / fragment.name
        target.write_text(
            remove_markers(target.read_text(encoding="utf-8")) + "\n\n" + fragment.read_text(encoding="utf-8"),
            encoding="utf-8",
        )
    return dest


def grade(chapter: str, folder: Path, tmp_path: Path) -> SuiteResult:
    result = run_suite(
        [str(HIDDEN_TESTS / chapter)], str(submission(chapter, folder, tmp_path / "submission")), extra=isolated()
    )
    assert not (result.error or result.grader_error), result.error or result.grader_error + result.output_tail()
    assert result.tests, f"{chapter}: no hidden test ran"
    return result


def losses(result: SuiteResult) -> list[str]:
    return [f"{t.exercise}: {t.name}: {t.message}" for t in result.tests if not t.passed]


@pytest.mark.parametrize(
    "folder", ACCEPTED + [OUTSIDE / "ruled_out" / c for c in RULED_OUT], ids=lambda f: f"{f.parent.name}-{f.name}"
)
def test_every_function_of_the_corpus_replaces_one_of_the_reference(folder):
    """A misspelt name would add a function nobody grades: every definition must replace the reference's."""
    assert fragments(folder), f"no corpus in {folder}"
    for fragment in fragments(folder):
        reference = SOLUTIONS / folder.name / fragment.name
        assert reference.exists(), f"{fragment}: no module {fragment.name} in {folder.name}"
        extra = set(top_level_names(fragment.read_text(encoding="utf-8"))) - set(
            top_level_names(reference.read_text(encoding="utf-8"))
        )
        assert not extra, f"{fragment}: {sorted(extra)} are not exercises of {reference.name}"


@pytest.mark.parametrize("folder", ACCEPTED, ids=lambda f: f"{f.parent.name}-{f.name}")
def test_correct_cs231n_idioms_get_full_marks(folder, tmp_path):
    lost = losses(grade(folder.name, folder, tmp_path))
    assert not lost, f"{folder}: correct CS231n-style answers lost points:\n" + "\n".join(lost)


@pytest.mark.parametrize("chapter", sorted(RULED_OUT))
def test_ruled_out_conventions_lose_points_with_the_cause_named(chapter, tmp_path):
    result = grade(chapter, OUTSIDE / "ruled_out" / chapter, tmp_path)
    expected = RULED_OUT[chapter]
    failed = {t.exercise for t in result.tests if not t.passed}
    unexpected = [line for line in losses(result) if line.split(":", 1)[0] not in expected]
    assert not unexpected, f"{chapter}: lost points elsewhere:\n" + "\n".join(unexpected)
    assert failed == set(expected), f"{chapter}: kept the points of {sorted(set(expected) - failed)}"
    for exercise, words in expected.items():
        messages = [t.message for t in result.tests if t.exercise == exercise and not t.passed]
        assert any(words in m for m in messages), f"{exercise}: no message says {words!r}:\n" + "\n".join(messages)
