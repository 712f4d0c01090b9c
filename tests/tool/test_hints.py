"""Hints: three levels for every exercise, no line of a solution in them, one more level per call."""

import re

import pytest

from grader import hints
from grader.authoring.markers import BEGIN, END
from grader.catalog import chapter_exercises
from grader.paths import SOLUTIONS, chapters

REQUIRED = {"ch3", "ch5", "ch6", "ch8", "ch10"}
CHAPTERS_WITH_HINTS = [c for c in chapters(SOLUTIONS) if (SOLUTIONS / c / hints.FILE).is_file()]


def test_the_core_chapters_have_hints():
    assert set(CHAPTERS_WITH_HINTS) >= REQUIRED


def normal(text: str) -> str:
    return " ".join(text.split())


def solution_lines(chapter: str) -> set[str]:
    """Every line inside a solution block of the chapter, stripped (short ones like `return x` aside)."""
    lines = set()
    for path in (SOLUTIONS / chapter).glob("*.py"):
        inside = False
        for line in path.read_text(encoding="utf-8").splitlines():
            text = line.strip()
            if text.startswith(BEGIN):
                inside = True
            elif text.startswith(END):
                inside = False
            elif inside and len(text) >= 12 and not text.startswith("#"):
                lines.add(normal(text))
    return lines


@pytest.mark.parametrize("chapter", CHAPTERS_WITH_HINTS)
def test_every_exercise_has_three_levels(chapter):
    written = hints.load(SOLUTIONS / chapter)
    exercises = [d.exercise for d in chapter_exercises(SOLUTIONS / chapter)]
    assert exercises
    missing = [e for e in exercises if e not in written]
    assert not missing, f"{chapter}/hints.toml has no hints for {missing}"
    for exercise in exercises:
        levels = written[exercise]
        assert set(levels) == {key for key, _ in hints.LEVELS}, f"{exercise}: levels {sorted(levels)}"
        assert all(len(normal(levels[key])) >= 30 for key, _ in hints.LEVELS), f"{exercise}: a level is too short"
    assert not set(written) - set(exercises), f"hints for unknown exercises: {set(written) - set(exercises)}"


@pytest.mark.parametrize("chapter", CHAPTERS_WITH_HINTS)
def test_no_hint_contains_a_line_of_the_solution(chapter):
    text = normal(" ".join(v for levels in hints.load(SOLUTIONS / chapter).values() for v in levels.values()))
    found = [line for line in solution_lines(chapter) if line in text]
    assert not found, f"{chapter}/hints.toml gives away solution lines: {found[:3]}"
    assert not re.search(r"\bnp\.[a-z_]+\(", text), "hints name ideas, not numpy calls"


def write_chapter(base, chapter, exercise, with_hints=True):
    folder = base / chapter
    folder.mkdir(parents=True)
    (folder / "test_thing.py").write_text(
        f'import pytest\n\n\n@pytest.mark.exercise("{exercise}")\ndef test_it():\n    pass\n'
    )
    if with_hints:
        (folder / "hints.toml").write_text(
            f'[{exercise}]\nidea = "IDEA-TEXT"\nmaths = "MATHS-TEXT"\nshapes = "SHAPES-TEXT"\n'
        )


def test_each_call_reveals_one_more_level_and_remembers_it(tmp_path):
    base, root = tmp_path / "exercises", tmp_path
    write_chapter(base, "ch3", "affine_backward")
    first = hints.hint("affine_backward", root=root, base=base)
    assert "hint 1 of 3" in first and "IDEA-TEXT" in first and "MATHS-TEXT" not in first
    second = hints.hint("affine_backward", root=root, base=base)
    assert "hint 2 of 3" in second and "IDEA-TEXT" in second and "MATHS-TEXT" in second and "SHAPES-TEXT" not in second
    third = hints.hint("affine_backward", root=root, base=base)
    assert "SHAPES-TEXT" in third and "last hint" in third
    assert "hint 3 of 3" in hints.hint("affine_backward", root=root, base=base)
    assert (root / ".dlgrade" / "hints.json").is_file()
    hints.hint("affine_backward", root=root, base=base, reset=True)
    assert "hint 1 of 3" in hints.hint("affine_backward", root=root, base=base)


def test_a_chapter_without_hints_and_an_unknown_exercise(tmp_path):
    base = tmp_path / "exercises"
    write_chapter(base, "ch4", "grad", with_hints=False)
    assert "no hints for this exercise yet" in hints.hint("grad", root=tmp_path, base=base)
    with pytest.raises(hints.HintError, match="did you mean grad"):
        hints.hint("gradd", root=tmp_path, base=base)
