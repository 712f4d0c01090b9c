"""Numerical gradients, written independently of the reference."""
import numpy as np


def eval_numerical_gradient(f, x, verbose=False, h=1e-5):
    grad = np.zeros(x.shape)
    flat, out = x.reshape(-1), grad.reshape(-1)  # views: perturbing flat perturbs x
    for i in range(flat.size):
        keep = flat[i]
        flat[i] = keep + h
        up = f(x)
        flat[i] = keep - h
        down = f(x)
        flat[i] = keep
        out[i] = (up - down) / (2 * h)
        if verbose:
            print(i, out[i])
    return grad


def eval_numerical_gradient_array(f, x, df, h=1e-5):
    return eval_numerical_gradient(lambda v: float(np.sum(np.array(f(v)) * df)), x, h=h)


def rel_error(x, y):
    x, y = np.asarray(x, float), np.asarray(y, float)
    return float((np.abs(x - y) / np.clip(np.abs(x) + np.abs(y), 1e-8, None)).max())
