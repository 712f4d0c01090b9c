"""Hidden suite for ch6/lstm.py.

Steps and sequences against the reference and against autograd (forwards
written with autograd.numpy), T = 1 and longer, batch of one; gradients of
both outputs of a step (next_h and next_c); the cell gradient carried across
steps; the peephole LSTM against the book's equations written here.
"""

import autograd.numpy as anp
import numpy as np
import pytest

from grader.testing import (
    as_array,
    autograd_vjp,
    check_backward,
    check_close,
    check_unchanged,
    implementation_of,
    numerical_gradient,
    reference,
    run_forward,
    snapshot,
    unpack_tuple,
)

lstm = implementation_of("ch6.lstm")
ref = reference("ch6.lstm")

STEP_NAMES = ["dx", "dprev_h", "dprev_c", "dWx", "dWh", "db"]
SEQ_NAMES = ["dx", "dh0", "dWx", "dWh", "db"]
STEP_SHAPES = [(1, 3, 2), (4, 2, 5), (3, 5, 3)]  # (N, D, H)
SEQ_SHAPES = [(1, 1, 3, 2), (3, 1, 2, 4), (2, 5, 3, 3), (1, 8, 2, 4), (3, 4, 4, 2)]  # (N, T, D, H)


def ag_sigmoid(a):
    return 1 / (1 + anp.exp(-a))


def step_autograd(x, prev_h, prev_c, Wx, Wh, b):
    """(next_h, next_c) of one LSTM step, gates i, f, o, g."""
    H = prev_h.shape[1]
    a = anp.dot(x, Wx) + anp.dot(prev_h, Wh) + b
    i, f, o = ag_sigmoid(a[:, :H]), ag_sigmoid(a[:, H : 2 * H]), ag_sigmoid(a[:, 2 * H : 3 * H])
    g = anp.tanh(a[:, 3 * H :])
    next_c = f * prev_c + i * g
    return o * anp.tanh(next_c), next_c


def step_both(*args):
    next_h, next_c = step_autograd(*args)
    return anp.concatenate([next_h, next_c], axis=1)


def lstm_autograd(x, h0, Wx, Wh, b):
    h, c, states = h0, anp.zeros(h0.shape), []
    for t in range(x.shape[1]):
        h, c = step_autograd(x[:, t, :], h, c, Wx, Wh, b)
        states.append(h)
    return anp.stack(states, axis=1)


def step_inputs(N, D, H, *, seed):
    rng = np.random.default_rng(seed)
    return rng, [
        rng.normal(size=(N, D)),
        rng.normal(size=(N, H)),
        rng.normal(size=(N, H)),
        0.6 * rng.normal(size=(D, 4 * H)),
        0.6 * rng.normal(size=(H, 4 * H)),
        0.6 * rng.normal(size=4 * H),
    ]


def seq_inputs(N, T, D, H, *, seed):
    rng = np.random.default_rng(seed)
    return rng, [
        rng.normal(size=(N, T, D)),
        rng.normal(size=(N, H)),
        0.6 * rng.normal(size=(D, 4 * H)),
        0.6 * rng.normal(size=(H, 4 * H)),
        0.6 * rng.normal(size=4 * H),
    ]


def run_step(module, name, inputs):
    copies = snapshot(*inputs)
    next_h, next_c, cache = unpack_tuple(getattr(module, name)(*inputs), 3, name)
    check_unchanged(inputs, copies, name)
    return as_array(next_h, f"{name}: next_h"), as_array(next_c, f"{name}: next_c"), cache


@pytest.mark.exercise("lstm_step_forward", points=1)
@pytest.mark.parametrize("shape", STEP_SHAPES)
def test_lstm_step_forward_matches_reference(lstm, shape):
    _, inputs = step_inputs(*shape, seed=200)
    next_h, next_c, _ = run_step(lstm, "lstm_step_forward", inputs)
    expected_h, expected_c, _ = ref.lstm_step_forward(*inputs)
    check_close(next_c, expected_c, "lstm_step_forward: next_c")
    check_close(next_h, expected_h, "lstm_step_forward: next_h")


def check_step_backward(lstm, inputs, dnext_h, dnext_c, what):
    _, _, cache = run_step(lstm, "lstm_step_forward", inputs)
    copies = snapshot(dnext_h, dnext_c)
    grads = unpack_tuple(lstm.lstm_step_backward(dnext_h, dnext_c, cache), 6, "lstm_step_backward")
    check_unchanged([dnext_h, dnext_c], copies, "lstm_step_backward")
    dout = np.concatenate([dnext_h, dnext_c], axis=1)
    for index, (grad, name) in enumerate(zip(grads, STEP_NAMES)):
        check_close(grad, autograd_vjp(step_both, inputs, index, dout), f"lstm_step_backward ({what}): {name}")
    return grads


