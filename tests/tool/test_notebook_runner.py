"""A notebook test cell's time limits: an answer that runs too long fails its tests, and the cell ends
before nbgrader's own limit per cell, which would cost the student the whole notebook."""

import time

from grader.defaults import CALL_TIMEOUT_S, PUBLIC_TEST_TIMEOUT_S
from grader.notebooks import notebook_runner as runner
from grader.notebooks.course_config import CELL_TIMEOUT_S
from grader.pytest_plugin import TIMEOUT_MESSAGE

CELL = """
import pytest


def forever():
    while True:
        pass


@pytest.mark.exercise("forever", points=2)
def test_forever():
    forever()


@pytest.mark.exercise("forever", points=1)
def test_quick():
    assert True
"""
TESTS = {"test_forever", "test_quick"}


def run_cell(hidden: set[str]) -> dict[str, runner.Outcome]:
    namespace: dict = {"__name__": "notebook"}
    exec(CELL, namespace)
    return {o.name: o for o in runner.run_pytest("forever", namespace, TESTS, hidden)}


def test_a_test_that_runs_too_long_is_stopped_with_a_plain_message(monkeypatch):
    monkeypatch.setattr(runner, "HIDDEN_TEST_LIMIT_S", 1.0)
    started = time.monotonic()
    outcomes = run_cell(hidden=TESTS)
    assert time.monotonic() - started < 30
    assert outcomes["test_forever"].status == runner.FAILING
    assert outcomes["test_forever"].message == "your code ran longer than the 1 s a test may take, and was stopped"
    assert outcomes["test_quick"].status == runner.PASSING


def test_a_student_run_gives_each_public_test_the_limit_of_pytest_exercises(monkeypatch):
    monkeypatch.setattr(runner, "PUBLIC_TEST_LIMIT_S", 0.5)
    outcomes = run_cell(hidden=set())
    assert outcomes["test_forever"].message.startswith("your code ran longer than the 0.5 s")


def test_tests_that_would_start_after_the_cells_budget_fail_at_once(monkeypatch):
    monkeypatch.setattr(runner, "HIDDEN_TEST_LIMIT_S", 1.0)
    monkeypatch.setattr(runner, "CELL_BUDGET_S", 0.5)
    outcomes = run_cell(hidden=TESTS)
    assert outcomes["test_forever"].status == runner.FAILING
    assert outcomes["test_quick"].status == runner.FAILING
    assert "not run: this cell's tests already took more than 0.5 s" in outcomes["test_quick"].message


def test_the_limits_match_the_other_roads_and_end_a_cell_before_nbgrader_does():
    assert runner.PUBLIC_TEST_LIMIT_S == PUBLIC_TEST_TIMEOUT_S  # pytest exercises/chN
    assert runner.HIDDEN_TEST_LIMIT_S == CALL_TIMEOUT_S  # one call in dlgrade grade's worker
    assert runner.CELL_BUDGET_S + runner.HIDDEN_TEST_LIMIT_S < CELL_TIMEOUT_S
    assert runner.TIMEOUT_LINE.pattern == TIMEOUT_MESSAGE.pattern  # the runner ships alone: its own copy
