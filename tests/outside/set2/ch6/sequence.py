# ---- outside corpus, second set: ch6/sequence.py in other idioms of CS231n solutions
import numpy as np


def temporal_affine_forward(x, w, b):
    out = np.einsum("ntd,dm->ntm", x, w) + b
    return out, {"x": x, "w": w}


def temporal_affine_backward(dout, cache):
    x, w = cache["x"], cache["w"]
    dx = np.einsum("ntm,dm->ntd", dout, w)
    dw = np.einsum("ntd,ntm->dm", x, dout)
    db = np.einsum("ntm->m", dout)
    return dx, dw, db


def temporal_softmax_loss(x, y, mask):
    # a loop over time steps
    N, T, V = x.shape
    loss = 0.0
    dx = np.zeros((N, T, V))
    rows = np.arange(N)
    for t in range(T):
        scores = x[:, t, :] - x[:, t, :].max(axis=1, keepdims=True)
        log_z = np.log(np.exp(scores).sum(axis=1, keepdims=True))
        log_p = scores - log_z
        m = mask[:, t].astype(float)
        loss -= np.sum(m * log_p[rows, y[:, t]])
        d = np.exp(log_p)
        d[rows, y[:, t]] -= 1
        dx[:, t, :] = d * m[:, None] / N
    return loss / N, dx


def toy_sequences(num_sequences, length, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(num_sequences, length))
    y = np.empty_like(x)
    for t in range(length):
        y[:, t] = x[:, t] + (-0.5 * y[:, t - 1] if t > 0 else 0.0)
    return x, y
