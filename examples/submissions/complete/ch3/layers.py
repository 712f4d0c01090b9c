"""An independent, correct implementation of ch3/layers.py, written unlike the
reference (dict caches, einsum, objects in the cache), to prove that any
correct answer earns full marks."""
import numpy as np


class Saved:
    """Caches may hold any object; the grader keeps it in the worker."""

    def __init__(self, **values):
        self.__dict__.update(values)


def affine_forward(x, w, b):
    flat = np.reshape(x, (len(x), w.shape[0]))
    return np.einsum("nd,dm->nm", flat, w) + b[None, :], Saved(x=x, w=w)


def affine_backward(dout, cache):
    x, w = cache.x, cache.w
    flat = np.reshape(x, (len(x), -1))
    return np.reshape(np.einsum("nm,dm->nd", dout, w), np.shape(x)), np.einsum("nd,nm->dm", flat, dout), np.einsum("nm->m", dout)


def relu_forward(x):
    mask = x > 0
    return np.where(mask, x, 0.0), {"mask": mask}


def relu_backward(dout, cache):
    return np.where(cache["mask"], dout, 0.0)


def sigmoid_forward(x):
    out = 0.5 * (1.0 + np.tanh(0.5 * x))
    return out, {"out": out}


def sigmoid_backward(dout, cache):
    s = cache["out"]
    return dout * (s - s * s)


def tanh_forward(x):
    e = np.exp(-2.0 * np.abs(x))
    out = np.sign(x) * (1.0 - e) / (1.0 + e)
    return out, [out]


def tanh_backward(dout, cache):
    return dout - dout * cache[0] ** 2


def softmax(x):
    z = x - np.max(x, axis=-1, keepdims=True)
    logsum = np.log(np.sum(np.exp(z), axis=-1, keepdims=True))
    return np.exp(z - logsum)
