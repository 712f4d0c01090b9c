"""A vanilla recurrent network: one step, a whole sequence, both directions.

The hidden state follows h_t = tanh(x_t Wx + h_{t-1} Wh + b) (the book's
h^(t) = tanh(U x^(t) + W h^(t-1) + b), with row vectors: Wx is U^T, Wh is W^T).
Forwards return ``(out, cache)``; backwards take ``(dout, cache)`` and return
one gradient per forward input, in the forward's order. Training the unrolled
network is backpropagation through time (BPTT): the gradient reaching h_t is
what its own output receives plus what h_{t+1} sends back.

What every function here promises (the tests check it): inputs (arrays, and
the param dicts unless a docstring says otherwise) are never modified;
a batch of one (N = 1) and non-square shapes work like any other.
"""

import numpy as np


def rnn_step_forward(x, prev_h, Wx, Wh, b):
    """One time step: next_h = tanh(x @ Wx + prev_h @ Wh + b).

    Inputs:
    - x: input at this step, shape (N, D)
    - prev_h: hidden state of the previous step, shape (N, H)
    - Wx: input-to-hidden weights, shape (D, H)
    - Wh: hidden-to-hidden weights, shape (H, H)
    - b: biases, shape (H,)

    Returns a tuple of:
    - next_h: shape (N, H)
    - cache: whatever rnn_step_backward needs
    """
    ### BEGIN SOLUTION
    next_h = np.tanh(x @ Wx + prev_h @ Wh + b)
    cache = (x, prev_h, Wx, Wh, next_h)
    ### END SOLUTION
    return next_h, cache


def rnn_step_backward(dnext_h, cache):
    """Backward pass of one time step: the gradients of the loss with respect to x, prev_h, Wx, Wh and b.

    Inputs:
    - dnext_h: upstream gradient of next_h, shape (N, H)
    - cache: from rnn_step_forward

    Returns a tuple of:
    - dx: shape (N, D)
    - dprev_h: shape (N, H)
    - dWx: shape (D, H)
    - dWh: shape (H, H)
    - db: shape (H,)
    """
    ### BEGIN SOLUTION
    x, prev_h, Wx, Wh, next_h = cache
    da = dnext_h * (1 - next_h**2)  # tanh' = 1 - tanh^2, at this step's output
    dx = da @ Wx.T
    dprev_h = da @ Wh.T
    dWx = x.T @ da
    dWh = prev_h.T @ da
    db = da.sum(axis=0)
    ### END SOLUTION
    return dx, dprev_h, dWx, dWh, db


def rnn_forward(x, h0, Wx, Wh, b):
    """Run the RNN over a whole sequence: h_t = tanh(x_t @ Wx + h_{t-1} @ Wh + b).

    The first step uses h0 as h_{-1}. The same weights serve every step.

    Inputs:
    - x: input sequences, shape (N, T, D)
    - h0: initial hidden state, shape (N, H)
    - Wx: shape (D, H)
    - Wh: shape (H, H)
    - b: shape (H,)

    Returns a tuple of:
    - h: hidden states of every step, shape (N, T, H)
    - cache: whatever rnn_backward needs
    """
    ### BEGIN SOLUTION
    N, T, _ = x.shape
    h = np.zeros((N, T, h0.shape[1]))
    steps = []
    prev_h = h0
    for t in range(T):
        prev_h, step = rnn_step_forward(x[:, t, :], prev_h, Wx, Wh, b)
        h[:, t, :] = prev_h
        steps.append(step)
    cache = steps
    ### END SOLUTION
    return h, cache


def rnn_backward(dh, cache):
    """Backpropagation through time over the whole sequence.

    dh[:, t] is the gradient that reaches h_t from outside the recurrence
    (its outputs). Going backwards in time, the gradient of h_t is
    dh[:, t] plus what step t + 1 sends back through Wh; the weight
    gradients are the sums over all steps.

    Inputs:
    - dh: upstream gradients of all hidden states, shape (N, T, H)
    - cache: from rnn_forward

    Returns a tuple of:
    - dx: shape (N, T, D)
    - dh0: gradient of the initial hidden state, shape (N, H)
    - dWx: shape (D, H)
    - dWh: shape (H, H)
    - db: shape (H,)
    """
    ### BEGIN SOLUTION
    steps = cache
    N, T, H = dh.shape
    D = steps[0][0].shape[1]
    dx = np.zeros((N, T, D))
    dWx, dWh, db = np.zeros((D, H)), np.zeros((H, H)), np.zeros(H)
    dprev_h = np.zeros((N, H))
    for t in reversed(range(T)):
        dh_t = dh[:, t, :] + dprev_h  # from the output at t and from step t + 1
        dx[:, t, :], dprev_h, dWx_t, dWh_t, db_t = rnn_step_backward(dh_t, steps[t])
        dWx += dWx_t
        dWh += dWh_t
        db += db_t
    dh0 = dprev_h
    ### END SOLUTION
    return dx, dh0, dWx, dWh, db


