# ---- outside corpus, second set: ch3/layers.py in other idioms of CS231n solutions
import numpy as np


def affine_forward(x, w, b):
    # np.prod for D, np.dot, a dict cache
    D = np.prod(x.shape[1:])
    out = np.dot(x.reshape(x.shape[0], D), w) + b
    cache = {"x": x, "w": w}
    return out, cache


def affine_backward(dout, cache):
    x, w = cache["x"], cache["w"]
    D = np.prod(x.shape[1:])
    dx = np.reshape(np.dot(dout, w.T), x.shape)
    dw = np.dot(x.reshape(x.shape[0], D).T, dout)
    db = dout.sum(0)
    return dx, dw, db


def relu_forward(x):
    out = np.maximum(0, x)
    cache = x > 0  # only the mask is kept
    return out, cache


def relu_backward(dout, cache):
    dx = dout * cache
    return dx


def sigmoid_forward(x):
    # 1 / (1 + e^-x) = exp(-log(1 + e^-x)), with logaddexp: no overflow anywhere
    out = np.exp(-np.logaddexp(0, -x))
    return out, out


def sigmoid_backward(dout, cache):
    s = cache
    return dout * (s - s * s)


def tanh_forward(x):
    out = np.tanh(x)
    return out, (x, out)


def tanh_backward(dout, cache):
    _, out = cache
    return dout - dout * out**2


def softmax(x):
    # one row at a time
    p = np.zeros_like(x, dtype=np.float64)
    for i in range(x.shape[0]):
        row = x[i] - np.max(x[i])
        e = np.exp(row)
        p[i] = e / np.sum(e)
    return p
