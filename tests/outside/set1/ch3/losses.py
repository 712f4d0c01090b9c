# ---- outside corpus: ch3/losses.py written in the idioms of a CS231n solution
import numpy as np


def mse_loss(y_hat, y):
    N = y_hat.shape[0]
    loss = 0.0
    dy_hat = np.zeros_like(y_hat, dtype=np.float64)
    for i in range(N):  # one example at a time
        diff = y_hat[i] - y[i]
        loss += np.dot(diff, diff)
        dy_hat[i] = 2.0 * diff
    loss /= N
    dy_hat /= N
    return loss, dy_hat


def binary_cross_entropy(p, y):
    total = p.size
    loss = -np.sum(y * np.log(p) + (1.0 - y) * np.log(1.0 - p)) / total
    dp = (p - y) / (p * (1.0 - p)) / total  # the same gradient over one denominator
    return loss, dp


def categorical_cross_entropy(p, y):
    N = p.shape[0]
    loss = -np.sum(y * np.log(p)) / N
    dp = -(y / p) / N
    return loss, dp


def softmax_loss(x, y):
    # keepdims and log-sum-exp, then the gradient built on a copy of the probabilities
    N = x.shape[0]
    shifted_logits = x - np.max(x, axis=1, keepdims=True)
    Z = np.sum(np.exp(shifted_logits), axis=1, keepdims=True)
    log_probs = shifted_logits - np.log(Z)
    probs = np.exp(log_probs)
    loss = -np.sum(log_probs[np.arange(N), y]) / N
    dx = probs.copy()
    dx[np.arange(N), y] -= 1
    dx /= N
    return loss, dx


def svm_loss(x, y):
    # explicit loops over examples and classes, as in a naive hinge loss
    N, C = x.shape
    loss = 0.0
    dx = np.zeros_like(x, dtype=np.float64)
    for i in range(N):
        correct_class_score = x[i, y[i]]
        for j in range(C):
            if j == y[i]:
                continue
            margin = x[i, j] - correct_class_score + 1
            if margin > 0:
                loss += margin
                dx[i, j] += 1
                dx[i, y[i]] -= 1
    loss /= N
    dx /= N
    return loss, dx
