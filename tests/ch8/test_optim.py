"""Hidden suite for ch8/optim.py.

Multi-step sequences with the state carried in config, against the
reference (or a variant the rule's docstring accepts: RMSProp's epsilon
inside the root, Adam's efficient ordering); defaults when config is None; the caller's arrays untouched.
"""

from types import SimpleNamespace

import numpy as np
import pytest

from grader.testing import (
    ExerciseFailure,
    check_close,
    check_unchanged,
    fail,
    implementation_of,
    reference,
    snapshot,
    unpack_pair,
)

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


def rmsprop_epsilon_inside(w, dw, config=None):
    """RMSProp as TensorFlow 1 wrote it, dw / sqrt(cache + epsilon): accepted (rmsprop's docstring)."""
    config = {"learning_rate": 1e-2, "decay_rate": 0.99, "epsilon": 1e-8, **(config or {})}
    cache = config.get("cache", np.zeros(np.shape(w)))
    cache = config["decay_rate"] * cache + (1 - config["decay_rate"]) * dw**2
    config["cache"] = cache
    return w - config["learning_rate"] * dw / np.sqrt(cache + config["epsilon"]), config


def adam_efficient(w, dw, config=None):
    """Kingma and Ba's "efficient" ordering, bias corrections folded into the step size: accepted (adam's docstring)."""
    config = {"learning_rate": 1e-3, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8, "t": 0, **(config or {})}
    b1, b2, t = config["beta1"], config["beta2"], config["t"] + 1
    m = b1 * config.get("m", np.zeros(np.shape(w))) + (1 - b1) * dw
    v = b2 * config.get("v", np.zeros(np.shape(w))) + (1 - b2) * dw**2
    config["m"], config["v"], config["t"] = m, v, t
    step = config["learning_rate"] * np.sqrt(1 - b2**t) / (1 - b1**t)
    return w - step * m / (np.sqrt(v) + config["epsilon"]), config


# Variants the rule's docstring accepts: they differ from the reference only in where epsilon acts.
ACCEPTED = {
    "rmsprop": SimpleNamespace(rmsprop=rmsprop_epsilon_inside),
    "adam": SimpleNamespace(adam=adam_efficient),
}
ADAM_FROM_T_1 = (
    "adam: the first step used t = 2 in the bias correction: t counts the steps taken so far, so it "
    "starts at 0 and is incremented before use (CS231n's 2017 code started it at 1)"
)


def candidates(name, w, config, steps):
    """(trajectory, None) for the reference and a variant the docstring accepts; (trajectory, message) for a
    known convention graded as wrong, with the message that names it."""
    modules = [ref, *([ACCEPTED[name]] if name in ACCEPTED else [])]
    found: list[tuple[list, str | None]] = [
        (run_rule(m, name, w, None if config is None else dict(config), steps), None) for m in modules
    ]
    if name == "adam" and "t" not in (config or {}):
        found.append((run_rule(ref, name, w, {**(config or {}), "t": 1}, steps), ADAM_FROM_T_1))
    return found


def check_trajectory(mine, found, what, steps):
    """``mine`` at ``steps`` equals one accepted trajectory of ``found``; else the first difference from the
    reference is reported (or the message of the wrong convention it matches)."""
    for trajectory, message in found:
        try:
            for step in steps:
                check_close(mine[step], trajectory[step], what(step), rtol=1e-7)
        except ExerciseFailure:
            continue
        if message:
            fail(message)
        return
    for step in steps:
        check_close(mine[step], found[0][0][step], what(step), rtol=1e-7)


@pytest.mark.parametrize("name", BY_RULE)
def test_defaults_when_config_is_none(optim, name):
    w = np.random.default_rng(1).normal(size=(3, 4))
    mine = run_rule(optim, name, w, None, 1)
    found = candidates(name, w, None, 1)
    check_trajectory(mine, found, lambda step: f"{name} with config=None (defaults) after one step", [0])


@pytest.mark.parametrize("name", BY_RULE)
@pytest.mark.parametrize("shape", SHAPES)
def test_multi_step_sequence_matches_reference(optim, name, shape):
    w = np.random.default_rng(2).normal(size=shape)
    mine = run_rule(optim, name, w, dict(CUSTOM[name]), 12)
    found = candidates(name, w, CUSTOM[name], 12)
    check_trajectory(
        mine, found, lambda step: f"{name}: w after step {step + 1} of 12 (state carried in config)", range(12)
    )


@pytest.mark.parametrize("name", BY_RULE)
def test_defaults_over_many_steps(optim, name):
    w = np.random.default_rng(3).normal(size=(5,))
    mine = run_rule(optim, name, w, None, 30)
    found = candidates(name, w, None, 30)
    check_trajectory(mine, found, lambda step: f"{name}: w after 30 steps from config=None", [29])


@pytest.mark.exercise("adam", points=1)
def test_adam_resumes_from_a_given_step_count(optim):
    rng = np.random.default_rng(4)
    w, dw = rng.normal(size=(3, 3)), rng.normal(size=(3, 3))
    config = {"learning_rate": 0.01, "m": rng.normal(size=(3, 3)), "v": rng.random((3, 3)), "t": 2}
    next_w, new_config = unpack_pair(optim.adam(w, dw, dict(config)), "adam")
    mine = [np.asarray(next_w, dtype=np.float64)]
    found = [([ref.adam(w, dw, dict(config))[0]], None), ([adam_efficient(w, dw, dict(config))[0]], None)]
    check_trajectory(mine, found, lambda step: "adam from t = 2 (t incremented before use)", [0])
    check_close(new_config["t"], 3, "adam: t in the returned config after one step from t = 2")


@pytest.mark.exercise("sgd_momentum", points=1)
def test_momentum_velocity_in_returned_config(optim):
    rng = np.random.default_rng(5)
    w, dw, v = rng.normal(size=4), rng.normal(size=4), rng.normal(size=4)
    _, config = unpack_pair(optim.sgd_momentum(w, dw, {"velocity": v, "learning_rate": 0.1}), "sgd_momentum")
    check_close(config["velocity"], 0.9 * v - 0.1 * dw, "sgd_momentum: returned velocity")