@pytest.mark.exercise("lstm_step_backward", points=1)
@pytest.mark.parametrize("shape", STEP_SHAPES)
def test_lstm_step_backward_matches_autograd(lstm, shape):
    rng, inputs = step_inputs(*shape, seed=201)
    N, _, H = shape
    check_step_backward(lstm, inputs, rng.normal(size=(N, H)), rng.normal(size=(N, H)), "random dnext_h and dnext_c")


@pytest.mark.exercise("lstm_step_backward", points=1)
@pytest.mark.parametrize("which", ["dnext_h only", "dnext_c only"])
def test_lstm_step_backward_each_upstream_gradient_alone(lstm, which):
    rng, inputs = step_inputs(2, 3, 4, seed=202)
    g = rng.normal(size=(2, 4))
    zero = np.zeros((2, 4))
    dnext_h, dnext_c = (g, zero) if which == "dnext_h only" else (zero, g)
    check_step_backward(lstm, inputs, dnext_h, dnext_c, which)


@pytest.mark.exercise("lstm_step_backward", points=1)
def test_lstm_step_backward_matches_central_differences(lstm):
    rng, inputs = step_inputs(2, 3, 3, seed=203)
    dnext_h, dnext_c = rng.normal(size=(2, 3)), rng.normal(size=(2, 3))
    grads = check_step_backward(lstm, inputs, dnext_h, dnext_c, "random")
    dout = np.concatenate([dnext_h, dnext_c], axis=1)
    for index, (grad, name) in enumerate(zip(grads, STEP_NAMES)):

        def f(value, index=index):
            args = list(inputs)
            args[index] = value
            h, c, _ = ref.lstm_step_forward(*args)
            return np.concatenate([h, c], axis=1)

        check_close(
            grad,
            numerical_gradient(f, inputs[index], dout),
            f"lstm_step_backward: {name} against central differences",
            rtol=1e-5,
        )


@pytest.mark.exercise("lstm_forward", points=1)
@pytest.mark.parametrize("shape", SEQ_SHAPES)
def test_lstm_forward_matches_reference(lstm, shape):
    _, inputs = seq_inputs(*shape, seed=210)
    h, _ = run_forward(lstm, "lstm_forward", inputs)
    check_close(h, ref.lstm_forward(*inputs)[0], "lstm_forward: h")


@pytest.mark.exercise("lstm_backward", points=1)
@pytest.mark.parametrize("shape", SEQ_SHAPES)
def test_lstm_backward_matches_autograd(lstm, shape):
    rng, inputs = seq_inputs(*shape, seed=220)
    check_backward(lstm, "lstm", inputs, lstm_autograd, rng, SEQ_NAMES)


@pytest.mark.exercise("lstm_backward", points=1)
def test_lstm_backward_matches_central_differences(lstm):
    rng, inputs = seq_inputs(2, 4, 2, 3, seed=221)
    grads, dout = check_backward(lstm, "lstm", inputs, lstm_autograd, rng, SEQ_NAMES)
    for index, (grad, name) in enumerate(zip(grads, SEQ_NAMES)):

        def f(value, index=index):
            args = list(inputs)
            args[index] = value
            return ref.lstm_forward(*args)[0]

        check_close(
            grad,
            numerical_gradient(f, inputs[index], dout),
            f"lstm_backward: {name} against central differences",
            rtol=1e-5,
        )


@pytest.mark.exercise("lstm_backward", points=2)
def test_lstm_backward_carries_the_cell_gradient_across_steps(lstm):
    """Upstream gradient at the last step only: it must reach the first input through h and c."""
    _, inputs = seq_inputs(2, 6, 3, 4, seed=222)
    out, cache = run_forward(lstm, "lstm_forward", inputs)
    dh = np.zeros(out.shape)
    dh[:, -1, :] = np.random.default_rng(223).normal(size=dh[:, -1, :].shape)
    grads = unpack_tuple(lstm.lstm_backward(dh, cache), 5, "lstm_backward")
    for index, (grad, name) in enumerate(zip(grads, SEQ_NAMES)):
        check_close(
            grad, autograd_vjp(lstm_autograd, inputs, index, dh), f"lstm_backward with dh only at the last step: {name}"
        )


