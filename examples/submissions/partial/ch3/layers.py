"""A student halfway through ch3: affine and relu done, the rest not started."""
import numpy as np


def affine_forward(x, w, b):
    out = x.reshape(x.shape[0], -1) @ w + b
    return out, (x, w, b)


def affine_backward(dout, cache):
    x, w, b = cache
    dx = (dout @ w.T).reshape(x.shape)
    dw = x.reshape(x.shape[0], -1).T @ dout
    db = dout.mean(axis=0)  # bug: the bias gradient must be summed over the batch
    return dx, dw, db


def relu_forward(x):
    return np.maximum(0, x), x


def relu_backward(dout, cache):
    return dout * (cache > 0)


def sigmoid_forward(x):
    raise NotImplementedError("sigmoid_forward: not started, see its docstring")


def sigmoid_backward(dout, cache):
    raise NotImplementedError("sigmoid_backward: not started, see its docstring")


def tanh_forward(x):
    raise NotImplementedError("tanh_forward: not started, see its docstring")


def tanh_backward(dout, cache):
    raise NotImplementedError("tanh_backward: not started, see its docstring")


def softmax(x):
    e = np.exp(x)  # no max shift: overflows for large scores
    return e / e.sum(axis=1, keepdims=True)
