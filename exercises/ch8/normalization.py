# Fill in each part that raises NotImplementedError; the docstrings say what to compute.
# `pytest exercises/ch8` checks your work, `dlgrade hint NAME` gives a hint.
"""Batch normalization and dropout, as in CS231n.

Batch normalization keeps each feature's activations normalised over the
mini-batch; dropout zeroes random units while training. Both behave
differently when training (``mode='train'``) and when predicting
(``mode='test'``).

What every function here promises (the tests check it): inputs (arrays, and
the param dicts unless a docstring says otherwise) are never modified;
a batch of one (N = 1) and non-square shapes work like any other.
"""

import numpy as np


def batchnorm_forward(x, gamma, beta, bn_param):
    """Batch normalization: out = gamma * x_hat + beta, feature by feature.

    In train mode, with the batch mean mu and the (biased, ddof=0) batch
    variance var of each column,

        x_hat = (x - mu) / sqrt(var + eps)
        running_mean <- momentum * running_mean + (1 - momentum) * mu
        running_var  <- momentum * running_var  + (1 - momentum) * var

    In test mode x_hat = (x - running_mean) / sqrt(running_var + eps): no
    batch statistics, and the running averages are not changed.

    bn_param is the layer's state, as in CS231n: the running averages are
    read from it and the new ones written back into it (the one argument
    that is updated: store new arrays, do not change the old ones in
    place). x, gamma and beta are not modified.

    Inputs:
    - x: data, shape (N, D)
    - gamma: scale, shape (D,)
    - beta: shift, shape (D,)
    - bn_param: dict with
      - mode: 'train' or 'test' (required)
      - eps: constant for numeric stability, default 1e-5
      - momentum: constant for the running averages, default 0.9
      - running_mean: shape (D,), default zeros
      - running_var: shape (D,), default zeros

    Returns a tuple of:
    - out: shape (N, D)
    - cache: whatever batchnorm_backward needs
    """
    mode = bn_param["mode"]
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.9)
    D = x.shape[1]
    running_mean = bn_param.get("running_mean", np.zeros(D, dtype=np.float64))
    running_var = bn_param.get("running_var", np.zeros(D, dtype=np.float64))
    if mode not in ("train", "test"):
        raise ValueError(f"invalid batchnorm mode {mode!r}")
    raise NotImplementedError("batchnorm_forward: not started, see its docstring")
    bn_param["running_mean"] = running_mean
    bn_param["running_var"] = running_var
    return out, cache


def batchnorm_backward(dout, cache):
    """Backward pass of batch normalization in train mode.

    Returns dL/dx, dL/dgamma and dL/dbeta. The batch mean and variance
    depend on every example of the batch, so dx has a contribution through
    them too: derive it from the computation graph (`dlgrade hint
    batchnorm_backward` helps).

    Inputs:
    - dout: upstream gradient, shape (N, D)
    - cache: from batchnorm_forward (train mode)

    Returns a tuple of:
    - dx: shape (N, D)
    - dgamma: shape (D,), like gamma: not (1, D), or an update
      gamma - learning_rate * dgamma would turn gamma into a (1, D) array
    - dbeta: shape (D,), like beta
    """
    raise NotImplementedError("batchnorm_backward: not started, see its docstring")
    return dx, dgamma, dbeta


def dropout_forward(x, dropout_param):
    """Inverted dropout: keep each unit with probability p and scale it by 1/p.

    In train mode, with rng = np.random.default_rng(dropout_param.get('seed')),

        mask = (rng.random(x.shape) < p) / p
        out = x * mask

    so that the expected value of out is x; in test mode out = x (nothing is
    dropped and nothing needs rescaling).

    Inputs:
    - x: data, any shape
    - dropout_param: dict with
      - p: probability of KEEPING a unit, 0 < p <= 1 (required); p = 0.3
        keeps 30 % of the units (CS231n's 2016-2017 code used p as the
        probability of dropping one)
      - mode: 'train' or 'test' (required)
      - seed: optional seed, for repeatable masks (same seed, same mask)

    Returns a tuple of:
    - out: like x
    - cache: whatever dropout_backward needs
    """
    p, mode = dropout_param["p"], dropout_param["mode"]
    raise NotImplementedError("dropout_forward: not started, see its docstring")
    return out, cache


def dropout_backward(dout, cache):
    """Backward pass of inverted dropout: dx = dout * mask (train), dout (test).

    Inputs:
    - dout: upstream gradient, like x
    - cache: from dropout_forward

    Returns:
    - dx: like dout
    """
    raise NotImplementedError("dropout_backward: not started, see its docstring")
    return dx
