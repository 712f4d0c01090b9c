# Fill in each part that raises NotImplementedError; the docstrings say what to compute.
# `pytest exercises/ch5` checks your work, `dlgrade hint NAME` gives a hint.
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
    raise NotImplementedError("convolve1d: not started, see its docstring")
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
    raise NotImplementedError("cross_correlate1d: not started, see its docstring")
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
    raise NotImplementedError("conv_forward_naive: not started, see its docstring")
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
    raise NotImplementedError("conv_backward_naive: not started, see its docstring")
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
    raise NotImplementedError("conv_forward_fast: not started, see its docstring")
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
    raise NotImplementedError("conv_backward_fast: not started, see its docstring")
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
    raise NotImplementedError("connection_counts: not started, see its docstring")
    return counts
