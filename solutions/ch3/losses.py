"""Loss functions, each returning ``(loss, grad)``.

``loss`` is one number; ``grad`` is the gradient of the loss with respect
to the first argument, so it has that argument's shape. Losses are means
over the batch: the gradient carries the same 1/N. Neither argument is
modified.

Inputs are never changed in place: no function here modifies an array, list or dict it is
given (write ``x = x * 2``, not ``x *= 2``; copy before changing). The tests check it after
every call and name the input that changed.
"""

import numpy as np


def mse_loss(y_hat, y):
    """Mean squared error: L = (1/N) * sum_i sum_j (y_hat[i, j] - y[i, j])**2.

    Maximum likelihood with Gaussian noise of fixed variance gives it: the
    negative log-likelihood is sum (y_hat - y)**2 / (2 sigma**2) plus a
    constant. The book writes the sum over examples; the course takes the
    mean (1/N of the sum, and 1/N of its gradient).

    Inputs:
    - y_hat: predictions, shape (N, M)
    - y: targets, shape (N, M)

    Returns a tuple of:
    - loss: float
    - dy_hat: gradient of L with respect to y_hat, shape (N, M)
    """
    ### BEGIN SOLUTION
    n = y_hat.shape[0]
    diff = y_hat - y
    loss = np.sum(diff**2) / n
    dy_hat = 2 * diff / n
    ### END SOLUTION
    return loss, dy_hat


def binary_cross_entropy(p, y):
    """Binary cross-entropy, averaged over all elements.

    L = -mean(y * log(p) + (1 - y) * log(1 - p)).
    The book's listing 4-7 inputs p = [[.01, .01, .01]], y = [[.99, .99, .01]]
    give L = 3.0581.

    Inputs:
    - p: predicted probabilities in (0, 1), any shape
    - y: targets in [0, 1], same shape

    Returns a tuple of:
    - loss: float
    - dp: gradient of L with respect to p, same shape as p
    """
    ### BEGIN SOLUTION
    loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    dp = (-y / p + (1 - y) / (1 - p)) / p.size
    ### END SOLUTION
    return loss, dp


def categorical_cross_entropy(p, y):
    """Categorical cross-entropy: L = -(1/N) * sum_i sum_j y[i, j] * log(p[i, j]).

    With the book's listing 4-7 inputs (see binary_cross_entropy), L = 9.1643.

    Inputs:
    - p: predicted class probabilities, shape (N, C)
    - y: one-hot (or soft) targets, shape (N, C)

    Returns a tuple of:
    - loss: float
    - dp: gradient of L with respect to p, shape (N, C)
    """
    ### BEGIN SOLUTION
    n = p.shape[0]
    loss = -np.sum(y * np.log(p)) / n
    dp = -y / p / n
    ### END SOLUTION
    return loss, dp


def softmax_loss(x, y):
    """Softmax (cross-entropy) loss on class scores, as in CS231n.

    L = (1/N) * sum_i -log(softmax(x[i])[y[i]]), and its gradient dx = dL/dx.

    Numerically stable: scores of any size (x = [[1000, 1001]] or
    [[-1000, -1001]]) give a finite loss and gradient, without overflow
    warnings. A batch of one (N = 1) works like any other.

    Inputs:
    - x: scores, shape (N, C)
    - y: integer labels, shape (N,), 0 <= y[i] < C

    Returns a tuple of:
    - loss: float
    - dx: shape (N, C)
    """
    ### BEGIN SOLUTION
    n = x.shape[0]
    shifted = x - x.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(n), y].sum() / n
    dx = np.exp(log_probs)
    dx[np.arange(n), y] -= 1
    dx /= n
    ### END SOLUTION
    return loss, dx


def svm_loss(x, y):
    """Multiclass hinge (SVM) loss with margin 1, as in CS231n.

    L = (1/N) * sum_i sum_{j != y[i]} max(0, x[i, j] - x[i, y[i]] + 1).

    Inputs:
    - x: scores, shape (N, C)
    - y: integer labels, shape (N,)

    Returns a tuple of:
    - loss: float
    - dx: shape (N, C)
    """
    ### BEGIN SOLUTION
    n = x.shape[0]
    rows = np.arange(n)
    correct = x[rows, y][:, None]
    margins = np.maximum(0, x - correct + 1.0)
    margins[rows, y] = 0
    loss = margins.sum() / n
    positive = (margins > 0).astype(x.dtype)
    positive[rows, y] = -positive.sum(axis=1)
    dx = positive / n
    ### END SOLUTION
    return loss, dx
