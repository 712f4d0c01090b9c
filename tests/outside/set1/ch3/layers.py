# ---- outside corpus: ch3/layers.py written in the idioms of a CS231n solution
import numpy as np


def affine_forward(x, w, b):
    # `.dot` style, and b cached too (CS231n's cache = (x, w, b))
    N = x.shape[0]
    x_rows = x.reshape(N, -1)
    out = x_rows.dot(w) + b
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    x, w, b = cache
    N = x.shape[0]
    dx = dout.dot(w.T).reshape(x.shape)
    dw = x.reshape(N, -1).T.dot(dout)
    db = np.sum(dout, axis=0)
    return dx, dw, db


def relu_forward(x):
    # copy first, then change the copy in place
    out = x.copy()
    out[out < 0] = 0
    cache = x
    return out, cache


def relu_backward(dout, cache):
    x = cache
    dx = dout.copy()  # never `dx = dout`: that would zero the caller's dout
    dx[x <= 0] = 0
    return dx


def sigmoid_forward(x):
    # two masked branches on a preallocated output, each with the exp that cannot overflow
    out = np.empty_like(x, dtype=np.float64)
    positive = x >= 0
    out[positive] = 1.0 / (1.0 + np.exp(-x[positive]))
    exp_x = np.exp(x[~positive])
    out[~positive] = exp_x / (1.0 + exp_x)
    cache = (x, out)
    return out, cache


def sigmoid_backward(dout, cache):
    x, out = cache
    dx = dout * out * (1.0 - out)
    return dx


def tanh_forward(x):
    out = np.tanh(x)
    cache = x  # cache the input, recompute tanh in the backward
    return out, cache


def tanh_backward(dout, cache):
    x = cache
    dx = dout * (1.0 - np.tanh(x) ** 2)
    return dx


def softmax(x):
    # keepdims style, and in-place division on the array it just made
    probs = np.exp(x - np.max(x, axis=1, keepdims=True))
    probs /= np.sum(probs, axis=1, keepdims=True)
    return probs
