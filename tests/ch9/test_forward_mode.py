"""Hidden suite for ch9/forward_mode.py.

Every check compares a dual number's value and derivative with autograd's
forward-mode derivative (``make_jvp``) of the same function, written once
for both: ``ops`` is either the student's module or ``autograd.numpy``.
Operators are checked with Duals and constants on either side (3 - x, 2 / x),
on floats and on arrays that broadcast.
"""

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import make_jvp

from grader.testing import check_close, check_scalar, check_unchanged, fail, implementation_of, snapshot

fm = implementation_of("ch9.forward_mode")


def autograd_jvp(f, point, direction):
    """(f(point), J·direction) by autograd, for f of one array."""
    out, jv = make_jvp(f)(np.asarray(point, dtype=float))(np.asarray(direction, dtype=float))
    return np.asarray(out, dtype=float), np.asarray(jv, dtype=float)


def check_dual(dual, expected_value, expected_deriv, what, rtol=1e-9):
    check_close(dual.value, expected_value, f"{what}: value", rtol=rtol, atol=1e-12)
    check_close(dual.deriv, expected_deriv, f"{what}: derivative", rtol=rtol, atol=1e-12)


# Binary operations of two variables x, y (each a Dual) or of a variable and a constant.
BINARY = {
    "x + y": lambda x, y: x + y,
    "x - y": lambda x, y: x - y,
    "x * y": lambda x, y: x * y,
    "x / y": lambda x, y: x / y,
    "x * x * y": lambda x, y: x * x * y,
    "x / (x + y)": lambda x, y: x / (x + y),
    "-x + y": lambda x, y: -x + y,
}
WITH_CONSTANT = {
    "x + 4": lambda x: x + 4.0,
    "4 + x": lambda x: 4.0 + x,
    "x - 4": lambda x: x - 4.0,
    "3 - x": lambda x: 3.0 - x,
    "3 * x": lambda x: 3.0 * x,
    "x * 3": lambda x: x * 3.0,
    "x / 4": lambda x: x / 4.0,
    "2 / x": lambda x: 2.0 / x,
    "x ** 3": lambda x: x**3,
    "x ** 0.5": lambda x: x**0.5,
    "x ** -2": lambda x: x**-2.0,
    "2 ** x": lambda x: 2.0**x,
    "(1 - x) / (2 + x)": lambda x: (1.0 - x) / (2.0 + x),
}
POINTS = [(np.array(1.5), np.array(0.7)), (np.array([0.5, 1.25, 2.0]), np.array([1.5, -0.5, 0.75]))]  # 0-d and 1-d


@pytest.mark.exercise("Dual", points=1)
@pytest.mark.parametrize("case", list(BINARY))
def test_binary_operators_of_two_duals(fm, case):
    f = BINARY[case]
    for x, y in POINTS:
        dx, dy = np.cos(np.arange(1, np.size(x) + 1)), np.sin(np.arange(1, np.size(y) + 1))
        dx, dy = (dx[0], dy[0]) if np.ndim(x) == 0 else (dx, dy)
        # the derivative along (dx, dy): autograd's forward mode on t -> f(x + t dx, y + t dy)
        value, deriv = autograd_jvp(lambda t, x=x, y=y, dx=dx, dy=dy: f(x + t * dx, y + t * dy), 0.0, 1.0)
        check_dual(f(fm.Dual(x, dx), fm.Dual(y, dy)), value, deriv, f"{case} of two Duals ({np.ndim(x)}-d values)")


@pytest.mark.exercise("Dual", points=1)
@pytest.mark.parametrize("case", list(WITH_CONSTANT))
def test_operators_with_a_constant(fm, case):
    f = WITH_CONSTANT[case]
    for x in (1.7, np.array([2.5, 0.5, 1.75])):  # positive, for the powers
        dx = 0.5 * np.ones_like(x) if np.ndim(x) else -0.5
        value, deriv = autograd_jvp(f, x, dx)
        check_dual(f(fm.Dual(x, dx)), value, deriv, f"{case} with a Dual x ({np.ndim(x)}-d values)")


