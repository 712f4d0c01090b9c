# Public tests: `pytest exercises/ch6/test_sequence.py` runs them; `dlgrade check` shows your progress.
"""Public tests for sequence.py: temporal layers, the masked loss, the toy RNN.

Run them with `pytest exercises/ch6/test_sequence.py`. Each test checks one idea.
"""

import numpy as np
import pytest

from grader.testing import (
    call_backward,
    call_unchanged,
    check_unchanged,
    fail,
    numerical_gradient,
    snapshot,
    unpack_pair,
)

from .sequence import (
    fit_toy_rnn,
    temporal_affine_backward,
    temporal_affine_forward,
    temporal_softmax_loss,
    toy_sequences,
)


@pytest.mark.exercise("temporal_affine_forward")
def test_temporal_affine_forward_applies_the_same_map_at_every_step():
    rng = np.random.default_rng(0)
    x, w, b = rng.normal(size=(2, 3, 4)), rng.normal(size=(4, 5)), rng.normal(size=5)
    out, _ = call_unchanged(temporal_affine_forward, x, w, b)  # fails naming an input it changed
    for t in range(3):
        np.testing.assert_allclose(out[:, t], x[:, t] @ w + b, rtol=1e-7, err_msg=f"step {t}: x[:, t] @ w + b")


@pytest.mark.exercise("temporal_affine_backward")
def test_temporal_affine_backward_matches_numerical_gradient():
    rng = np.random.default_rng(1)
    x, w, b = rng.normal(size=(2, 3, 4)), rng.normal(size=(4, 5)), rng.normal(size=5)
    dout = rng.normal(size=(2, 3, 5))
    _, cache = temporal_affine_forward(x, w, b)
    dx, dw, db = temporal_affine_backward(dout, cache)
    np.testing.assert_allclose(
        dx, numerical_gradient(lambda v: temporal_affine_forward(v, w, b)[0], x, dout), rtol=1e-6
    )
    np.testing.assert_allclose(
        dw,
        numerical_gradient(lambda v: temporal_affine_forward(x, v, b)[0], w, dout),
        rtol=1e-6,
        err_msg="dw sums over the batch and over time",
    )
    np.testing.assert_allclose(
        db,
        numerical_gradient(lambda v: temporal_affine_forward(x, w, v)[0], b, dout),
        rtol=1e-6,
        err_msg="db sums over the batch and over time",
    )


@pytest.mark.exercise("temporal_softmax_loss")
def test_temporal_softmax_loss_of_uniform_scores_is_T_log_V():
    # CS231n's sanity check: tiny scores give about log(V) per step, summed over T
    N, T, V = 100, 10, 10
    rng = np.random.default_rng(2)
    x = 0.001 * rng.normal(size=(N, T, V))
    y = rng.integers(V, size=(N, T))
    loss, _ = temporal_softmax_loss(x, y, np.ones((N, T), dtype=bool))
    assert abs(loss - T * np.log(V)) < 0.05, f"expected about {T * np.log(V):.2f}, got {loss:.2f}"
    loss, _ = temporal_softmax_loss(x, y, np.arange(T)[None, :].repeat(N, axis=0) < 5)
    assert abs(loss - 5 * np.log(V)) < 0.05, "masked steps must not count"


@pytest.mark.exercise("temporal_softmax_loss")
def test_temporal_softmax_loss_gradient_matches_numerical_gradient():
    rng = np.random.default_rng(3)
    N, T, V = 3, 4, 5
    x, y = rng.normal(size=(N, T, V)), rng.integers(V, size=(N, T))
    mask = rng.random(size=(N, T)) > 0.4
    _, dx = temporal_softmax_loss(x, y, mask)
    expected = numerical_gradient(lambda v: temporal_softmax_loss(v, y, mask)[0], x)
    np.testing.assert_allclose(dx, expected, rtol=1e-5, atol=1e-9, err_msg="dx is zero at masked steps")


@pytest.mark.exercise("toy_sequences")
def test_toy_sequences_follow_the_recurrence():
    x, y = toy_sequences(3, 6, seed=0)
    assert x.shape == y.shape == (3, 6)
    np.testing.assert_allclose(y[:, 0], x[:, 0], err_msg="y_0 = x_0 (y_{-1} = 0)")
    np.testing.assert_allclose(y[:, 1:], -0.5 * y[:, :-1] + x[:, 1:], err_msg="y_t = -0.5 y_{t-1} + x_t")


@pytest.mark.exercise("fit_toy_rnn")
def test_fit_toy_rnn_recovers_the_known_weights():
    x, y = toy_sequences(32, 20, seed=1)
    W, U, b = call_unchanged(fit_toy_rnn, x, y)
    np.testing.assert_allclose(
        [W, U, b], [-0.5, 1.0, 0.0], atol=0.02, err_msg="a linear RNN trained by BPTT finds W = -0.5, U = 1, b = 0"
    )


# What the grader also checks: a batch of one, inputs left unchanged, very large scores.
@pytest.mark.exercise("temporal_affine_backward")
def test_temporal_affine_on_a_batch_of_one():
    rng = np.random.default_rng(23)
    inputs = (rng.normal(size=(1, 3, 4)), rng.normal(size=(4, 2)), rng.normal(size=2))
    call_backward(temporal_affine_forward, temporal_affine_backward, inputs)


@pytest.mark.exercise("temporal_softmax_loss")
def test_temporal_softmax_loss_is_stable_and_leaves_its_inputs_unchanged():
    x = np.array([[[1000.0, 1001.0], [-1000.0, -1001.0]]])
    y, mask = np.array([[1, 1]]), np.array([[True, True]])
    copies = snapshot(x, y, mask)
    try:
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            loss, dx = unpack_pair(temporal_softmax_loss(x, y, mask), "temporal_softmax_loss", "(loss, dx)")
    except FloatingPointError as error:
        fail(f"temporal_softmax_loss of scores near +-1000: {error} (it must be numerically stable)")
    check_unchanged([x, y, mask], copies, "temporal_softmax_loss", ["x", "y", "mask"])
    assert np.isfinite(loss) and np.all(np.isfinite(dx)), "temporal_softmax_loss of scores near +-1000: not finite"
