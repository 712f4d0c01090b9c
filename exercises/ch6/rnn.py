# Fill in each part that raises NotImplementedError; the docstrings say what to compute.
# `pytest exercises/ch6` checks your work, `dlgrade hint NAME` gives a hint.
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
    raise NotImplementedError("rnn_step_forward: not started, see its docstring")
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
    raise NotImplementedError("rnn_step_backward: not started, see its docstring")
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
    raise NotImplementedError("rnn_forward: not started, see its docstring")
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
    raise NotImplementedError("rnn_backward: not started, see its docstring")
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
    raise NotImplementedError("birnn_forward: not started, see its docstring")
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
    raise NotImplementedError("birnn_backward: not started, see its docstring")
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
    raise NotImplementedError("clip_grad_norm: not started, see its docstring")
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
    raise NotImplementedError("output_rnn_forward: not started, see its docstring")
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
    raise NotImplementedError("output_rnn_backward: not started, see its docstring")
    return dx, dy0, grads
