"""Hidden suite for ch8/normalization.py.

Batch norm: outputs against the reference, gradients against autograd and
central differences, running averages through test mode. Dropout: checked
by properties, so any correct use of the seed passes.
"""

import autograd.numpy as anp
import numpy as np
import pytest

from grader.testing import (
    check_backward,
    check_close,
    check_scalar,
    fail,
    implementation_of,
    numerical_gradient,
    reference,
    run_forward,
    unpack_tuple,
)

norm = implementation_of("ch8.normalization", may_update=("bn_param",))  # it holds the running averages
ref = reference("ch8.normalization")

SHAPES = [(2, 1), (4, 3), (5, 7), (16, 2)]


def bn_inputs(shape, seed):
    rng = np.random.default_rng(seed)
    n, d = shape
    return rng, [3 + 2 * rng.normal(size=shape), 1 + rng.normal(size=d), rng.normal(size=d)]


def bn_autograd(x, gamma, beta, eps=1e-5):
    mu = anp.mean(x, axis=0)
    var = anp.mean((x - mu) ** 2, axis=0)
    return gamma * (x - mu) / anp.sqrt(var + eps) + beta


@pytest.mark.exercise("batchnorm_forward", points=1)
@pytest.mark.parametrize("shape", SHAPES)
def test_batchnorm_train_forward_matches_reference(norm, shape):
    _, inputs = bn_inputs(shape, 1)
    out, _ = run_forward(norm, "batchnorm_forward", inputs, [{"mode": "train"}])
    check_close(out, ref.batchnorm_forward(*inputs, {"mode": "train"})[0], "batchnorm_forward (train) output")


@pytest.mark.exercise("batchnorm_forward", points=1)
def test_batchnorm_eps_is_used(norm):
    _, inputs = bn_inputs((6, 3), 2)
    inputs[0] = 1e-2 * inputs[0]
    param = {"mode": "train", "eps": 1e-3}
    out, _ = run_forward(norm, "batchnorm_forward", inputs, [dict(param)])
    check_close(out, ref.batchnorm_forward(*inputs, dict(param))[0], "batchnorm_forward with eps = 1e-3")


@pytest.mark.exercise("batchnorm_forward", points=2)
@pytest.mark.parametrize("momentum", [0.9, 0.5])
def test_running_averages_drive_test_mode(norm, momentum):
    rng = np.random.default_rng(3)
    gamma, beta = 1 + rng.normal(size=4), rng.normal(size=4)
    mine, theirs = {"mode": "train", "momentum": momentum}, {"mode": "train", "momentum": momentum}
    for _ in range(5):
        x = 5 + 3 * rng.normal(size=(8, 4))
        norm.batchnorm_forward(x, gamma, beta, mine)
        ref.batchnorm_forward(x, gamma, beta, theirs)
    mine["mode"], theirs["mode"] = "test", "test"
    x = 2 * rng.normal(size=(3, 4))
    out, _ = run_forward(norm, "batchnorm_forward", [x, gamma, beta], [mine])
    check_close(
        out,
        ref.batchnorm_forward(x, gamma, beta, theirs)[0],
        "batchnorm_forward (test) after 5 training batches: must use the running averages",
    )


@pytest.mark.exercise("batchnorm_forward", points=1)
def test_test_mode_does_not_use_batch_statistics(norm):
    rng = np.random.default_rng(4)
    x = 10 + rng.normal(size=(6, 3))
    param = {"mode": "test", "running_mean": np.full(3, 1.0), "running_var": np.full(3, 4.0)}
    out, _ = run_forward(norm, "batchnorm_forward", [x, np.ones(3), np.zeros(3)], [param])
    check_close(
        out, (x - 1.0) / np.sqrt(4.0 + 1e-5), "batchnorm_forward (test) with given running_mean and running_var"
    )
    x_single = x[:1]
    out, _ = run_forward(norm, "batchnorm_forward", [x_single, np.ones(3), np.zeros(3)], [param])
    check_close(out, (x_single - 1.0) / np.sqrt(4.0 + 1e-5), "batchnorm_forward (test) on a batch of one")


@pytest.mark.exercise("batchnorm_backward", points=1)
@pytest.mark.parametrize("shape", SHAPES)
def test_batchnorm_backward_matches_autograd(norm, shape):
    rng, inputs = bn_inputs(shape, 5)
    check_backward(
        norm,
        "batchnorm",
        inputs,
        lambda x, g, b, p: bn_autograd(x, g, b),
        rng,
        ["dx", "dgamma", "dbeta"],
        params=[{"mode": "train"}],
    )


