"""Public tests for conv.py: the book's 1-D formulas, CS231n's convolution check, gradient checks.

Run them with `pytest exercises/ch5/test_conv.py`.
"""

import numpy as np
import pytest

from grader.testing import call_backward, call_forward, check_close, check_unchanged, numerical_gradient, snapshot

from .conv import (
    connection_counts,
    conv_backward_fast,
    conv_backward_naive,
    conv_forward_fast,
    conv_forward_naive,
    convolve1d,
    cross_correlate1d,
)


@pytest.mark.exercise("convolve1d")
def test_convolve1d_flips_the_kernel():
    # s(t) = sum_a I(t - a) K(a): the kernel [1, 2, 0] is read backwards, as [0, 2, 1]
    out = convolve1d(np.array([0.0, 1.0, 2.0, 3.0, 4.0, 5.0]), np.array([1.0, 2.0, 0.0]))
    np.testing.assert_allclose(out, [4.0, 7.0, 10.0, 13.0], err_msg="valid part of np.convolve: 6 - 3 + 1 = 4 values")


@pytest.mark.exercise("convolve1d")
def test_convolve1d_of_a_unit_impulse_returns_the_kernel():
    out = convolve1d(np.array([0.0, 0.0, 1.0, 0.0, 0.0]), np.array([1.0, 2.0, 3.0]))
    np.testing.assert_allclose(out, [1.0, 2.0, 3.0], err_msg="convolving with an impulse reproduces the kernel")


@pytest.mark.exercise("cross_correlate1d")
def test_cross_correlate1d_slides_the_kernel_unflipped():
    # s(t) = sum_a I(t + a) K(a)
    out = cross_correlate1d(np.array([0.0, 1.0, 2.0, 3.0, 4.0, 5.0]), np.array([1.0, 2.0, 0.0]))
    np.testing.assert_allclose(out, [2.0, 5.0, 8.0, 11.0])


@pytest.mark.exercise("cross_correlate1d")
def test_cross_correlation_peaks_where_the_signal_looks_like_the_kernel():
    kernel = np.array([1.0, -1.0, 1.0])
    signal = np.array([0.0, 0.0, 0.0, 1.0, -1.0, 1.0, 0.0, 0.0])
    assert np.argmax(cross_correlate1d(signal, kernel)) == 3, "the kernel sits at signal[3:6]"


@pytest.mark.exercise("cross_correlate1d")
def test_cross_correlate1d_of_a_unit_impulse_returns_the_flipped_kernel():
    out = cross_correlate1d(np.array([0.0, 0.0, 1.0, 0.0, 0.0]), np.array([1.0, 2.0, 3.0]))
    np.testing.assert_allclose(out, [3.0, 2.0, 1.0])


def cs231n_conv_example():
    x = np.linspace(-0.1, 0.5, num=2 * 3 * 4 * 4).reshape(2, 3, 4, 4)
    w = np.linspace(-0.2, 0.3, num=3 * 3 * 4 * 4).reshape(3, 3, 4, 4)
    b = np.linspace(-0.1, 0.2, num=3)
    return x, w, b, {"stride": 2, "pad": 1}


CS231N_CONV_OUT = np.array(
    [
        [
            [[-0.08759809, -0.10987781], [-0.18387192, -0.2109216]],
            [[0.21027089, 0.21661097], [0.22847626, 0.23004637]],
            [[0.50813986, 0.54309974], [0.64082444, 0.67101435]],
        ],
        [
            [[-0.98053589, -1.03143541], [-1.19128892, -1.24695841]],
            [[0.69108355, 0.66880383], [0.59480972, 0.56776003]],
            [[2.36270298, 2.36904306], [2.38090835, 2.38247847]],
        ],
    ]
)


@pytest.mark.exercise("conv_forward_naive")
def test_conv_forward_naive_matches_cs231n_example():
    out, _ = conv_forward_naive(*cs231n_conv_example())
    np.testing.assert_allclose(
        out, CS231N_CONV_OUT, rtol=1e-7, atol=1e-8, err_msg="pad 1 on every side, stride 2: out is (2, 3, 2, 2)"
    )


