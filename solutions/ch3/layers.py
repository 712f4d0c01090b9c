"""Layers of a feed-forward network, each a forward and a backward pass.

Every forward returns ``(out, cache)``; the matching backward takes
``(dout, cache)``, where ``dout`` is the upstream gradient dL/dout, and
returns the gradients of the loss with respect to the forward's inputs, in
the forward's order, each shaped like its input. What goes into ``cache``
is up to you. Inputs (``x``, ``w``, ``dout``, ...) are never modified: the
tests check that they are unchanged after every call.

The docstrings say *what* to compute; deriving the backward passes is the
exercise (book, chapter 3). `dlgrade hint NAME` helps, one level at a time.
"""

import numpy as np


def affine_forward(x, w, b):
    """Fully connected layer: out = x.reshape(N, D) @ w + b.

    Each example x[i] of shape (d_1, ..., d_k) is flattened to a row of
    D = d_1 * ... * d_k numbers first.

    Inputs:
    - x: array of shape (N, d_1, ..., d_k)
    - w: weights, shape (D, M)
    - b: biases, shape (M,)

    Returns a tuple of:
    - out: shape (N, M)
    - cache: whatever affine_backward needs
    """
    ### BEGIN SOLUTION
    rows = x.reshape(x.shape[0], -1)  # (N, D)
    out = rows @ w + b
    cache = (x, w)
    ### END SOLUTION
    return out, cache


def affine_backward(dout, cache):
    """Backward pass of the fully connected layer: dx = dL/dx, dw = dL/dw, db = dL/db.

    Inputs:
    - dout: upstream gradient, shape (N, M)
    - cache: from affine_forward

    Returns a tuple of:
    - dx: shape (N, d_1, ..., d_k), like x
    - dw: shape (D, M)
    - db: shape (M,)
    """
    ### BEGIN SOLUTION
    x, w = cache
    dx = (dout @ w.T).reshape(x.shape)
    dw = x.reshape(x.shape[0], -1).T @ dout
    db = dout.sum(axis=0)
    ### END SOLUTION
    return dx, dw, db


def relu_forward(x):
    """Rectified linear unit: out = max(0, x), elementwise. x itself stays unchanged.

    Inputs:
    - x: array of any shape

    Returns a tuple of:
    - out: like x
    - cache: whatever relu_backward needs
    """
    ### BEGIN SOLUTION
    out = np.maximum(0, x)
    cache = x
    ### END SOLUTION
    return out, cache


def relu_backward(dout, cache):
    """Backward pass of the ReLU: dx = dL/dx (take the derivative at x = 0 to be 0).

    Inputs:
    - dout: upstream gradient, any shape
    - cache: from relu_forward

    Returns:
    - dx: like dout
    """
    ### BEGIN SOLUTION
    x = cache
    dx = dout * (x > 0)
    ### END SOLUTION
    return dx


def sigmoid_forward(x):
    """Logistic sigmoid: out = 1 / (1 + exp(-x)), elementwise.

    Must not overflow for large |x| (no warnings for x = -1000).

    Inputs:
    - x: array of any shape

    Returns a tuple of:
    - out: like x, values in (0, 1)
    - cache: whatever sigmoid_backward needs
    """
    ### BEGIN SOLUTION
    # exp of a non-positive number never overflows: use the form that needs one.
    e = np.exp(-np.abs(x))
    out = np.where(x >= 0, 1 / (1 + e), e / (1 + e))
    cache = out
    ### END SOLUTION
    return out, cache


def sigmoid_backward(dout, cache):
    """Backward pass of the sigmoid: dx = dL/dx.

    Inputs:
    - dout: upstream gradient, any shape
    - cache: from sigmoid_forward

    Returns:
    - dx: like dout
    """
    ### BEGIN SOLUTION
    s = cache
    dx = dout * s * (1 - s)
    ### END SOLUTION
    return dx


def tanh_forward(x):
    """Hyperbolic tangent: out = tanh(x), elementwise.

    Inputs:
    - x: array of any shape

    Returns a tuple of:
    - out: like x, values in (-1, 1)
    - cache: whatever tanh_backward needs
    """
    ### BEGIN SOLUTION
    out = np.tanh(x)
    cache = out
    ### END SOLUTION
    return out, cache


def tanh_backward(dout, cache):
    """Backward pass of tanh: dx = dL/dx.

    Inputs:
    - dout: upstream gradient, any shape
    - cache: from tanh_forward

    Returns:
    - dx: like dout
    """
    ### BEGIN SOLUTION
    t = cache
    dx = dout * (1 - t**2)
    ### END SOLUTION
    return dx


def softmax(x):
    """Row-wise softmax: p[i, j] = exp(x[i, j]) / sum_k exp(x[i, k]).

    Numerically stable: rows of large scores (x = [[1000, 1001]] or
    [[-1000, -1001]]) give finite probabilities, without overflow warnings.

    Inputs:
    - x: scores, shape (N, C)

    Returns:
    - p: shape (N, C); every row is positive and sums to 1
    """
    ### BEGIN SOLUTION
    shifted = x - x.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    p = e / e.sum(axis=1, keepdims=True)
    ### END SOLUTION
    return p
