# Public tests: `pytest exercises/ch8/test_normalization.py` runs them; `dlgrade check` shows your progress.
"""Public tests for normalization.py: CS231n-style checks and gradient checks."""

import numpy as np
import pytest

from grader.testing import (
    call_backward,
    call_unchanged,
    check_close,
    check_unchanged,
    checked,
    numerical_gradient,
    snapshot,
)

from .normalization import batchnorm_backward, batchnorm_forward, dropout_backward, dropout_forward


@pytest.mark.exercise("batchnorm_forward")
def test_batchnorm_train_output_has_mean_beta_and_std_gamma():
    rng = np.random.default_rng(231)
    x = 50 + 10 * rng.normal(size=(200, 3))
    gamma, beta = np.array([1.0, 2.0, 3.0]), np.array([11.0, 12.0, 13.0])
    # fails naming an input the call changed (bn_param may be given new running averages)
    out, _ = checked(batchnorm_forward, ["bn_param"])(x, gamma, beta, {"mode": "train"})
    np.testing.assert_allclose(out.mean(axis=0), beta, atol=1e-7, err_msg="column means should be beta")
    np.testing.assert_allclose(out.std(axis=0), gamma, rtol=1e-4, err_msg="column stds should be gamma")


@pytest.mark.exercise("batchnorm_forward")
def test_batchnorm_test_mode_uses_the_running_averages():
    rng = np.random.default_rng(231)
    gamma, beta = np.ones(3), np.zeros(3)
    bn_param = {"mode": "train"}
    for _ in range(50):
        batchnorm_forward(2 + 3 * rng.normal(size=(200, 3)), gamma, beta, bn_param)
    bn_param["mode"] = "test"
    out, _ = batchnorm_forward(2 + 3 * rng.normal(size=(200, 3)), gamma, beta, bn_param)
    np.testing.assert_allclose(out.mean(axis=0), 0, atol=0.3, err_msg="test mode: means near 0")
    np.testing.assert_allclose(out.std(axis=0), 1, atol=0.15, err_msg="test mode: stds near 1")


@pytest.mark.exercise("batchnorm_backward")
def test_batchnorm_backward_matches_numerical_gradient():
    rng = np.random.default_rng(231)
    x, gamma, beta = 5 * rng.normal(size=(4, 5)) + 12, rng.normal(size=5), rng.normal(size=5)
    dout = rng.normal(size=(4, 5))

    def forward(x_, g_, b_):
        return batchnorm_forward(x_, g_, b_, {"mode": "train"})[0]

    _, cache = batchnorm_forward(x, gamma, beta, {"mode": "train"})
    dx, dgamma, dbeta = batchnorm_backward(dout, cache)
    np.testing.assert_allclose(
        dx, numerical_gradient(lambda v: forward(v, gamma, beta), x, dout), rtol=1e-5, atol=1e-8, err_msg="dx"
    )
    np.testing.assert_allclose(
        dgamma,
        numerical_gradient(lambda v: forward(x, v, beta), gamma, dout),
        rtol=1e-5,
        err_msg="dgamma = sum of dout * x_hat",
    )
    np.testing.assert_allclose(
        dbeta, numerical_gradient(lambda v: forward(x, gamma, v), beta, dout), rtol=1e-5, err_msg="dbeta = sum of dout"
    )


@pytest.mark.exercise("dropout_forward")
def test_inverted_dropout_keeps_the_mean():
    x = np.random.default_rng(0).normal(size=(500, 500)) + 10
    for p in (0.25, 0.6):
        out, _ = call_unchanged(dropout_forward, x, {"mode": "train", "p": p, "seed": 123})
        assert np.mean(out != 0) == pytest.approx(p, abs=0.01), f"a share p = {p} of the units is kept"
        assert out.mean() == pytest.approx(x.mean(), rel=0.01), "kept units are scaled by 1 / p"
        test_out, _ = dropout_forward(x, {"mode": "test", "p": p})
        np.testing.assert_array_equal(test_out, x, err_msg="test mode is the identity")


@pytest.mark.exercise("dropout_backward")
def test_dropout_backward_matches_numerical_gradient():
    rng = np.random.default_rng(231)
    x, dout = rng.normal(size=(10, 10)) + 10, rng.normal(size=(10, 10))
    param = {"mode": "train", "p": 0.2, "seed": 123}
    _, cache = dropout_forward(x, param)
    dx = dropout_backward(dout, cache)
    numeric = numerical_gradient(lambda v: dropout_forward(v, param)[0], x, dout)
    np.testing.assert_allclose(dx, numeric, rtol=1e-5, atol=1e-8)


# What the grader also checks: inputs left unchanged, gradients shaped like their inputs,
# the running averages written back into bn_param, test mode using only them.
@pytest.mark.exercise("batchnorm_backward")
def test_batchnorm_shapes_unchanged_inputs_and_running_averages():
    rng = np.random.default_rng(31)
    x, gamma, beta = rng.normal(size=(5, 3)), rng.normal(size=3), rng.normal(size=3)
    bn_param = {"mode": "train"}
    call_backward(batchnorm_forward, batchnorm_backward, (x, gamma, beta), (bn_param,))
    assert {"running_mean", "running_var"} <= set(bn_param), (
        "batchnorm_forward writes the running averages into bn_param"
    )
    test_param = {"mode": "test", "running_mean": np.zeros(3), "running_var": np.ones(3)}
    out, _ = batchnorm_forward(x[:1], gamma, beta, test_param)
    check_close(out, gamma * x[:1] / np.sqrt(1 + 1e-5) + beta, "batchnorm_forward in test mode on one example")


@pytest.mark.exercise("dropout_backward")
def test_dropout_shapes_and_unchanged_inputs():
    x = np.random.default_rng(32).normal(size=(4, 5))
    call_backward(dropout_forward, dropout_backward, (x,), ({"mode": "train", "p": 0.5, "seed": 1},))
    copy = snapshot(x)
    out, _ = dropout_forward(x, {"mode": "test", "p": 0.5})
    check_unchanged([x], copy, "dropout_forward", ["x"])
    check_close(out, x, "dropout_forward in test mode")
