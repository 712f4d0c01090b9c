# Fill in each part that raises NotImplementedError; the docstrings say what to compute.
# `pytest exercises/ch9` checks your work, `dlgrade hint NAME` gives a hint.
"""Reverse-mode automatic differentiation on a Wengert list.

Evaluating f records every intermediate variable vᵢ, in the order it is
computed, on a tape: the Wengert list (inputs first: v₋₁, v₀, then v₁, v₂,
...). Each ``Var`` keeps its parents and, for each parent u, the local
vector-Jacobian product g ↦ g·∂vᵢ/∂u. The reverse pass walks the tape from
the output back to the inputs and accumulates the adjoints

    v̄ᵤ = Σ over the children vᵢ of u of  v̄ᵢ·∂vᵢ/∂u,   with v̄ = 1 for the output,

so one forward and one reverse pass give the gradient with respect to every
input (the book's figures 9-5 to 9-7). Constants (floats, arrays) are not
variables: they never go on the tape.

Values may be floats or numpy arrays; operations broadcast as in numpy, and a
gradient always has the shape of its variable. The functions sin, cos, exp,
log, sqrt, tanh, sum and dot here take Vars; they share their names with
forward_mode's functions for Duals (in the chapter's notebook, the later
definitions replace the earlier ones: run it from the top).

Inputs are never changed in place: a Var's operators, ``grad`` and ``trace`` leave the arrays
they are given as they were (adjoints are new arrays, not sums into an input). The tests check it.
"""

import numpy as np

_tape: list["Var"] = []  # the Wengert list of the current evaluation: every Var, in the order it was computed


class Var:
    """A variable vᵢ of the Wengert list, appended to the tape when created.

    Supports + − * / ** with floats, arrays and other Vars on either side, and
    unary −; x ** p takes a constant exponent p. Indexing x[key] and x @ y
    (``dot``) work too.

    Attributes:
    - value: float or array
    - parents: tuple of pairs (u, vjp), one per Var this one was computed
      from, where vjp(g) is g·∂v/∂u, shaped like u.value
    """

    __array_ufunc__ = None  # numpy arrays hand `array * var` over to Var.__rmul__

    def __init__(self, value, parents=()):
        self.value = value
        self.parents = tuple(parents)
        _tape.append(self)

    def __repr__(self):
        return f"Var({self.value!r})"

    def __add__(self, other):
        a, b = self.value, value_of(other)
        return node(
            a + b, (self, lambda g: unbroadcast(g, np.shape(a))), (other, lambda g: unbroadcast(g, np.shape(b)))
        )

    def __radd__(self, other):
        return self + other

    def __neg__(self):
        return node(-self.value, (self, lambda g: -g))

    def __sub__(self, other):
        a, b = self.value, value_of(other)
        return node(
            a - b, (self, lambda g: unbroadcast(g, np.shape(a))), (other, lambda g: unbroadcast(-g, np.shape(b)))
        )

    def __rsub__(self, other):
        a, b = value_of(other), self.value
        return node(a - b, (self, lambda g: unbroadcast(-g, np.shape(b))))

    def __mul__(self, other):
        a, b = self.value, value_of(other)
        return node(
            a * b, (self, lambda g: unbroadcast(g * b, np.shape(a))), (other, lambda g: unbroadcast(g * a, np.shape(b)))
        )

    def __rmul__(self, other):
        return self * other

    def __truediv__(self, other):
        a, b = self.value, value_of(other)
        return node(
            a / b,
            (self, lambda g: unbroadcast(g / b, np.shape(a))),
            (other, lambda g: unbroadcast(-g * a / b**2, np.shape(b))),
        )

    def __rtruediv__(self, other):
        a, b = value_of(other), self.value
        return node(a / b, (self, lambda g: unbroadcast(-g * a / b**2, np.shape(b))))

    def __pow__(self, p):
        a = self.value
        return node(a**p, (self, lambda g: unbroadcast(g * p * a ** (p - 1), np.shape(a))))

    def __getitem__(self, key):
        shape = np.shape(self.value)

        def scatter(g):  # the adjoint of x[key]: g at the selected places, 0 elsewhere
            adjoint = np.zeros(shape)
            np.add.at(adjoint, key, g)
            return adjoint

        return node(self.value[key], (self, scatter))

    def __matmul__(self, other):
        return dot(self, other)

    def __rmatmul__(self, other):
        return dot(other, self)


def value_of(x):
    """The value of a Var, or x itself for a constant."""
    return x.value if isinstance(x, Var) else x


def node(value, *inputs):
    """A new Var of this value, from pairs (input, vjp); constant inputs are left out."""
    return Var(value, [(u, vjp) for u, vjp in inputs if isinstance(u, Var)])


