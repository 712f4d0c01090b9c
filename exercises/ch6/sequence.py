# Fill in each part that raises NotImplementedError; the docstrings say what to compute.
# `pytest exercises/ch6` checks your work, `dlgrade hint NAME` gives a hint.
"""Layers for sequences, and the toy recurrence y_t = -0.5 y_{t-1} + x_t.

``temporal_affine_*`` apply one affine map at every time step;
``temporal_softmax_loss`` scores a vocabulary at every step (captioning-style),
ignoring the steps a mask switches off. The toy task checks that a linear RNN
h_t = W h_{t-1} + U x_t + b, trained with backpropagation through time,
finds the weights we know: W = -0.5, U = 1, b = 0.

What every function here promises (the tests check it): inputs (arrays, and
the param dicts unless a docstring says otherwise) are never modified;
a batch of one (N = 1) and non-square shapes work like any other.
"""

import numpy as np


def temporal_affine_forward(x, w, b):
    """The same affine map at every step: out[n, t] = x[n, t] @ w + b.

    Inputs:
    - x: shape (N, T, D)
    - w: shape (D, M)
    - b: shape (M,)

    Returns a tuple of:
    - out: shape (N, T, M)
    - cache: whatever temporal_affine_backward needs
    """
    raise NotImplementedError("temporal_affine_forward: not started, see its docstring")
    return out, cache


def temporal_affine_backward(dout, cache):
    """Backward pass of temporal_affine_forward.

    dx = dout @ w.T; dw and db sum over the batch AND over time.

    Inputs:
    - dout: shape (N, T, M)
    - cache: from temporal_affine_forward

    Returns a tuple of:
    - dx: shape (N, T, D)
    - dw: shape (D, M)
    - db: shape (M,)
    """
    raise NotImplementedError("temporal_affine_backward: not started, see its docstring")
    return dx, dw, db


def temporal_softmax_loss(x, y, mask):
    """Softmax cross-entropy at every step, summed over time, averaged over the batch.

    loss = -(1/N) * sum over n, t with mask[n, t] of log softmax(x[n, t])[y[n, t]]

    Steps where mask is False (padding after the end of a sequence) add
    nothing to the loss and get zero gradient.
    Numerically stable: scores of any size (near +-1000) give a finite loss
    and gradient, without overflow warnings (the log of an underflowed
    probability, as in CS231n's provided version, is -inf there).

    Inputs:
    - x: scores, shape (N, T, V)
    - y: correct classes, integers in [0, V), shape (N, T)
    - mask: booleans, shape (N, T)

    Returns a tuple of:
    - loss: float
    - dx: gradient of the loss with respect to x, shape (N, T, V)
    """
    raise NotImplementedError("temporal_softmax_loss: not started, see its docstring")
    return float(loss), dx


def toy_sequences(num_sequences, length, seed=0):
    """Input and target sequences of the toy recurrence y_t = -0.5 y_{t-1} + x_t.

    x has independent standard normal entries (drawn with
    np.random.default_rng(seed)); y starts from y_{-1} = 0, so y_0 = x_0.

    Inputs:
    - num_sequences: N
    - length: T
    - seed: for the random inputs

    Returns a tuple of:
    - x: shape (N, T)
    - y: shape (N, T)
    """
    raise NotImplementedError("toy_sequences: not started, see its docstring")
    return x, y


def fit_toy_rnn(x, y, learning_rate=0.1, steps=500):
    """Fit a one-unit linear RNN h_t = W h_{t-1} + U x_t + b (h_{-1} = 0) to y.

    The loss is the mean squared error L = mean over n, t of (h[n, t] - y[n, t])^2.
    Start from W = U = b = 0 and take `steps` steps of full-batch gradient
    descent, w <- w - learning_rate * dL/dw, with gradients from
    backpropagation through time: going backwards, the gradient of h_t is
    its own dL/dh_t plus W times the gradient of h_{t+1}; then
    dW = sum_t dh_t h_{t-1}, dU = sum_t dh_t x_t, db = sum_t dh_t.
    On data from toy_sequences it recovers W ~ -0.5, U ~ 1, b ~ 0.

    Inputs:
    - x: inputs, shape (N, T)
    - y: targets, shape (N, T)
    - learning_rate: step size
    - steps: number of gradient-descent steps

    Returns a tuple of floats:
    - W, U, b: the fitted weights
    """
    raise NotImplementedError("fit_toy_rnn: not started, see its docstring")
    return float(W), float(U), float(b)