def birnn_forward(x, h0_f, h0_b, params):
    """The book's bidirectional RNN, producing output scores at every step.

    A forward RNN reads the sequence from the first step to the last, a
    backward RNN from the last step to the first, and the output at step t
    sees both hidden states:

        hf_t = tanh(x_t @ Wx_f + hf_{t-1} @ Wh_f + b_f),  hf_{-1} = h0_f
        hb_t = tanh(x_t @ Wx_b + hb_{t+1} @ Wh_b + b_b),  hb_T = h0_b
        y_t = hf_t @ Wy_f + hb_t @ Wy_b + by

    (The book prints h^(t-1) in both recurrences; the backward state is fed
    by its successor hb_{t+1}, which is what "backward" means.) y holds
    scores: the book's softmax is left to the loss.

    Inputs:
    - x: input sequences, shape (N, T, D)
    - h0_f: initial forward state, shape (N, H)
    - h0_b: initial backward state (used after the last step), shape (N, H)
    - params: dict with keys
      'Wx_f' (D, H), 'Wh_f' (H, H), 'b_f' (H,)   forward RNN
      'Wx_b' (D, H), 'Wh_b' (H, H), 'b_b' (H,)   backward RNN
      'Wy_f' (H, M), 'Wy_b' (H, M), 'by' (M,)    output (the book's V_f, V_b, c)

    Returns a tuple of:
    - y: output scores, shape (N, T, M)
    - cache: what birnn_backward needs
    """
    ### BEGIN SOLUTION
    p = params
    hf, cache_f = rnn_forward(x, h0_f, p["Wx_f"], p["Wh_f"], p["b_f"])
    hb_reversed, cache_b = rnn_forward(x[:, ::-1, :], h0_b, p["Wx_b"], p["Wh_b"], p["b_b"])
    hb = hb_reversed[:, ::-1, :]  # back in the order of the input
    y = hf @ p["Wy_f"] + hb @ p["Wy_b"] + p["by"]
    cache = (hf, hb, cache_f, cache_b, p["Wy_f"], p["Wy_b"])
    ### END SOLUTION
    return y, cache


def birnn_backward(dy, cache):
    """Backpropagation through time for the bidirectional RNN of birnn_forward.

    The output layer sends dy_t @ Wy_f^T to hf_t and dy_t @ Wy_b^T to hb_t.
    The forward RNN backpropagates as rnn_backward does, from the last step
    to the first; the backward RNN ran from the last step to the first, so
    its gradients flow from the first step to the last (reverse the time
    axis, use rnn_backward, reverse back). x feeds both RNNs: its gradient
    is the sum of both.

    Inputs:
    - dy: upstream gradient of the scores, shape (N, T, M)
    - cache: from birnn_forward

    Returns a tuple of:
    - dx: shape (N, T, D)
    - dh0_f: shape (N, H)
    - dh0_b: shape (N, H)
    - grads: dict with the keys of params ('Wx_f', ..., 'by'), each shaped like its parameter
    """
    ### BEGIN SOLUTION
    hf, hb, cache_f, cache_b, Wy_f, Wy_b = cache
    grads = {
        "Wy_f": np.einsum("nth,ntm->hm", hf, dy),
        "Wy_b": np.einsum("nth,ntm->hm", hb, dy),
        "by": dy.sum(axis=(0, 1)),
    }
    dx_f, dh0_f, grads["Wx_f"], grads["Wh_f"], grads["b_f"] = rnn_backward(dy @ Wy_f.T, cache_f)
    dhb_reversed = (dy @ Wy_b.T)[:, ::-1, :]
    dx_b, dh0_b, grads["Wx_b"], grads["Wh_b"], grads["b_b"] = rnn_backward(dhb_reversed, cache_b)
    dx = dx_f + dx_b[:, ::-1, :]
    ### END SOLUTION
    return dx, dh0_f, dh0_b, grads


