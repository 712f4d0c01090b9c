"""Hidden suite for ch6/rnn.py.

Steps and whole sequences against the reference and against autograd (the
forward written with autograd.numpy), on T = 1 and longer sequences and a
batch of one; backpropagation through time with the upstream gradient at a
single step; the bidirectional RNN against the book's equations written
here; clipping by the global norm, leaving small gradients alone.
"""

import autograd.numpy as anp
import numpy as np
import pytest

from grader.testing import (
    autograd_vjp,
    check_backward,
    check_close,
    check_scalar,
    check_unchanged,
    fail,
    implementation_of,
    numerical_gradient,
    reference,
    run_forward,
    snapshot,
    unpack_pair,
    unpack_tuple,
)

rnn = implementation_of("ch6.rnn")
ref = reference("ch6.rnn")

GRAD_NAMES = ["dx", "dprev_h", "dWx", "dWh", "db"]
SEQ_NAMES = ["dx", "dh0", "dWx", "dWh", "db"]

# (N, D, H) for one step: batch of one, non-square, more inputs than units
STEP_SHAPES = [(1, 3, 4), (4, 5, 3), (2, 2, 6)]
# (N, T, D, H) for sequences: T = 1, batch of one, longer sequences
SEQ_SHAPES = [(1, 1, 3, 4), (3, 1, 2, 2), (2, 5, 3, 4), (1, 9, 4, 3), (3, 6, 2, 5)]


def step_inputs(N, D, H, *, seed):
    rng = np.random.default_rng(seed)
    return rng, [
        rng.normal(size=(N, D)),
        rng.normal(size=(N, H)),
        0.5 * rng.normal(size=(D, H)),
        0.5 * rng.normal(size=(H, H)),
        0.5 * rng.normal(size=H),
    ]


def seq_inputs(N, T, D, H, *, seed):
    rng = np.random.default_rng(seed)
    return rng, [
        rng.normal(size=(N, T, D)),
        rng.normal(size=(N, H)),
        0.5 * rng.normal(size=(D, H)),
        0.5 * rng.normal(size=(H, H)),
        0.5 * rng.normal(size=H),
    ]


def step_autograd(x, prev_h, Wx, Wh, b):
    return anp.tanh(anp.dot(x, Wx) + anp.dot(prev_h, Wh) + b)


def rnn_autograd(x, h0, Wx, Wh, b):
    h, states = h0, []
    for t in range(x.shape[1]):
        h = step_autograd(x[:, t, :], h, Wx, Wh, b)
        states.append(h)
    return anp.stack(states, axis=1)


@pytest.mark.exercise("rnn_step_forward", points=1)
@pytest.mark.parametrize("shape", STEP_SHAPES)
def test_rnn_step_forward_matches_reference(rnn, shape):
    _, inputs = step_inputs(*shape, seed=100)
    out, _ = run_forward(rnn, "rnn_step_forward", inputs)
    check_close(out, ref.rnn_step_forward(*inputs)[0], "rnn_step_forward: next_h")


@pytest.mark.exercise("rnn_step_backward", points=1)
@pytest.mark.parametrize("shape", STEP_SHAPES)
def test_rnn_step_backward_matches_autograd(rnn, shape):
    rng, inputs = step_inputs(*shape, seed=101)
    check_backward(rnn, "rnn_step", inputs, step_autograd, rng, GRAD_NAMES)


@pytest.mark.exercise("rnn_step_backward", points=1)
def test_rnn_step_backward_matches_central_differences(rnn):
    rng, inputs = step_inputs(3, 4, 5, seed=102)
    grads, dout = check_backward(rnn, "rnn_step", inputs, step_autograd, rng, GRAD_NAMES)
    for index, (grad, name) in enumerate(zip(grads, GRAD_NAMES)):

        def f(value, index=index):
            args = list(inputs)
            args[index] = value
            return ref.rnn_step_forward(*args)[0]

        check_close(
            grad,
            numerical_gradient(f, inputs[index], dout),
            f"rnn_step_backward: {name} against central differences",
            rtol=1e-5,
        )


