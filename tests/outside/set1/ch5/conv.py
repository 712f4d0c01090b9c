# ---- outside corpus: ch5/conv.py written in the idioms of a CS231n solution
import numpy as np


def convolve1d(signal, kernel):
    return np.convolve(signal, kernel, mode="valid")


def cross_correlate1d(signal, kernel):
    # an explicit double loop
    L, K = signal.shape[0], kernel.shape[0]
    out = np.zeros(L - K + 1)
    for t in range(L - K + 1):
        for a in range(K):
            out[t] += signal[t + a] * kernel[a]
    return out


def conv_forward_naive(x, w, b, conv_param):
    # np.pad with constant zeros, then four nested loops
    stride, pad = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out = 1 + (H + 2 * pad - HH) // stride
    W_out = 1 + (W + 2 * pad - WW) // stride
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), mode="constant", constant_values=0)
    out = np.zeros((N, F, H_out, W_out))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    hs, ws = i * stride, j * stride
                    out[n, f, i, j] = np.sum(x_pad[n, :, hs : hs + HH, ws : ws + WW] * w[f, :, :, :]) + b[f]
    cache = (x, w, b, conv_param)
    return out, cache


def conv_backward_naive(dout, cache):
    x, w, b, conv_param = cache
    stride, pad = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    _, _, H_out, W_out = dout.shape
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), mode="constant")
    dx_pad = np.zeros_like(x_pad, dtype=np.float64)
    dw = np.zeros_like(w, dtype=np.float64)
    db = np.zeros_like(b, dtype=np.float64)
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    hs, ws = i * stride, j * stride
                    db[f] += dout[n, f, i, j]
                    dw[f] += x_pad[n, :, hs : hs + HH, ws : ws + WW] * dout[n, f, i, j]
                    dx_pad[n, :, hs : hs + HH, ws : ws + WW] += w[f] * dout[n, f, i, j]
    dx = dx_pad[:, :, pad : pad + H, pad : pad + W]
    return dx, dw, db


def conv_forward_fast(x, w, b, conv_param):
    # im2col built with one loop over the kernel offsets; a dict cache
    stride, pad = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out = 1 + (H + 2 * pad - HH) // stride
    W_out = 1 + (W + 2 * pad - WW) // stride
    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), mode="constant")
    cols = np.zeros((C, HH, WW, N, H_out, W_out))
    for p in range(HH):
        for q in range(WW):
            cols[:, p, q] = x_pad[:, :, p : p + stride * H_out : stride, q : q + stride * W_out : stride].transpose(
                1, 0, 2, 3
            )
    cols = cols.reshape(C * HH * WW, N * H_out * W_out)
    res = w.reshape(F, -1).dot(cols) + b.reshape(-1, 1)  # (F, N * H' * W')
    out = res.reshape(F, N, H_out, W_out).transpose(1, 0, 2, 3)
    cache = {"x_shape": x.shape, "w": w, "cols": cols, "stride": stride, "pad": pad}
    return out, cache


def conv_backward_fast(dout, cache):
    N, C, H, W = cache["x_shape"]
    w, cols, stride, pad = cache["w"], cache["cols"], cache["stride"], cache["pad"]
    F, _, HH, WW = w.shape
    _, _, H_out, W_out = dout.shape
    dout_flat = dout.transpose(1, 0, 2, 3).reshape(F, -1)  # (F, N * H' * W')
    db = np.sum(dout, axis=(0, 2, 3))
    dw = dout_flat.dot(cols.T).reshape(w.shape)
    dcols = w.reshape(F, -1).T.dot(dout_flat).reshape(C, HH, WW, N, H_out, W_out)
    dx_pad = np.zeros((N, C, H + 2 * pad, W + 2 * pad))
    for p in range(HH):
        for q in range(WW):
            dx_pad[:, :, p : p + stride * H_out : stride, q : q + stride * W_out : stride] += dcols[:, p, q].transpose(
                1, 0, 2, 3
            )
    dx = dx_pad[:, :, pad : pad + H, pad : pad + W]
    return dx, dw, db
