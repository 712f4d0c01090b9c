"""Public tests for numerical.py."""

import numpy as np
import pytest

from grader.testing import call_unchanged

from .numerical import backward_difference, central_difference, forward_difference, richardson_extrapolation


def square(x):
    return x**2


@pytest.mark.exercise("forward_difference")
def test_forward_difference_of_a_square():
    # ((x + h)**2 - x**2) / h = 2x + h: the error is exactly h
    assert forward_difference(square, 3.0, h=0.5) == pytest.approx(6.5)


@pytest.mark.exercise("backward_difference")
def test_backward_difference_of_a_square():
    assert backward_difference(square, 3.0, h=0.5) == pytest.approx(5.5), "2x - h"


@pytest.mark.exercise("central_difference")
def test_central_difference_is_exact_for_a_square():
    assert central_difference(square, 3.0, h=0.5) == pytest.approx(6.0), "the errors +h and -h cancel"


@pytest.mark.exercise("central_difference")
def test_central_difference_checks_the_books_gradient():
    # the book's listing 9-2: d/dx1 sqrt(x1**2 + 4) at x1 = 1, numerically
    assert central_difference(lambda x: np.sqrt(x**2 + 4.0), 1.0, h=5e-5) == pytest.approx(0.447213595409, abs=1e-12)


@pytest.mark.exercise("richardson_extrapolation")
def test_richardson_is_exact_for_a_quartic():
    # the error is O(h**4): none at all for polynomials of degree 4
    assert richardson_extrapolation(lambda x: x**4, 1.0, h=0.1) == pytest.approx(4.0, abs=1e-12)


@pytest.mark.exercise("richardson_extrapolation")
def test_richardson_error_on_sin():
    error = richardson_extrapolation(np.sin, 1.0, h=0.1) - np.cos(1.0)
    assert error == pytest.approx(-1.799e-6, rel=1e-3), "(4 D0(h) - D0(2h)) / 3 with h = 0.1"


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=pytest.mark.exercise(name), id=name)
        for name in ["forward_difference", "backward_difference", "central_difference", "richardson_extrapolation"]
    ],
)
def test_differences_leave_an_array_x_unchanged(name):
    x = np.array([[0.5, -1.0, 2.0], [1.5, 0.0, -0.25]])
    call_unchanged(globals()[name], np.sin, x, 0.125)  # the function imported above; fails naming a changed input
