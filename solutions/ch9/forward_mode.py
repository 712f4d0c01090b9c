"""Forward-mode automatic differentiation with dual numbers.

A dual number v + v̇ε, with ε² = 0, carries a value v and its derivative v̇
along one direction. Arithmetic on dual numbers is arithmetic on the value
plus the chain rule on the derivative:

    (a + ȧε)(b + ḃε) = ab + (ȧb + aḃ)ε,   f(a + ȧε) = f(a) + f'(a)ȧε.

Seeding an input with v̇ = 1 (all others 0) and evaluating f once gives one
column of the Jacobian: n inputs need n passes (the book's figures 9-3, 9-4).
A Dual's value and derivative are floats or numpy arrays of one shape;
operations then work elementwise, and Duals of different shapes broadcast
as numpy arrays do.

Inputs are never changed in place: an operator returns a new Dual and leaves both operands
(and the arrays they hold) as they were. The tests check it after every call.
"""

import numpy as np


def as_dual(x):
    """x itself if it is a Dual, else the constant Dual(x, 0)."""
    return x if isinstance(x, Dual) else Dual(x, 0.0)


class Dual:
    """A dual number value + deriv·ε.

    Supports + − * / ** with floats, arrays and other Duals on either side
    (3 − x calls x.__rsub__(3), 2 / x calls x.__rtruediv__(2)), and unary −;
    indexing and @ (given) work on Duals of arrays.
    A power x ** p takes a constant exponent p, or a Dual one; c ** x a
    constant base c > 0.

    Attributes:
    - value: float or array, the value v
    - deriv: float or array, the derivative v̇ (default 0: a constant)
    """

    __array_ufunc__ = None  # numpy arrays hand `array * dual` over to Dual.__rmul__

    def __init__(self, value, deriv=0.0):
        self.value = value
        self.deriv = deriv

    def __repr__(self):
        return f"Dual({self.value!r}, {self.deriv!r})"

    def __add__(self, other):
        """x + y: (a + ȧε) + (b + ḃε) = (a + b) + (ȧ + ḃ)ε."""
        other = as_dual(other)
        ### BEGIN SOLUTION
        return Dual(self.value + other.value, self.deriv + other.deriv)
        ### END SOLUTION

    def __radd__(self, other):
        """other + x, for a constant other (a float or an array)."""
        ### BEGIN SOLUTION
        return as_dual(other) + self
        ### END SOLUTION

    def __neg__(self):
        """−x: −(a + ȧε) = −a − ȧε."""
        ### BEGIN SOLUTION
        return Dual(-self.value, -self.deriv)
        ### END SOLUTION

    def __sub__(self, other):
        """x − y: (a − b) + (ȧ − ḃ)ε."""
        other = as_dual(other)
        ### BEGIN SOLUTION
        return Dual(self.value - other.value, self.deriv - other.deriv)
        ### END SOLUTION

    def __rsub__(self, other):
        """other − x, for a constant other: 3 − x is not x − 3."""
        ### BEGIN SOLUTION
        return as_dual(other) - self
        ### END SOLUTION

    def __mul__(self, other):
        """x·y, the product rule: ab + (ȧb + aḃ)ε."""
        other = as_dual(other)
        ### BEGIN SOLUTION
        return Dual(self.value * other.value, self.deriv * other.value + self.value * other.deriv)
        ### END SOLUTION

    def __rmul__(self, other):
        """other·x, for a constant other."""
        ### BEGIN SOLUTION
        return as_dual(other) * self
        ### END SOLUTION

    def __truediv__(self, other):
        """x / y, the quotient rule: a/b + ((ȧb − aḃ) / b²)ε."""
        other = as_dual(other)
        ### BEGIN SOLUTION
        value = self.value / other.value
        return Dual(value, (self.deriv - value * other.deriv) / other.value)
        ### END SOLUTION

    def __rtruediv__(self, other):
        """other / x, for a constant other: 2 / x is not x / 2."""
        ### BEGIN SOLUTION
        return as_dual(other) / self
        ### END SOLUTION

    def __pow__(self, other):
        """x ** p for a constant p, the power rule: aᵖ + (p·aᵖ⁻¹·ȧ)ε (a Dual p: exp(p log x))."""
        if isinstance(other, Dual):  # x ** y = exp(y log x), for x > 0
            return exp(other * log(self))
        ### BEGIN SOLUTION
        return Dual(self.value**other, other * self.value ** (other - 1) * self.deriv)
        ### END SOLUTION

    def __rpow__(self, other):
        """c ** x for a constant c > 0: cᵃ + (cᵃ·log c·ȧ)ε."""
        ### BEGIN SOLUTION
        value = other**self.value
        return Dual(value, value * np.log(other) * self.deriv)
        ### END SOLUTION

    def __getitem__(self, key):
        """x[key]: the selected values and their derivatives."""
        return Dual(self.value[key], np.broadcast_to(self.deriv, np.shape(self.value))[key])

    def __matmul__(self, other):
        return dot(self, other)

    def __rmatmul__(self, other):
        return dot(other, self)


