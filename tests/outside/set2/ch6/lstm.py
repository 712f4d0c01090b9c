# ---- outside corpus, second set: ch6/lstm.py in other idioms of CS231n solutions
import numpy as np


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    H = prev_h.shape[1]
    a = np.dot(x, Wx) + np.dot(prev_h, Wh) + b
    i = 1 / (1 + np.exp(-a[:, :H]))  # the textbook sigmoid: its inputs here are small
    f = 1 / (1 + np.exp(-a[:, H : 2 * H]))
    o = 1 / (1 + np.exp(-a[:, 2 * H : 3 * H]))
    g = np.tanh(a[:, 3 * H :])
    next_c = f * prev_c + i * g
    next_h = o * np.tanh(next_c)
    cache = {"x": x, "prev_h": prev_h, "prev_c": prev_c, "Wx": Wx, "Wh": Wh, "gates": (i, f, o, g), "c": next_c}
    return next_h, next_c, cache


def lstm_step_backward(dnext_h, dnext_c, cache):
    i, f, o, g = cache["gates"]
    tc = np.tanh(cache["c"])
    dc = dnext_c + dnext_h * o * (1 - tc * tc)
    da = np.hstack((dc * g * i * (1 - i), dc * cache["prev_c"] * f * (1 - f), dnext_h * tc * o * (1 - o)))
    da = np.hstack((da, dc * i * (1 - g * g)))
    dx = np.dot(da, cache["Wx"].T)
    dprev_h = np.dot(da, cache["Wh"].T)
    dprev_c = f * dc
    dWx = np.dot(cache["x"].T, da)
    dWh = np.dot(cache["prev_h"].T, da)
    db = np.sum(da, axis=0)
    return dx, dprev_h, dprev_c, dWx, dWh, db


def lstm_forward(x, h0, Wx, Wh, b):
    N, T, D = x.shape
    hs, caches = [], []
    h, c = h0, np.zeros(h0.shape)
    for t in range(T):
        h, c, cache_t = lstm_step_forward(x[:, t], h, c, Wx, Wh, b)
        hs.append(h)
        caches.append(cache_t)
    return np.stack(hs, axis=1), caches


def lstm_backward(dh, cache):
    N, T, H = dh.shape
    D = cache[0]["x"].shape[1]
    dx = np.empty((N, T, D))
    grads = [np.zeros((D, 4 * H)), np.zeros((H, 4 * H)), np.zeros(4 * H)]
    dnext_h, dnext_c = np.zeros((N, H)), np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        dx[:, t], dnext_h, dnext_c, *step = lstm_step_backward(dh[:, t] + dnext_h, dnext_c, cache[t])
        for total, part in zip(grads, step):
            total += part  # the function's own accumulators
    return (dx, dnext_h, *grads)
