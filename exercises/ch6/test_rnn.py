# Public tests: `pytest exercises/ch6/test_rnn.py` runs them; `dlgrade check` shows your progress.
"""Public tests for rnn.py: CS231n's published examples and gradient checks.

Run them with `pytest exercises/ch6/test_rnn.py`. Each test checks one idea.
"""

import numpy as np
import pytest

from grader.testing import call_backward, call_unchanged, check_unchanged, numerical_gradient, snapshot

from .rnn import (
    birnn_backward,
    birnn_forward,
    clip_grad_norm,
    output_rnn_backward,
    output_rnn_forward,
    rnn_backward,
    rnn_forward,
    rnn_step_backward,
    rnn_step_forward,
)


@pytest.mark.exercise("rnn_step_forward")
def test_rnn_step_forward_matches_cs231n_example():
    N, D, H = 3, 10, 4
    x = np.linspace(-0.4, 0.7, num=N * D).reshape(N, D)
    prev_h = np.linspace(-0.2, 0.5, num=N * H).reshape(N, H)
    Wx = np.linspace(-0.1, 0.9, num=D * H).reshape(D, H)
    Wh = np.linspace(-0.3, 0.7, num=H * H).reshape(H, H)
    b = np.linspace(-0.2, 0.4, num=H)
    next_h, _ = rnn_step_forward(x, prev_h, Wx, Wh, b)
    expected = np.array(
        [
            [-0.58172089, -0.50182032, -0.41232771, -0.31410098],
            [0.66854692, 0.79562378, 0.87755553, 0.92795967],
            [0.97934501, 0.99144213, 0.99646691, 0.99854353],
        ]
    )
    np.testing.assert_allclose(next_h, expected, rtol=1e-6, err_msg="next_h = tanh(x @ Wx + prev_h @ Wh + b)")


@pytest.mark.exercise("rnn_step_backward")
def test_rnn_step_backward_matches_numerical_gradient():
    rng = np.random.default_rng(0)
    N, D, H = 4, 5, 6
    x, h, Wx, Wh, b = (rng.normal(size=s) for s in [(N, D), (N, H), (D, H), (H, H), (H,)])
    dnext_h = rng.normal(size=(N, H))
    _, cache = rnn_step_forward(x, h, Wx, Wh, b)
    grads = rnn_step_backward(dnext_h, cache)
    inputs = [x, h, Wx, Wh, b]
    for index, (grad, name) in enumerate(zip(grads, ["dx", "dprev_h", "dWx", "dWh", "db"])):

        def f(value, index=index):
            args = list(inputs)
            args[index] = value
            return rnn_step_forward(*args)[0]

        np.testing.assert_allclose(
            grad,
            numerical_gradient(f, inputs[index], dnext_h),
            rtol=1e-5,
            atol=1e-8,
            err_msg=f"{name}: the tanh's derivative is 1 - next_h ** 2",
        )


@pytest.mark.exercise("rnn_forward")
def test_rnn_forward_matches_cs231n_example():
    N, T, D, H = 2, 3, 4, 5
    x = np.linspace(-0.1, 0.3, num=N * T * D).reshape(N, T, D)
    h0 = np.linspace(-0.3, 0.1, num=N * H).reshape(N, H)
    Wx = np.linspace(-0.2, 0.4, num=D * H).reshape(D, H)
    Wh = np.linspace(-0.4, 0.1, num=H * H).reshape(H, H)
    b = np.linspace(-0.7, 0.1, num=H)
    h, _ = rnn_forward(x, h0, Wx, Wh, b)
    expected = np.array(
        [
            [
                [-0.42070749, -0.27279261, -0.11074945, 0.05740409, 0.22236251],
                [-0.39525808, -0.22554661, -0.0409454, 0.14649412, 0.32397316],
                [-0.42305111, -0.24223728, -0.04287027, 0.15997045, 0.35014525],
            ],
            [
                [-0.55857474, -0.39065825, -0.19198182, 0.02378408, 0.23735671],
                [-0.27150199, -0.07088804, 0.13562939, 0.33099728, 0.50158768],
                [-0.51014825, -0.30524429, -0.06755202, 0.17806392, 0.40333043],
            ],
        ]
    )
    np.testing.assert_allclose(h, expected, rtol=1e-6, err_msg="each step feeds its hidden state to the next")


