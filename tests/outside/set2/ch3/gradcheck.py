# ---- outside corpus, second set: ch3/gradcheck.py in other idioms of CS231n solutions
import numpy as np


def eval_numerical_gradient(f, x, verbose=False, h=1e-5):
    # a loop over flat indices
    grad = np.zeros(x.shape)
    for i in range(x.size):
        ix = np.unravel_index(i, x.shape)
        old = x[ix]
        x[ix] = old + h
        fp = f(x)
        x[ix] = old - h
        fm = f(x)
        x[ix] = old
        grad[ix] = (fp - fm) / (2.0 * h)
        if verbose:
            print(ix, grad[ix])
    return grad


def eval_numerical_gradient_array(f, x, df, h=1e-5):
    grad = np.zeros(x.shape)
    for ix in np.ndindex(*x.shape):
        old = x[ix]
        x[ix] = old + h
        pos = np.array(f(x), copy=True)
        x[ix] = old - h
        neg = np.array(f(x), copy=True)
        x[ix] = old
        grad[ix] = np.sum((pos - neg) * df) / (2.0 * h)
    return grad


def rel_error(x, y):
    x, y = np.array(x, dtype=float), np.array(y, dtype=float)
    return float(np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y))))
