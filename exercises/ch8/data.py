# Fill in each part that raises NotImplementedError; the docstrings say what to compute.
# `pytest exercises/ch8` checks your work, `dlgrade hint NAME` gives a hint.
"""Data and a small model for chapter 8's experiments (no exercises here).

- ``two_moons``: two interleaving half circles, our own numpy version of the
  classic toy set the book's figure 8-14 trains on;
- ``sparse_logistic_problem``: a sparse logistic regression for Hogwild and
  Downpour, where each example touches only a few parameters;
- ``init_moons_net`` / ``moons_net_loss``: affine - tanh - affine - softmax
  built from chapter 3's layers, with an L2 penalty, for the optimizer race.
"""

import numpy as np

from ..ch3.layers import affine_backward, affine_forward, tanh_backward, tanh_forward
from ..ch3.losses import softmax_loss


def two_moons(n_samples, noise=0.1, rng=None):
    """Two interleaving half circles with Gaussian noise, shuffled.

    Class 0: (cos t, sin t); class 1: (1 - cos t, 0.5 - sin t), t uniform in
    [0, pi]; then N(0, noise**2) added to every coordinate.

    Inputs:
    - n_samples: number of points N (class 0 gets the extra one if N is odd)
    - noise: standard deviation of the noise
    - rng: np.random.Generator (default: np.random.default_rng(0))

    Returns a tuple of:
    - X: shape (N, 2)
    - y: integer labels 0 or 1, shape (N,)
    """
    rng = np.random.default_rng(0) if rng is None else rng
    n_outer = (n_samples + 1) // 2
    t = rng.uniform(0.0, np.pi, size=n_samples)
    outer = np.stack([np.cos(t[:n_outer]), np.sin(t[:n_outer])], axis=1)
    inner = np.stack([1.0 - np.cos(t[n_outer:]), 0.5 - np.sin(t[n_outer:])], axis=1)
    X = np.concatenate([outer, inner]) + rng.normal(0.0, noise, size=(n_samples, 2))
    y = np.concatenate([np.zeros(n_outer, dtype=np.int64), np.ones(n_samples - n_outer, dtype=np.int64)])
    order = rng.permutation(n_samples)
    return X[order], y[order]


def sparse_logistic_problem(n_samples=2000, n_features=200, nnz=5, seed=0):
    """A sparse binary classification problem with a known generating model.

    Example i has nnz non-zero features, at columns cols[i] (distinct) with
    values vals[i] ~ N(0, 1); its label is 1 with probability
    sigmoid(vals[i] @ w_true[cols[i]]), w_true ~ N(0, 4).

    Returns a dict with
    - cols: int array (N, nnz); vals: float array (N, nnz); y: float array (N,) of 0 and 1
    - n_features: D
    """
    rng = np.random.default_rng(seed)
    cols = np.argsort(rng.random((n_samples, n_features)), axis=1)[:, :nnz]
    vals = rng.normal(size=(n_samples, nnz))
    w_true = 2.0 * rng.normal(size=n_features)
    logits = np.sum(vals * w_true[cols], axis=1)
    y = (rng.random(n_samples) < 1.0 / (1.0 + np.exp(-logits))).astype(np.float64)
    return {"cols": cols, "vals": vals, "y": y, "n_features": n_features}


def sparse_logistic_loss(w, problem):
    """Mean logistic loss (cross-entropy) of weights w (D,) on the problem."""
    z = np.sum(problem["vals"] * w[problem["cols"]], axis=1)
    # log(1 + exp(z)) - y z, computed without overflow
    return float(np.mean(np.logaddexp(0.0, z) - problem["y"] * z))


def init_moons_net(hidden_dim=50, rng=None, input_dim=2, num_classes=2):
    """Parameters of the moons network: W1 (2, H), b1 (H,), W2 (H, 2), b2 (2,).

    Weights from N(0, 1 / fan_in) (LeCun), biases zero.
    """
    rng = np.random.default_rng(0) if rng is None else rng
    return {
        "W1": rng.normal(0.0, input_dim**-0.5, size=(input_dim, hidden_dim)),
        "b1": np.zeros(hidden_dim),
        "W2": rng.normal(0.0, hidden_dim**-0.5, size=(hidden_dim, num_classes)),
        "b2": np.zeros(num_classes),
    }


def moons_net_loss(params, X, y, reg=0.01):
    """Loss and gradients of affine - tanh - affine - softmax with an L2 penalty.

    L = softmax_loss(scores, y) + 0.5 * reg * (sum(W1**2) + sum(W2**2)).

    Returns a tuple of:
    - loss: float
    - grads: dict with the keys and shapes of params
    """
    hidden, affine1 = affine_forward(X, params["W1"], params["b1"])
    hidden, tanh_cache = tanh_forward(hidden)
    scores, affine2 = affine_forward(hidden, params["W2"], params["b2"])
    loss, dscores = softmax_loss(scores, y)
    loss += 0.5 * reg * (np.sum(params["W1"] ** 2) + np.sum(params["W2"] ** 2))
    grads = {}
    dhidden, grads["W2"], grads["b2"] = affine_backward(dscores, affine2)
    dhidden = tanh_backward(dhidden, tanh_cache)
    _, grads["W1"], grads["b1"] = affine_backward(dhidden, affine1)
    grads["W1"] = grads["W1"] + reg * params["W1"]
    grads["W2"] = grads["W2"] + reg * params["W2"]
    return float(loss), grads