def sin(x):
    """sin(v + v̇ε) = sin v + (cos v)·v̇ε; on a float or array, np.sin."""
    if not isinstance(x, Dual):
        return np.sin(x)
    ### BEGIN SOLUTION
    return Dual(np.sin(x.value), np.cos(x.value) * x.deriv)
    ### END SOLUTION


def cos(x):
    """cos(v + v̇ε) = cos v − (sin v)·v̇ε; on a float or array, np.cos."""
    if not isinstance(x, Dual):
        return np.cos(x)
    ### BEGIN SOLUTION
    return Dual(np.cos(x.value), -np.sin(x.value) * x.deriv)
    ### END SOLUTION


def exp(x):
    """exp(v + v̇ε) = eᵛ + eᵛ·v̇ε; on a float or array, np.exp."""
    if not isinstance(x, Dual):
        return np.exp(x)
    ### BEGIN SOLUTION
    value = np.exp(x.value)
    return Dual(value, value * x.deriv)
    ### END SOLUTION


def log(x):
    """log(v + v̇ε) = log v + (v̇ / v)ε, for v > 0; on a float or array, np.log."""
    if not isinstance(x, Dual):
        return np.log(x)
    ### BEGIN SOLUTION
    return Dual(np.log(x.value), x.deriv / x.value)
    ### END SOLUTION


def sqrt(x):
    """sqrt(v + v̇ε) = √v + v̇ / (2√v)ε, for v > 0; on a float or array, np.sqrt."""
    if not isinstance(x, Dual):
        return np.sqrt(x)
    ### BEGIN SOLUTION
    value = np.sqrt(x.value)
    return Dual(value, x.deriv / (2 * value))
    ### END SOLUTION


def tanh(x):
    """tanh(v + v̇ε) = tanh v + (1 − tanh² v)·v̇ε; on a float or array, np.tanh."""
    if not isinstance(x, Dual):
        return np.tanh(x)
    ### BEGIN SOLUTION
    value = np.tanh(x.value)
    return Dual(value, (1 - value**2) * x.deriv)
    ### END SOLUTION


def sum(x):
    """The sum of an array's elements; on a Dual, the sums of value and derivative (sum is linear)."""
    if not isinstance(x, Dual):
        return np.sum(x)
    return Dual(np.sum(x.value), np.sum(x.deriv * np.ones_like(x.value)))


def dot(a, b):
    """np.dot(a, b) of arrays or Duals, with the product rule ȧ·b + a·ḃ on Duals."""
    if not isinstance(a, Dual) and not isinstance(b, Dual):
        return np.dot(a, b)
    a, b = as_dual(a), as_dual(b)
    deriv = np.dot(a.deriv * np.ones_like(a.value), b.value) + np.dot(a.value, b.deriv * np.ones_like(b.value))
    return Dual(np.dot(a.value, b.value), deriv)


def derivative(f, x):
    """f'(x) of a function of one variable, from one pass with the seed ẋ = 1.

    Inputs:
    - f: a function of one float, written with Dual's operators and this module's functions
    - x: float

    Returns:
    - f'(x): float
    """
    ### BEGIN SOLUTION
    out = f(Dual(x, 1.0))
    return float(out.deriv) if isinstance(out, Dual) else 0.0
    ### END SOLUTION


def jvp(f, x, v):
    """f(x) and the Jacobian-vector product J(x)·v, from one pass with the seed ẋ = v.

    Inputs:
    - f: a function of one float or array, written with Dual's operators and this module's functions
    - x: float or array, the point
    - v: like x, the direction

    Returns a tuple of:
    - out: f(x), a float or array
    - jv: J(x)·v, shaped like out
    """
    ### BEGIN SOLUTION
    out = f(Dual(x, v))
    if not isinstance(out, Dual):
        return out, np.zeros_like(out, dtype=float)
    return out.value, out.deriv + np.zeros_like(out.value, dtype=float)
    ### END SOLUTION