@pytest.mark.exercise("rnn_backward")
def test_rnn_backward_matches_numerical_gradient():
    rng = np.random.default_rng(1)
    N, T, D, H = 2, 4, 3, 5
    x, h0, Wx, Wh, b = (rng.normal(size=s) for s in [(N, T, D), (N, H), (D, H), (H, H), (H,)])
    dh = rng.normal(size=(N, T, H))
    _, cache = rnn_forward(x, h0, Wx, Wh, b)
    grads = rnn_backward(dh, cache)
    inputs = [x, h0, Wx, Wh, b]
    for index, (grad, name) in enumerate(zip(grads, ["dx", "dh0", "dWx", "dWh", "db"])):

        def f(value, index=index):
            args = list(inputs)
            args[index] = value
            return rnn_forward(*args)[0]

        np.testing.assert_allclose(
            grad,
            numerical_gradient(f, inputs[index], dh),
            rtol=1e-5,
            atol=1e-8,
            err_msg=f"{name}: the gradient of h_t is dh[:, t] plus what step t + 1 sends "
            "back, and weight gradients add up over the steps",
        )


@pytest.mark.exercise("birnn_forward")
def test_birnn_output_at_the_first_step_sees_the_last_input():
    rng = np.random.default_rng(2)
    N, T, D, H, M = 1, 5, 2, 3, 2
    params = {
        "Wx_f": rng.normal(size=(D, H)),
        "Wh_f": rng.normal(size=(H, H)),
        "b_f": rng.normal(size=H),
        "Wx_b": rng.normal(size=(D, H)),
        "Wh_b": rng.normal(size=(H, H)),
        "b_b": rng.normal(size=H),
        "Wy_f": rng.normal(size=(H, M)),
        "Wy_b": rng.normal(size=(H, M)),
        "by": rng.normal(size=M),
    }
    x, h0 = rng.normal(size=(N, T, D)), np.zeros((N, H))
    y, _ = call_unchanged(birnn_forward, x, h0, h0, params)  # fails naming an input it changed
    assert y.shape == (N, T, M), "y has one row of M scores per step"
    changed = x.copy()
    changed[:, -1] += 1.0
    y2, _ = birnn_forward(changed, h0, h0, params)
    assert not np.allclose(y[:, 0], y2[:, 0]), "the backward RNN carries the last input to the first output"
    changed = x.copy()
    changed[:, 0] += 1.0
    y3, _ = birnn_forward(changed, h0, h0, params)
    assert not np.allclose(y[:, -1], y3[:, -1]), "the forward RNN carries the first input to the last output"


@pytest.mark.exercise("birnn_forward")
def test_birnn_with_a_one_step_sequence_is_two_rnn_steps():
    rng = np.random.default_rng(3)
    D, H, M = 2, 3, 2
    params = {
        "Wx_f": rng.normal(size=(D, H)),
        "Wh_f": rng.normal(size=(H, H)),
        "b_f": rng.normal(size=H),
        "Wx_b": rng.normal(size=(D, H)),
        "Wh_b": rng.normal(size=(H, H)),
        "b_b": rng.normal(size=H),
        "Wy_f": rng.normal(size=(H, M)),
        "Wy_b": rng.normal(size=(H, M)),
        "by": rng.normal(size=M),
    }
    x, hf0, hb0 = rng.normal(size=(1, 1, D)), rng.normal(size=(1, H)), rng.normal(size=(1, H))
    y, _ = birnn_forward(x, hf0, hb0, params)
    hf = np.tanh(x[:, 0] @ params["Wx_f"] + hf0 @ params["Wh_f"] + params["b_f"])
    hb = np.tanh(x[:, 0] @ params["Wx_b"] + hb0 @ params["Wh_b"] + params["b_b"])
    expected = hf @ params["Wy_f"] + hb @ params["Wy_b"] + params["by"]
    np.testing.assert_allclose(y[:, 0], expected, rtol=1e-7, err_msg="y_t = hf_t @ Wy_f + hb_t @ Wy_b + by")


