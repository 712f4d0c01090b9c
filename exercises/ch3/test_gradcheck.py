# Public tests: `pytest exercises/ch3/test_gradcheck.py` runs them; `dlgrade check` shows your progress.
"""Public tests for gradcheck.py: numerical gradients of functions we know."""

import numpy as np
import pytest

from grader.testing import call_unchanged

from .gradcheck import eval_numerical_gradient, eval_numerical_gradient_array, rel_error


@pytest.mark.exercise("eval_numerical_gradient")
def test_gradient_of_sum_of_squares_is_2x():
    x = np.array([[1.0, -2.0], [3.0, 0.5]])
    grad = eval_numerical_gradient(lambda v: np.sum(v**2), x)
    np.testing.assert_allclose(grad, 2 * x, rtol=1e-8)


@pytest.mark.exercise("eval_numerical_gradient")
def test_central_differences_are_exact_for_a_quadratic():
    # (f(x+h) - f(x-h)) / 2h has no error for x**2; forward differences are off by h.
    x = np.array([3.0])
    grad = eval_numerical_gradient(lambda v: float(v[0] ** 2), x, h=1e-2)
    assert abs(grad[0] - 6.0) < 1e-9, f"central differences give exactly 6.0 here, got {grad[0]}"


@pytest.mark.exercise("eval_numerical_gradient")
def test_x_is_restored():
    x = np.array([1.0, 2.0, 3.0])
    eval_numerical_gradient(lambda v: np.sum(np.sin(v)), x)
    np.testing.assert_array_equal(x, [1.0, 2.0, 3.0], err_msg="put every perturbed element back")


@pytest.mark.exercise("eval_numerical_gradient_array")
def test_gradient_array_is_vector_jacobian_product():
    x = np.array([0.5, -1.0, 2.0])
    df = np.array([1.0, 2.0, 3.0])
    grad = eval_numerical_gradient_array(lambda v: v**3, x, df)
    np.testing.assert_allclose(grad, 3 * x**2 * df, rtol=1e-7)


@pytest.mark.exercise("rel_error")
def test_rel_error_examples():
    assert rel_error(np.array([1.0, 2.0]), np.array([1.0, 2.0])) == 0.0
    assert np.isclose(rel_error(np.array([1.0]), np.array([3.0])), 0.5)
    assert np.isclose(rel_error(np.array([0.0, 10.0]), np.array([0.0, 11.0])), 1 / 21)


@pytest.mark.exercise("eval_numerical_gradient")
def test_eval_numerical_gradient_restores_x():
    x = np.array([[0.5, -1.0], [2.0, 0.25]])
    call_unchanged(eval_numerical_gradient, lambda v: float(np.sum(v**3)), x)


@pytest.mark.exercise("eval_numerical_gradient_array")
def test_eval_numerical_gradient_array_restores_x_and_leaves_df():
    x, df = np.array([[0.5, -1.0], [2.0, 0.25]]), np.array([[1.0, -1.0], [0.5, 2.0]])
    call_unchanged(eval_numerical_gradient_array, lambda v: v**2, x, df)


@pytest.mark.exercise("rel_error")
def test_rel_error_leaves_its_inputs_unchanged():
    call_unchanged(rel_error, np.array([1.0, 2.0]), np.array([1.0, 2.5]))
