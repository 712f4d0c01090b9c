"""Public tests for esgd.py."""

import numpy as np
import pytest

from grader.testing import call_unchanged

from .esgd import esgd, esgd_update, hessian_vector_product, quadratic, rosenbrock


@pytest.mark.exercise("hessian_vector_product")
def test_hessian_vector_product_of_a_quadratic_is_A_v():
    A = np.array([[2.0, 1.0], [1.0, 3.0]])
    hv = hessian_vector_product(quadratic, np.array([5.0, -1.0]), np.array([1.0, 2.0]), args=(A, np.zeros(2)))
    np.testing.assert_allclose(hv, [4.0, 7.0])


@pytest.mark.exercise("hessian_vector_product")
def test_hessian_vector_product_of_rosenbrock():
    # f = 100 (w1 - w0^2)^2 + (1 - w0)^2: H = [[1200 w0^2 - 400 w1 + 2, -400 w0], [-400 w0, 200]]
    hv = call_unchanged(hessian_vector_product, rosenbrock, np.array([1.0, 2.0]), np.array([1.0, 0.0]))
    np.testing.assert_allclose(hv, [1200 - 800 + 2, -400.0])


@pytest.mark.exercise("esgd_update")
def test_esgd_first_step_divides_by_the_size_of_hv():
    w, dw, hv = np.array([1.0, 1.0]), np.array([10.0, 0.1]), np.array([10.0, 0.1])
    next_w, config = esgd_update(w, dw, hv, {"learning_rate": 0.1, "epsilon": 0.0})
    np.testing.assert_allclose(next_w, [0.9, 0.9], err_msg="bias-corrected D = hv**2 at the first step")
    assert config["t"] == 1


@pytest.mark.exercise("esgd")
def test_esgd_solves_a_badly_scaled_quadratic():
    A, b = np.diag([100.0, 1.0, 0.01]), np.ones(3)
    w, losses = call_unchanged(
        esgd, quadratic, np.zeros(3), 200, np.random.default_rng(0), {"learning_rate": 0.3}, args=(A, b)
    )
    assert len(losses) == 201
    np.testing.assert_allclose(w, [0.01, 1.0, 100.0], rtol=1e-3, err_msg="the minimum A^-1 b, every direction alike")


@pytest.mark.exercise("esgd_update")
def test_esgd_update_leaves_w_dw_hv_and_config_arrays_unchanged():
    config = {"learning_rate": 0.1, "cache": np.array([0.5, 0.25]), "t": 3}
    call_unchanged(esgd_update, np.array([1.0, -1.0]), np.array([0.5, 0.2]), np.array([0.3, -0.4]), config)
