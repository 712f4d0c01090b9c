# ---- outside corpus, second set: ch6/rnn.py in other idioms of CS231n solutions
import numpy as np


def rnn_step_forward(x, prev_h, Wx, Wh, b):
    next_h = np.tanh(np.dot(x, Wx) + np.dot(prev_h, Wh) + b)
    cache = {"x": x, "prev_h": prev_h, "Wx": Wx, "Wh": Wh, "next_h": next_h}
    return next_h, cache


def rnn_step_backward(dnext_h, cache):
    da = dnext_h * (1 - cache["next_h"] ** 2)
    dx = np.dot(da, cache["Wx"].T)
    dprev_h = np.dot(da, cache["Wh"].T)
    dWx = np.dot(cache["x"].T, da)
    dWh = np.dot(cache["prev_h"].T, da)
    db = da.sum(axis=0)
    return dx, dprev_h, dWx, dWh, db


def rnn_forward(x, h0, Wx, Wh, b):
    # the cache also keeps the shapes; the loop runs over t with an explicit previous state
    N, T, D = x.shape
    h = np.zeros((N, T, h0.shape[1]))
    caches = []
    for t in range(T):
        prev = h0 if t == 0 else h[:, t - 1, :]
        h[:, t, :], c = rnn_step_forward(x[:, t, :], prev, Wx, Wh, b)
        caches.append(c)
    return h, {"steps": caches, "D": D}


def rnn_backward(dh, cache):
    # dh copied first, then the recurrent gradient added into the copy in place
    steps, D = cache["steps"], cache["D"]
    dh = dh.copy()
    N, T, H = dh.shape
    dx = np.zeros((N, T, D))
    dh0 = np.zeros((N, H))
    dWx, dWh, db = np.zeros((D, H)), np.zeros((H, H)), np.zeros((H,))
    for t in reversed(range(T)):
        dx[:, t, :], dprev_h, dWx_t, dWh_t, db_t = rnn_step_backward(dh[:, t, :], steps[t])
        if t > 0:
            dh[:, t - 1, :] += dprev_h
        else:
            dh0 = dprev_h
        dWx, dWh, db = dWx + dWx_t, dWh + dWh_t, db + db_t
    return dx, dh0, dWx, dWh, db


def clip_grad_norm(grads, max_norm):
    norm = float(np.linalg.norm(np.concatenate([g.ravel() for g in grads.values()])))
    if norm > max_norm:
        return {k: g * max_norm / norm for k, g in grads.items()}, norm
    return {k: np.copy(g) for k, g in grads.items()}, norm
