"""Scores from outcomes (grader.grading.scoring): every expected test counts, and only once."""

import pytest

from grader.grading.scoring import ExerciseScore, Outcome, by_exercise, same_problem, score_tests


def expected(nodeid: str, exercise: str, points: float = 1.0, module: str = "layers", chapter: str = "ch3") -> Outcome:
    return Outcome(f"tests/{chapter}/test_{module}.py::{nodeid}", chapter, module, exercise, points)


EXPECTED = [
    expected("test_a[0]", "affine_forward", 2.0),
    expected("test_a[1]", "affine_forward", 2.0),
    expected("test_b", "affine_backward", 3.0),
    expected("test_c", "relu_forward"),
]


def reported(test: Outcome, status: str, message: str = "") -> Outcome:
    """What a student's run says about ``test``; it may also lie about the points and the exercise."""
    return Outcome(test.nodeid, test.chapter, test.module, "something_else", 100.0, status, message)  # type: ignore[arg-type]


def test_reported_statuses_are_kept_and_points_come_from_the_expected_tests():
    runs = [
        reported(EXPECTED[0], "passed"),
        reported(EXPECTED[1], "failed", "affine_forward output: shape (2, 3), expected (3, 2)"),
        reported(EXPECTED[2], "not started", "not started: affine_backward"),
        reported(EXPECTED[3], "passed"),
    ]
    results = score_tests(EXPECTED, runs)
    assert [r.status for r in results] == ["passed", "failed", "not started", "passed"]
    assert [(r.exercise, r.points) for r in results] == [(t.exercise, t.points) for t in EXPECTED]
    assert results[0].message == "" and results[1].message.startswith("affine_forward output: shape")


def test_tests_the_run_did_not_report_fail():
    results = score_tests(EXPECTED, [reported(EXPECTED[0], "passed"), reported(expected("test_extra", "x"), "passed")])
    assert [r.status for r in results] == ["passed", "not run", "not run", "not run"]
    assert results[1].message == "did not report" and not results[1].passed
    assert len(results) == len(EXPECTED), "a test the suite does not expect is ignored"


def test_a_problem_with_the_submission_fails_every_test():
    results = score_tests(EXPECTED, [reported(t, "passed") for t in EXPECTED], problem="alice: no such folder")
    assert all(r.status == "failed" and r.message == "alice: no such folder" for r in results)


def test_exercise_totals_in_course_order():
    results = [
        expected("test_l", "softmax_loss", 1.0, module="losses"),
        *score_tests(EXPECTED, [reported(EXPECTED[0], "passed"), reported(EXPECTED[3], "passed")]),
    ]
    rows = by_exercise(results)
    assert [r.exercise for r in rows] == ["affine_forward", "affine_backward", "relu_forward", "softmax_loss"]
    forward = rows[0]
    assert (forward.score, forward.max_score, forward.passed, forward.tests) == (2.0, 4.0, 1, 2)
    assert forward.status == "failing" and forward.message == "did not report"
    assert rows[2].status == "passing" and rows[2].message == ""


def test_an_exercise_whose_every_failure_is_a_stub_is_not_started():
    stub = [replace_status(t, "not started", "not started: affine_forward") for t in EXPECTED[:2]]
    (row,) = by_exercise(stub)
    assert row.status == "not started" and row.score == 0 and row.max_score == 4
    (mixed,) = by_exercise([stub[0], replace_status(EXPECTED[1], "failed", "affine_forward: NaN")])
    assert mixed.status == "failing"


def test_the_same_problem_measured_differently_is_listed_once():
    first = (
        "affine_forward output: values differ from the expected ones (largest relative error 1e-01, tolerance 1e-06)"
    )
    second = first.replace("1e-01", "3e+00")
    assert same_problem(first, second) and not same_problem(first, "affine_forward: contains NaN or infinity")
    (row,) = by_exercise([replace_status(EXPECTED[0], "failed", first), replace_status(EXPECTED[1], "failed", second)])
    assert row.messages == [first]


def test_outcomes_and_scores_survive_json():
    outcome = replace_status(EXPECTED[2], "not started", "not started: affine_backward")
    assert Outcome.from_json(outcome.to_json()) == outcome
    (row,) = by_exercise([outcome])
    assert ExerciseScore.from_json(row.to_json()) == row


@pytest.mark.parametrize(
    "broken",
    [{"nodeid": "x"}, {**EXPECTED[0].to_json(), "status": "won"}, {**EXPECTED[0].to_json(), "points": "many"}],
    ids=["fields missing", "unknown status", "points not a number"],
)
def test_a_malformed_outcome_is_refused(broken):
    with pytest.raises(ValueError, match=r"malformed|unknown test status"):
        Outcome.from_json(broken)


def test_outcomes_cannot_be_changed_in_place():
    with pytest.raises(AttributeError):
        EXPECTED[0].status = "passed"  # type: ignore[misc]


def replace_status(test: Outcome, status: str, message: str) -> Outcome:
    return score_tests([test], [reported(test, status, message)])[0]
