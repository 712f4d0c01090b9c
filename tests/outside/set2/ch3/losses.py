# ---- outside corpus, second set: ch3/losses.py in other idioms of CS231n solutions
import numpy as np


def mse_loss(y_hat, y):
    diff = y_hat - y
    loss = np.mean(np.sum(diff**2, axis=1))
    dy_hat = 2 * diff / y_hat.shape[0]
    return loss, dy_hat


def binary_cross_entropy(p, y):
    positive = y * np.log(p)
    negative = (1 - y) * np.log(1 - p)
    loss = -np.mean(positive + negative)
    dp = -(y / p - (1 - y) / (1 - p)) / np.size(p)
    return loss, dp


def categorical_cross_entropy(p, y):
    loss = -np.mean(np.sum(y * np.log(p), axis=1))
    dp = -y / (p * p.shape[0])
    return loss, dp


def softmax_loss(x, y):
    # a loop over the examples, each row shifted by its maximum (softmax_loss_naive style)
    N, C = x.shape
    loss = 0.0
    dx = np.zeros_like(x, dtype=np.float64)
    for i in range(N):
        scores = x[i] - np.max(x[i])
        log_sum = np.log(np.sum(np.exp(scores)))
        loss += log_sum - scores[y[i]]
        for j in range(C):
            dx[i, j] = np.exp(scores[j] - log_sum)
        dx[i, y[i]] -= 1
    return loss / N, dx / N


def svm_loss(x, y):
    # vectorised: margins, then the number of positive margins per row
    N = x.shape[0]
    correct_class_scores = x[np.arange(N), y]
    margins = np.maximum(0, x - correct_class_scores[:, np.newaxis] + 1.0)
    margins[np.arange(N), y] = 0
    loss = np.sum(margins) / N
    num_pos = np.sum(margins > 0, axis=1)
    dx = np.zeros_like(x, dtype=np.float64)
    dx[margins > 0] = 1
    dx[np.arange(N), y] -= num_pos
    dx /= N
    return loss, dx
