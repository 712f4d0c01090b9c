"""Hidden suite for ch5/conv.py.

1-D formulas against numpy's; the layer's outputs against the reference for
every stride in 1..3 and pad in 0..3, non-square inputs and kernels, batch
of one, sizes that leave rows over; gradients against autograd (a forward
written with autograd.numpy, one strided slice per kernel offset) and
against central differences of the reference; fast equals naive; fast is
actually fast; inputs and dout left unmodified.
"""

import time

import autograd.numpy as anp
import numpy as np
import pytest

from grader.testing import (
    autograd_vjp,
    check_close,
    check_forward_shape,
    check_scalar,
    check_unchanged,
    fail,
    implementation_of,
    numerical_gradient,
    reference,
    run_forward,
    snapshot,
    unpack_tuple,
)

conv = implementation_of("ch5.conv")
ref = reference("ch5.conv")

# ---------------------------------------------------------------- 1-D formulas

SIGNALS = [(1, 1), (5, 1), (6, 3), (9, 4), (7, 7)]  # (signal length, kernel length)


def signal_and_kernel(length, size, seed):
    rng = np.random.default_rng(seed)
    return rng.normal(size=length), rng.normal(size=size)


@pytest.mark.exercise("convolve1d", points=1)
@pytest.mark.parametrize("length,size", SIGNALS)
def test_convolve1d_is_the_valid_part_of_the_convolution(conv, length, size):
    signal, kernel = signal_and_kernel(length, size, seed=length * 10 + size)
    copies = snapshot(signal, kernel)
    out = conv.convolve1d(signal, kernel)
    check_unchanged([signal, kernel], copies, "convolve1d")
    check_close(out, np.convolve(signal, kernel, mode="valid"), f"convolve1d of lengths {length} and {size}")


@pytest.mark.exercise("cross_correlate1d", points=1)
@pytest.mark.parametrize("length,size", SIGNALS)
def test_cross_correlate1d_is_the_valid_part_of_the_correlation(conv, length, size):
    signal, kernel = signal_and_kernel(length, size, seed=length * 10 + size + 1)
    copies = snapshot(signal, kernel)
    out = conv.cross_correlate1d(signal, kernel)
    check_unchanged([signal, kernel], copies, "cross_correlate1d")
    check_close(out, np.correlate(signal, kernel, mode="valid"), f"cross_correlate1d of lengths {length} and {size}")


# ---------------------------------------------------------------- the layer

COMBOS = [(stride, pad) for stride in (1, 2, 3) for pad in (0, 1, 2, 3)]
# (x shape, w shape): batch of one, non-square images and kernels, 1x1 kernels, kernel as large as the image
SHAPES = [
    ((1, 1, 5, 5), (1, 1, 3, 3)),
    ((2, 3, 6, 4), (2, 3, 1, 3)),
    ((1, 2, 4, 7), (3, 2, 4, 2)),
    ((3, 1, 5, 6), (2, 1, 5, 6)),
    ((2, 2, 3, 3), (4, 2, 1, 1)),
]


def conv_inputs(x_shape, w_shape, seed):
    rng = np.random.default_rng(seed)
    return rng, [rng.normal(size=x_shape), rng.normal(size=w_shape), rng.normal(size=w_shape[0])]


def conv_autograd(x, w, b, conv_param):
    """The convolution in autograd.numpy: one strided slice of the padded input per kernel offset."""
    stride, pad = conv_param["stride"], conv_param["pad"]
    _, _, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out, W_out = 1 + (H + 2 * pad - HH) // stride, 1 + (W + 2 * pad - WW) // stride
    xpad = anp.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), mode="constant")
    out = anp.reshape(b, (1, F, 1, 1))
    for p in range(HH):
        for q in range(WW):
            patch = xpad[:, :, p : p + stride * (H_out - 1) + 1 : stride, q : q + stride * (W_out - 1) + 1 : stride]
            out = out + anp.einsum("nchw,fc->nfhw", patch, w[:, :, p, q])
    return out


def check_conv_backward(module, kind, inputs, conv_param, rng, rtol=1e-6):
    """{kind} backward of ``module`` against autograd's vector-Jacobian products; returns (grads, dout)."""
    forward, backward = f"conv_forward_{kind}", f"conv_backward_{kind}"
    out, cache = run_forward(module, forward, inputs, (conv_param,))
    check_forward_shape(out, np.shape(conv_autograd(inputs[0], inputs[1], inputs[2], conv_param)), forward, backward)
    dout = rng.normal(size=out.shape)
    dout_copy = dout.copy()
    grads = unpack_tuple(getattr(module, backward)(dout, cache), 3, backward)
    check_unchanged([dout], [dout_copy], backward)
    for index, (grad, name) in enumerate(zip(grads, ["dx", "dw", "db"])):
        expected = autograd_vjp(lambda x, w, b: conv_autograd(x, w, b, conv_param), inputs, index, dout)
        check_close(grad, expected, f"{backward}: {name} with conv_param={conv_param}", rtol=rtol)
    return grads, dout


