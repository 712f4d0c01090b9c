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
    ### BEGIN SOLUTION
    h1, _ = sigmoid_forward(20.0 * np.asarray(a) + 20.0 * np.asarray(b) - 10.0)
    h2, _ = sigmoid_forward(-20.0 * np.asarray(a) - 20.0 * np.asarray(b) + 30.0)
    out, _ = sigmoid_forward(20.0 * h1 + 20.0 * h2 - 30.0)
    ### END SOLUTION
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
    ### BEGIN SOLUTION
    on, _ = sigmoid_forward(1000.0 * np.asarray(x, dtype=np.float64) - 400.0)
    off, _ = sigmoid_forward(1000.0 * np.asarray(x, dtype=np.float64) - 500.0)
    y = on - off
    ### END SOLUTION
    return y


def dense_toy_weights():
    """The weights of one dense layer (no bias) computing y = x1 + 2 * x2.

    x1 and x2 are rows of two numbers each; the layer sees their
    concatenation [x1, x2] (4 numbers) and returns [x1, x2] @ W (2 numbers).
    (Check yours on x1 = [1, 0], x2 = [0, 1]: swapping its rows is an easy slip.)

    Returns:
    - W: shape (4, 2)
    """
    ### BEGIN SOLUTION
    W = np.vstack([np.eye(2), 2 * np.eye(2)])
    ### END SOLUTION
    return W


def rnn_toy_weights():
    """Weights of h_t = W h_{t-1} + U x_t + b (linear activation) for y_t = -0.5 y_{t-1} + x_t.

    Returns a tuple of floats:
    - W: weight of the previous state
    - U: weight of the input
    - b: bias
    """
    ### BEGIN SOLUTION
    W, U, b = -0.5, 1.0, 0.0
    ### END SOLUTION
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
    ### BEGIN SOLUTION
    z1 = W1 @ x  # (4,)
    a1 = np.maximum(0, z1)
    a2 = W2 @ a1  # (1,)
    da2 = 2 * (a2 - y)
    dW2 = np.outer(da2, a1)
    dz1 = (W2.T @ da2) * (z1 > 0)
    dW1 = np.outer(dz1, x)
    ### END SOLUTION
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
    ### BEGIN SOLUTION
    W1, W2 = np.array(W1, dtype=np.float64), np.array(W2, dtype=np.float64)
    inputs, targets = np.asarray(inputs, dtype=np.float64), np.asarray(targets, dtype=np.float64)
    errors = np.empty(epochs)
    for epoch in range(epochs):
        for x, y in zip(inputs, targets):
            dW1, dW2 = tiny_net_gradients(W1, W2, x, y)
            W1 = W1 - learning_rate * dW1
            W2 = W2 - learning_rate * dW2
        predictions = np.maximum(0, inputs @ W1.T) @ W2.T  # (N, 1)
        errors[epoch] = np.sum((predictions[:, 0] - targets) ** 2)
    ### END SOLUTION
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
    ### BEGIN SOLUTION
    h = np.asarray(x, dtype=np.float64).reshape(-1, 1)
    patterns = []
    for w, b in zip(weights[:-1], biases[:-1]):
        z = h @ w + b
        patterns.append(z > 0)
        h = np.maximum(0, z)
    pattern = np.concatenate(patterns, axis=1)  # (N, total hidden units)
    changes = np.any(pattern[1:] != pattern[:-1], axis=1)
    count = int(1 + changes.sum())
    ### END SOLUTION
    return count
