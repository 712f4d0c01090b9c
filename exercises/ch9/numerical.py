# Fill in each part that raises NotImplementedError; the docstrings say what to compute.
# `pytest exercises/ch9` checks your work, `dlgrade hint NAME` gives a hint.
"""Numerical differentiation: difference quotients and Richardson extrapolation.

Each formula estimates f'(x) from a few values of f. Its truncation error
falls like a power of the step h (h, h, h², h⁴ below), while the round-off
error of subtracting nearly equal values grows like 1/h: a step that is too
small is as bad as one too large.

Every function works on a scalar x, or elementwise on an array x for an
elementwise f.

Inputs are never changed in place: no function here modifies an array, list or dict it is
given (write ``x = x * 2``, not ``x *= 2``; copy before changing). The tests check it after
every call and name the input that changed.
"""


def forward_difference(f, x, h=1e-5):
    """D₊(h) = (f(x + h) − f(x)) / h, with error O(h).

    Inputs:
    - f: a function of one variable
    - x: float or array, where to differentiate
    - h: float, the step

    Returns:
    - the estimate of f'(x), like x
    """
    raise NotImplementedError("forward_difference: not started, see its docstring")


def backward_difference(f, x, h=1e-5):
    """D₋(h) = (f(x) − f(x − h)) / h, with error O(h).

    Inputs and Returns as ``forward_difference``.
    """
    raise NotImplementedError("backward_difference: not started, see its docstring")


def central_difference(f, x, h=1e-5):
    """D₀(h) = (f(x + h) − f(x − h)) / 2h, with error O(h²).

    Inputs and Returns as ``forward_difference``.
    """
    raise NotImplementedError("central_difference: not started, see its docstring")


def richardson_extrapolation(f, x, h=1e-3):
    """(4·D₀(h) − D₀(2h)) / 3, with error O(h⁴).

    The h² terms of the central differences at steps h and 2h cancel.

    Inputs and Returns as ``forward_difference``.
    """
    raise NotImplementedError("richardson_extrapolation: not started, see its docstring")
