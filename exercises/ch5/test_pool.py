# Public tests: `pytest exercises/ch5/test_pool.py` runs them; `dlgrade check` shows your progress.
"""Public tests for pool.py: CS231n's max-pooling check, average pooling, gradient checks.

Run them with `pytest exercises/ch5/test_pool.py`.
"""

import numpy as np
import pytest

from grader.testing import call_forward, call_unchanged, numerical_gradient

from .pool import (
    avg_pool_backward,
    avg_pool_forward,
    l2_pool_backward,
    l2_pool_forward,
    max_pool_backward_naive,
    max_pool_forward_naive,
)

POOL_2X2 = {"pool_height": 2, "pool_width": 2, "stride": 2}


@pytest.mark.exercise("max_pool_forward_naive")
def test_max_pool_forward_naive_matches_cs231n_example():
    x = np.linspace(-0.3, 0.4, num=2 * 3 * 4 * 4).reshape(2, 3, 4, 4)
    out, _ = max_pool_forward_naive(x, POOL_2X2)
    expected = np.array(
        [
            [
                [[-0.26315789, -0.24842105], [-0.20421053, -0.18947368]],
                [[-0.14526316, -0.13052632], [-0.08631579, -0.07157895]],
                [[-0.02736842, -0.01263158], [0.03157895, 0.04631579]],
            ],
            [
                [[0.09052632, 0.10526316], [0.14947368, 0.16421053]],
                [[0.20842105, 0.22315789], [0.26736842, 0.28210526]],
                [[0.32631579, 0.34105263], [0.38526316, 0.4]],
            ],
        ]
    )
    np.testing.assert_allclose(
        out, expected, rtol=1e-7, atol=1e-8, err_msg="2x2 windows, stride 2: out is (2, 3, 2, 2)"
    )


@pytest.mark.exercise("max_pool_forward_naive")
def test_overlapping_max_pool_windows():
    x = np.array([[[[1.0, 5.0, 2.0], [3.0, 0.0, 4.0], [6.0, 7.0, 8.0]]]])
    out, _ = max_pool_forward_naive(x, {"pool_height": 2, "pool_width": 2, "stride": 1})
    np.testing.assert_allclose(out, [[[[5.0, 5.0], [7.0, 8.0]]]], err_msg="stride 1 < window 2: windows overlap")


def distinct_values(shape, seed):
    """Inputs without ties: a shuffled ramp, so every window has one clear maximum."""
    rng = np.random.default_rng(seed)
    return rng.permutation(np.prod(shape)).reshape(shape) / np.prod(shape) - 0.5


@pytest.mark.exercise("max_pool_backward_naive")
def test_max_pool_backward_naive_matches_numerical_gradient():
    x = distinct_values((2, 3, 6, 6), seed=0)
    pool_param = {"pool_height": 3, "pool_width": 2, "stride": 2}
    out, cache = max_pool_forward_naive(x, pool_param)
    dout = np.random.default_rng(1).normal(size=out.shape)
    expected = numerical_gradient(lambda v: max_pool_forward_naive(v, pool_param)[0], x, dout)
    np.testing.assert_allclose(
        max_pool_backward_naive(dout, cache),
        expected,
        rtol=1e-6,
        atol=1e-8,
        err_msg="each dout goes to the maximum of its window, nowhere else",
    )


@pytest.mark.exercise("avg_pool_forward")
def test_avg_pool_forward_small_example():
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    out, _ = avg_pool_forward(x, POOL_2X2)
    np.testing.assert_allclose(out, [[[[2.5, 4.5], [10.5, 12.5]]]], err_msg="mean of each 2x2 block")


@pytest.mark.exercise("avg_pool_backward")
def test_avg_pool_backward_matches_numerical_gradient():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(2, 2, 5, 5))
    pool_param = {"pool_height": 3, "pool_width": 3, "stride": 2}
    out, cache = avg_pool_forward(x, pool_param)
    dout = rng.normal(size=out.shape)
    expected = numerical_gradient(lambda v: avg_pool_forward(v, pool_param)[0], x, dout)
    np.testing.assert_allclose(
        avg_pool_backward(dout, cache),
        expected,
        rtol=1e-6,
        atol=1e-8,
        err_msg="each cell of a window gets dout / (PH * PW); overlapping windows add up",
    )