@pytest.mark.exercise("rnn_forward", points=1)
@pytest.mark.parametrize("shape", SEQ_SHAPES)
def test_rnn_forward_matches_reference(rnn, shape):
    _, inputs = seq_inputs(*shape, seed=110)
    out, _ = run_forward(rnn, "rnn_forward", inputs)
    check_close(out, ref.rnn_forward(*inputs)[0], "rnn_forward: h")


@pytest.mark.exercise("rnn_forward", points=1)
def test_rnn_forward_starts_from_h0(rnn):
    _, (x, h0, Wx, Wh, b) = seq_inputs(2, 3, 2, 3, seed=111)
    out, _ = run_forward(rnn, "rnn_forward", [x, 3 * h0, Wx, Wh, b])
    check_close(out, ref.rnn_forward(x, 3 * h0, Wx, Wh, b)[0], "rnn_forward with a large h0: h")


@pytest.mark.exercise("rnn_backward", points=1)
@pytest.mark.parametrize("shape", SEQ_SHAPES)
def test_rnn_backward_matches_autograd(rnn, shape):
    rng, inputs = seq_inputs(*shape, seed=120)
    check_backward(rnn, "rnn", inputs, rnn_autograd, rng, SEQ_NAMES)


@pytest.mark.exercise("rnn_backward", points=1)
def test_rnn_backward_matches_central_differences(rnn):
    rng, inputs = seq_inputs(2, 4, 3, 3, seed=121)
    grads, dout = check_backward(rnn, "rnn", inputs, rnn_autograd, rng, SEQ_NAMES)
    for index, (grad, name) in enumerate(zip(grads, SEQ_NAMES)):

        def f(value, index=index):
            args = list(inputs)
            args[index] = value
            return ref.rnn_forward(*args)[0]

        check_close(
            grad,
            numerical_gradient(f, inputs[index], dout),
            f"rnn_backward: {name} against central differences",
            rtol=1e-5,
        )


@pytest.mark.exercise("rnn_backward", points=2)
@pytest.mark.parametrize("step", ["last", "first"])
def test_rnn_backward_carries_dh_through_time(rnn, step):
    """Upstream gradient at one step only: BPTT must carry it to every earlier step."""
    _, inputs = seq_inputs(2, 6, 3, 4, seed=122)
    out, cache = run_forward(rnn, "rnn_forward", inputs)
    dh = np.zeros(out.shape)
    t = -1 if step == "last" else 0
    dh[:, t, :] = np.random.default_rng(123).normal(size=dh[:, t, :].shape)
    grads = unpack_tuple(rnn.rnn_backward(dh, cache), 5, "rnn_backward")
    for index, (grad, name) in enumerate(zip(grads, SEQ_NAMES)):
        check_close(
            grad, autograd_vjp(rnn_autograd, inputs, index, dh), f"rnn_backward with dh only at the {step} step: {name}"
        )


def birnn_params(D, H, M, seed):
    rng = np.random.default_rng(seed)
    shapes = {
        "Wx_f": (D, H),
        "Wh_f": (H, H),
        "b_f": (H,),
        "Wx_b": (D, H),
        "Wh_b": (H, H),
        "b_b": (H,),
        "Wy_f": (H, M),
        "Wy_b": (H, M),
        "by": (M,),
    }
    return rng, {name: 0.6 * rng.normal(size=shape) for name, shape in shapes.items()}


def birnn_by_the_book(x, h0_f, h0_b, p):
    """The book's equations, written out: forward states left to right, backward right to left."""
    N, T, _ = x.shape
    hf, hb = [None] * T, [None] * T
    h = h0_f
    for t in range(T):
        h = np.tanh(x[:, t] @ p["Wx_f"] + h @ p["Wh_f"] + p["b_f"])
        hf[t] = h
    h = h0_b
    for t in reversed(range(T)):
        h = np.tanh(x[:, t] @ p["Wx_b"] + h @ p["Wh_b"] + p["b_b"])
        hb[t] = h
    return np.stack([hf[t] @ p["Wy_f"] + hb[t] @ p["Wy_b"] + p["by"] for t in range(T)], axis=1)