@pytest.mark.exercise("Dual", points=1)
def test_broadcasting_and_array_constants(fm):
    x = np.array([[0.5], [1.5]])  # (2, 1)
    dx = np.array([[1.0], [-2.0]])
    c = np.array([1.0, 2.0, 3.0])  # (3,)

    def f(x):
        return (x * c - c / x) ** 2 + c

    value, deriv = autograd_jvp(f, x, dx)
    check_dual(f(fm.Dual(x, dx)), value, deriv, "a (2, 1) Dual with a (3,) array on either side")

    def g(x):
        return c * x + c - x

    value, deriv = autograd_jvp(g, x, dx)
    check_dual(g(fm.Dual(x, dx)), value, deriv, "array * Dual and array - Dual (numpy arrays on the left)")


@pytest.mark.exercise("Dual", points=1)
def test_operators_leave_their_operands_unchanged(fm):
    a, da = np.array([1.0, 2.0]), np.array([0.5, -1.0])
    b, db = np.array([3.0, -1.0]), np.array([2.0, 0.25])
    copies = snapshot(a, da, b, db)
    x, y = fm.Dual(a, da), fm.Dual(b, db)
    results = [x + y, x - y, x * y, x / y, -x, x**2, 1.0 / y]
    for result, expected in zip(results, [a + b, a - b, a * b, a / b, -a, a**2, 1.0 / b]):
        check_close(result.value, expected, "the value of a Dual operation", rtol=1e-12)
    check_unchanged([x.value, x.deriv, y.value, y.deriv], copies, "Dual operators")
    check_unchanged([a, da, b, db], copies, "Dual operators")


ELEMENTARY = {"sin": anp.sin, "cos": anp.cos, "exp": anp.exp, "log": anp.log, "sqrt": anp.sqrt, "tanh": anp.tanh}


def elementary(*names):
    return [pytest.param(name, marks=pytest.mark.exercise(name, points=1), id=name) for name in names]


@pytest.mark.parametrize("name", elementary(*ELEMENTARY))
@pytest.mark.parametrize(
    "x,dx",
    [(0.7, 1.0), (2.5, -0.5), (np.array([0.1, 1.0, 3.0]), np.array([1.0, 2.0, -1.0]))],
    ids=["seed 1", "seed -0.5", "array"],
)
def test_elementary_functions_of_duals(fm, name, x, dx):
    value, deriv = autograd_jvp(ELEMENTARY[name], x, dx)
    check_dual(getattr(fm, name)(fm.Dual(x, dx)), value, deriv, f"{name} of a Dual")


@pytest.mark.parametrize("name", elementary(*ELEMENTARY))
def test_elementary_functions_compose(fm, name):
    # the chain rule through the function: f(3 x**2 + 0.5) at x = 0.8
    value, deriv = autograd_jvp(lambda x: ELEMENTARY[name](3 * x**2 + 0.5), 0.8, 1.0)
    check_dual(getattr(fm, name)(3.0 * fm.Dual(0.8, 1.0) ** 2 + 0.5), value, deriv, f"{name}(3 x**2 + 0.5)")
    check_close(
        getattr(fm, name)(np.array([0.5, 2.0])),
        ELEMENTARY[name](np.array([0.5, 2.0])),
        f"{name} of a plain array",
        rtol=1e-12,
    )


@pytest.mark.exercise("log", points=1)
def test_dual_to_the_power_of_a_dual(fm):
    # x ** y = exp(y log x) (given code) relies on the product rule, exp and log
    value, deriv = autograd_jvp(lambda t: (1.5 + t) ** (0.5 + 2 * t), 0.0, 1.0)
    check_dual(fm.Dual(1.5, 1.0) ** fm.Dual(0.5, 2.0), value, deriv, "x ** y of two Duals")


# Functions of one variable for derivative and jvp, written with `ops` (the student's module or autograd.numpy).
def book(ops, x):
    """sqrt(x**2 + 4)"""
    return ops.sqrt(x * x + 4.0)


def wiggle(ops, x):
    """sin(x) exp(-x/3) + log(1 + x**2) - 3 / (1 + tanh(x)**2)"""
    return ops.sin(x) * ops.exp(-x / 3.0) + ops.log(1.0 + x * x) - 3.0 / (1.0 + ops.tanh(x) ** 2)


def mixed(ops, x):
    """cos(2 - x) / sqrt(x + 5) + x**3"""
    return ops.cos(2.0 - x) / ops.sqrt(x + 5.0) + x**3