@pytest.mark.exercise("batchnorm_backward", points=1)
def test_batchnorm_backward_matches_central_differences(norm):
    rng, (x, gamma, beta) = bn_inputs((5, 4), 6)
    _, cache = norm.batchnorm_forward(x, gamma, beta, {"mode": "train"})
    dout = rng.normal(size=x.shape)
    grads = unpack_tuple(norm.batchnorm_backward(dout, cache), 3, "batchnorm_backward")

    def f(x_, g_, b_):
        return ref.batchnorm_forward(x_, g_, b_, {"mode": "train"})[0]

    expected = [
        numerical_gradient(lambda v: f(v, gamma, beta), x, dout),
        numerical_gradient(lambda v: f(x, v, beta), gamma, dout),
        numerical_gradient(lambda v: f(x, gamma, v), beta, dout),
    ]
    for grad, numeric, name in zip(grads, expected, ["dx", "dgamma", "dbeta"]):
        check_close(grad, numeric, f"batchnorm_backward: {name} against central differences", rtol=1e-5, atol=1e-7)


DROPOUT_CASES = [(0.3, (200, 300)), (0.5, (100, 50, 20)), (0.9, (400, 250))]


def away(shape, seed):
    x = np.random.default_rng(seed).normal(size=shape)
    return x + np.sign(x) * 0.5  # no zeros: a zero in out means dropped


@pytest.mark.exercise("dropout_forward", points=1)
@pytest.mark.parametrize("p,shape", DROPOUT_CASES)
def test_dropout_train_keeps_p_and_scales_by_one_over_p(norm, p, shape):
    x = away(shape, 7)
    out, _ = run_forward(norm, "dropout_forward", [x], [{"mode": "train", "p": p, "seed": 17}])
    if out.shape != x.shape:
        fail(f"dropout_forward: shape {out.shape}, expected {x.shape}")
    kept = out != 0
    if p != 0.5 and abs(kept.mean() - (1 - p)) <= 0.01:
        fail(
            f"dropout_forward: keeps {kept.mean():.0%} of the units with p = {p}: p is the KEEP probability, "
            "not the probability of dropping a unit (CS231n's 2016-2017 convention)"
        )
    check_scalar(
        kept.mean(), p, f"dropout_forward: share of units kept with p = {p} (p is the KEEP probability)", atol=0.01
    )
    check_close(out[kept], x[kept] / p, f"dropout_forward: kept units must be x / p (inverted dropout), p = {p}")


@pytest.mark.exercise("dropout_forward", points=1)
def test_dropout_seed_repeats_the_mask(norm):
    x = away((50, 60), 8)
    a, _ = run_forward(norm, "dropout_forward", [x], [{"mode": "train", "p": 0.4, "seed": 5}])
    b, _ = run_forward(norm, "dropout_forward", [x], [{"mode": "train", "p": 0.4, "seed": 5}])
    c, _ = run_forward(norm, "dropout_forward", [x], [{"mode": "train", "p": 0.4, "seed": 6}])
    check_close(a, b, "dropout_forward: the same seed must give the same mask")
    if np.array_equal(a, c):
        fail("dropout_forward: different seeds should give different masks")


@pytest.mark.exercise("dropout_forward", points=1)
@pytest.mark.parametrize("p", [0.2, 0.7, 1.0])
def test_dropout_test_mode_is_identity(norm, p):
    x = away((7, 9), 9)
    out, _ = run_forward(norm, "dropout_forward", [x], [{"mode": "test", "p": p, "seed": 1}])
    check_close(out, x, f"dropout_forward in test mode (p = {p}) must return x unchanged")


@pytest.mark.exercise("dropout_backward", points=1)
@pytest.mark.parametrize("p,shape", DROPOUT_CASES)
def test_dropout_backward_uses_the_forward_mask(norm, p, shape):
    x = away(shape, 10)
    out, cache = run_forward(norm, "dropout_forward", [x], [{"mode": "train", "p": p, "seed": 3}])
    dout = np.random.default_rng(11).normal(size=shape)
    dx = np.asarray(norm.dropout_backward(dout, cache), dtype=np.float64)
    check_close(dx, np.where(out != 0, dout / p, 0.0), f"dropout_backward (train, p = {p}): dout * mask")


@pytest.mark.exercise("dropout_backward", points=1)
def test_dropout_backward_test_mode_passes_gradient(norm):
    x = away((6, 5), 12)
    _, cache = run_forward(norm, "dropout_forward", [x], [{"mode": "test", "p": 0.3}])
    dout = np.random.default_rng(13).normal(size=(6, 5))
    check_close(norm.dropout_backward(dout, cache), dout, "dropout_backward in test mode: dx = dout")