def describe(x, w, conv_param):
    return f"x {x.shape}, w {w.shape}, stride {conv_param['stride']}, pad {conv_param['pad']}"


@pytest.mark.exercise("conv_forward_naive", points=1)
@pytest.mark.parametrize("stride,pad", COMBOS)
def test_conv_forward_naive_every_stride_and_pad(conv, stride, pad):
    _, (x, w, b) = conv_inputs((2, 2, 7, 6), (3, 2, 3, 2), seed=100 + 4 * stride + pad)
    conv_param = {"stride": stride, "pad": pad}
    out, _ = run_forward(conv, "conv_forward_naive", [x, w, b], (conv_param,))
    check_close(
        out,
        ref.conv_forward_naive(x, w, b, conv_param)[0],
        f"conv_forward_naive output for {describe(x, w, conv_param)}",
    )


@pytest.mark.exercise("conv_forward_naive", points=1)
@pytest.mark.parametrize("x_shape,w_shape", SHAPES)
def test_conv_forward_naive_shapes(conv, x_shape, w_shape):
    _, (x, w, b) = conv_inputs(x_shape, w_shape, seed=110)
    conv_param = {"stride": 1, "pad": 1}
    out, _ = run_forward(conv, "conv_forward_naive", [x, w, b], (conv_param,))
    check_close(
        out,
        ref.conv_forward_naive(x, w, b, conv_param)[0],
        f"conv_forward_naive output for {describe(x, w, conv_param)}",
    )


@pytest.mark.exercise("conv_backward_naive", points=1)
@pytest.mark.parametrize("stride,pad", COMBOS)
def test_conv_backward_naive_every_stride_and_pad(conv, stride, pad):
    rng, inputs = conv_inputs((2, 2, 6, 5), (2, 2, 3, 2), seed=120 + 4 * stride + pad)
    check_conv_backward(conv, "naive", inputs, {"stride": stride, "pad": pad}, rng)


@pytest.mark.exercise("conv_backward_naive", points=1)
@pytest.mark.parametrize("x_shape,w_shape", SHAPES)
def test_conv_backward_naive_shapes(conv, x_shape, w_shape):
    rng, inputs = conv_inputs(x_shape, w_shape, seed=130)
    check_conv_backward(conv, "naive", inputs, {"stride": 2, "pad": 1}, rng)


@pytest.mark.exercise("conv_backward_naive", points=1)
def test_conv_backward_naive_matches_central_differences(conv):
    rng, (x, w, b) = conv_inputs((2, 2, 5, 4), (3, 2, 3, 2), seed=140)
    conv_param = {"stride": 2, "pad": 2}
    grads, dout = check_conv_backward(conv, "naive", [x, w, b], conv_param, rng)
    forward = lambda *v: ref.conv_forward_fast(*v, conv_param)[0]  # noqa: E731
    expected = [
        numerical_gradient(lambda v: forward(v, w, b), x, dout),
        numerical_gradient(lambda v: forward(x, v, b), w, dout),
        numerical_gradient(lambda v: forward(x, w, v), b, dout),
    ]
    for grad, numeric, name in zip(grads, expected, ["dx", "dw", "db"]):
        check_close(grad, numeric, f"conv_backward_naive: {name} against central differences", rtol=1e-5)


@pytest.mark.exercise("conv_forward_fast", points=1)
@pytest.mark.parametrize("stride,pad", COMBOS)
def test_conv_forward_fast_equals_naive_every_stride_and_pad(conv, stride, pad):
    _, (x, w, b) = conv_inputs((3, 2, 8, 7), (4, 2, 2, 3), seed=150 + 4 * stride + pad)
    conv_param = {"stride": stride, "pad": pad}
    out, _ = run_forward(conv, "conv_forward_fast", [x, w, b], (conv_param,))
    check_close(
        out,
        ref.conv_forward_naive(x, w, b, conv_param)[0],
        f"conv_forward_fast output (must equal the naive one) for {describe(x, w, conv_param)}",
    )


@pytest.mark.exercise("conv_forward_fast", points=1)
@pytest.mark.parametrize("x_shape,w_shape", SHAPES)
def test_conv_forward_fast_shapes(conv, x_shape, w_shape):
    _, (x, w, b) = conv_inputs(x_shape, w_shape, seed=160)
    conv_param = {"stride": 2, "pad": 0}
    out, _ = run_forward(conv, "conv_forward_fast", [x, w, b], (conv_param,))
    check_close(
        out,
        ref.conv_forward_naive(x, w, b, conv_param)[0],
        f"conv_forward_fast output for {describe(x, w, conv_param)}",
    )


@pytest.mark.exercise("conv_backward_fast", points=1)
@pytest.mark.parametrize("stride,pad", COMBOS)
def test_conv_backward_fast_every_stride_and_pad(conv, stride, pad):
    rng, inputs = conv_inputs((2, 3, 7, 6), (2, 3, 3, 2), seed=170 + 4 * stride + pad)
    check_conv_backward(conv, "fast", inputs, {"stride": stride, "pad": pad}, rng)


