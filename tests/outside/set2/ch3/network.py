# ---- outside corpus, second set: ch3/network.py in other idioms of CS231n solutions
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
    std = np.sqrt(2.0 / fan_in)
    return rng.normal(loc=0.0, scale=std, size=(fan_in, fan_out))


class TwoLayerNet:
    def __init__(self, input_dim, hidden_dim, num_classes, weight_scale=1e-3, reg=0.0, seed=0):
        rng = np.random.default_rng(seed)
        self.reg = reg
        self.params = {}
        self.params["W1"] = weight_scale * rng.standard_normal(size=(input_dim, hidden_dim))
        self.params["b1"] = np.zeros((hidden_dim,))
        self.params["W2"] = weight_scale * rng.standard_normal(size=(hidden_dim, num_classes))
        self.params["b2"] = np.zeros((num_classes,))

    def loss(self, X, y=None):
        # tuple caches, the regularisation over a loop of names
        h, cache1 = affine_forward(X, self.params["W1"], self.params["b1"])
        h, cache_relu = relu_forward(h)
        scores, cache2 = affine_forward(h, self.params["W2"], self.params["b2"])
        if y is None:
            return scores
        loss, dscores = softmax_loss(scores, y)
        for name in ("W1", "W2"):
            loss += 0.5 * self.reg * np.sum(self.params[name] ** 2)
        dh, dW2, db2 = affine_backward(dscores, cache2)
        dx1, dW1, db1 = affine_backward(relu_backward(dh, cache_relu), cache1)
        grads = {
            "W1": dW1 + self.reg * self.params["W1"],
            "b1": db1,
            "W2": dW2 + self.reg * self.params["W2"],
            "b2": db2,
        }
        return loss, grads


def train_xor_network(hidden_dim=8, learning_rate=1.0, epochs=3000, seed=0):
    # the chapter's layers, and in-place updates of the parameters this function created
    rng = np.random.default_rng(seed)
    params = {"W1": he_init(2, hidden_dim, rng), "b1": np.zeros(hidden_dim)}
    params["W2"] = he_init(hidden_dim, 1, rng)
    params["b2"] = np.zeros(1)
    losses = []
    for _ in range(epochs):
        a1, c1 = affine_forward(XOR_INPUTS, params["W1"], params["b1"])
        h1, ct = tanh_forward(a1)
        a2, c2 = affine_forward(h1, params["W2"], params["b2"])
        p, _ = sigmoid_forward(a2)
        loss, dp = binary_cross_entropy(p, XOR_TARGETS)
        losses.append(loss)
        dh1, dW2, db2 = affine_backward(dp * p * (1 - p), c2)
        _, dW1, db1 = affine_backward(tanh_backward(dh1, ct), c1)
        params["W1"] -= learning_rate * dW1
        params["b1"] -= learning_rate * db1
        params["W2"] -= learning_rate * dW2
        params["b2"] -= learning_rate * db2
    return params, losses