@pytest.mark.exercise("birnn_backward")
def test_birnn_backward_matches_central_differences():
    rng = np.random.default_rng(4)
    N, T, D, H, M = 2, 3, 2, 3, 2
    shapes = {"Wx_f": (D, H), "Wh_f": (H, H), "b_f": (H,), "Wx_b": (D, H), "Wh_b": (H, H), "b_b": (H,)}
    shapes.update({"Wy_f": (H, M), "Wy_b": (H, M), "by": (M,)})
    params = {name: 0.5 * rng.normal(size=shape) for name, shape in shapes.items()}
    x, hf0, hb0 = rng.normal(size=(N, T, D)), rng.normal(size=(N, H)), rng.normal(size=(N, H))
    y, cache = call_unchanged(birnn_forward, x, hf0, hb0, params)  # fails naming an input it changed
    dy = rng.normal(size=y.shape)
    dx, dhf0, dhb0, grads = call_unchanged(birnn_backward, dy, cache)
    np.testing.assert_allclose(
        dx, numerical_gradient(lambda v: birnn_forward(v, hf0, hb0, params)[0], x, dy), rtol=1e-5
    )
    np.testing.assert_allclose(
        dhb0, numerical_gradient(lambda v: birnn_forward(x, hf0, v, params)[0], hb0, dy), rtol=1e-5
    )
    Wh_b = params["Wh_b"]
    numeric = numerical_gradient(lambda v: birnn_forward(x, hf0, hb0, {**params, "Wh_b": v})[0], Wh_b, dy)
    np.testing.assert_allclose(grads["Wh_b"], numeric, rtol=1e-5, err_msg="gradient of the backward RNN's Wh_b")


@pytest.mark.exercise("clip_grad_norm")
def test_clip_grad_norm_rescales_to_max_norm():
    grads = {"W": np.array([[3.0, 0.0]]), "b": np.array([4.0])}  # global norm 5
    clipped, norm = clip_grad_norm(grads, 1.0)
    assert np.isclose(norm, 5.0), "norm is sqrt of the sum of squares of every entry of every gradient"
    np.testing.assert_allclose(clipped["W"], [[0.6, 0.0]], err_msg="every gradient is scaled by max_norm / norm")
    np.testing.assert_allclose(clipped["b"], [0.8])
    np.testing.assert_array_equal(grads["W"], [[3.0, 0.0]], err_msg="the input gradients must be left unchanged")


@pytest.mark.exercise("clip_grad_norm")
def test_clip_grad_norm_leaves_small_gradients_alone():
    grads = {"W": np.array([[0.3, 0.0]]), "b": np.array([0.4])}  # global norm 0.5
    clipped, norm = clip_grad_norm(grads, 1.0)
    assert np.isclose(norm, 0.5)
    np.testing.assert_array_equal(clipped["W"], grads["W"], err_msg="below the threshold nothing changes")
    np.testing.assert_array_equal(clipped["b"], grads["b"])


# The rules every recurrent layer follows, previewing the grader's checks: a batch of one,
# input and hidden sizes that differ, inputs left unchanged, one gradient per input shaped like it.
SIZES = [("batch of one", (1, 2, 2)), ("D != H", (3, 5, 2))]


def rnn_weights(rng, D, H):
    return rng.normal(size=(D, H)), rng.normal(size=(H, H)), rng.normal(size=H)


@pytest.mark.parametrize(
    "N, D, H", [pytest.param(*size, marks=pytest.mark.exercise("rnn_step_backward"), id=label) for label, size in SIZES]
)
def test_rnn_step_shapes_and_unchanged_inputs(N, D, H):
    rng = np.random.default_rng(20)
    inputs = (rng.normal(size=(N, D)), rng.normal(size=(N, H)), *rnn_weights(rng, D, H))
    call_backward(rnn_step_forward, rnn_step_backward, inputs)