@pytest.mark.exercise("birnn_forward", points=1)
@pytest.mark.parametrize("N,T,D,H,M", [(1, 1, 2, 3, 2), (2, 4, 3, 2, 5), (1, 7, 2, 4, 3), (3, 5, 1, 3, 1)])
def test_birnn_forward_matches_the_book(rnn, N, T, D, H, M):
    rng, params = birnn_params(D, H, M, seed=130 + T)
    x, h0_f, h0_b = rng.normal(size=(N, T, D)), rng.normal(size=(N, H)), rng.normal(size=(N, H))
    copies = snapshot(x, h0_f, h0_b, *params.values())
    y, _ = unpack_pair(rnn.birnn_forward(x, h0_f, h0_b, dict(params)), "birnn_forward")
    check_unchanged([x, h0_f, h0_b, *params.values()], copies, "birnn_forward")
    check_close(y, birnn_by_the_book(x, h0_f, h0_b, params), "birnn_forward: y")


@pytest.mark.exercise("birnn_forward", points=1)
def test_birnn_forward_uses_h0_b_after_the_last_step(rnn):
    rng, params = birnn_params(2, 3, 2, seed=139)
    x, h0 = rng.normal(size=(1, 5, 2)), np.zeros((1, 3))
    h0_b = 2.0 * rng.normal(size=(1, 3))
    y, _ = unpack_pair(rnn.birnn_forward(x, h0, h0_b, dict(params)), "birnn_forward")
    check_close(y, birnn_by_the_book(x, h0, h0_b, params), "birnn_forward with a non-zero h0_b: y")


def birnn_autograd(x, h0_f, h0_b, *values):
    """birnn_forward in autograd.numpy; values in the order of BIRNN_NAMES."""
    p = dict(zip(BIRNN_NAMES, values))
    T = x.shape[1]
    hf, hb = [None] * T, [None] * T
    h = h0_f
    for t in range(T):
        h = anp.tanh(anp.dot(x[:, t], p["Wx_f"]) + anp.dot(h, p["Wh_f"]) + p["b_f"])
        hf[t] = h
    h = h0_b
    for t in reversed(range(T)):
        h = anp.tanh(anp.dot(x[:, t], p["Wx_b"]) + anp.dot(h, p["Wh_b"]) + p["b_b"])
        hb[t] = h
    return anp.stack([anp.dot(hf[t], p["Wy_f"]) + anp.dot(hb[t], p["Wy_b"]) + p["by"] for t in range(T)], axis=1)


BIRNN_NAMES = ["Wx_f", "Wh_f", "b_f", "Wx_b", "Wh_b", "b_b", "Wy_f", "Wy_b", "by"]


@pytest.mark.exercise("birnn_backward", points=1)
@pytest.mark.parametrize("N,T,D,H,M", [(1, 1, 2, 3, 2), (2, 4, 3, 2, 5), (3, 5, 1, 3, 1)])
def test_birnn_backward_matches_autograd(rnn, N, T, D, H, M):
    rng, params = birnn_params(D, H, M, seed=150 + T)
    x, h0_f, h0_b = rng.normal(size=(N, T, D)), rng.normal(size=(N, H)), rng.normal(size=(N, H))
    inputs = [x, h0_f, h0_b, *(params[name] for name in BIRNN_NAMES)]
    dy = rng.normal(size=(N, T, M))
    expected = [autograd_vjp(birnn_autograd, inputs, index, dy) for index in range(len(inputs))]
    _, cache = unpack_pair(rnn.birnn_forward(x, h0_f, h0_b, dict(params)), "birnn_forward")
    copies = snapshot(dy)
    dx, dh0_f, dh0_b, grads = unpack_tuple(rnn.birnn_backward(dy, cache), 4, "birnn_backward")
    check_unchanged([dy], copies, "birnn_backward")
    check_close(dx, expected[0], "birnn_backward: dx")
    check_close(dh0_f, expected[1], "birnn_backward: dh0_f")
    check_close(dh0_b, expected[2], "birnn_backward: dh0_b")
    if not isinstance(grads, dict) or sorted(grads) != sorted(BIRNN_NAMES):
        fail("birnn_backward: grads must be a dict with the keys of params")
    for index, name in enumerate(BIRNN_NAMES):
        check_close(grads[name], expected[3 + index], f"birnn_backward: grads[{name!r}]")


