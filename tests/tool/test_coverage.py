"""Which hidden test catches which wrong answer: counting, justification, reach."""

import textwrap

from grader.authoring.coverage import Coverage, function_of, justified, suites_reaching


def test_a_test_function_bites_when_any_of_its_cases_fails_on_a_wrong_answer():
    tests = ["t.py::test_a[1]", "t.py::test_a[2]", "t.py::test_b", "t.py::test_c[x]", "t.py::test_d"]
    coverage = Coverage(tests, smoke={"t.py::test_d": "a public example", "t.py::test_b": "said, but bites"})
    coverage.record(1, ["t.py::test_a[2]", "t.py::test_b"])
    coverage.record(2, ["t.py::test_a[2]"])
    assert coverage.functions()["t.py::test_a"] == {1, 2}
    assert coverage.biting() == (2, 4) and coverage.biting_cases() == (2, 5)
    assert coverage.uncaught() == ["t.py::test_c"]
    assert coverage.justified() == {"t.py::test_d": "a public example"}
    assert function_of("tests/ch3/test_x.py::test_y[a-[b]]") == "tests/ch3/test_x.py::test_y"


def test_the_smoke_marker_gives_the_reason(tmp_path):
    (tmp_path / "ch1").mkdir()
    (tmp_path / "ch1" / "test_thing.py").write_text(
        textwrap.dedent(
            """
            import pytest

            @pytest.mark.exercise("thing")
            @pytest.mark.smoke("the public example once more")
            def test_example(thing):
                pass

            @pytest.mark.exercise("thing")
            def test_other(thing):
                pass
            """
        )
    )
    assert justified("ch1", tests=tmp_path) == {"test_thing.py::test_example": "the public example once more"}


def test_an_edit_reaches_the_suites_of_the_modules_that_import_it(tmp_path):
    solutions, tests = tmp_path / "solutions", tmp_path / "tests"
    (solutions / "ch1").mkdir(parents=True)
    (tests / "ch1").mkdir(parents=True)
    (solutions / "ch1" / "base.py").write_text("X = 1\n")
    (solutions / "ch1" / "middle.py").write_text("from .base import X\n")
    (solutions / "ch1" / "top.py").write_text("from . import middle\n")
    (solutions / "ch1" / "alone.py").write_text("Y = 2\n")
    for name in ("base", "middle", "top", "alone"):
        (tests / "ch1" / f"test_{name}.py").write_text("")
    reached = suites_reaching("ch1/base.py", solutions, tests)
    assert [p.rsplit("/", 1)[1] for p in reached] == ["test_base.py", "test_middle.py", "test_top.py"]
    assert [p.rsplit("/", 1)[1] for p in suites_reaching("ch1/alone.py", solutions, tests)] == ["test_alone.py"]
