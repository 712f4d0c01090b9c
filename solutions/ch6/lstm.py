"""Long short-term memory: gated recurrence with a cell state.

Row-vector (CS231n) convention: with a = x @ Wx + prev_h @ Wh + b of shape
(N, 4H), the four blocks of H columns are, in this order,

    i = sigmoid(a[:, 0:H])      input gate
    f = sigmoid(a[:, H:2H])     forget gate
    o = sigmoid(a[:, 2H:3H])    output gate
    g = tanh(a[:, 3H:4H])       block input (the book's z)

    next_c = f * prev_c + i * g          (the cell state)
    next_h = o * tanh(next_c)            (the output, the book's y-hat)

The cell state is the "constant error carousel": its gradient flows from one
step to the previous one multiplied only by the forget gate.

What every function here promises (the tests check it): inputs (arrays, and
the param dicts unless a docstring says otherwise) are never modified;
a batch of one (N = 1) and non-square shapes work like any other.
"""

import numpy as np


def sigmoid(x):
    """Logistic sigmoid 1 / (1 + exp(-x)) without overflow (a helper, not an exercise)."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
    """One LSTM step (gates i, f, o, g in that order along the 4H axis).

    Inputs:
    - x: input, shape (N, D)
    - prev_h: previous hidden state, shape (N, H)
    - prev_c: previous cell state, shape (N, H)
    - Wx: shape (D, 4H)
    - Wh: shape (H, 4H)
    - b: shape (4H,)

    Returns a tuple of:
    - next_h: shape (N, H)
    - next_c: shape (N, H)
    - cache: whatever lstm_step_backward needs
    """
    ### BEGIN SOLUTION
    H = prev_h.shape[1]
    a = x @ Wx + prev_h @ Wh + b  # (N, 4H)
    i = sigmoid(a[:, :H])
    f = sigmoid(a[:, H : 2 * H])
    o = sigmoid(a[:, 2 * H : 3 * H])
    g = np.tanh(a[:, 3 * H :])
    next_c = f * prev_c + i * g
    tanh_c = np.tanh(next_c)
    next_h = o * tanh_c
    cache = (x, prev_h, prev_c, Wx, Wh, i, f, o, g, tanh_c)
    ### END SOLUTION
    return next_h, next_c, cache


def lstm_step_backward(dnext_h, dnext_c, cache):
    """Backward pass of one LSTM step: the gradients of the loss with respect to every input of the step.

    The cell state next_c is an output of the step in its own right: it gets
    the upstream gradient dnext_c, and it also influences next_h.

    Inputs:
    - dnext_h: upstream gradient of next_h, shape (N, H)
    - dnext_c: upstream gradient of next_c, shape (N, H)
    - cache: from lstm_step_forward

    Returns a tuple of:
    - dx: shape (N, D)
    - dprev_h: shape (N, H)
    - dprev_c: shape (N, H)
    - dWx: shape (D, 4H)
    - dWh: shape (H, 4H)
    - db: shape (4H,)
    """
    ### BEGIN SOLUTION
    x, prev_h, prev_c, Wx, Wh, i, f, o, g, tanh_c = cache
    dc = dnext_c + dnext_h * o * (1 - tanh_c**2)
    dprev_c = dc * f
    di = dc * g * i * (1 - i)
    df = dc * prev_c * f * (1 - f)
    do = dnext_h * tanh_c * o * (1 - o)
    dg = dc * i * (1 - g**2)
    da = np.hstack([di, df, do, dg])  # (N, 4H)
    dx = da @ Wx.T
    dprev_h = da @ Wh.T
    dWx = x.T @ da
    dWh = prev_h.T @ da
    db = da.sum(axis=0)
    ### END SOLUTION
    return dx, dprev_h, dprev_c, dWx, dWh, db


def lstm_forward(x, h0, Wx, Wh, b):
    """Run the LSTM over a whole sequence; the initial cell state c0 is zero.

    Inputs:
    - x: input sequences, shape (N, T, D)
    - h0: initial hidden state, shape (N, H)
    - Wx: shape (D, 4H)
    - Wh: shape (H, 4H)
    - b: shape (4H,)

    Returns a tuple of:
    - h: hidden states of every step, shape (N, T, H)
    - cache: whatever lstm_backward needs
    """
    ### BEGIN SOLUTION
    N, T, _ = x.shape
    H = h0.shape[1]
    h = np.zeros((N, T, H))
    prev_h, prev_c = h0, np.zeros((N, H))
    steps = []
    for t in range(T):
        prev_h, prev_c, step = lstm_step_forward(x[:, t, :], prev_h, prev_c, Wx, Wh, b)
        h[:, t, :] = prev_h
        steps.append(step)
    cache = steps
    ### END SOLUTION
    return h, cache


def lstm_backward(dh, cache):
    """Backpropagation through time for the LSTM.

    Going backwards in time, step t receives dh[:, t] plus the dprev_h of
    step t + 1 as its dnext_h, and the dprev_c of step t + 1 as its dnext_c
    (zero at the last step); the weight gradients are summed over the steps.

    Inputs:
    - dh: upstream gradients of all hidden states, shape (N, T, H)
    - cache: from lstm_forward

    Returns a tuple of:
    - dx: shape (N, T, D)
    - dh0: shape (N, H)
    - dWx: shape (D, 4H)
    - dWh: shape (H, 4H)
    - db: shape (4H,)
    """
    ### BEGIN SOLUTION
    steps = cache
    N, T, H = dh.shape
    D = steps[0][0].shape[1]
    dx = np.zeros((N, T, D))
    dWx, dWh, db = np.zeros((D, 4 * H)), np.zeros((H, 4 * H)), np.zeros(4 * H)
    dprev_h, dprev_c = np.zeros((N, H)), np.zeros((N, H))
    for t in reversed(range(T)):
        dnext_h = dh[:, t, :] + dprev_h
        dx[:, t, :], dprev_h, dprev_c, dWx_t, dWh_t, db_t = lstm_step_backward(dnext_h, dprev_c, steps[t])
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    dh0 = dprev_h
    ### END SOLUTION
    return dx, dh0, dWx, dWh, db


def peephole_lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b, p_i, p_f, p_o):
    """One step of the book's LSTM with peephole connections.

    The gates also look at the cell state, through elementwise weights p.
    With a = x @ Wx + prev_h @ Wh + b split into blocks i, f, o, z (that
    order, like lstm_step_forward; z is the block input):

        z = tanh(a_z)
        i = sigmoid(a_i + p_i * prev_c)
        f = sigmoid(a_f + p_f * prev_c)
        next_c = i * z + f * prev_c
        o = sigmoid(a_o + p_o * next_c)      (the output gate sees the NEW cell)
        next_h = o * tanh(next_c)

    (The book's W_* are the columns of Wx, its R_* the columns of Wh, its
    y-hat is h here; both of its activations g and h are tanh.)

    Inputs:
    - x: shape (N, D)
    - prev_h: shape (N, H)
    - prev_c: shape (N, H)
    - Wx: shape (D, 4H), blocks i, f, o, z
    - Wh: shape (H, 4H), blocks i, f, o, z
    - b: shape (4H,), blocks i, f, o, z
    - p_i, p_f, p_o: peephole weights, each of shape (H,)

    Returns a tuple of:
    - next_h: shape (N, H)
    - next_c: shape (N, H)
    - cache: what peephole_lstm_step_backward needs
    """
    ### BEGIN SOLUTION
    H = prev_h.shape[1]
    a = x @ Wx + prev_h @ Wh + b  # (N, 4H)
    i = sigmoid(a[:, :H] + p_i * prev_c)
    f = sigmoid(a[:, H : 2 * H] + p_f * prev_c)
    z = np.tanh(a[:, 3 * H :])
    next_c = i * z + f * prev_c
    o = sigmoid(a[:, 2 * H : 3 * H] + p_o * next_c)
    next_h = o * np.tanh(next_c)
    cache = (x, prev_h, prev_c, Wx, Wh, p_i, p_f, p_o, i, f, o, z, next_c)
    ### END SOLUTION
    return next_h, next_c, cache


def peephole_lstm_step_backward(dnext_h, dnext_c, cache):
    """Backward pass of one peephole LSTM step.

    As in lstm_step_backward, plus the peepholes: the output gate depends on
    next_c, so next_c's gradient also receives da_o * p_o before it is
    passed on; the input and forget gates depend on prev_c, so dprev_c also
    receives da_i * p_i + da_f * p_f. Each peephole weight's gradient is
    the sum over the batch of its gate's pre-activation gradient times the
    cell state it looks at (prev_c for p_i and p_f, next_c for p_o).

    Inputs:
    - dnext_h, dnext_c: upstream gradients, shape (N, H)
    - cache: from peephole_lstm_step_forward

    Returns a tuple of:
    - dx: (N, D), dprev_h: (N, H), dprev_c: (N, H)
    - dWx: (D, 4H), dWh: (H, 4H), db: (4H,)
    - dp_i, dp_f, dp_o: each (H,)
    """
    ### BEGIN SOLUTION
    x, prev_h, prev_c, Wx, Wh, p_i, p_f, p_o, i, f, o, z, next_c = cache
    tanh_c = np.tanh(next_c)
    da_o = dnext_h * tanh_c * o * (1 - o)
    dc = dnext_c + da_o * p_o + dnext_h * o * (1 - tanh_c**2)
    da_i = dc * z * i * (1 - i)
    da_f = dc * prev_c * f * (1 - f)
    da_z = dc * i * (1 - z**2)
    dprev_c = dc * f + da_i * p_i + da_f * p_f
    da = np.concatenate([da_i, da_f, da_o, da_z], axis=1)
    dx, dprev_h = da @ Wx.T, da @ Wh.T
    dWx, dWh, db = x.T @ da, prev_h.T @ da, da.sum(axis=0)
    dp_i, dp_f, dp_o = (da_i * prev_c).sum(axis=0), (da_f * prev_c).sum(axis=0), (da_o * next_c).sum(axis=0)
    ### END SOLUTION
    return dx, dprev_h, dprev_c, dWx, dWh, db, dp_i, dp_f, dp_o
