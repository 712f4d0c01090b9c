"""Public tests for schedules.py."""

import numpy as np
import pytest

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
