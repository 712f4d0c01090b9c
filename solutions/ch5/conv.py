"""Convolution: in one dimension, then as a layer of a network.

The book's two formulas for a signal I and a kernel K of length k:

    convolution        s(t) = sum_a I(t - a) K(a)   (the kernel is flipped)
    cross-correlation  s(t) = sum_a I(t + a) K(a)   (what CNN layers compute)

A convolutional layer cross-correlates every filter with every position of
the (zero-padded) input and sums over the input channels (CS231n layout:
images x of shape (N, C, H, W), filters w of shape (F, C, HH, WW)). With
padding P and stride S the output has

    H' = 1 + (H + 2P - HH) // S      W' = 1 + (W + 2P - WW) // S

rows and columns; rows or columns left over that do not fill a whole window
are ignored. Forwards return ``(out, cache)``; backwards take
``(dout, cache)`` and return ``(dx, dw, db)``.

What every function here promises (the tests check it): inputs (arrays, and
the param dicts unless a docstring says otherwise) are never modified;
a batch of one (N = 1) and non-square shapes work like any other.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def convolve1d(signal, kernel):
    """True convolution, valid part: out[t] = sum_a signal[t + K - 1 - a] * kernel[a].

    This is the book's s(t) = sum_a I(t - a) K(a), kept only where the flipped
    kernel lies entirely inside the signal (like np.convolve(..., 'valid')).

    Inputs:
    - signal: shape (L,)
    - kernel: shape (K,), with K <= L

    Returns:
    - out: shape (L - K + 1,)
    """
    ### BEGIN SOLUTION
    length, size = len(signal), len(kernel)
    flipped = kernel[::-1]
    out = np.array([np.dot(signal[t : t + size], flipped) for t in range(length - size + 1)])
    ### END SOLUTION
    return out


def cross_correlate1d(signal, kernel):
    """Cross-correlation, valid part: out[t] = sum_a signal[t + a] * kernel[a].

    The book's s(t) = sum_a I(t + a) K(a): the kernel slides over the signal
    unflipped, as in a convolutional layer.

    Inputs:
    - signal: shape (L,)
    - kernel: shape (K,), with K <= L

    Returns:
    - out: shape (L - K + 1,)
    """
    ### BEGIN SOLUTION
    length, size = len(signal), len(kernel)
    out = np.array([np.dot(signal[t : t + size], kernel) for t in range(length - size + 1)])
    ### END SOLUTION
    return out


def conv_output_size(size, window, stride, pad):
    """Number of window positions along one axis: 1 + (size + 2 * pad - window) // stride."""
    return 1 + (size + 2 * pad - window) // stride


def conv_forward_naive(x, w, b, conv_param):
    """Convolution, with loops: out[n, f, i, j] = sum_{c,p,q} xpad[n, c, i*S + p, j*S + q] * w[f, c, p, q] + b[f].

    xpad is x with `pad` rows/columns of zeros added on every side (top,
    bottom, left and right) of each image; S is the stride.

    Inputs:
    - x: input images, shape (N, C, H, W)
    - w: filters, shape (F, C, HH, WW)
    - b: biases, shape (F,)
    - conv_param: dict with 'stride' (S >= 1) and 'pad' (P >= 0)

    Returns a tuple of:
    - out: shape (N, F, H', W'), H' = 1 + (H + 2P - HH) // S, W' = 1 + (W + 2P - WW) // S
    - cache: whatever conv_backward_naive needs
    """
    ### BEGIN SOLUTION
    stride, pad = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out, W_out = conv_output_size(H, HH, stride, pad), conv_output_size(W, WW, stride, pad)
    xpad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    out = np.zeros((N, F, H_out, W_out))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    window = xpad[n, :, i * stride : i * stride + HH, j * stride : j * stride + WW]
                    out[n, f, i, j] = np.sum(window * w[f]) + b[f]
    cache = (x, w, b, conv_param)
    ### END SOLUTION
    return out, cache


def conv_backward_naive(dout, cache):
    """Backward pass of the convolutional layer, with loops.

    Every output cell sends dout[n, f, i, j] * w[f] back to the window of
    xpad it read, and dout[n, f, i, j] * window to w[f]; windows overlap when
    S < HH, so contributions add up. db[f] sums dout over n, i and j. dx is
    the gradient for x itself: the padding is cut off again.

    Inputs:
    - dout: upstream gradient, shape (N, F, H', W')
    - cache: from conv_forward_naive

    Returns a tuple of:
    - dx: shape (N, C, H, W)
    - dw: shape (F, C, HH, WW)
    - db: shape (F,)
    """
    ### BEGIN SOLUTION
    x, w, b, conv_param = cache
    stride, pad = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    _, _, H_out, W_out = dout.shape
    xpad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    dxpad = np.zeros_like(xpad)
    dw = np.zeros_like(w)
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    rows = slice(i * stride, i * stride + HH)
                    cols = slice(j * stride, j * stride + WW)
                    dxpad[n, :, rows, cols] += dout[n, f, i, j] * w[f]
                    dw[f] += dout[n, f, i, j] * xpad[n, :, rows, cols]
    dx = dxpad[:, :, pad : pad + H, pad : pad + W]
    db = dout.sum(axis=(0, 2, 3))
    ### END SOLUTION
    return dx, dw, db


