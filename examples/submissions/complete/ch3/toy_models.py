"""The toy networks, written independently of the reference."""
import numpy as np


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def xor_network(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    either, not_both = _sigmoid(20 * (a + b) - 10), _sigmoid(30 - 20 * (a + b))
    return _sigmoid(20 * (either + not_both) - 30)


def bump_network(x):
    x = np.asarray(x, float)
    return _sigmoid(1000 * x - 400) - _sigmoid(1000 * x - 500)


def dense_toy_weights():
    return np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 0.0], [0.0, 2.0]])


def rnn_toy_weights():
    return -0.5, 1.0, 0.0


def tiny_net_gradients(W1, W2, x, y):
    hidden = W1 @ x
    active = (hidden > 0).astype(float)
    error = float((W2 @ (hidden * active))[0] - y)
    dW2 = 2 * error * (hidden * active)[None, :]
    dW1 = 2 * error * np.outer(W2[0] * active, x)
    return dW1, dW2


def count_linear_regions(weights, biases, x):
    h = np.asarray(x, float)[:, None]
    codes = np.full(len(h), "", dtype=object)
    for w, b in list(zip(weights, biases))[:-1]:
        z = h @ w + b
        codes = codes + np.array(["".join("1" if v > 0 else "0" for v in row) for row in z], dtype=object)
        h = np.maximum(z, 0)
    return 1 + sum(codes[i] != codes[i - 1] for i in range(1, len(codes)))


def train_tiny_net(W1, W2, inputs, targets, epochs=60, learning_rate=0.1):
    W1, W2 = W1.astype(float), W2.astype(float)  # astype copies: the starting weights stay untouched
    errors = []
    for _ in range(epochs):
        for x, y in zip(np.asarray(inputs, float), np.asarray(targets, float)):
            dW1, dW2 = tiny_net_gradients(W1, W2, x, y)
            W1, W2 = W1 - learning_rate * dW1, W2 - learning_rate * dW2
        outputs = np.maximum(np.asarray(inputs, float) @ W1.T, 0) @ W2[0]
        errors.append(float(np.sum((outputs - np.asarray(targets, float)) ** 2)))
    return W1, W2, np.array(errors)
