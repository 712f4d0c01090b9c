"""Arithmetic on the student's objects through the isolated worker (chapter 9's dual numbers).

A hidden test writes ``3 - x`` or ``array * x`` on a Dual that lives in the
worker; the proxy has the worker apply Python's operator there, so the
student's reflected operators run exactly as they would in-process.
"""

import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from grader.isolation.proxy import RemoteImplementation, RemoteObject

SOLUTIONS = Path(__file__).resolve().parents[2] / "solutions"


@pytest.fixture(scope="module")
def forward_mode(tmp_path_factory):
    folder = tmp_path_factory.mktemp("submission")
    shutil.copytree(SOLUTIONS / "ch9", folder / "ch9", ignore=shutil.ignore_patterns("test_*", "__pycache__"))
    implementation = RemoteImplementation(folder, use_sandbox=False)
    yield implementation.load("ch9.forward_mode")
    implementation.close()


def test_binary_reflected_and_unary_operators_run_in_the_worker(forward_mode):
    x: Any = forward_mode.Dual(2.0, 1.0)  # Any: RemoteObject's operators are set by a loop mypy does not follow
    assert isinstance(forward_mode.Dual(2.0, 1.0), RemoteObject), "the Dual stays in the worker"
    for expression, value, deriv in [
        (x * x + 1.0, 5.0, 4.0),
        (3.0 - x, 1.0, -1.0),
        (2.0 / x, 1.0, -0.5),
        (-x, -2.0, -1.0),
        (x**3, 8.0, 12.0),
        (2.0**x, 4.0, 4.0 * np.log(2.0)),
    ]:
        assert repr(expression) == "<Dual in the student's code>"
        assert (expression.value, expression.deriv) == pytest.approx((value, deriv))


def test_numpy_arrays_defer_to_the_remote_object(forward_mode):
    x = forward_mode.Dual(np.array([1.0, 2.0]), np.array([1.0, 0.0]))
    product = np.array([3.0, 4.0]) * x
    np.testing.assert_allclose(product.value, [3.0, 8.0])
    np.testing.assert_allclose(product.deriv, [3.0, 0.0])


def test_only_arithmetic_operators_are_applied(forward_mode):
    x = forward_mode.Dual(2.0, 1.0)
    client = object.__getattribute__(x, "_client")
    with pytest.raises(ValueError, match="unknown operator"):
        client.call({"operator": "setitem"}, (x, 0, 1), {})