def clip_grad_norm(grads, max_norm):
    """Gradient clipping by the global norm (the book's remedy for exploding gradients).

    norm = sqrt(sum of the squares of every entry of every gradient). If
    norm > max_norm, every gradient is multiplied by max_norm / norm, so that
    the clipped gradients have norm max_norm and keep their direction;
    otherwise they are returned unchanged. The input dict and its arrays are
    left as they were. (The book clips one gradient, dL/dW, by its own norm;
    with several gradients the global norm keeps their relative sizes, so
    the clipped step points where the unclipped one did.)

    Inputs:
    - grads: dict name -> gradient array (any shapes)
    - max_norm: positive float, the threshold c

    Returns a tuple of:
    - clipped: a new dict with the same keys and shapes
    - norm: float, the global norm before clipping
    """
    ### BEGIN SOLUTION
    norm = float(np.sqrt(sum(np.sum(np.square(g)) for g in grads.values())))
    scale = max_norm / norm if norm > max_norm else 1.0
    clipped = {name: g * scale for name, g in grads.items()}
    ### END SOLUTION
    return clipped, norm


def output_rnn_forward(x, y0, params, y=None):
    """The book's recurrence through the output (figure 6-2), with teacher forcing (figure 6-8).

    Each step sees the previous output instead of the previous hidden state:

        h_t = tanh(x_t @ Wx + prev_t @ Wo + b),  o_t = h_t @ V + c

    prev_0 = y0. With targets y (teacher forcing, for training) prev_t is the
    true previous output y[:, t-1]; without them (free running, for
    generation) it is the network's own o_{t-1}. With teacher forcing the
    steps do not depend on each other's results, so they could all run at
    once.

    Inputs:
    - x: inputs, shape (N, T, D)
    - y0: what the first step sees as the previous output, shape (N, M)
    - params: dict 'Wx' (D, H), 'Wo' (M, H), 'b' (H,), 'V' (H, M), 'c' (M,)
    - y: None, or the targets, shape (N, T, M)

    Returns a tuple of:
    - o: outputs, shape (N, T, M)
    - cache: what output_rnn_backward needs
    """
    ### BEGIN SOLUTION
    p = params
    N, T, _ = x.shape
    o = np.zeros((N, T, p["V"].shape[1]))
    hs, prevs = [], []
    prev = y0
    for t in range(T):
        h = np.tanh(x[:, t] @ p["Wx"] + prev @ p["Wo"] + p["b"])
        o[:, t] = h @ p["V"] + p["c"]
        hs.append(h)
        prevs.append(prev)
        prev = o[:, t] if y is None else y[:, t]
    cache = (x, hs, prevs, p, y is not None)
    ### END SOLUTION
    return o, cache


def output_rnn_backward(do, cache):
    """Backward pass of output_rnn_forward.

    With teacher forcing the previous outputs fed in are data, so each step's
    gradient stays in its step. Free running, o_{t-1} feeds step t: the
    gradient of o_{t-1} is do[:, t-1] plus what step t sends back through
    Wo, so go backwards in time as in rnn_backward.

    Inputs:
    - do: upstream gradient of the outputs, shape (N, T, M)
    - cache: from output_rnn_forward

    Returns a tuple of:
    - dx: shape (N, T, D)
    - dy0: shape (N, M)
    - grads: dict with the keys and shapes of params
    """
    ### BEGIN SOLUTION
    x, hs, prevs, p, forced = cache
    T = x.shape[1]
    grads = {name: np.zeros_like(value, dtype=np.float64) for name, value in p.items()}
    dx = np.zeros(x.shape)
    dprev = np.zeros_like(do[:, 0], dtype=np.float64)
    for t in range(T - 1, -1, -1):
        do_t = do[:, t] if forced else do[:, t] + dprev
        grads["V"] += hs[t].T @ do_t
        grads["c"] += do_t.sum(axis=0)
        da = (do_t @ p["V"].T) * (1 - hs[t] ** 2)
        dx[:, t] = da @ p["Wx"].T
        grads["Wx"] += x[:, t].T @ da
        grads["Wo"] += prevs[t].T @ da
        grads["b"] += da.sum(axis=0)
        dprev = da @ p["Wo"].T
    dy0 = dprev
    ### END SOLUTION
    return dx, dy0, grads