def conv_forward_fast(x, w, b, conv_param):
    """Convolutional layer without a Python loop over output pixels (im2col).

    Same computation and signature as conv_forward_naive. Gather every
    window of the padded input into a matrix of shape (N * H' * W', C * HH * WW)
    (for example with numpy.lib.stride_tricks.sliding_window_view), then one
    matrix product with the filters reshaped to (C * HH * WW, F) does all
    the work.

    Inputs:
    - x: shape (N, C, H, W)
    - w: shape (F, C, HH, WW)
    - b: shape (F,)
    - conv_param: dict with 'stride' and 'pad'

    Returns a tuple of:
    - out: shape (N, F, H', W')
    - cache: whatever conv_backward_fast needs
    """
    ### BEGIN SOLUTION
    stride, pad = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out, W_out = conv_output_size(H, HH, stride, pad), conv_output_size(W, WW, stride, pad)
    xpad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    windows = sliding_window_view(xpad, (HH, WW), axis=(2, 3))  # (N, C, Hp-HH+1, Wp-WW+1, HH, WW), a view
    windows = windows[:, :, ::stride, ::stride][:, :, :H_out, :W_out]  # (N, C, H', W', HH, WW)
    cols = windows.transpose(0, 2, 3, 1, 4, 5).reshape(N * H_out * W_out, C * HH * WW)  # im2col: copies
    out = cols @ w.reshape(F, -1).T + b  # (N * H' * W', F)
    out = out.reshape(N, H_out, W_out, F).transpose(0, 3, 1, 2)
    cache = (x.shape, w, cols, conv_param)
    ### END SOLUTION
    return out, cache


def conv_backward_fast(dout, cache):
    """Backward pass of conv_forward_fast, without a Python loop over output pixels.

    With cols the (N * H' * W', C * HH * WW) matrix of windows and dout
    reshaped to (N * H' * W', F): dw = dout.T @ cols, db = sum of dout over
    N, H', W', and dcols = dout @ w (reshaped) is scattered back onto the
    padded input, adding where windows overlap (col2im; a loop over the
    HH * WW kernel offsets is fine), then the padding is cut off.

    Inputs:
    - dout: upstream gradient, shape (N, F, H', W')
    - cache: from conv_forward_fast

    Returns a tuple of:
    - dx: shape (N, C, H, W)
    - dw: shape (F, C, HH, WW)
    - db: shape (F,)
    """
    ### BEGIN SOLUTION
    x_shape, w, cols, conv_param = cache
    stride, pad = conv_param["stride"], conv_param["pad"]
    N, C, H, W = x_shape
    F, _, HH, WW = w.shape
    _, _, H_out, W_out = dout.shape
    dout_rows = dout.transpose(0, 2, 3, 1).reshape(-1, F)  # (N * H' * W', F)
    dw = (dout_rows.T @ cols).reshape(w.shape)
    db = dout_rows.sum(axis=0)
    dcols = (dout_rows @ w.reshape(F, -1)).reshape(N, H_out, W_out, C, HH, WW)
    dxpad = np.zeros((N, C, H + 2 * pad, W + 2 * pad))
    for p in range(HH):  # col2im: one strided slice per kernel offset
        for q in range(WW):
            rows = slice(p, p + stride * (H_out - 1) + 1, stride)
            columns = slice(q, q + stride * (W_out - 1) + 1, stride)
            dxpad[:, :, rows, columns] += dcols[:, :, :, :, p, q].transpose(0, 3, 1, 2)
    dx = dxpad[:, :, pad : pad + H, pad : pad + W]
    ### END SOLUTION
    return dx, dw, db


def connection_counts(input_shape, num_filters, filter_size, stride=1):
    """Parameters and connections of three layers with the same output, the book's figures 5-4 to 5-6 and 5-13.

    The input is (C, H, W); the output is (F, H', W') with
    H' = 1 + (H - filter_size) // stride (likewise W'; no padding).
    Connections are the input-to-output edges that carry a weight (the
    multiplications per example).
    - "conv": F filters of C x filter_size x filter_size, one bias per filter:
      sparse interactions (each output sees one window) and parameter sharing
      (every position uses the same filter).
    - "local": locally connected, the same windows but a separate filter
      and bias for every output unit (sparse, not shared).
    - "dense": fully connected, every input to every output unit, one bias
      per output unit.

    Inputs:
    - input_shape: (C, H, W)
    - num_filters: F
    - filter_size: side of the square filters
    - stride: as in conv_forward_naive

    Returns a dict: name ("conv", "local", "dense") -> {"parameters": int, "connections": int}
    """
    ### BEGIN SOLUTION
    C, H, W = input_shape
    H_out = conv_output_size(H, filter_size, stride, 0)
    W_out = conv_output_size(W, filter_size, stride, 0)
    window = C * filter_size * filter_size
    outputs = num_filters * H_out * W_out
    sparse = outputs * window
    dense = C * H * W * outputs
    counts = {
        "conv": {"parameters": num_filters * window + num_filters, "connections": sparse},
        "local": {"parameters": sparse + outputs, "connections": sparse},
        "dense": {"parameters": dense + outputs, "connections": dense},
    }
    ### END SOLUTION
    return counts
