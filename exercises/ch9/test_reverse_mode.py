# Public tests: `pytest exercises/ch9/test_reverse_mode.py` runs them; `dlgrade check` shows your progress.
"""Public tests for reverse_mode.py."""

import numpy as np
import pytest

from grader.testing import call_unchanged

from .reverse_mode import dot, grad, sqrt, sum, trace, unbroadcast


def book_function(x1, x2):
    """The book's running example f(x1, x2) = sqrt(x1**2 + x2**2)."""
    return sqrt(x1**2 + x2**2)


@pytest.mark.exercise("unbroadcast")
def test_unbroadcast_sums_the_copies():
    g = np.ones((2, 3, 4))
    assert unbroadcast(g, (3, 4)).shape == (3, 4)
    np.testing.assert_allclose(unbroadcast(g, (3, 4)), 2.0, err_msg="two copies along the new leading axis")
    np.testing.assert_allclose(unbroadcast(g, (3, 1)), 8.0, err_msg="a leading axis and an axis of length 1")
    assert unbroadcast(g, ()) == pytest.approx(24.0), "a scalar was copied everywhere"


@pytest.mark.exercise("trace")
def test_trace_is_the_books_wengert_list():
    values = trace(book_function, 1.0, 2.0)
    np.testing.assert_allclose(
        values,
        [1.0, 2.0, 1.0, 4.0, 5.0, np.sqrt(5.0)],
        err_msg="v-1 = x1, v0 = x2, v1 = v-1**2, v2 = v0**2, v3 = v1 + v2, v4 = sqrt(v3)",
    )


@pytest.mark.exercise("grad")
def test_grad_reproduces_listing_9_1():
    assert grad(book_function, 0)(1.0, 2.0) == pytest.approx(0.4472135954999579, abs=1e-12)
    assert grad(book_function, 1)(1.0, 2.0) == pytest.approx(0.8944271909999159, abs=1e-12)


@pytest.mark.exercise("grad")
def test_grad_accumulates_over_every_use():
    # x is used twice in x * x: both uses contribute to its adjoint
    assert grad(lambda x: x * x)(3.0) == pytest.approx(6.0)


@pytest.mark.exercise("dot")
def test_dot_gradients_have_the_inputs_shapes():
    A, b = np.arange(6.0).reshape(2, 3), np.array([1.0, -1.0, 2.0])
    dA, db = grad(lambda A, b: sum(dot(A, b)), (0, 1))(A, b)
    np.testing.assert_allclose(dA, np.tile(b, (2, 1)), err_msg="d sum(A b) / dA[i, j] = b[j]")
    np.testing.assert_allclose(db, A.sum(axis=0), err_msg="d sum(A b) / db[j] = sum_i A[i, j]")


@pytest.mark.exercise("grad")
def test_grad_leaves_the_arrays_it_differentiates_at_unchanged():
    gradient = grad(lambda x, y: sum(x * x * y), (0, 1))
    call_unchanged(gradient, np.array([0.5, -1.0, 2.0]), np.array([1.0, 2.0, 3.0]))


@pytest.mark.parametrize(
    "name,arguments",
    [
        pytest.param(name, arguments, marks=pytest.mark.exercise(name), id=name)
        for name, arguments in [
            ("unbroadcast", lambda: (np.ones((2, 3, 4)), (3, 1))),
            ("trace", lambda: (lambda a, b: sqrt(a * a + b * b), np.array([1.0, 3.0]), np.array([2.0, 4.0]))),
            ("dot", lambda: (np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([0.5, -1.0]))),
        ]
    ],
)
def test_reverse_mode_leaves_its_inputs_unchanged(name, arguments):
    call_unchanged(globals()[name], *arguments())  # the function imported above; fails naming a changed input
