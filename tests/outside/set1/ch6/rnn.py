# ---- outside corpus: ch6/rnn.py written in the idioms of a CS231n solution
import numpy as np


def rnn_step_forward(x, prev_h, Wx, Wh, b):
    # `.dot` style; the cache keeps b and the pre-activation too
    a = prev_h.dot(Wh) + x.dot(Wx) + b
    next_h = np.tanh(a)
    cache = (x, prev_h, Wx, Wh, b, a, next_h)
    return next_h, cache


def rnn_step_backward(dnext_h, cache):
    x, prev_h, Wx, Wh, b, a, next_h = cache
    dtanh = dnext_h * (1 - np.tanh(a) ** 2)
    dx = dtanh.dot(Wx.T)
    dprev_h = dtanh.dot(Wh.T)
    dWx = x.T.dot(dtanh)
    dWh = prev_h.T.dot(dtanh)
    db = np.sum(dtanh, axis=0)
    return dx, dprev_h, dWx, dWh, db


def rnn_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    cache = []
    prev_h = h0
    for t in range(T):
        next_h, cache_t = rnn_step_forward(x[:, t, :], prev_h, Wx, Wh, b)
        h[:, t, :] = next_h
        cache.append(cache_t)
        prev_h = next_h
    return h, cache


def rnn_backward(dh, cache):
    N, T, H = dh.shape
    D = cache[0][0].shape[1]
    dx = np.zeros((N, T, D))
    dWx = np.zeros((D, H))
    dWh = np.zeros((H, H))
    db = np.zeros(H)
    dprev_h = np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        dx_t, dprev_h, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t, :] + dprev_h, cache[t])
        dx[:, t, :] = dx_t
        dWx += dWx_t  # += on arrays this function made
        dWh += dWh_t
        db += db_t
    dh0 = dprev_h
    return dx, dh0, dWx, dWh, db


def clip_grad_norm(grads, max_norm):
    # a loop that accumulates the squared norm, and a new dict
    total = 0.0
    for g in grads.values():
        total += np.sum(g * g)
    norm = np.sqrt(total)
    clipped = {}
    for name, g in grads.items():
        clipped[name] = g * (max_norm / norm) if norm > max_norm else g.copy()
    return clipped, float(norm)