# The rules every pooling layer follows, previewing the grader's checks: a batch of
# one, non-square windows and strides, inputs left unchanged, gradients shaped like x.
POOLS = [
    ("batch of one", (1, 1, 4, 4), {"pool_height": 2, "pool_width": 2, "stride": 2}),
    ("non-square, overlapping", (2, 3, 5, 7), {"pool_height": 3, "pool_width": 2, "stride": 1}),
]
LAYERS = [("max_pool_forward_naive", "max_pool_backward_naive"), ("avg_pool_forward", "avg_pool_backward")]


@pytest.mark.parametrize(
    "forward, backward, x_shape, pool_param",
    [
        pytest.param(forward, backward, x_shape, param, marks=pytest.mark.exercise(backward), id=f"{backward}-{label}")
        for forward, backward in LAYERS
        for label, x_shape, param in POOLS
    ],
)
def test_pooling_shapes_pair_and_unchanged_inputs(forward, backward, x_shape, pool_param):
    x = np.random.default_rng(3).permutation(np.prod(x_shape)).reshape(x_shape) / 10.0  # no ties
    out, cache = call_forward(globals()[forward], (x,), (pool_param,))  # the functions imported above
    H = 1 + (x_shape[2] - pool_param["pool_height"]) // pool_param["stride"]
    W = 1 + (x_shape[3] - pool_param["pool_width"]) // pool_param["stride"]
    assert out.shape == (*x_shape[:2], H, W), f"{forward}: output shape {out.shape}"
    dx = globals()[backward](np.ones(out.shape), cache)
    assert np.shape(dx) == x_shape, f"{backward}: dx of shape {np.shape(dx)}, like x it should be {x_shape}"


@pytest.mark.exercise("l2_pool_forward")
def test_l2_pool_forward_is_the_euclidean_norm_of_each_window():
    x = np.array([[[[3.0, -4.0], [0.0, 0.0]]]])  # one 2x2 window: sqrt(9 + 16) = 5, signs ignored
    out, _ = l2_pool_forward(x, POOL_2X2)
    np.testing.assert_allclose(out, [[[[5.0]]]], err_msg="sqrt of the sum of squares of the window")


@pytest.mark.exercise("l2_pool_backward")
def test_l2_pool_backward_matches_central_differences():
    x = np.random.default_rng(6).normal(size=(2, 2, 4, 4))
    out, cache = l2_pool_forward(x, POOL_2X2)
    dout = np.random.default_rng(7).normal(size=out.shape)
    numeric = numerical_gradient(lambda v: l2_pool_forward(v, POOL_2X2)[0], x, dout)
    np.testing.assert_allclose(l2_pool_backward(dout, cache), numeric, rtol=1e-5, atol=1e-9)


@pytest.mark.parametrize(
    "forward,backward",
    [
        pytest.param(f, b, marks=pytest.mark.exercise(b), id=b)
        for f, b in [
            ("max_pool_forward_naive", "max_pool_backward_naive"),
            ("avg_pool_forward", "avg_pool_backward"),
            ("l2_pool_forward", "l2_pool_backward"),
        ]
    ],
)
def test_pool_backward_leaves_dout_unchanged(forward, backward):
    x = np.random.default_rng(3).normal(size=(1, 2, 4, 4))
    pool_param = {"pool_height": 2, "pool_width": 2, "stride": 2}
    out, cache = call_forward(globals()[forward], (x,), (pool_param,))  # the functions imported above
    call_unchanged(globals()[backward], np.linspace(-1, 1, out.size).reshape(out.shape), cache)


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(n, marks=pytest.mark.exercise(n), id=n)
        for n in ("max_pool_forward_naive", "avg_pool_forward", "l2_pool_forward")
    ],
)
def test_pool_forward_leaves_x_and_pool_param_unchanged(name):
    x = np.random.default_rng(4).normal(size=(2, 1, 4, 6))
    call_unchanged(globals()[name], x, {"pool_height": 2, "pool_width": 3, "stride": 1})  # the function imported above
