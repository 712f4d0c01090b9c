# Public tests: `pytest exercises/ch8/test_schedules.py` runs them; `dlgrade check` shows your progress.
"""Public tests for schedules.py."""

import numpy as np
import pytest

from grader.testing import call_unchanged

from .schedules import exponential_decay, inverse_time_decay, step_decay


@pytest.mark.exercise("step_decay")
def test_step_decay_halves_every_ten_steps():
    assert step_decay(0.1, 0) == pytest.approx(0.1)
    assert step_decay(0.1, 9) == pytest.approx(0.1), "no drop before step 10"
    assert step_decay(0.1, 10) == pytest.approx(0.05)
    assert step_decay(0.1, 25) == pytest.approx(0.025)


@pytest.mark.exercise("exponential_decay")
def test_exponential_decay():
    assert exponential_decay(1.0, 10, k=0.1) == pytest.approx(np.exp(-1.0))


@pytest.mark.exercise("inverse_time_decay")
def test_inverse_time_decay():
    assert inverse_time_decay(1.0, 10, k=0.1) == pytest.approx(0.5)


# What the grader also checks: the defaults, and an array of steps gives an array of rates.
@pytest.mark.parametrize(
    "name",
    [
        pytest.param(n, marks=pytest.mark.exercise(n), id=n)
        for n in ("step_decay", "exponential_decay", "inverse_time_decay")
    ],
)
def test_schedules_take_an_array_of_steps(name):
    schedule = globals()[name]  # the function imported above
    steps = np.array([0, 5, 20])
    rates = np.asarray(call_unchanged(schedule, 0.1, steps))  # fails if the call changed steps
    assert rates.shape == (3,), f"{name}: an array of 3 steps gave shape {rates.shape}"
    for step, rate in zip(steps, rates):
        assert np.isclose(rate, schedule(0.1, int(step))), f"{name}: step {step} alone differs from the array"
    assert np.isclose(rates[0], 0.1), f"{name}: at step 0 the rate is the initial learning rate"
