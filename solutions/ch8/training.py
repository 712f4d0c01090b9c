"""Training loops and tricks: mini-batches, batch / stochastic / mini-batch
gradient descent, gradient noise and early stopping.

Inputs are never changed in place: no function here modifies an array, list or dict it is
given (write ``x = x * 2``, not ``x *= 2``; copy before changing). The tests check it after
every call and name the input that changed.
"""

import numpy as np


def least_squares(w, X, y):
    """Loss and gradient of least squares, a test problem for the loops below.

    L(w) = 1/(2N) * sum_i (X[i] @ w - y[i])**2;  dL/dw = X.T @ (X @ w - y) / N.

    Inputs:
    - w: shape (D,); X: shape (N, D); y: shape (N,)

    Returns a tuple of:
    - loss: float
    - dw: shape (D,)
    """
    residual = X @ w - y
    return 0.5 * float(np.mean(residual**2)), X.T @ residual / X.shape[0]


def minibatches(X, y, batch_size, rng):
    """Shuffle the examples once and cut them into consecutive mini-batches.

    The order is ``rng.permutation(N)``; batch k holds the examples
    order[k * batch_size:(k + 1) * batch_size], so every example appears in
    exactly one batch and only the last batch may be smaller. X[i] and y[i]
    stay together.

    Inputs:
    - X: inputs, shape (N, ...)
    - y: targets, shape (N, ...)
    - batch_size: int >= 1
    - rng: np.random.Generator, the only source of randomness

    Returns:
    - batches: list of ceil(N / batch_size) tuples (X_batch, y_batch)
    """
    ### BEGIN SOLUTION
    order = rng.permutation(X.shape[0])
    batches = []
    for start in range(0, X.shape[0], batch_size):
        chosen = order[start : start + batch_size]
        batches.append((X[chosen], y[chosen]))
    ### END SOLUTION
    return batches


def gradient_descent(loss_and_grad, w0, X, y, learning_rate=1e-2, epochs=1, batch_size=None, rng=None):
    """Gradient descent in its three flavours, chosen by batch_size.

    - batch (batch_size None or >= N): one step per epoch on the whole data,
      w <- w - learning_rate * grad of L_D(w);
    - stochastic (batch_size 1) and mini-batch (1 < batch_size < N): each
      epoch walks through ``minibatches(X, y, batch_size, rng)`` (a new
      shuffle each epoch, drawn from rng) and takes one step per batch on
      that batch's gradient.

    Inputs:
    - loss_and_grad: function (w, X, y) -> (loss, dw), e.g. least_squares
    - w0: initial parameters, shape (D,); not modified
    - X, y: the data, N examples
    - learning_rate: step size
    - epochs: passes over the data
    - batch_size: None for batch, otherwise the mini-batch size
    - rng: np.random.Generator, needed unless batch

    Returns a tuple of:
    - w: the final parameters, shape (D,)
    - losses: list of `epochs` floats, the loss on the whole (X, y) after each epoch
    """
    ### BEGIN SOLUTION
    w = np.array(w0, dtype=np.float64)
    n = X.shape[0]
    losses = []
    for _ in range(epochs):
        if batch_size is None or batch_size >= n:
            batches = [(X, y)]
        else:
            batches = minibatches(X, y, batch_size, rng)
        for X_batch, y_batch in batches:
            _, dw = loss_and_grad(w, X_batch, y_batch)
            w = w - learning_rate * dw
        losses.append(float(loss_and_grad(w, X, y)[0]))
    ### END SOLUTION
    return w, losses


def add_gradient_noise(dw, step, rng, eta=0.01, gamma=0.55):
    """Annealed Gaussian gradient noise (Neelakantan et al. 2015).

        sigma_t**2 = eta / (1 + step)**gamma
        noisy = dw + N(0, sigma_t**2), one independent draw per entry,
                drawn as rng.normal(0.0, sigma_t, size=dw.shape)

    Inputs:
    - dw: gradient, array of any shape; not modified
    - step: steps taken so far, int >= 0
    - rng: np.random.Generator, the only source of randomness
    - eta: noise variance at step 0, default 0.01
    - gamma: annealing exponent, default 0.55

    Returns:
    - noisy: like dw
    """
    ### BEGIN SOLUTION
    sigma = np.sqrt(eta / (1 + step) ** gamma)
    noisy = dw + rng.normal(0.0, sigma, size=np.shape(dw))
    ### END SOLUTION
    return noisy


class EarlyStopping:
    """Stop when the validation loss has not improved for a while.

    A loss counts as an improvement when it is below the best loss so far
    by more than min_delta: loss < best - min_delta. ``step`` is called once
    per epoch with the validation loss. An improvement records the new best
    and resets a counter ``wait`` to 0; any other call adds one to ``wait``,
    and training should stop once ``wait`` reaches ``patience`` (patience 0:
    stop at the first epoch without improvement). As best starts at
    infinity, the first call is an improvement.

    Attributes: min_delta, patience, best (inf at the start), wait (0 at the start).
    """

    def __init__(self, min_delta=0.0, patience=0):
        self.min_delta = min_delta
        self.patience = patience
        self.best = np.inf
        self.wait = 0

    def step(self, loss):
        """Record one validation loss; return True when training should stop.

        Inputs:
        - loss: float, the validation loss of this epoch

        Returns:
        - stop: bool
        """
        ### BEGIN SOLUTION
        if loss < self.best - self.min_delta:
            self.best = loss
            self.wait = 0
            return False
        self.wait += 1
        return self.wait >= self.patience
        ### END SOLUTION
