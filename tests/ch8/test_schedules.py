"""Hidden suite for ch8/schedules.py: values at chosen steps, arrays of steps."""

import numpy as np
import pytest

from grader.testing import check_close, implementation_of, reference

schedules = implementation_of("ch8.schedules")
ref = reference("ch8.schedules")

STEPS = [0, 1, 4, 5, 9, 10, 11, 37, 100]


@pytest.mark.exercise("step_decay", points=1)
@pytest.mark.parametrize("drop,every", [(0.5, 10), (0.1, 5), (0.9, 1), (0.25, 3)])
def test_step_decay_at_chosen_steps(schedules, drop, every):
    for step in STEPS:
        check_close(
            schedules.step_decay(0.3, step, drop=drop, every=every),
            0.3 * drop ** (step // every),
            f"step_decay(0.3, {step}, drop={drop}, every={every})",
            rtol=1e-10,
        )


@pytest.mark.exercise("step_decay", points=1)
def test_step_decay_defaults_and_arrays(schedules):
    steps = np.array(STEPS)
    check_close(
        schedules.step_decay(1.0, steps),
        ref.step_decay(1.0, steps),
        "step_decay on an array of steps (defaults)",
        rtol=1e-10,
    )


@pytest.mark.exercise("exponential_decay", points=1)
@pytest.mark.parametrize("k", [0.01, 0.1, 0.5])
def test_exponential_decay_at_chosen_steps(schedules, k):
    for step in STEPS:
        check_close(
            schedules.exponential_decay(0.2, step, k=k),
            0.2 * np.exp(-k * step),
            f"exponential_decay(0.2, {step}, k={k})",
            rtol=1e-10,
        )


@pytest.mark.exercise("exponential_decay", points=1)
def test_exponential_decay_defaults_and_arrays(schedules):
    steps = np.array(STEPS)
    check_close(
        schedules.exponential_decay(1.0, steps),
        ref.exponential_decay(1.0, steps),
        "exponential_decay on an array of steps (defaults)",
        rtol=1e-10,
    )


@pytest.mark.exercise("inverse_time_decay", points=1)
@pytest.mark.parametrize("k", [0.01, 0.1, 2.0])
def test_inverse_time_decay_at_chosen_steps(schedules, k):
    for step in STEPS:
        check_close(
            schedules.inverse_time_decay(0.2, step, k=k),
            0.2 / (1 + k * step),
            f"inverse_time_decay(0.2, {step}, k={k})",
            rtol=1e-10,
        )


@pytest.mark.exercise("inverse_time_decay", points=1)
def test_inverse_time_decay_defaults_and_arrays(schedules):
    steps = np.array(STEPS)
    check_close(
        schedules.inverse_time_decay(1.0, steps),
        ref.inverse_time_decay(1.0, steps),
        "inverse_time_decay on an array of steps (defaults)",
        rtol=1e-10,
    )
