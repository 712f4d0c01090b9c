"""Small parts of the student loop: messages from numpy's assertions, the history, exercises read from test files."""

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from grader import history
from grader.catalog import declared_in
from grader.diagnose import import_problem, numpy_failure
from grader.grading.scoring import ExerciseScore


def numpy_message(*args, **kwargs) -> str:
    with pytest.raises(AssertionError) as raised:
        np.testing.assert_allclose(*args, **kwargs)
    return str(raised.value)


def test_numpy_failures_become_one_line():
    message = numpy_failure(numpy_message(np.ones(3), np.ones(3) * 1.1, rtol=1e-6, err_msg="db"))
    assert message is not None
    assert message.startswith("db: values differ from the expected ones (3 / 3 elements differ")
    assert numpy_failure(numpy_message(np.ones(2), np.zeros(3))) == "shape (2,), expected (3,)"
    assert numpy_failure("assert 1 == 2") is None


def test_an_import_problem_names_the_students_file_and_line(tmp_path):
    chapter = tmp_path / "ch3"
    chapter.mkdir()
    (chapter / "losses.py").write_text("import numpy as np\nimport torch\n")
    namespace: dict = {}
    with pytest.raises(ModuleNotFoundError) as raised:
        exec(compile((chapter / "losses.py").read_text(), str(chapter / "losses.py"), "exec"), namespace)
    problem = import_problem(raised.value, tmp_path)
    assert problem.startswith("ch3/losses.py line 2: ModuleNotFoundError: No module named 'torch'")
    assert "may import only numpy" in problem


def test_history_keeps_each_change_of_status(tmp_path):
    start = datetime(2026, 1, 1, tzinfo=UTC)
    rows = {
        "not started": ExerciseScore("ch3", "layers", "affine_forward", 0, 1, 0, 1, ["not started: affine_forward"]),
        "failing": ExerciseScore("ch3", "layers", "affine_forward", 0, 1, 0, 1, ["affine_forward output: ..."]),
        "passing": ExerciseScore("ch3", "layers", "affine_forward", 1, 1, 1, 1),
    }
    for minutes, status in ((0, "not started"), (5, "failing"), (6, "failing"), (9, "passing")):
        history.record(tmp_path, [rows[status]], when=start + timedelta(minutes=minutes))
    with (tmp_path / ".dlgrade" / "history.jsonl").open("a") as handle:
        handle.write("not json\n")
    timeline = history.timelines(tmp_path, "ch3")["ch3/affine_forward"]
    assert [status for _, status in timeline] == ["not started", "failing", "passing"]
    assert len(history.runs(tmp_path)) == 4
    assert history.timelines(tmp_path, "ch5") == {}


def test_exercises_are_read_from_marks_and_params(tmp_path):
    path = tmp_path / "ch3" / "test_layers.py"
    path.parent.mkdir()
    path.write_text(
        "import pytest\n\n"
        '@pytest.mark.exercise("affine_forward", points=2)\ndef test_a():\n    pass\n\n'
        '@pytest.mark.parametrize("x", [pytest.param(1, marks=pytest.mark.exercise("relu_forward")),\n'
        '    pytest.param(2, marks=pytest.mark.exercise("relu_backward"))])\ndef test_b(x):\n    pass\n'
    )
    found = [(d.test, d.exercise, d.points) for d in declared_in(path)]
    assert found == [
        ("test_a", "affine_forward", 2.0),
        ("test_b", "relu_forward", 1.0),
        ("test_b", "relu_backward", 1.0),
    ]
