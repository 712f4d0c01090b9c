"""Hidden suite for ch8/optim.py.

Multi-step sequences with the state carried in config, against the
reference; defaults when config is None; the caller's arrays untouched.
"""

import numpy as np
import pytest

from grader.testing import check_close, check_unchanged, fail, implementation_of, reference, snapshot, unpack_pair

optim = implementation_of("ch8.optim", may_update=("config",))  # CS231n's config.setdefault is allowed
ref = reference("ch8.optim")

RULES = ["sgd", "sgd_momentum", "nesterov_momentum", "adagrad", "rmsprop", "adadelta", "adam", "rprop"]
# Hyperparameters away from the defaults, so that every one of them matters.
CUSTOM = {
    "sgd": {"learning_rate": 0.07},
    "sgd_momentum": {"learning_rate": 0.05, "momentum": 0.8},
    "nesterov_momentum": {"learning_rate": 0.05, "momentum": 0.7},
    "adagrad": {"learning_rate": 0.3, "epsilon": 1e-3},
    "rmsprop": {"learning_rate": 0.02, "decay_rate": 0.9, "epsilon": 1e-3},
    "adadelta": {"learning_rate": 0.8, "rho": 0.9, "epsilon": 1e-4},
    "adam": {"learning_rate": 0.05, "beta1": 0.8, "beta2": 0.95, "epsilon": 1e-4},
    "rprop": {"learning_rate": 0.03, "etaplus": 1.5, "etaminus": 0.3, "step_min": 1e-3, "step_max": 0.1},
}
SHAPES = [(1,), (3, 4), (2, 3, 2)]
# each case counts for the rule it checks
BY_RULE = [pytest.param(name, marks=pytest.mark.exercise(name, points=1), id=name) for name in RULES]


def gradient(w, step):
    """A gradient that changes sign now and then (so rprop's flips happen)."""
    return 2.0 * w + np.cos(3.0 * w + step) + 0.3 * np.sin(step * np.arange(w.size).reshape(w.shape))


def run_rule(module, name, w, config, steps):
    """Apply ``steps`` updates, carrying config; check arrays are never modified."""
    rule = getattr(module, name)
    trajectory = []
    for step in range(steps):
        dw = gradient(w, step)
        state = [v for v in (config or {}).values() if isinstance(v, np.ndarray)]
        copies = snapshot(w, dw, *state)
        next_w, config = unpack_pair(rule(w, dw, config), name)
        check_unchanged([w, dw, *state], copies, name)
        if not isinstance(config, dict):
            fail(f"{name}: must return (next_w, config) with config a dict, got {type(config).__name__}")
        w = np.asarray(next_w, dtype=np.float64)
        trajectory.append(w)
    return trajectory


@pytest.mark.parametrize("name", BY_RULE)
def test_defaults_when_config_is_none(optim, name):
    w = np.random.default_rng(1).normal(size=(3, 4))
    mine = run_rule(optim, name, w, None, 1)
    expected = run_rule(ref, name, w, None, 1)
    check_close(mine[0], expected[0], f"{name} with config=None (defaults) after one step", rtol=1e-7)


@pytest.mark.parametrize("name", BY_RULE)
@pytest.mark.parametrize("shape", SHAPES)
def test_multi_step_sequence_matches_reference(optim, name, shape):
    w = np.random.default_rng(2).normal(size=shape)
    mine = run_rule(optim, name, w, dict(CUSTOM[name]), 12)
    expected = run_rule(ref, name, w, dict(CUSTOM[name]), 12)
    for step, (a, e) in enumerate(zip(mine, expected)):
        check_close(a, e, f"{name}: w after step {step + 1} of 12 (state carried in config)", rtol=1e-7)


@pytest.mark.parametrize("name", BY_RULE)
def test_defaults_over_many_steps(optim, name):
    w = np.random.default_rng(3).normal(size=(5,))
    mine = run_rule(optim, name, w, None, 30)
    expected = run_rule(ref, name, w, None, 30)
    check_close(mine[-1], expected[-1], f"{name}: w after 30 steps from config=None", rtol=1e-7)


@pytest.mark.exercise("adam", points=1)
def test_adam_resumes_from_a_given_step_count(optim):
    rng = np.random.default_rng(4)
    w, dw = rng.normal(size=(3, 3)), rng.normal(size=(3, 3))
    config = {"learning_rate": 0.01, "m": rng.normal(size=(3, 3)), "v": rng.random((3, 3)), "t": 2}
    next_w, new_config = unpack_pair(optim.adam(w, dw, dict(config)), "adam")
    check_close(next_w, ref.adam(w, dw, dict(config))[0], "adam from t = 2 (t incremented before use)")
    check_close(new_config["t"], 3, "adam: t in the returned config after one step from t = 2")


@pytest.mark.exercise("sgd_momentum", points=1)
def test_momentum_velocity_in_returned_config(optim):
    rng = np.random.default_rng(5)
    w, dw, v = rng.normal(size=4), rng.normal(size=4), rng.normal(size=4)
    _, config = unpack_pair(optim.sgd_momentum(w, dw, {"velocity": v, "learning_rate": 0.1}), "sgd_momentum")
    check_close(config["velocity"], 0.9 * v - 0.1 * dw, "sgd_momentum: returned velocity")
