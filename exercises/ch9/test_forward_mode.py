# Public tests: `pytest exercises/ch9/test_forward_mode.py` runs them; `dlgrade check` shows your progress.
"""Public tests for forward_mode.py."""

import numpy as np
import pytest

from grader.testing import call_unchanged

from .forward_mode import Dual, cos, derivative, exp, jvp, log, sin, sqrt, tanh


@pytest.mark.exercise("Dual")
def test_sum_and_product_rules():
    x = Dual(3.0, 1.0)  # the variable x = 3, dx/dx = 1
    y = x * x + 2 * x + 1
    assert y.value == pytest.approx(16.0)
    assert y.deriv == pytest.approx(8.0), "d/dx (x**2 + 2x + 1) = 2x + 2"


@pytest.mark.exercise("Dual")
def test_quotient_and_reflected_operators():
    x = Dual(2.0, 1.0)
    assert (3 - x).deriv == pytest.approx(-1.0), "3 - x: derivative -1"
    assert (2 / x).deriv == pytest.approx(-0.5), "2 / x: derivative -2 / x**2"
    assert (x / (x + 1)).deriv == pytest.approx(1 / 9), "quotient rule: ((x + 1) - x) / (x + 1)**2"
    assert (x**3).deriv == pytest.approx(12.0), "power rule: 3 x**2"


@pytest.mark.exercise("sin")
def test_sin():
    assert sin(Dual(0.5, 1.0)).deriv == pytest.approx(np.cos(0.5))
    assert sin(0.5) == pytest.approx(np.sin(0.5)), "plain numbers still work"


@pytest.mark.exercise("cos")
def test_cos():
    assert cos(Dual(0.5, 1.0)).deriv == pytest.approx(-np.sin(0.5))


@pytest.mark.exercise("exp")
def test_exp():
    assert exp(Dual(0.5, 2.0)).deriv == pytest.approx(2 * np.exp(0.5)), "chain rule: exp(v) times the seed"


@pytest.mark.exercise("log")
def test_log():
    assert log(Dual(4.0, 1.0)).deriv == pytest.approx(0.25)


@pytest.mark.exercise("sqrt")
def test_sqrt():
    assert sqrt(Dual(4.0, 1.0)).deriv == pytest.approx(0.25), "1 / (2 sqrt(4))"


@pytest.mark.exercise("tanh")
def test_tanh():
    assert tanh(Dual(0.5, 1.0)).deriv == pytest.approx(1 - np.tanh(0.5) ** 2)


@pytest.mark.exercise("derivative")
def test_derivative_reproduces_listing_9_1():
    # f(x1, x2) = sqrt(x1**2 + x2**2) at (1, 2), one pass per input
    assert derivative(lambda x1: sqrt(x1 * x1 + 4.0), 1.0) == pytest.approx(0.4472135954999579, abs=1e-12)
    assert derivative(lambda x2: sqrt(1.0 + x2 * x2), 2.0) == pytest.approx(0.8944271909999159, abs=1e-12)


@pytest.mark.exercise("jvp")
def test_jvp_on_an_array():
    x = np.array([0.0, 1.0, 2.0])
    out, jv = jvp(lambda x: x * x, x, np.array([1.0, 1.0, 0.0]))
    np.testing.assert_allclose(out, x**2)
    np.testing.assert_allclose(jv, [0.0, 2.0, 0.0], err_msg="J v = 2x * v elementwise")


@pytest.mark.exercise("jvp")
def test_jvp_leaves_x_and_v_unchanged():
    call_unchanged(jvp, lambda d: sin(d) * d, np.array([0.5, 1.0, 2.0]), np.array([1.0, 0.0, -1.0]))


@pytest.mark.exercise("Dual")
def test_a_dual_leaves_the_arrays_it_is_made_of_unchanged():
    value, deriv = np.array([0.5, 2.0]), np.array([1.0, 0.0])
    x = call_unchanged(Dual, value, deriv)  # fails naming an input the call changed
    _ = x * x + x / 2.0 - 1.0  # arithmetic on x must leave value and deriv alone too
    unchanged = np.array_equal(value, [0.5, 2.0]) and np.array_equal(deriv, [1.0, 0.0])
    assert unchanged, "Dual arithmetic changed the arrays the Dual was made of in place; return new arrays"


@pytest.mark.parametrize(
    "name", [pytest.param(n, marks=pytest.mark.exercise(n), id=n) for n in ("sin", "cos", "exp", "log", "sqrt", "tanh")]
)
def test_elementwise_functions_leave_an_array_unchanged(name):
    call_unchanged(globals()[name], np.array([0.5, 1.0, 2.0]))  # the function imported above; fails naming x
