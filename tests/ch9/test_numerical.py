"""Hidden suite for ch9/numerical.py.

Each formula is identified by its exact error on polynomials (where the
error terms are known in closed form), by the book's errors for sin at 1
with h = 0.1, and by how the error shrinks when h is halved (orders 1, 1,
2, 4). Arrays are differentiated elementwise.
"""

import numpy as np
import pytest

from grader.testing import check_close, check_scalar, fail, implementation_of

numerical = implementation_of("ch9.numerical")

# name: (error of sin'(1) at h = 0.1 from the book's analysis, order of the error)
BOOK = {
    "forward_difference": (-4.294e-2, 1),
    "backward_difference": (4.114e-2, 1),
    "central_difference": (-9.001e-4, 2),
    "richardson_extrapolation": (-1.799e-6, 4),
}
# d/dx x**3 at x with step h, exactly: forward 3x^2 + 3xh + h^2, backward 3x^2 - 3xh + h^2, central 3x^2 + h^2,
# Richardson 3x^2 (the h^2 terms cancel)
CUBIC = {
    "forward_difference": lambda x, h: 3 * x**2 + 3 * x * h + h**2,
    "backward_difference": lambda x, h: 3 * x**2 - 3 * x * h + h**2,
    "central_difference": lambda x, h: 3 * x**2 + h**2,
    "richardson_extrapolation": lambda x, h: 3 * x**2,
}


def cube(x):
    return x**3


def cases(*names):
    return [pytest.param(name, marks=pytest.mark.exercise(name, points=1), id=name) for name in names]


ALL = cases(*BOOK)


@pytest.mark.parametrize("name", ALL)
def test_book_errors_for_sin_at_1(numerical, name):
    error = getattr(numerical, name)(np.sin, 1.0, h=0.1) - np.cos(1.0)
    check_scalar(error, BOOK[name][0], f"{name}(sin, 1, h=0.1) - cos(1) (the error)", rtol=1e-3)


@pytest.mark.parametrize("name", ALL)
def test_halving_h_divides_the_error_by_2_to_the_order(numerical, name):
    errors = [getattr(numerical, name)(np.exp, 0.5, h=h) - np.exp(0.5) for h in (0.2, 0.1, 0.05)]
    ratios = [errors[0] / errors[1], errors[1] / errors[2]]
    expected = 2 ** BOOK[name][1]
    if not all(0.9 * expected < r < 1.15 * expected for r in ratios):
        fail(f"{name}: halving h should divide the error by about {expected}")


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("x,h", [(2.0, 0.25), (-1.5, 0.125), (0.5, 2.0**-10)])
def test_exact_error_on_a_cubic(numerical, name, x, h):
    check_scalar(
        getattr(numerical, name)(cube, x, h=h), CUBIC[name](x, h), f"{name}(x**3, {x}, h={h})", rtol=1e-9, atol=1e-9
    )


@pytest.mark.parametrize("name", ALL)
def test_default_step(numerical, name):
    default = 1e-3 if name == "richardson_extrapolation" else 1e-5
    check_scalar(
        getattr(numerical, name)(cube, 1.5),
        CUBIC[name](1.5, default),
        f"{name}(x**3, 1.5) with the default h",
        rtol=1e-8,
        atol=1e-8,
    )


@pytest.mark.parametrize("name", ALL)
def test_elementwise_on_arrays(numerical, name):
    x = np.array([[0.5, -1.0, 2.0], [1.5, 0.0, -0.25]])
    check_close(
        getattr(numerical, name)(cube, x, h=0.125),
        CUBIC[name](x, 0.125),
        f"{name} on a (2, 3) array",
        rtol=1e-9,
        atol=1e-9,
    )


@pytest.mark.exercise("central_difference", points=1)
def test_central_difference_listing_9_2(numerical):
    check_scalar(
        numerical.central_difference(lambda x: np.sqrt(x * x + 4.0), 1.0, h=5e-5),
        0.447213595409,
        "central_difference of sqrt(x**2 + 4) at 1 with h = 5e-5 (the book's check)",
        rtol=0,
        atol=1e-12,
    )


@pytest.mark.exercise("central_difference", points=1)
def test_central_difference_truncation_and_round_off(numerical):
    # exp at 0: error h**2/6 for large h, round-off ~ eps/h for tiny h
    errors = [numerical.central_difference(np.exp, 0.0, h=h) - 1.0 for h in (1e-2, 1e-6, 1e-12)]
    if not (1.6e-5 < errors[0] < 1.7e-5 and abs(errors[1]) < 1e-9 and abs(errors[2]) > 1e-6):
        fail("central_difference of exp at 0: errors for h = 1e-2, 1e-6, 1e-12 are not as expected")
