# Fill in each part that raises NotImplementedError; the docstrings say what to compute.
# `pytest exercises/ch3` checks your work, `dlgrade hint NAME` gives a hint.
"""Toy networks whose weights are known: small cases of chapter 3 to work out by hand.

Inputs are never changed in place: no function here modifies an array, list or dict it is
given (write ``x = x * 2``, not ``x *= 2``; copy before changing). The tests check it after
every call and name the input that changed.
"""

import numpy as np

from .layers import sigmoid_forward


def xor_network(a, b):
    """Exclusive or from two layers of sigmoid units with hand-set weights.

    Hidden units: h1 = sigmoid(20a + 20b - 10) (a OR b) and
    h2 = sigmoid(-20a - 20b + 30) (NOT (a AND b)); output
    sigmoid(20 h1 + 20 h2 - 30) (h1 AND h2). Rounded, it is the XOR truth table.

    Inputs:
    - a, b: numbers or arrays of the same shape with values in {0, 1}

    Returns:
    - out: like a, values close to a XOR b
    """
    raise NotImplementedError("xor_network: not started, see its docstring")
    return out


def bump_network(x):
    """A narrow bump from two steep sigmoids: y = sigmoid(1000x - 400) - sigmoid(1000x - 500).

    The first unit switches on at x = 0.4, the second at x = 0.5, so y is
    close to 1 on (0.4, 0.5) and close to 0 away from it: the building block
    for approximating any function with a sum of bumps.

    The "rabbit holes" post passes the same difference through one more
    unit, sigmoid(0.8 y): 0.5 outside the bump and 0.68997 inside. That is
    a different function; here the bump itself is the output.

    Inputs:
    - x: array of any shape

    Returns:
    - y: like x
    """
    raise NotImplementedError("bump_network: not started, see its docstring")
    return y


def dense_toy_weights():
    """The weights of one dense layer (no bias) computing y = x1 + 2 * x2.

    x1 and x2 are rows of two numbers each; the layer sees their
    concatenation [x1, x2] (4 numbers) and returns [x1, x2] @ W (2 numbers).
    (Check yours on x1 = [1, 0], x2 = [0, 1]: swapping its rows is an easy slip.)

    Returns:
    - W: shape (4, 2)
    """
    raise NotImplementedError("dense_toy_weights: not started, see its docstring")
    return W


def rnn_toy_weights():
    """Weights of h_t = W h_{t-1} + U x_t + b (linear activation) for y_t = -0.5 y_{t-1} + x_t.

    Returns a tuple of floats:
    - W: weight of the previous state
    - U: weight of the input
    - b: bias
    """
    raise NotImplementedError("rnn_toy_weights: not started, see its docstring")
    return W, U, b


def tiny_net_gradients(W1, W2, x, y):
    """Analytic gradients of a tiny neural net (3 inputs, 4 relu units, 1 output).

    a1 = relu(W1 @ x), a2 = W2 @ a1 (no biases, linear output) and the error
    e = sum((a2 - y)**2). Return de/dW1 and de/dW2, worked out by the chain rule.

    Inputs:
    - W1: shape (4, 3)
    - W2: shape (1, 4)
    - x: one input, shape (3,)
    - y: its target, a float

    Returns a tuple of:
    - dW1: shape (4, 3)
    - dW2: shape (1, 4)
    """
    raise NotImplementedError("tiny_net_gradients: not started, see its docstring")
    return dW1, dW2


def train_tiny_net(W1, W2, inputs, targets, epochs=60, learning_rate=0.1):
    """Steepest descent on the tiny net, one example at a time, from copies of W1 and W2.

    For each epoch, for each example (x, y) in order:
    W1 <- W1 - learning_rate * dW1 and W2 <- W2 - learning_rate * dW2, the
    gradients from tiny_net_gradients. After each epoch, record the error
    sum over examples of (W2 @ relu(W1 @ x) - y)**2.

    The arrays passed in are the initial weights and stay as they were (the
    post's "weights_0_1_init = weights_0_1" only names the same array twice,
    so its second run starts from already trained weights).

    Inputs:
    - W1: shape (4, 3), W2: shape (1, 4), the initial weights
    - inputs: shape (N, 3); targets: shape (N,)
    - epochs: number of passes over the examples
    - learning_rate: step size

    Returns a tuple of:
    - W1, W2: the trained weights, new arrays
    - errors: shape (epochs,), the error after each epoch
    """
    raise NotImplementedError("train_tiny_net: not started, see its docstring")
    return W1, W2, errors


def count_linear_regions(weights, biases, x):
    """Number of linear pieces of a ReLU network with one input, along a grid.

    Layers are h = relu(h @ weights[k] + biases[k]) for every layer but the
    last, which is linear. Two grid points lie in the same linear region when
    every hidden unit is active (pre-activation > 0) at both or at neither;
    the count is the number of maximal runs of consecutive grid points that
    share one activation pattern.

    Inputs:
    - weights: list of arrays, weights[0] of shape (1, H1), ..., last (H_L, M)
    - biases: list of arrays, biases[k] of shape (H_k+1,)
    - x: sorted grid of inputs, shape (N,)

    Returns:
    - count: int
    """
    raise NotImplementedError("count_linear_regions: not started, see its docstring")
    return count