@pytest.mark.exercise("conv_forward_naive")
def test_conv_forward_naive_detects_edges():
    # one 3x3 image whose right half is bright; a filter that subtracts left from right
    x = np.array([[[[0.0, 1.0, 1.0], [0.0, 1.0, 1.0], [0.0, 1.0, 1.0]]]])
    w = np.array([[[[-1.0, 1.0]]]])  # shape (1, 1, 1, 2)
    out, _ = conv_forward_naive(x, w, np.zeros(1), {"stride": 1, "pad": 0})
    np.testing.assert_allclose(
        out, [[[[1.0, 0.0], [1.0, 0.0], [1.0, 0.0]]]], err_msg="layers cross-correlate: w is not flipped"
    )


def conv_gradients(forward, backward, conv_param, seed):
    rng = np.random.default_rng(seed)
    x, w, b = rng.normal(size=(2, 3, 5, 5)), rng.normal(size=(2, 3, 3, 3)), rng.normal(size=2)
    out, cache = forward(x, w, b, conv_param)
    dout = rng.normal(size=out.shape)
    grads = backward(dout, cache)
    numeric = [
        numerical_gradient(lambda v: forward(v, w, b, conv_param)[0], x, dout),
        numerical_gradient(lambda v: forward(x, v, b, conv_param)[0], w, dout),
        numerical_gradient(lambda v: forward(x, w, v, conv_param)[0], b, dout),
    ]
    for grad, expected, name in zip(grads, numeric, ["dx", "dw", "db"]):
        np.testing.assert_allclose(grad, expected, rtol=1e-6, atol=1e-8, err_msg=name)


@pytest.mark.exercise("conv_backward_naive")
def test_conv_backward_naive_matches_numerical_gradient():
    conv_gradients(conv_forward_naive, conv_backward_naive, {"stride": 1, "pad": 1}, seed=0)


@pytest.mark.exercise("conv_forward_fast")
def test_conv_forward_fast_matches_cs231n_example():
    out, _ = conv_forward_fast(*cs231n_conv_example())
    np.testing.assert_allclose(out, CS231N_CONV_OUT, rtol=1e-7, atol=1e-8)


@pytest.mark.exercise("conv_forward_fast")
def test_conv_forward_fast_equals_naive():
    rng = np.random.default_rng(1)
    x, w, b = rng.normal(size=(3, 2, 7, 6)), rng.normal(size=(4, 2, 3, 2)), rng.normal(size=4)
    for conv_param in ({"stride": 1, "pad": 0}, {"stride": 2, "pad": 1}):
        np.testing.assert_allclose(
            conv_forward_fast(x, w, b, conv_param)[0],
            conv_forward_naive(x, w, b, conv_param)[0],
            rtol=1e-10,
            atol=1e-12,
            err_msg=f"conv_param={conv_param}",
        )


@pytest.mark.exercise("conv_backward_fast")
def test_conv_backward_fast_matches_numerical_gradient():
    conv_gradients(conv_forward_fast, conv_backward_fast, {"stride": 2, "pad": 1}, seed=2)


# The rules every convolution follows, previewing the grader's checks: every stride and
# padding, a batch of one and non-square images and filters, inputs left unchanged,
# gradients shaped like their inputs, and a fast version without loops over pixels.
STRIDES_AND_PADS = [{"stride": s, "pad": p} for s in (1, 2) for p in (0, 1, 2)]


@pytest.mark.parametrize(
    "name", [pytest.param(n, marks=pytest.mark.exercise(n), id=n) for n in ("convolve1d", "cross_correlate1d")]
)
def test_1d_functions_leave_their_inputs_unchanged(name):
    signal, kernel = np.array([1.0, -2.0, 3.0, 0.5]), np.array([2.0, 1.0])
    copies = snapshot(signal, kernel)
    globals()[name](signal, kernel)  # the function imported above
    check_unchanged([signal, kernel], copies, name, ["signal", "kernel"])


