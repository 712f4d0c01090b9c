# ---- outside corpus, second set: ch5/conv.py in other idioms of CS231n solutions
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def convolve1d(signal, kernel):
    # flip the kernel, then slide it
    k = kernel[::-1]
    n = len(signal) - len(k) + 1
    return np.array([np.sum(signal[t : t + len(k)] * k) for t in range(n)])


def cross_correlate1d(signal, kernel):
    return np.correlate(signal, kernel, mode="valid")


def conv_forward_naive(x, w, b, conv_param):
    # loops over examples, filters and positions; the window covers every channel at once
    S, P = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, C, HH, WW = w.shape
    Ho = int(1 + (H + 2 * P - HH) / S)
    Wo = int(1 + (W + 2 * P - WW) / S)
    xp = np.pad(x, ((0,), (0,), (P,), (P,)), "constant")
    out = np.zeros((N, F, Ho, Wo))
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    out[n, f, i, j] = (xp[n, :, i * S : i * S + HH, j * S : j * S + WW] * w[f]).sum() + b[f]
    return out, (x, w, b, conv_param)


def conv_backward_naive(dout, cache):
    x, w, b, conv_param = cache
    S, P = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, C, HH, WW = w.shape
    _, _, Ho, Wo = dout.shape
    xp = np.pad(x, ((0,), (0,), (P,), (P,)), "constant")
    dxp = np.zeros(xp.shape)
    dw = np.zeros(w.shape)
    db = dout.sum(axis=(0, 2, 3))
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    window = xp[n, :, i * S : i * S + HH, j * S : j * S + WW]
                    dw[f] += window * dout[n, f, i, j]
                    dxp[n, :, i * S : i * S + HH, j * S : j * S + WW] += w[f] * dout[n, f, i, j]
    dx = dxp[:, :, P : P + H, P : P + W]
    return dx, dw, db


def conv_forward_fast(x, w, b, conv_param):
    # sliding_window_view and einsum
    S, P = conv_param["stride"], conv_param["pad"]
    F, _, HH, WW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (P, P), (P, P)))
    windows = sliding_window_view(xp, (HH, WW), axis=(2, 3))[:, :, ::S, ::S]
    Ho = 1 + (x.shape[2] + 2 * P - HH) // S
    Wo = 1 + (x.shape[3] + 2 * P - WW) // S
    windows = windows[:, :, :Ho, :Wo]
    out = np.einsum("nchwpq,fcpq->nfhw", windows, w, optimize=True) + b[None, :, None, None]
    return out, (x, w, conv_param)


def conv_backward_fast(dout, cache):
    x, w, conv_param = cache
    S, P = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    _, _, Ho, Wo = dout.shape
    xp = np.pad(x, ((0, 0), (0, 0), (P, P), (P, P)))
    windows = sliding_window_view(xp, (HH, WW), axis=(2, 3))[:, :, ::S, ::S][:, :, :Ho, :Wo]
    dw = np.einsum("nchwpq,nfhw->fcpq", windows, dout, optimize=True)
    db = dout.sum(axis=(0, 2, 3))
    dxp = np.zeros(xp.shape)
    for p in range(HH):
        for q in range(WW):
            dxp[:, :, p : p + S * Ho : S, q : q + S * Wo : S] += np.einsum("nfhw,fc->nchw", dout, w[:, :, p, q])
    return dxp[:, :, P : P + H, P : P + W], dw, db


def connection_counts(input_shape, num_filters, filter_size, stride=1):
    C, H, W = input_shape
    Ho = (H - filter_size) // stride + 1
    Wo = (W - filter_size) // stride + 1
    n_out = num_filters * Ho * Wo
    per_output = C * filter_size**2
    return {
        "conv": {"parameters": num_filters * (per_output + 1), "connections": n_out * per_output},
        "local": {"parameters": n_out * (per_output + 1), "connections": n_out * per_output},
        "dense": {"parameters": n_out * (C * H * W + 1), "connections": n_out * C * H * W},
    }