@pytest.mark.parametrize(
    "N, D, H", [pytest.param(*size, marks=pytest.mark.exercise("rnn_backward"), id=label) for label, size in SIZES]
)
def test_rnn_shapes_and_unchanged_inputs(N, D, H):
    rng = np.random.default_rng(20)
    inputs = (rng.normal(size=(N, 4, D)), rng.normal(size=(N, H)), *rnn_weights(rng, D, H))
    call_backward(rnn_forward, rnn_backward, inputs)


@pytest.mark.exercise("clip_grad_norm")
def test_clip_grad_norm_leaves_the_given_gradients_unchanged():
    grads = {"W": np.full((2, 2), 3.0), "b": np.array([4.0])}
    copies = snapshot(grads)
    clipped, norm = clip_grad_norm(grads, 1.0)
    check_unchanged([grads], copies, "clip_grad_norm", ["grads"])
    assert set(clipped) == {"W", "b"} and isinstance(float(norm), float)


def output_rnn_example(seed, N=2, T=4, D=3, H=4, M=2):
    rng = np.random.default_rng(seed)
    shapes = {"Wx": (D, H), "Wo": (M, H), "b": (H,), "V": (H, M), "c": (M,)}
    params = {name: rng.normal(size=shape) for name, shape in shapes.items()}
    return rng, rng.normal(size=(N, T, D)), rng.normal(size=(N, M)), rng.normal(size=(N, T, M)), params


@pytest.mark.exercise("output_rnn_forward")
def test_teacher_forcing_feeds_the_previous_target_to_the_next_step_only():
    _, x, y0, y, params = output_rnn_example(8)
    o, _ = call_unchanged(output_rnn_forward, x, y0, params, y)  # fails naming an input it changed
    changed = y.copy()
    changed[:, 1] += 1.0  # the target at step 1 is what step 2 sees
    o2, _ = output_rnn_forward(x, y0, params, changed)
    np.testing.assert_array_equal(o[:, [0, 1, 3]], o2[:, [0, 1, 3]], err_msg="only step 2 sees y[:, 1]")
    assert not np.allclose(o[:, 2], o2[:, 2]), "step 2 sees the target of step 1"


@pytest.mark.exercise("output_rnn_forward")
def test_free_running_feeds_back_its_own_outputs():
    _, x, y0, _, params = output_rnn_example(9)
    o, _ = output_rnn_forward(x, y0, params)
    forced, _ = output_rnn_forward(x, y0, params, o)  # forcing with its own outputs changes nothing
    np.testing.assert_allclose(forced, o, rtol=1e-12, err_msg="free running: step t sees o[:, t-1]")


@pytest.mark.exercise("output_rnn_backward")
@pytest.mark.parametrize("forced", [True, False])
def test_output_rnn_backward_matches_central_differences(forced):
    rng, x, y0, y, params = output_rnn_example(10)
    targets = y if forced else None
    o, cache = call_unchanged(output_rnn_forward, x, y0, params, targets)  # fails naming an input it changed
    do = rng.normal(size=o.shape)
    dx, dy0, grads = call_unchanged(output_rnn_backward, do, cache)
    np.testing.assert_allclose(
        dx, numerical_gradient(lambda v: output_rnn_forward(v, y0, params, targets)[0], x, do), rtol=1e-5, atol=1e-8
    )
    numeric = numerical_gradient(lambda v: output_rnn_forward(x, y0, {**params, "Wo": v}, targets)[0], params["Wo"], do)
    np.testing.assert_allclose(grads["Wo"], numeric, rtol=1e-5, atol=1e-8, err_msg="gradient of Wo")


@pytest.mark.parametrize(
    "name", [pytest.param(n, marks=pytest.mark.exercise(n), id=n) for n in ("rnn_step_forward", "rnn_forward")]
)
def test_rnn_forwards_leave_their_inputs_unchanged(name):
    rng = np.random.default_rng(30)
    x, h0, (Wx, Wh, b) = rng.normal(size=(2, 3, 4)), rng.normal(size=(2, 5)), rnn_weights(rng, 4, 5)
    step_or_sequence = x[:, 0, :] if name == "rnn_step_forward" else x
    call_unchanged(globals()[name], step_or_sequence, h0, Wx, Wh, b)  # the function imported above
