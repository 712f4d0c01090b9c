"""Hidden suite for ch5/pool.py.

Max and average pooling against the reference for square and non-square
windows, overlapping windows (stride < window), strides larger than the
window, non-square images, batch of one and leftover rows; gradients
against autograd and central differences on inputs without ties (a
shuffled ramp: every window has one clear maximum, far from the step h);
inputs and dout left unmodified.
"""

import autograd.numpy as anp
import numpy as np
import pytest

from grader.testing import (
    autograd_vjp,
    check_close,
    check_forward_shape,
    check_unchanged,
    implementation_of,
    numerical_gradient,
    reference,
    run_forward,
)

pool = implementation_of("ch5.pool")
ref = reference("ch5.pool")

# (x shape, pool_height, pool_width, stride)
CASES = [
    ((2, 3, 4, 4), 2, 2, 2),  # the classic 2x2 / 2
    ((1, 2, 5, 5), 2, 2, 1),  # overlapping, batch of one
    ((2, 1, 7, 6), 3, 3, 2),  # overlapping, leftover column
    ((2, 2, 6, 7), 3, 2, 1),  # non-square window, overlapping
    ((1, 3, 5, 8), 2, 3, 3),  # non-square window, stride larger than its height
    ((3, 2, 6, 4), 1, 1, 2),  # 1x1 windows: subsampling
    ((2, 2, 5, 7), 2, 4, 2),  # wide window, overlapping along the width
    ((1, 1, 3, 3), 3, 3, 1),  # one window covering the image
]
IDS = [f"x{shape}-{ph}x{pw}-stride{s}" for shape, ph, pw, s in CASES]


def distinct_values(shape, seed):
    """No ties: a shuffled ramp with steps of 1/size, far larger than the finite-difference step."""
    size = int(np.prod(shape))
    return np.random.default_rng(seed).permutation(size).reshape(shape) / size - 0.5


def params_of(ph, pw, stride):
    return {"pool_height": ph, "pool_width": pw, "stride": stride}


def windows_autograd(x, pool_param):
    """The window's cells, one strided slice of x per offset (p, q), stacked on a new first axis."""
    ph, pw, stride = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    _, _, H, W = x.shape
    H_out, W_out = 1 + (H - ph) // stride, 1 + (W - pw) // stride
    return anp.stack(
        [
            x[:, :, p : p + stride * (H_out - 1) + 1 : stride, q : q + stride * (W_out - 1) + 1 : stride]
            for p in range(ph)
            for q in range(pw)
        ]
    )


def max_pool_autograd(x, pool_param):
    return anp.max(windows_autograd(x, pool_param), axis=0)


def avg_pool_autograd(x, pool_param):
    return anp.mean(windows_autograd(x, pool_param), axis=0)


def check_pool_backward(module, forward, backward, x, pool_param, autograd_forward, seed, rtol=1e-6):
    out, cache = run_forward(module, forward, [x], (pool_param,))
    check_forward_shape(out, np.shape(autograd_forward(x, pool_param)), forward, backward)
    dout = np.random.default_rng(seed).normal(size=out.shape)
    dout_copy = dout.copy()
    dx = getattr(module, backward)(dout, cache)
    check_unchanged([dout], [dout_copy], backward)
    expected = autograd_vjp(lambda v: autograd_forward(v, pool_param), [x], 0, dout)
    check_close(dx, expected, f"{backward}: dx for x {x.shape} and pool_param={pool_param}", rtol=rtol)
    return dx, dout


@pytest.mark.exercise("max_pool_forward_naive", points=1)
@pytest.mark.parametrize("shape,ph,pw,stride", CASES, ids=IDS)
def test_max_pool_forward_naive_matches_reference(pool, shape, ph, pw, stride):
    x, pool_param = distinct_values(shape, seed=1), params_of(ph, pw, stride)
    out, _ = run_forward(pool, "max_pool_forward_naive", [x], (pool_param,))
    check_close(
        out,
        ref.max_pool_forward_naive(x, pool_param)[0],
        f"max_pool_forward_naive output for x {shape} and pool_param={pool_param}",
    )


@pytest.mark.exercise("max_pool_backward_naive", points=1)
@pytest.mark.parametrize("shape,ph,pw,stride", CASES, ids=IDS)
def test_max_pool_backward_naive_matches_autograd(pool, shape, ph, pw, stride):
    check_pool_backward(
        pool,
        "max_pool_forward_naive",
        "max_pool_backward_naive",
        distinct_values(shape, seed=2),
        params_of(ph, pw, stride),
        max_pool_autograd,
        seed=3,
    )


@pytest.mark.exercise("max_pool_backward_naive", points=1)
def test_max_pool_backward_naive_matches_central_differences(pool):
    x, pool_param = distinct_values((2, 2, 6, 5), seed=4), params_of(3, 2, 1)
    dx, dout = check_pool_backward(
        pool, "max_pool_forward_naive", "max_pool_backward_naive", x, pool_param, max_pool_autograd, seed=5
    )
    numeric = numerical_gradient(lambda v: ref.max_pool_forward_naive(v, pool_param)[0], x, dout)
    check_close(dx, numeric, "max_pool_backward_naive: dx against central differences", rtol=1e-5)


