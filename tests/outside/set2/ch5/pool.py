# ---- outside corpus, second set: ch5/pool.py in other idioms of CS231n solutions
import numpy as np


def max_pool_forward_naive(x, pool_param):
    # loops over positions only; max over both window axes at once
    PH, PW, S = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    N, C, H, W = x.shape
    Ho, Wo = (H - PH) // S + 1, (W - PW) // S + 1
    out = np.empty((N, C, Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            out[:, :, i, j] = np.amax(x[:, :, i * S : i * S + PH, j * S : j * S + PW], axis=(-2, -1))
    return out, {"x": x, "pool_param": pool_param}


def max_pool_backward_naive(dout, cache):
    # np.argmax and np.unravel_index, window by window
    x, pool_param = cache["x"], cache["pool_param"]
    PH, PW, S = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    N, C, Ho, Wo = dout.shape
    dx = np.zeros(x.shape)
    for n in range(N):
        for c in range(C):
            for i in range(Ho):
                for j in range(Wo):
                    window = x[n, c, i * S : i * S + PH, j * S : j * S + PW]
                    p, q = np.unravel_index(np.argmax(window), window.shape)
                    dx[n, c, i * S + p, j * S + q] += dout[n, c, i, j]
    return dx


def l2_pool_forward(x, pool_param):
    PH, PW, S = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    N, C, H, W = x.shape
    Ho, Wo = (H - PH) // S + 1, (W - PW) // S + 1
    out = np.zeros((N, C, Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            window = x[:, :, i * S : i * S + PH, j * S : j * S + PW]
            out[:, :, i, j] = np.sqrt(np.sum(window**2, axis=(2, 3)))
    return out, (x, out, pool_param)


def l2_pool_backward(dout, cache):
    x, out, pool_param = cache
    PH, PW, S = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    _, _, Ho, Wo = dout.shape
    dx = np.zeros(x.shape)
    for i in range(Ho):
        for j in range(Wo):
            norm = out[:, :, i, j][:, :, None, None]
            window = x[:, :, i * S : i * S + PH, j * S : j * S + PW]
            safe = np.where(norm > 0, norm, 1.0)
            share = np.where(norm > 0, window / safe, 0.0)
            dx[:, :, i * S : i * S + PH, j * S : j * S + PW] += share * dout[:, :, i, j][:, :, None, None]
    return dx