@pytest.mark.parametrize(
    "name, conv_param",
    [
        pytest.param(
            name, param, marks=pytest.mark.exercise(name), id=f"{name}-stride{param['stride']}-pad{param['pad']}"
        )
        for name in ("conv_forward_naive", "conv_forward_fast")
        for param in STRIDES_AND_PADS
    ],
)
def test_a_stride_of_2_keeps_every_other_output_of_stride_1(name, conv_param):
    forward = globals()[name]  # the function imported above
    rng = np.random.default_rng(7)
    x, w, b = rng.normal(size=(2, 2, 7, 7)), rng.normal(size=(3, 2, 3, 3)), rng.normal(size=3)
    one, _ = call_forward(forward, (x, w, b), ({"stride": 1, "pad": conv_param["pad"]},))
    out, _ = call_forward(forward, (x, w, b), (conv_param,))
    s = conv_param["stride"]
    check_close(out, one[:, :, ::s, ::s], f"{name} with stride {s}, pad {conv_param['pad']}")


@pytest.mark.parametrize(
    "kind, x_shape, w_shape",
    [
        pytest.param(kind, x_shape, w_shape, marks=pytest.mark.exercise(f"conv_backward_{kind}"), id=f"{kind}-{label}")
        for kind in ("naive", "fast")
        for label, x_shape, w_shape in (
            ("batch of one", (1, 1, 5, 5), (1, 1, 3, 3)),
            ("non-square", (2, 3, 6, 4), (4, 3, 3, 2)),
        )
    ],
)
def test_convolution_shapes_pair_and_unchanged_inputs(kind, x_shape, w_shape):
    forward, backward = globals()[f"conv_forward_{kind}"], globals()[f"conv_backward_{kind}"]  # imported above
    rng = np.random.default_rng(8)
    x, w, b = rng.normal(size=x_shape), rng.normal(size=w_shape), rng.normal(size=w_shape[0])
    conv_param = {"stride": 1, "pad": 1}
    out, _ = call_forward(forward, (x, w, b), (conv_param,))
    H, W = 1 + (x_shape[2] + 2 - w_shape[2]), 1 + (x_shape[3] + 2 - w_shape[3])
    assert out.shape == (x_shape[0], w_shape[0], H, W), f"conv_forward_{kind}: output shape {out.shape}"
    copies = snapshot(x, w, b)
    call_backward(forward, backward, (x, w, b), (conv_param,), dout=rng.normal(size=out.shape))
    check_unchanged([x, w, b], copies, f"conv_backward_{kind}", ["x", "w", "b"])


@pytest.mark.exercise("conv_forward_fast")
def test_the_fast_convolution_is_faster_than_the_loops():
    import time

    rng = np.random.default_rng(9)
    x, w, b = rng.normal(size=(2, 3, 12, 12)), rng.normal(size=(4, 3, 3, 3)), rng.normal(size=4)
    conv_param = {"stride": 1, "pad": 1}

    def best(function):
        times = []
        for _ in range(3):
            start = time.perf_counter()
            function(x, w, b, conv_param)
            times.append(time.perf_counter() - start)
        return min(times)

    naive, fast = best(conv_forward_naive), best(conv_forward_fast)
    assert fast * 3 < naive, (
        f"conv_forward_fast took {fast * 1e3:.1f} ms, the loops {naive * 1e3:.1f} ms: "
        "no Python loop over output pixels (the grader asks for a large speed-up)"
    )


@pytest.mark.exercise("connection_counts")
def test_connection_counts_of_one_3x3_filter_on_a_5x5_image():
    counts = connection_counts((1, 5, 5), num_filters=1, filter_size=3)
    # 3 x 3 outputs, each sees 9 inputs; the dense layer joins all 25 inputs to all 9 outputs
    assert counts["conv"] == {"parameters": 10, "connections": 81}, "9 shared weights and 1 bias; 81 edges"
    assert counts["local"] == {"parameters": 90, "connections": 81}, "a filter and a bias per output unit"
    assert counts["dense"] == {"parameters": 234, "connections": 225}, "25 x 9 weights and 9 biases"