def peephole_by_the_book(x, prev_h, prev_c, Wx, Wh, b, p_i, p_f, p_o):
    """The book's peephole LSTM: z block input; i, f peek at c^(t-1); o peeks at c^(t)."""
    H = prev_h.shape[1]
    a = anp.dot(x, Wx) + anp.dot(prev_h, Wh) + b
    z = anp.tanh(a[:, 3 * H :])
    i = ag_sigmoid(a[:, :H] + p_i * prev_c)
    f = ag_sigmoid(a[:, H : 2 * H] + p_f * prev_c)
    c = i * z + f * prev_c
    o = ag_sigmoid(a[:, 2 * H : 3 * H] + p_o * c)
    return o * anp.tanh(c), c


def peephole_inputs(N, D, H, *, seed, which="all"):
    rng, inputs = step_inputs(N, D, H, seed=seed)
    peeps = [rng.normal(size=H) for _ in range(3)]
    if which != "all":
        peeps = [p if name == which else np.zeros(H) for p, name in zip(peeps, ["p_i", "p_f", "p_o"])]
    return inputs + peeps


@pytest.mark.exercise("peephole_lstm_step_forward", points=1)
@pytest.mark.parametrize("shape", STEP_SHAPES)
def test_peephole_lstm_matches_the_book(lstm, shape):
    inputs = peephole_inputs(*shape, seed=230)
    next_h, next_c, _ = run_step(lstm, "peephole_lstm_step_forward", inputs)
    expected_h, expected_c = peephole_by_the_book(*inputs)
    check_close(next_c, expected_c, "peephole_lstm_step_forward: next_c")
    check_close(next_h, expected_h, "peephole_lstm_step_forward: next_h")


@pytest.mark.exercise("peephole_lstm_step_forward", points=1)
@pytest.mark.parametrize("which", ["p_i", "p_f", "p_o"])
def test_peephole_lstm_each_peephole_alone(lstm, which):
    inputs = peephole_inputs(3, 2, 4, seed=231, which=which)
    next_h, next_c, _ = run_step(lstm, "peephole_lstm_step_forward", inputs)
    expected_h, expected_c = peephole_by_the_book(*inputs)
    check_close(next_c, expected_c, f"peephole_lstm_step_forward with only {which} non-zero: next_c")
    check_close(next_h, expected_h, f"peephole_lstm_step_forward with only {which} non-zero: next_h")


PEEPHOLE_NAMES = ["dx", "dprev_h", "dprev_c", "dWx", "dWh", "db", "dp_i", "dp_f", "dp_o"]


def check_peephole_backward(lstm, inputs, rng, what):
    dnext_h, dnext_c = rng.normal(size=inputs[1].shape), rng.normal(size=inputs[2].shape)

    def both(*values):  # one output whose vjp with (dnext_h, dnext_c) gives the gradients
        h, c = peephole_by_the_book(*values)
        return anp.concatenate([h, c], axis=1)

    dout = np.concatenate([dnext_h, dnext_c], axis=1)
    expected = [autograd_vjp(both, inputs, index, dout) for index in range(len(inputs))]
    _, _, cache = run_step(lstm, "peephole_lstm_step_forward", inputs)
    copies = snapshot(dnext_h, dnext_c)
    grads = unpack_tuple(lstm.peephole_lstm_step_backward(dnext_h, dnext_c, cache), 9, "peephole_lstm_step_backward")
    check_unchanged([dnext_h, dnext_c], copies, "peephole_lstm_step_backward")
    for grad, wanted, name in zip(grads, expected, PEEPHOLE_NAMES):
        check_close(grad, wanted, f"peephole_lstm_step_backward ({what}): {name}")


@pytest.mark.exercise("peephole_lstm_step_backward", points=1)
@pytest.mark.parametrize("shape", STEP_SHAPES)
def test_peephole_lstm_step_backward_matches_autograd(lstm, shape):
    check_peephole_backward(lstm, peephole_inputs(*shape, seed=240), np.random.default_rng(241), f"shape {shape}")


@pytest.mark.exercise("peephole_lstm_step_backward", points=1)
@pytest.mark.parametrize("which", ["p_i", "p_f", "p_o"])
def test_peephole_lstm_step_backward_each_peephole_alone(lstm, which):
    inputs = peephole_inputs(3, 2, 4, seed=242, which=which)
    check_peephole_backward(lstm, inputs, np.random.default_rng(243), f"only {which} non-zero")
