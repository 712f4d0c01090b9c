"""TwoLayerNet and friends, written independently of the reference."""
import numpy as np

from .layers import affine_backward, affine_forward, relu_backward, relu_forward, tanh_backward, tanh_forward
from .losses import softmax_loss

XOR_INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_TARGETS = np.array([[0.0], [1.0], [1.0], [0.0]])


def he_init(fan_in, fan_out, rng):
    return rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in)


class TwoLayerNet:
    def __init__(self, input_dim, hidden_dim, num_classes, weight_scale=1e-3, reg=0.0, seed=0):
        rng = np.random.default_rng(seed)
        w1 = rng.standard_normal((input_dim, hidden_dim)) * weight_scale
        w2 = rng.standard_normal((hidden_dim, num_classes)) * weight_scale
        self.params = dict(W1=w1, b1=np.zeros(hidden_dim), W2=w2, b2=np.zeros(num_classes))
        self.reg = reg

    def loss(self, X, y=None):
        W1, b1, W2, b2 = (self.params[k] for k in ("W1", "b1", "W2", "b2"))
        a, c1 = affine_forward(X, W1, b1)
        h, c2 = relu_forward(a)
        scores, c3 = affine_forward(h, W2, b2)
        if y is None:
            return scores
        data_loss, dscores = softmax_loss(scores, y)
        loss = data_loss + 0.5 * self.reg * sum(np.sum(W * W) for W in (W1, W2))
        dh, dW2, db2 = affine_backward(dscores, c3)
        _, dW1, db1 = affine_backward(relu_backward(dh, c2), c1)
        return loss, {"W1": dW1 + self.reg * W1, "b1": db1, "W2": dW2 + self.reg * W2, "b2": db2}


def train_xor_network(hidden_dim=8, learning_rate=1.0, epochs=3000, seed=0):
    rng = np.random.default_rng(seed)
    W1, W2 = he_init(2, hidden_dim, rng), he_init(hidden_dim, 1, rng)
    b1, b2 = np.zeros(hidden_dim), np.zeros(1)
    losses = []
    for _ in range(epochs):
        h, ch = tanh_forward(XOR_INPUTS @ W1 + b1)
        p = 1.0 / (1.0 + np.exp(-(h @ W2 + b2)))
        losses.append(float(-np.mean(XOR_TARGETS * np.log(p) + (1 - XOR_TARGETS) * np.log(1 - p))))
        dz = (p - XOR_TARGETS) / p.size  # sigmoid and cross-entropy together
        dh = tanh_backward(dz @ W2.T, ch)
        W2, b2 = W2 - learning_rate * h.T @ dz, b2 - learning_rate * dz.sum(0)
        W1, b1 = W1 - learning_rate * XOR_INPUTS.T @ dh, b1 - learning_rate * dh.sum(0)
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}, losses