@pytest.mark.exercise("conv_backward_fast", points=1)
@pytest.mark.parametrize("x_shape,w_shape", SHAPES)
def test_conv_backward_fast_shapes(conv, x_shape, w_shape):
    rng, inputs = conv_inputs(x_shape, w_shape, seed=180)
    check_conv_backward(conv, "fast", inputs, {"stride": 1, "pad": 2}, rng)


@pytest.mark.exercise("conv_backward_fast", points=1)
def test_conv_backward_fast_matches_central_differences(conv):
    rng, (x, w, b) = conv_inputs((1, 3, 6, 5), (2, 3, 2, 3), seed=190)
    conv_param = {"stride": 3, "pad": 1}
    grads, dout = check_conv_backward(conv, "fast", [x, w, b], conv_param, rng)
    forward = lambda *v: ref.conv_forward_fast(*v, conv_param)[0]  # noqa: E731
    expected = [
        numerical_gradient(lambda v: forward(v, w, b), x, dout),
        numerical_gradient(lambda v: forward(x, v, b), w, dout),
        numerical_gradient(lambda v: forward(x, w, v), b, dout),
    ]
    for grad, numeric, name in zip(grads, expected, ["dx", "dw", "db"]):
        check_close(grad, numeric, f"conv_backward_fast: {name} against central differences", rtol=1e-5)


def best_time(call, repeats=3):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times)


SPEEDUP = 5  # the reference's im2col is 50x or more faster than its naive loop on this input

# The yardstick is the reference's naive loop, never the student's: a slow naive of the student's would
# otherwise flatter any fast. So a conv_forward_naive that calls the student's fast code scores like one
# with loops, and that is deliberate: naive is graded on what it computes (outputs, gradients), not on
# how it is written.


@pytest.mark.exercise("conv_backward_fast", points=2)  # times forward and backward: the later exercise
def test_conv_fast_is_much_faster_than_the_naive_loops(conv):
    # 16 filters: graded through the isolated worker, moving x, out, dout and the cache costs the fast
    # pair ~10 ms; the naive loop's cost grows with the filters, so the ratio stays about the computation
    _, (x, w, b) = conv_inputs((4, 3, 16, 16), (16, 3, 3, 3), seed=200)
    conv_param = {"stride": 1, "pad": 1}
    naive = best_time(lambda: ref.conv_forward_naive(x, w, b, conv_param))

    def fast_forward_and_backward():
        out, cache = conv.conv_forward_fast(x, w, b, conv_param)
        conv.conv_backward_fast(np.ones(np.shape(out)), cache)

    fast = best_time(fast_forward_and_backward, repeats=7)  # the quickest of many: a busy machine or worker
    if fast * SPEEDUP > naive:
        fail(
            f"conv_forward_fast + conv_backward_fast take {fast * 1e3:.1f} ms on x (4, 3, 16, 16), w (16, 3, 3, 3), "
            f"not {SPEEDUP}x less than a naive forward alone ({naive * 1e3:.1f} ms): no Python loop over output pixels"
        )


# ---------------------------------------------------------------- connection_counts


def counted_by_hand(input_shape, num_filters, filter_size, stride):
    """Connections counted edge by edge: every (input, output) pair inside an output's window."""
    C, H, W = input_shape
    H_out, W_out = 1 + (H - filter_size) // stride, 1 + (W - filter_size) // stride
    edges = 0
    for i in range(H_out):
        for j in range(W_out):
            rows = range(i * stride, i * stride + filter_size)
            cols = range(j * stride, j * stride + filter_size)
            edges += C * sum(1 for r in rows for c in cols if r < H and c < W)
    outputs = num_filters * H_out * W_out
    sparse = num_filters * edges
    return {
        "conv": {"parameters": num_filters * (C * filter_size**2 + 1), "connections": sparse},
        "local": {"parameters": sparse + outputs, "connections": sparse},
        "dense": {"parameters": C * H * W * outputs + outputs, "connections": C * H * W * outputs},
    }


@pytest.mark.exercise("connection_counts", points=1)
@pytest.mark.parametrize(
    "input_shape,num_filters,filter_size,stride",
    [((1, 5, 5), 1, 3, 1), ((3, 8, 6), 4, 3, 1), ((2, 7, 7), 5, 2, 2), ((1, 28, 28), 32, 3, 1), ((3, 9, 11), 2, 3, 3)],
)
def test_connection_counts_edge_by_edge(conv, input_shape, num_filters, filter_size, stride):
    expected = counted_by_hand(input_shape, num_filters, filter_size, stride)
    counts = conv.connection_counts(input_shape, num_filters, filter_size, stride)
    what = f"connection_counts({input_shape}, {num_filters}, {filter_size}, stride={stride})"
    if not isinstance(counts, dict) or sorted(counts) != ["conv", "dense", "local"]:
        fail(f"{what}: must return a dict with the keys 'conv', 'local' and 'dense'")
    for layer in ("conv", "local", "dense"):
        for kind in ("parameters", "connections"):
            check_scalar(counts[layer][kind], expected[layer][kind], f"{what}: {layer} {kind}", rtol=0, atol=0)