def _elementwise(numpy_function, local_derivative):
    """A function of floats, arrays and Vars; on a Var x, its vjp is g·local_derivative(x.value)."""

    def function(x):
        if not isinstance(x, Var):
            return numpy_function(x)
        return node(numpy_function(x.value), (x, lambda g: g * local_derivative(x.value)))

    function.__name__ = numpy_function.__name__
    function.__doc__ = f"{numpy_function.__name__} of a float, array or Var (elementwise)."
    return function


sin = _elementwise(np.sin, np.cos)
cos = _elementwise(np.cos, lambda v: -np.sin(v))
exp = _elementwise(np.exp, np.exp)
log = _elementwise(np.log, lambda v: 1 / v)
sqrt = _elementwise(np.sqrt, lambda v: 0.5 / np.sqrt(v))
tanh = _elementwise(np.tanh, lambda v: 1 - np.tanh(v) ** 2)


def sum(x):
    """The sum of all elements of an array or Var; its vjp spreads g over x's shape."""
    if not isinstance(x, Var):
        return np.sum(x)
    shape = np.shape(x.value)
    return node(np.sum(x.value), (x, lambda g: g * np.ones(shape)))


def unbroadcast(g, shape):
    """Sum g down to ``shape``, undoing numpy broadcasting.

    Broadcasting a variable of ``shape`` copied it along new leading axes and
    along its axes of length 1; the adjoints of all copies add up:
    sum g over the leading axes, then over the axes where shape has a 1
    (keeping them).

    Inputs:
    - g: float or array, an adjoint of the broadcast result
    - shape: tuple, the shape of the variable before broadcasting

    Returns:
    - an array of shape ``shape`` (0-d for a scalar)
    """
    raise NotImplementedError("unbroadcast: not started, see its docstring")
    return g


def _input(value):
    """A new input Var: floats stay floats, anything else becomes a float array."""
    return Var(float(value) if np.ndim(value) == 0 else np.array(value, dtype=float))


def trace(f, *args):
    """The Wengert list of f at args: the values v₋ₙ₊₁ .. v₀ of the inputs, then of every intermediate.

    Start from an empty tape, wrap each argument in an input Var (``_input``),
    evaluate f once and read the tape. For f(x1, x2) = sqrt(x1² + x2²) at
    (1, 2) the list is [1, 2, 1, 4, 5, 2.2360679775] (the book's figure 9-1).

    Inputs:
    - f: a function of len(args) variables, written with Var's operators and this module's functions
    - args: floats or arrays

    Returns:
    - values: list of floats or arrays, one per variable, in the order computed
    """
    raise NotImplementedError("trace: not started, see its docstring")


def grad(f, argnum=0):
    """The gradient function of a scalar f, by one forward and one reverse pass.

    grad(f)(x1, x2) returns ∂f/∂x1; grad(f, 1) returns ∂f/∂x2; grad(f, (0, 1))
    returns the tuple (∂f/∂x1, ∂f/∂x2), from a single evaluation of f. Each
    call starts from an empty tape; the output's adjoint is seeded with 1,
    the tape is walked in reverse (an order in which every variable comes
    after all the variables computed from it), and each parent's adjoint
    accumulates vjp(adjoint) from every child.

    Inputs:
    - f: a scalar function, written with Var's operators and this module's functions
    - argnum: int, or tuple of ints, the arguments to differentiate

    Returns:
    - gradient: a function of the same arguments as f returning ∂f/∂x (shaped
      like x), or a tuple of them when argnum is a tuple

    In ``gradient``, set ``grads`` to the tuple of gradients, one per argnum.
    """

    def gradient(*args):
        raise NotImplementedError("grad.gradient: not started, see its docstring")
        return grads[0] if isinstance(argnum, int) else grads

    return gradient


def dot(a, b):
    """np.dot of arrays or Vars (1-D or 2-D), with its vjps.

    For out = a·b with a (M, K) and b (K, N): ā = g·bᵀ and b̄ = aᵀ·g. When a
    or b is 1-D the transposes become outer products (np.multiply.outer):
    for b (K,), ā = outer(g, b); for a (K,), b̄ = outer(a, g).

    Inputs:
    - a, b: arrays or Vars of arrays, as np.dot takes them

    Returns:
    - np.dot of the values, a Var if a or b is one

    Set ``out`` to np.dot of the values, and ``grad_a``, ``grad_b`` to the
    functions g ↦ ā and g ↦ b̄.
    """
    A, B = value_of(a), value_of(b)
    raise NotImplementedError("dot: not started, see its docstring")
    if not isinstance(a, Var) and not isinstance(b, Var):
        return out
    return node(out, (a, grad_a), (b, grad_b))
