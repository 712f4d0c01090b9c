# Fill in each part that raises NotImplementedError; the docstrings say what to compute.
# `pytest exercises/ch5` checks your work, `dlgrade hint NAME` gives a hint.
"""Pooling: summarise each window of every channel by its maximum or its mean.

pool_param holds 'pool_height' (PH), 'pool_width' (PW) and 'stride' (S).
Windows start every S rows and columns, there is no padding, and each image
of shape (H, W) gives

    H' = 1 + (H - PH) // S      W' = 1 + (W - PW) // S

outputs per channel (rows or columns that do not fill a whole window are
ignored). Windows overlap when S is smaller than the window.

What every function here promises (the tests check it): inputs (arrays, and
the param dicts unless a docstring says otherwise) are never modified;
a batch of one (N = 1) and non-square shapes work like any other.
"""

import numpy as np


def pool_output_size(size, window, stride):
    """Number of window positions along one axis: 1 + (size - window) // stride."""
    return 1 + (size - window) // stride


def max_pool_forward_naive(x, pool_param):
    """Max pooling: out[n, c, i, j] = max_{p<PH, q<PW} x[n, c, i*S + p, j*S + q].

    Inputs:
    - x: shape (N, C, H, W)
    - pool_param: dict with 'pool_height', 'pool_width' and 'stride'

    Returns a tuple of:
    - out: shape (N, C, H', W'), H' = 1 + (H - PH) // S, W' = 1 + (W - PW) // S
    - cache: whatever max_pool_backward_naive needs
    """
    raise NotImplementedError("max_pool_forward_naive: not started, see its docstring")
    return out, cache


def max_pool_backward_naive(dout, cache):
    """Backward pass of max pooling: dout[n, c, i, j] goes to the cell that held the window's maximum.

    All other cells of the window get nothing from it. When windows overlap,
    a cell that is the maximum of several windows receives the sum of their
    gradients. (Tests never put two equal values in one window.)

    Inputs:
    - dout: upstream gradient, shape (N, C, H', W')
    - cache: from max_pool_forward_naive

    Returns:
    - dx: shape (N, C, H, W)
    """
    raise NotImplementedError("max_pool_backward_naive: not started, see its docstring")
    return dx


def avg_pool_forward(x, pool_param):
    """Average pooling: out[n, c, i, j] = (1 / (PH * PW)) * sum_{p<PH, q<PW} x[n, c, i*S + p, j*S + q].

    Inputs:
    - x: shape (N, C, H, W)
    - pool_param: dict with 'pool_height', 'pool_width' and 'stride'

    Returns a tuple of:
    - out: shape (N, C, H', W')
    - cache: whatever avg_pool_backward needs
    """
    raise NotImplementedError("avg_pool_forward: not started, see its docstring")
    return out, cache


def avg_pool_backward(dout, cache):
    """Backward pass of average pooling: every cell of a window gets dout[n, c, i, j] / (PH * PW).

    Overlapping windows add their shares.

    Inputs:
    - dout: upstream gradient, shape (N, C, H', W')
    - cache: from avg_pool_forward

    Returns:
    - dx: shape (N, C, H, W)
    """
    raise NotImplementedError("avg_pool_backward: not started, see its docstring")
    return dx


def l2_pool_forward(x, pool_param):
    """L2 pooling (the book's third kind): out[n, c, i, j] = sqrt(sum_{p<PH, q<PW} x[n, c, i*S + p, j*S + q]**2).

    The Euclidean norm of each window: like max pooling it responds to the
    strongest inputs and ignores their signs, but every input of the window
    contributes.

    Inputs:
    - x: shape (N, C, H, W)
    - pool_param: dict with 'pool_height', 'pool_width' and 'stride'

    Returns a tuple of:
    - out: shape (N, C, H', W')
    - cache: whatever l2_pool_backward needs
    """
    raise NotImplementedError("l2_pool_forward: not started, see its docstring")
    return out, cache


def l2_pool_backward(dout, cache):
    """Backward pass for L2 pooling.

    d out / d x = x / out for every input of the window (windows may
    overlap: add their contributions); a window whose inputs are all zero
    passes no gradient (take 0 where out = 0).

    Inputs:
    - dout: upstream gradient, shape (N, C, H', W')
    - cache: from l2_pool_forward

    Returns:
    - dx: shape (N, C, H, W)
    """
    raise NotImplementedError("l2_pool_backward: not started, see its docstring")
    return dx
