# ---- outside corpus: ch5/pool.py written in the idioms of a CS231n solution
import numpy as np


def max_pool_forward_naive(x, pool_param):
    # four nested loops
    PH, PW, S = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    N, C, H, W = x.shape
    H_out = 1 + (H - PH) // S
    W_out = 1 + (W - PW) // S
    out = np.zeros((N, C, H_out, W_out))
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    out[n, c, i, j] = np.max(x[n, c, i * S : i * S + PH, j * S : j * S + PW])
    cache = (x, pool_param)
    return out, cache


def max_pool_backward_naive(dout, cache):
    # a mask of the window's maximum, window by window
    x, pool_param = cache
    PH, PW, S = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    N, C, H_out, W_out = dout.shape
    dx = np.zeros_like(x, dtype=np.float64)
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    window = x[n, c, i * S : i * S + PH, j * S : j * S + PW]
                    mask = window == np.max(window)
                    dx[n, c, i * S : i * S + PH, j * S : j * S + PW] += mask * dout[n, c, i, j]
    return dx


def avg_pool_forward(x, pool_param):
    PH, PW, S = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    N, C, H, W = x.shape
    H_out, W_out = 1 + (H - PH) // S, 1 + (W - PW) // S
    out = np.zeros((N, C, H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            out[:, :, i, j] = np.mean(x[:, :, i * S : i * S + PH, j * S : j * S + PW], axis=(2, 3))
    return out, (x, pool_param)


def avg_pool_backward(dout, cache):
    x, pool_param = cache
    PH, PW, S = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    _, _, H_out, W_out = dout.shape
    dx = np.zeros_like(x, dtype=np.float64)
    for i in range(H_out):
        for j in range(W_out):
            dx[:, :, i * S : i * S + PH, j * S : j * S + PW] += dout[:, :, i, j][:, :, None, None] / (PH * PW)
    return dx
