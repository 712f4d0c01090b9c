# ---- outside corpus: ch3/network.py written in the idioms of a CS231n solution
import numpy as np

from .layers import affine_backward, affine_forward, relu_backward, relu_forward
from .losses import binary_cross_entropy, softmax_loss


def he_init(fan_in, fan_out, rng):
    return rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in)


class TwoLayerNet:
    def __init__(self, input_dim, hidden_dim, num_classes, weight_scale=1e-3, reg=0.0, seed=0):
        self.params = {}
        self.reg = reg
        rng = np.random.default_rng(seed)
        self.params["W1"] = rng.normal(0.0, weight_scale, (input_dim, hidden_dim))
        self.params["b1"] = np.zeros(hidden_dim)
        self.params["W2"] = rng.normal(0.0, weight_scale, (hidden_dim, num_classes))
        self.params["b2"] = np.zeros(num_classes)

    def loss(self, X, y=None):
        W1, b1 = self.params["W1"], self.params["b1"]
        W2, b2 = self.params["W2"], self.params["b2"]
        # a dict of caches instead of separate names
        caches = {}
        a1, caches["affine1"] = affine_forward(X, W1, b1)
        h1, caches["relu"] = relu_forward(a1)
        scores, caches["affine2"] = affine_forward(h1, W2, b2)
        if y is None:
            return scores

        grads = {}
        loss, dscores = softmax_loss(scores, y)
        loss += 0.5 * self.reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
        dh1, grads["W2"], grads["b2"] = affine_backward(dscores, caches["affine2"])
        da1 = relu_backward(dh1, caches["relu"])
        _, grads["W1"], grads["b1"] = affine_backward(da1, caches["affine1"])
        grads["W2"] += self.reg * W2  # += on the gradient arrays the backward just made
        grads["W1"] += self.reg * W1
        return loss, grads


def train_xor_network(hidden_dim=8, learning_rate=1.0, epochs=3000, seed=0):
    rng = np.random.default_rng(seed)
    W1 = he_init(2, hidden_dim, rng)
    W2 = he_init(hidden_dim, 1, rng)
    b1, b2 = np.zeros(hidden_dim), np.zeros(1)
    losses = []
    for _ in range(epochs):
        z1 = XOR_INPUTS.dot(W1) + b1
        a1 = np.tanh(z1)
        z2 = a1.dot(W2) + b2
        p = 1.0 / (1.0 + np.exp(-z2))
        loss, dp = binary_cross_entropy(p, XOR_TARGETS)
        losses.append(loss)
        dz2 = dp * p * (1 - p)
        dW2 = a1.T.dot(dz2)
        db2 = dz2.sum(axis=0)
        dz1 = dz2.dot(W2.T) * (1 - a1**2)
        dW1 = XOR_INPUTS.T.dot(dz1)
        db1 = dz1.sum(axis=0)
        W1 = W1 - learning_rate * dW1
        b1 = b1 - learning_rate * db1
        W2 = W2 - learning_rate * dW2
        b2 = b2 - learning_rate * db2
    params = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    return params, losses