@pytest.mark.exercise("birnn_backward", points=1)
def test_birnn_backward_from_the_first_output_only_reaches_the_whole_backward_rnn(rnn):
    # dy only at t = 0: the forward RNN's gradient stops at its first state, the backward RNN's runs through all steps
    rng, params = birnn_params(2, 3, 2, seed=158)
    x, h0_f, h0_b = rng.normal(size=(2, 6, 2)), rng.normal(size=(2, 3)), rng.normal(size=(2, 3))
    inputs = [x, h0_f, h0_b, *(params[name] for name in BIRNN_NAMES)]
    dy = np.zeros((2, 6, 2))
    dy[:, 0] = rng.normal(size=(2, 2))
    expected = [autograd_vjp(birnn_autograd, inputs, index, dy) for index in range(3)]
    _, cache = unpack_pair(rnn.birnn_forward(x, h0_f, h0_b, dict(params)), "birnn_forward")
    dx, dh0_f, dh0_b, _ = unpack_tuple(rnn.birnn_backward(dy, cache), 4, "birnn_backward")
    check_close(dx, expected[0], "birnn_backward with dy only at the first step: dx")
    check_close(dh0_f, expected[1], "birnn_backward with dy only at the first step: dh0_f")
    check_close(dh0_b, expected[2], "birnn_backward with dy only at the first step: dh0_b")


def gradient_dict(seed, scale):
    rng = np.random.default_rng(seed)
    return {
        "W1": scale * rng.normal(size=(3, 4)),
        "b1": scale * rng.normal(size=4),
        "W2": scale * rng.normal(size=(4, 2)),
        "b2": scale * rng.normal(size=2),
    }


def check_clipped(rnn, grads, max_norm, what):
    copies = {name: g.copy() for name, g in grads.items()}
    result = unpack_pair(rnn.clip_grad_norm(grads, max_norm), "clip_grad_norm")
    clipped, norm = result
    for name, g in grads.items():
        if not np.array_equal(g, copies[name]):
            fail(f"clip_grad_norm: modified the input gradient {name!r} in place (return a new dict)")
    expected, expected_norm = ref.clip_grad_norm(copies, max_norm)
    check_scalar(norm, expected_norm, f"clip_grad_norm ({what}): the norm before clipping")
    if not isinstance(clipped, dict) or sorted(clipped) != sorted(expected):
        fail(f"clip_grad_norm ({what}): must return a dict with the same keys as grads")
    for name in expected:
        check_close(clipped[name], expected[name], f"clip_grad_norm ({what}): clipped {name}")


@pytest.mark.exercise("clip_grad_norm", points=1)
@pytest.mark.parametrize("max_norm", [0.1, 1.0, 4.0])
def test_clip_grad_norm_rescales_large_gradients(rnn, max_norm):
    check_clipped(rnn, gradient_dict(140, scale=5.0), max_norm, "global norm above max_norm")


@pytest.mark.exercise("clip_grad_norm", points=1)
def test_clip_grad_norm_leaves_small_gradients_unchanged(rnn):
    check_clipped(rnn, gradient_dict(141, scale=0.01), 5.0, "global norm below max_norm")


@pytest.mark.exercise("clip_grad_norm", points=1)
def test_clip_grad_norm_uses_the_global_norm(rnn):
    # one large and one small gradient: the global norm, not each array's own, decides
    grads = {"big": np.array([[30.0, -40.0]]), "small": np.array([0.3, 0.4, 0.0])}
    check_clipped(rnn, grads, 1.0, "one large and one small gradient")


@pytest.mark.exercise("clip_grad_norm", points=1)
def test_clip_grad_norm_result_has_norm_max_norm(rnn):
    grads = gradient_dict(142, scale=3.0)
    clipped, _ = unpack_pair(rnn.clip_grad_norm(grads, 2.0), "clip_grad_norm")
    total = np.sqrt(sum(np.sum(np.asarray(clipped[k], dtype=np.float64) ** 2) for k in grads))
    check_scalar(total, 2.0, "clip_grad_norm: global norm of the clipped gradients")


