# Fill in each part that raises NotImplementedError; the docstrings say what to compute.
# `pytest exercises/ch8` checks your work, `dlgrade hint NAME` gives a hint.
"""Equilibrated SGD (Dauphin, de Vries and Bengio 2015).

SGD struggles where the curvature differs wildly between directions (narrow
valleys, saddle points). ESGD rescales each parameter's step by an estimate
of the size of its row of the Hessian H: for v ~ N(0, I),
E[(H v)_i**2] = sum_j H_ij**2, so a running average D of (H v)**2 gives the
"equilibration" preconditioner sqrt(D). Hessian-vector products H v cost
about two gradients and never form H: autograd gives them.

Loss functions here take the parameters first: f(w, *args) -> float,
written with autograd.numpy so that autograd can differentiate them.

Inputs are never changed in place: no function here modifies an array, list or dict it is
given (write ``x = x * 2``, not ``x *= 2``; copy before changing). The tests check it after
every call and name the input that changed.
"""

import autograd
import autograd.numpy as anp
import numpy as np


def quadratic(w, A, b):
    """f(w) = 0.5 * w @ A @ w - b @ w (A symmetric); its Hessian is A everywhere."""
    return 0.5 * anp.dot(w, anp.dot(A, w)) - anp.dot(b, w)


def rosenbrock(w):
    """Rosenbrock's valley, sum_i 100 (w[i+1] - w[i]**2)**2 + (1 - w[i])**2, minimum 0 at ones."""
    return anp.sum(100.0 * (w[1:] - w[:-1] ** 2) ** 2 + (1.0 - w[:-1]) ** 2)


def hessian_vector_product(f, w, v, args=()):
    """H v, the Hessian of f at w times v, by differentiating twice with autograd.

    H v is the gradient, with respect to w, of the scalar grad f(w) . v:

        Hv = autograd.grad(lambda u: dot(autograd.grad(f)(u, *args), v))(w)

    Inputs:
    - f: function (w, *args) -> float, written with autograd.numpy
    - w: point, shape (D,)
    - v: direction, shape (D,)
    - args: further arguments of f, a tuple

    Returns:
    - hv: shape (D,)
    """
    raise NotImplementedError("hessian_vector_product: not started, see its docstring")
    return np.asarray(hv, dtype=np.float64)


def esgd_update(w, dw, hv, config=None):
    """One ESGD step, given the gradient dw and a product hv = H v, v ~ N(0, I).

        t <- t + 1
        cache <- decay_rate * cache + (1 - decay_rate) * hv**2
        D = cache / (1 - decay_rate**t)          (bias-corrected running average)
        w <- w - learning_rate * dw / (sqrt(D) + epsilon)

    This is Dauphin et al.'s rule. The book's "(H_d)^2, the diagonal of the
    Hessian evaluated at x in N(0, 1)" garbles it: the squared entries of
    H v for a random v ~ N(0, I) estimate the squared norms of H's rows.

    config (state carried from call to call, like the rules of optim.py;
    w, dw, hv and the arrays in config are not modified):
    - learning_rate: scalar, default 1e-2
    - decay_rate: scalar in [0, 1), default 0.99
    - epsilon: damping, default 1e-4
    - cache: array like w, default zeros; running average of hv**2
    - t: number of steps taken so far, default 0

    Returns a tuple of:
    - next_w: like w
    - config: with the new cache and t
    """
    config = {"learning_rate": 1e-2, "decay_rate": 0.99, "epsilon": 1e-4, "t": 0, **(config or {})}
    cache = config.get("cache")
    if cache is None:
        cache = np.zeros_like(w, dtype=np.float64)
    raise NotImplementedError("esgd_update: not started, see its docstring")
    config["cache"], config["t"] = cache, t
    return next_w, config


def esgd(f, w0, steps, rng, config=None, args=()):
    """Minimise f by ESGD for a number of steps.

    Each step computes dw = grad f(w) (autograd), draws
    v = rng.standard_normal(w.shape) (one draw per step, nothing else from
    rng), computes hv = hessian_vector_product(f, w, v, args) and applies
    esgd_update(w, dw, hv, config), carrying config to the next step.

    Inputs:
    - f: function (w, *args) -> float, written with autograd.numpy
    - w0: starting point, shape (D,); not modified
    - steps: number of updates
    - rng: np.random.Generator, the only source of randomness
    - config: first config for esgd_update (None: defaults)
    - args: further arguments of f, a tuple

    Returns a tuple of:
    - w: final point, shape (D,)
    - losses: list of steps + 1 floats, f at the start and after each step
    """
    raise NotImplementedError("esgd: not started, see its docstring")
    return w, losses
