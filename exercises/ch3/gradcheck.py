# Fill in each part that raises NotImplementedError; the docstrings say what to compute.
# `pytest exercises/ch3` checks your work, `dlgrade hint NAME` gives a hint.
"""Numerical gradients: how to check a backward pass you wrote by hand.

Central differences, df/dx_i ~ (f(x + h e_i) - f(x - h e_i)) / (2h), have an
error of order h**2 (forward differences only h). Each function perturbs
``x`` in place, one element at a time, and must restore it afterwards.
"""

import numpy as np


def eval_numerical_gradient(f, x, verbose=False, h=1e-5):
    """Numerical gradient of a scalar function f at x, by central differences.

    Inputs:
    - f: function taking an array shaped like x and returning a float
    - x: float array of any shape; left unchanged on return
    - verbose: if True, print each index and its gradient
    - h: step size

    Returns:
    - grad: array shaped like x, grad[i] ~ df/dx[i]
    """
    raise NotImplementedError("eval_numerical_gradient: not started, see its docstring")
    return grad


def eval_numerical_gradient_array(f, x, df, h=1e-5):
    """Numerical gradient of sum(f(x) * df), for an array-valued f.

    This is the vector-Jacobian product a backward pass computes when the
    upstream gradient is df.

    Inputs:
    - f: function taking an array shaped like x and returning an array shaped like df
    - x: float array of any shape; left unchanged on return
    - df: upstream gradient
    - h: step size

    Returns:
    - grad: array shaped like x
    """
    raise NotImplementedError("eval_numerical_gradient_array: not started, see its docstring")
    return grad


def rel_error(x, y):
    """Relative error, as CS231n reports it: max |x - y| / max(1e-8, |x| + |y|).

    The maximum runs over elements of the elementwise ratio.

    Inputs:
    - x, y: arrays of the same shape (or numbers)

    Returns:
    - error: float
    """
    raise NotImplementedError("rel_error: not started, see its docstring")
    return error