# ---------------------------------------------------------------- recurrence through the output, teacher forcing

OUTPUT_NAMES = ["Wx", "Wo", "b", "V", "c"]


def output_rnn_autograd(x, y0, y, *values):
    """Figure 6-2 in autograd.numpy; y is None (free running) or the targets (teacher forcing)."""
    p = dict(zip(OUTPUT_NAMES, values))
    outputs, prev = [], y0
    for t in range(x.shape[1]):
        h = anp.tanh(anp.dot(x[:, t], p["Wx"]) + anp.dot(prev, p["Wo"]) + p["b"])
        outputs.append(anp.dot(h, p["V"]) + p["c"])
        prev = outputs[-1] if y is None else y[:, t]
    return anp.stack(outputs, axis=1)


def output_rnn_case(N, T, D, H, M, seed):
    rng = np.random.default_rng(seed)
    shapes = {"Wx": (D, H), "Wo": (M, H), "b": (H,), "V": (H, M), "c": (M,)}
    params = {name: 0.7 * rng.normal(size=shape) for name, shape in shapes.items()}
    return rng, rng.normal(size=(N, T, D)), rng.normal(size=(N, M)), rng.normal(size=(N, T, M)), params


OUTPUT_SHAPES = [(1, 1, 2, 3, 2), (2, 5, 3, 2, 1), (3, 4, 1, 4, 3)]


@pytest.mark.exercise("output_rnn_forward", points=1)
@pytest.mark.parametrize("forced", [True, False], ids=["teacher-forcing", "free-running"])
@pytest.mark.parametrize("N,T,D,H,M", OUTPUT_SHAPES)
def test_output_rnn_forward_matches_figure_6_2(rnn, forced, N, T, D, H, M):
    _, x, y0, y, params = output_rnn_case(N, T, D, H, M, seed=170 + T)
    targets = y if forced else None
    expected = output_rnn_autograd(x, y0, targets, *(params[name] for name in OUTPUT_NAMES))
    copies = snapshot(x, y0, y, *params.values())
    o, _ = unpack_pair(rnn.output_rnn_forward(x, y0, dict(params), targets), "output_rnn_forward")
    check_unchanged([x, y0, y, *params.values()], copies, "output_rnn_forward")
    mode = "with teacher forcing" if forced else "free running"
    check_close(o, expected, f"output_rnn_forward {mode}: o")


@pytest.mark.exercise("output_rnn_backward", points=1)
@pytest.mark.parametrize("forced", [True, False], ids=["teacher-forcing", "free-running"])
@pytest.mark.parametrize("N,T,D,H,M", OUTPUT_SHAPES)
def test_output_rnn_backward_matches_autograd(rnn, forced, N, T, D, H, M):
    rng, x, y0, y, params = output_rnn_case(N, T, D, H, M, seed=180 + T)
    targets = y if forced else None
    do = rng.normal(size=(N, T, M))

    def as_function_of(x, y0, *values):
        return output_rnn_autograd(x, y0, targets, *values)

    inputs = [x, y0, *(params[name] for name in OUTPUT_NAMES)]
    expected = [autograd_vjp(as_function_of, inputs, index, do) for index in range(len(inputs))]
    _, cache = unpack_pair(rnn.output_rnn_forward(x, y0, dict(params), targets), "output_rnn_forward")
    copies = snapshot(do)
    dx, dy0, grads = unpack_tuple(rnn.output_rnn_backward(do, cache), 3, "output_rnn_backward")
    check_unchanged([do], copies, "output_rnn_backward")
    mode = "with teacher forcing" if forced else "free running"
    check_close(dx, expected[0], f"output_rnn_backward {mode}: dx")
    check_close(dy0, expected[1], f"output_rnn_backward {mode}: dy0")
    if not isinstance(grads, dict) or sorted(grads) != sorted(OUTPUT_NAMES):
        fail("output_rnn_backward: grads must be a dict with the keys of params")
    for index, name in enumerate(OUTPUT_NAMES):
        check_close(grads[name], expected[2 + index], f"output_rnn_backward {mode}: grads[{name!r}]")