@pytest.mark.exercise("derivative", points=1)
def test_derivative_reproduces_listing_9_1(fm):
    check_scalar(
        fm.derivative(lambda x1: fm.sqrt(x1 * x1 + 4.0), 1.0), 0.4472135954999579, "d/dx1 at (1, 2)", rtol=0, atol=1e-12
    )
    check_scalar(
        fm.derivative(lambda x2: fm.sqrt(1.0 + x2 * x2), 2.0), 0.8944271909999159, "d/dx2 at (1, 2)", rtol=0, atol=1e-12
    )


@pytest.mark.exercise("derivative", points=1)
@pytest.mark.parametrize("function", [book, wiggle, mixed])
@pytest.mark.parametrize("x", [-0.75, 0.3, 2.0])
def test_derivative_matches_autograd(fm, function, x):
    calls = []

    def f(v):
        calls.append(1)
        return function(fm, v)

    expected = autograd_jvp(lambda v: function(anp, v), x, 1.0)[1]
    check_scalar(fm.derivative(f, x), expected, f"derivative of {function.__doc__} at {x}", rtol=1e-9)
    if len(calls) != 1:
        fail(f"derivative: forward mode needs one evaluation of f, yours made {len(calls)}")


@pytest.mark.exercise("derivative", points=1)
def test_derivative_of_a_constant_function(fm):
    check_scalar(fm.derivative(lambda x: 2.5, 1.0), 0.0, "derivative of a constant function")


def sum_dot(ops, x):
    """sum(tanh(W . x) * c) for a fixed (2, 4) matrix W"""
    W = np.array([[1.0, -2.0, 0.5, 3.0], [0.25, 1.0, -1.0, 2.0]])  # (2, 4)
    return ops.sum(ops.tanh(ops.dot(W, x)) * np.array([1.0, -3.0]))


def broadcast(ops, x):
    """exp(x * c) + x / 4 with c of shape (2, 1), x of shape (4,)"""
    return ops.exp(x * np.array([[1.0], [-0.5]])) + x / 4.0  # (4,) -> (2, 4)


def indexing(ops, x):
    """sin(x[[1, 2, 3]]) * x[0] + (x[[0, 2]] @ M)[1] with a fixed (2, 3) matrix M"""
    M = np.array([[1.0, -2.0, 0.5], [0.25, 1.0, -1.0]])
    return ops.sin(x[np.array([1, 2, 3])]) * x[0] + (x[np.array([0, 2])] @ M)[1]


def elementwise(ops, x):
    """x sin(x) - 2 / (3 + x**2), elementwise"""
    return x * ops.sin(x) - 2.0 / (3.0 + x * x)


@pytest.mark.exercise("jvp", points=1)
@pytest.mark.parametrize("function", [elementwise, broadcast, sum_dot, indexing])
@pytest.mark.parametrize("seed", [1, 2])
def test_jvp_matches_autograd(fm, function, seed):
    rng = np.random.default_rng(seed)
    x, v = rng.normal(size=4), rng.normal(size=4)
    copies = snapshot(x, v)
    calls = []

    def f(value):
        calls.append(1)
        return function(fm, value)

    result = fm.jvp(f, x, v)
    check_unchanged([x, v], copies, "jvp")
    if not isinstance(result, tuple) or len(result) != 2:
        fail("jvp must return a pair (f(x), J v)")
    expected = autograd_jvp(lambda value: function(anp, value), x, v)
    check_close(result[0], expected[0], f"jvp of {function.__doc__}: f(x)", rtol=1e-9)
    check_close(result[1], expected[1], f"jvp of {function.__doc__}: J v", rtol=1e-9)
    if len(calls) != 1:
        fail(f"jvp: one evaluation of f gives J v, yours made {len(calls)}")


@pytest.mark.exercise("jvp", points=1)
def test_jvp_of_a_scalar_function_and_its_linearity(fm):
    x = np.array([0.5, -1.0, 2.0])
    v = np.array([1.0, 2.0, -0.5])
    _, jv = fm.jvp(lambda value: fm.sum(value * value) + 2.5, x, v)
    check_scalar(jv, 2 * x @ v, "jvp of sum(x * x) plus a constant: J v = 2 x . v", rtol=1e-12)
    _, jv2 = fm.jvp(lambda value: fm.sum(value * value), x, 3 * v)
    check_scalar(jv2, 3 * (2 * x @ v), "jvp is linear in v", rtol=1e-12)
