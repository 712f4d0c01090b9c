"""Hidden suite for ch8/equilibrated.py: Hessian-vector products against known
Hessians and central differences of the gradient; ESGD updates over
several steps against the reference; convergence on a badly scaled bowl."""

import autograd
import numpy as np
import pytest

from grader.testing import check_close, check_unchanged, fail, implementation_of, reference, snapshot, unpack_pair

equilibrated = implementation_of("ch8.esgd")  # not `esgd`: that is an exercise's name
ref = reference("ch8.esgd")


@pytest.mark.exercise("hessian_vector_product", points=1)
@pytest.mark.parametrize("d", [1, 3, 6])
def test_hvp_of_quadratic(equilibrated, d):
    rng = np.random.default_rng(d)
    M = rng.normal(size=(d, d))
    A, b = M + M.T, rng.normal(size=d)
    w, v = rng.normal(size=d), rng.normal(size=d)
    copies = snapshot(w, v, A)
    hv = equilibrated.hessian_vector_product(equilibrated.quadratic, w, v, (A, b))
    check_unchanged([w, v, A], copies, "hessian_vector_product")
    check_close(hv, A @ v, f"hessian_vector_product of a quadratic in {d} dimensions: A v")


@pytest.mark.exercise("hessian_vector_product", points=1)
@pytest.mark.parametrize("seed", [0, 1])
def test_hvp_of_rosenbrock_against_central_differences(equilibrated, seed):
    rng = np.random.default_rng(seed)
    w, v = rng.normal(size=5), rng.normal(size=5)
    gradient = autograd.grad(ref.rosenbrock)
    h = 1e-5
    numeric = (gradient(w + h * v) - gradient(w - h * v)) / (2 * h)
    check_close(
        equilibrated.hessian_vector_product(equilibrated.rosenbrock, w, v),
        numeric,
        "hessian_vector_product of rosenbrock against central differences of the gradient",
        rtol=1e-5,
    )


def run_updates(module, config, steps):
    rng = np.random.default_rng(3)
    w = rng.normal(size=(4,))
    out = []
    for _step in range(steps):
        dw, hv = rng.normal(size=4), rng.normal(size=4) * np.array([10.0, 1.0, 0.1, 3.0])
        cache = None if config is None else config.get("cache")
        copies = snapshot(w, dw, hv, *([] if cache is None else [cache]))
        w, config = unpack_pair(module.esgd_update(w, dw, hv, config), "esgd_update")
        check_unchanged([dw, hv], copies[1:3], "esgd_update")
        w = np.asarray(w, dtype=np.float64)
        out.append(w)
    return out


@pytest.mark.exercise("esgd_update", points=1)
@pytest.mark.parametrize(
    "config", [None, {"learning_rate": 0.1, "decay_rate": 0.9, "epsilon": 1e-3}], ids=["defaults", "custom"]
)
def test_esgd_update_sequence(equilibrated, config):
    mine = run_updates(equilibrated, None if config is None else dict(config), 10)
    expected = run_updates(ref, None if config is None else dict(config), 10)
    for step, (a, e) in enumerate(zip(mine, expected)):
        check_close(a, e, f"esgd_update: w after step {step + 1} of 10 (bias-corrected running average of hv**2)")


@pytest.mark.exercise("esgd", points=1)
@pytest.mark.parametrize("steps", [1, 15])
def test_esgd_matches_reference_on_rosenbrock(equilibrated, steps):
    w0 = np.array([-1.0, 1.5, 0.5])
    copies = snapshot(w0)
    w, losses = unpack_pair(
        equilibrated.esgd(equilibrated.rosenbrock, w0, steps, np.random.default_rng(5), {"learning_rate": 0.01}), "esgd"
    )
    check_unchanged([w0], copies, "esgd")
    w_ref, losses_ref = ref.esgd(ref.rosenbrock, w0, steps, np.random.default_rng(5), {"learning_rate": 0.01})
    if len(losses) != steps + 1:
        fail(f"esgd: expected steps + 1 = {steps + 1} losses, got {len(losses)}")
    check_close(w, w_ref, f"esgd on rosenbrock after {steps} steps (one v = rng.standard_normal per step)", rtol=1e-6)
    check_close(np.asarray(losses), losses_ref, "esgd: losses", rtol=1e-6)


@pytest.mark.exercise("esgd", points=1)
def test_esgd_equilibrates_a_badly_scaled_bowl(equilibrated):
    A, b = np.diag([400.0, 2.0, 0.05, 1.0]), np.array([1.0, -1.0, 1.0, 2.0])
    w, _ = unpack_pair(
        equilibrated.esgd(
            equilibrated.quadratic, np.zeros(4), 150, np.random.default_rng(6), {"learning_rate": 0.3}, args=(A, b)
        ),
        "esgd",
    )
    check_close(w, np.linalg.solve(A, b), "esgd on a quadratic with curvatures from 0.05 to 400: minimum", rtol=1e-3)
