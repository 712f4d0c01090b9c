# Fill in each part that raises NotImplementedError; the docstrings say what to compute.
# `pytest exercises/ch3` checks your work, `dlgrade hint NAME` gives a hint.
"""A two-layer network built from the chapter's layers and losses.

Inputs are never changed in place: no function here modifies an array, list or dict it is
given (write ``x = x * 2``, not ``x *= 2``; copy before changing). The tests check it after
every call and name the input that changed.
"""

import numpy as np

from .layers import (
    affine_backward,
    affine_forward,
    relu_backward,
    relu_forward,
    sigmoid_forward,
    tanh_backward,
    tanh_forward,
)
from .losses import binary_cross_entropy, softmax_loss


def he_init(fan_in, fan_out, rng):
    """He initialisation: weights drawn from N(0, 2 / fan_in).

    Keeps the variance of ReLU activations roughly constant from layer to layer.
    The draw itself is graded, so that one rng state gives the same weights
    everywhere (train_xor_network relies on it): w holds the draws of one call
    rng.normal(0.0, sqrt(2 / fan_in), size=(fan_in, fan_out)), in that shape
    (rng.standard_normal((fan_in, fan_out)) * sqrt(2 / fan_in) draws the same).

    Inputs:
    - fan_in, fan_out: number of inputs and outputs of the layer
    - rng: np.random.Generator, the only source of randomness

    Returns:
    - w: shape (fan_in, fan_out)
    """
    raise NotImplementedError("he_init: not started, see its docstring")
    return w


class TwoLayerNet:
    """affine - relu - affine - softmax, as in CS231n.

    ``params`` holds 'W1' (D, H), 'b1' (H,), 'W2' (H, C) and 'b2' (C,).
    Weights start as weight_scale * N(0, 1) from np.random.default_rng(seed);
    biases start at zero.
    """

    def __init__(self, input_dim, hidden_dim, num_classes, weight_scale=1e-3, reg=0.0, seed=0):
        raise NotImplementedError("TwoLayerNet.__init__: not started, see its docstring")

    def loss(self, X, y=None):
        """Class scores, or the loss and its gradients.

        L = softmax_loss(scores, y) + 0.5 * reg * (sum(W1**2) + sum(W2**2)).

        Inputs:
        - X: input data, shape (N, d_1, ..., d_k)
        - y: integer labels, shape (N,), or None

        Returns:
        - if y is None: scores, shape (N, C)
        - otherwise a tuple of loss (float) and grads, a dict with the same
          keys and shapes as self.params
        """
        raise NotImplementedError("TwoLayerNet.loss: not started, see its docstring")
        return loss, grads


XOR_INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_TARGETS = np.array([[0.0], [1.0], [1.0], [0.0]])


def train_xor_network(hidden_dim=8, learning_rate=1.0, epochs=3000, seed=0):
    """Learn XOR with affine - tanh - affine - sigmoid and binary cross-entropy.

    Full-batch gradient descent on the four rows of XOR_INPUTS / XOR_TARGETS,
    starting from W1 = he_init(2, hidden_dim, rng), W2 = he_init(hidden_dim, 1, rng)
    (rng = np.random.default_rng(seed), W1 drawn first) and zero biases.

    Inputs:
    - hidden_dim: width H of the hidden layer
    - learning_rate: step size of gradient descent
    - epochs: number of updates
    - seed: seeds the initial weights

    Returns a tuple of:
    - params: dict with 'W1' (2, H), 'b1' (H,), 'W2' (H, 1), 'b2' (1,)
    - losses: list of the loss before each update, length epochs
    """
    raise NotImplementedError("train_xor_network: not started, see its docstring")
    return params, losses