@pytest.mark.exercise("max_pool_backward_naive", points=1)
def test_max_pool_backward_naive_maximum_in_every_corner(pool):
    # 2x2 windows, stride 2; the maximum sits at a different corner of each window
    x = distinct_values((1, 1, 4, 4), seed=6)
    for i, j in [(0, 0), (0, 3), (3, 0), (3, 3)]:
        x[0, 0, i, j] = 1.0 + i + j
    check_pool_backward(
        pool, "max_pool_forward_naive", "max_pool_backward_naive", x, params_of(2, 2, 2), max_pool_autograd, seed=7
    )


@pytest.mark.exercise("avg_pool_forward", points=1)
@pytest.mark.parametrize("shape,ph,pw,stride", CASES, ids=IDS)
def test_avg_pool_forward_matches_reference(pool, shape, ph, pw, stride):
    x, pool_param = np.random.default_rng(8).normal(size=shape), params_of(ph, pw, stride)
    out, _ = run_forward(pool, "avg_pool_forward", [x], (pool_param,))
    check_close(
        out,
        ref.avg_pool_forward(x, pool_param)[0],
        f"avg_pool_forward output for x {shape} and pool_param={pool_param}",
    )


@pytest.mark.exercise("avg_pool_backward", points=1)
@pytest.mark.parametrize("shape,ph,pw,stride", CASES, ids=IDS)
def test_avg_pool_backward_matches_autograd(pool, shape, ph, pw, stride):
    check_pool_backward(
        pool,
        "avg_pool_forward",
        "avg_pool_backward",
        np.random.default_rng(9).normal(size=shape),
        params_of(ph, pw, stride),
        avg_pool_autograd,
        seed=10,
    )


@pytest.mark.exercise("avg_pool_backward", points=1)
def test_avg_pool_backward_matches_central_differences(pool):
    x, pool_param = np.random.default_rng(11).normal(size=(1, 2, 5, 6)), params_of(2, 3, 1)
    dx, dout = check_pool_backward(
        pool, "avg_pool_forward", "avg_pool_backward", x, pool_param, avg_pool_autograd, seed=12
    )
    numeric = numerical_gradient(lambda v: ref.avg_pool_forward(v, pool_param)[0], x, dout)
    check_close(dx, numeric, "avg_pool_backward: dx against central differences", rtol=1e-5)


# ---------------------------------------------------------------- L2 pooling


def l2_pool_autograd(x, pool_param):
    return anp.sqrt(anp.sum(windows_autograd(x, pool_param) ** 2, axis=0))


@pytest.mark.exercise("l2_pool_forward", points=1)
@pytest.mark.parametrize("shape,ph,pw,stride", CASES[:5], ids=IDS[:5])
def test_l2_pool_forward_is_the_norm_of_each_window(pool, shape, ph, pw, stride):
    x, pool_param = distinct_values(shape, seed=20), params_of(ph, pw, stride)
    expected = l2_pool_autograd(x, pool_param)
    out, _ = run_forward(pool, "l2_pool_forward", [x], (pool_param,))
    check_close(out, expected, f"l2_pool_forward output for x {shape} and pool_param={pool_param}")


@pytest.mark.exercise("l2_pool_backward", points=1)
@pytest.mark.parametrize("shape,ph,pw,stride", CASES[:5], ids=IDS[:5])
def test_l2_pool_backward_matches_autograd(pool, shape, ph, pw, stride):
    x = distinct_values(shape, seed=21) + 0.7  # every window away from zero
    check_pool_backward(pool, "l2_pool_forward", "l2_pool_backward", x, params_of(ph, pw, stride), l2_pool_autograd, 22)


@pytest.mark.exercise("l2_pool_backward", points=1)
def test_l2_pool_backward_passes_nothing_through_an_all_zero_window(pool):
    x = distinct_values((1, 2, 4, 4), seed=23)
    x[:, :, :2, :2] = 0.0  # the top-left 2x2 window is all zeros: its norm has no gradient there
    pool_param = params_of(2, 2, 2)
    out, cache = run_forward(pool, "l2_pool_forward", [x], (pool_param,))
    dout = np.random.default_rng(24).normal(size=out.shape)
    dx = np.asarray(pool.l2_pool_backward(dout, cache), dtype=np.float64)
    inside = x[:, :, 2:, 2:]
    check_close(dx[:, :, :2, :2], np.zeros((1, 2, 2, 2)), "l2_pool_backward in an all-zero window (0, not nan)")
    check_close(
        dx[:, :, 2:, 2:],
        inside / np.sqrt(np.sum(inside**2, axis=(2, 3), keepdims=True)) * dout[:, :, 1:, 1:],
        "l2_pool_backward: x / out times dout",
    )
