"""Hidden suite for ch5/cnn.py.

The conv-relu-pool block against the reference and against autograd for
several convolution and pooling settings; ThreeLayerConvNet's parameter
shapes and initialisation, its scores, loss and gradients against the
reference (same parameters, several sizes, with and without
regularisation) and against central differences; inputs left unmodified.
"""

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
    unpack_pair,
    unpack_tuple,
)

cnn = implementation_of("ch5.cnn")
ref = reference("ch5.cnn")


# The autograd forms repeat test_conv.py's and test_pool.py's on purpose: a hidden module must
# stand alone (it becomes a notebook's hidden cells), and grader.testing ships to students, so an
# autograd convolution cannot live there without handing out the answer.
def conv_autograd(x, w, b, conv_param):
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


def max_pool_autograd(x, pool_param):
    ph, pw, stride = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    _, _, H, W = x.shape
    H_out, W_out = 1 + (H - ph) // stride, 1 + (W - pw) // stride
    return anp.max(
        anp.stack(
            [
                x[:, :, p : p + stride * (H_out - 1) + 1 : stride, q : q + stride * (W_out - 1) + 1 : stride]
                for p in range(ph)
                for q in range(pw)
            ]
        ),
        axis=0,
    )


def block_autograd(x, w, b, conv_param, pool_param):
    return max_pool_autograd(anp.maximum(0, conv_autograd(x, w, b, conv_param)), pool_param)


# (x shape, w shape, conv_param, pool_param). No window of the convolution lies in the padding alone: its
# output would be b exactly, and equal maxima in one pooling window leave the gradient's route undefined
# (max_pool_backward_naive's docstring promises no ties).
BLOCKS = [
    ((2, 3, 6, 6), (4, 3, 3, 3), {"stride": 1, "pad": 1}, {"pool_height": 2, "pool_width": 2, "stride": 2}),
    ((1, 2, 7, 5), (3, 2, 3, 3), {"stride": 1, "pad": 1}, {"pool_height": 2, "pool_width": 2, "stride": 2}),
    ((2, 1, 8, 7), (2, 1, 3, 2), {"stride": 2, "pad": 1}, {"pool_height": 2, "pool_width": 2, "stride": 1}),
    ((2, 2, 9, 6), (3, 2, 5, 3), {"stride": 1, "pad": 2}, {"pool_height": 3, "pool_width": 2, "stride": 2}),
]


def block_inputs(x_shape, w_shape, seed):
    rng = np.random.default_rng(seed)
    return rng, [rng.normal(size=x_shape), rng.normal(size=w_shape), 0.1 * rng.normal(size=w_shape[0])]


@pytest.mark.exercise("conv_relu_pool_forward", points=1)
@pytest.mark.parametrize("x_shape,w_shape,conv_param,pool_param", BLOCKS)
def test_conv_relu_pool_forward_matches_reference(cnn, x_shape, w_shape, conv_param, pool_param):
    _, inputs = block_inputs(x_shape, w_shape, seed=1)
    out, _ = run_forward(cnn, "conv_relu_pool_forward", inputs, (conv_param, pool_param))
    check_close(
        out,
        ref.conv_relu_pool_forward(*inputs, conv_param, pool_param)[0],
        f"conv_relu_pool_forward output for x {x_shape}, w {w_shape}, {conv_param}, {pool_param}",
    )


@pytest.mark.exercise("conv_relu_pool_backward", points=1)
@pytest.mark.parametrize("x_shape,w_shape,conv_param,pool_param", BLOCKS)
def test_conv_relu_pool_backward_matches_autograd(cnn, x_shape, w_shape, conv_param, pool_param):
    rng, inputs = block_inputs(x_shape, w_shape, seed=2)
    out, cache = run_forward(cnn, "conv_relu_pool_forward", inputs, (conv_param, pool_param))
    expected_shape = np.shape(block_autograd(inputs[0], inputs[1], inputs[2], conv_param, pool_param))
    check_forward_shape(out, expected_shape, "conv_relu_pool_forward", "conv_relu_pool_backward")
    dout = rng.normal(size=out.shape)
    dout_copy = dout.copy()
    grads = unpack_tuple(cnn.conv_relu_pool_backward(dout, cache), 3, "conv_relu_pool_backward")
    check_unchanged([dout], [dout_copy], "conv_relu_pool_backward")
    for index, (grad, name) in enumerate(zip(grads, ["dx", "dw", "db"])):
        expected = autograd_vjp(lambda x, w, b: block_autograd(x, w, b, conv_param, pool_param), inputs, index, dout)
        check_close(grad, expected, f"conv_relu_pool_backward: {name} for x {x_shape}, w {w_shape}")


# ---------------------------------------------------------------- ThreeLayerConvNet

# constructor arguments; input_dim non-square and odd, one channel or three, filter sizes 1, 3, 5
NETS = [
    {"input_dim": (1, 8, 8), "num_filters": 4, "filter_size": 3, "hidden_dim": 10, "num_classes": 10},
    {"input_dim": (3, 6, 5), "num_filters": 2, "filter_size": 5, "hidden_dim": 7, "num_classes": 3},
    {"input_dim": (2, 7, 4), "num_filters": 3, "filter_size": 1, "hidden_dim": 5, "num_classes": 4},
]
NET_IDS = ["digits-like", "non-square-5x5-filters", "odd-height-1x1-filters"]


def expected_shapes(input_dim, num_filters, filter_size, hidden_dim, num_classes):
    C, H, W = input_dim
    return {
        "W1": (num_filters, C, filter_size, filter_size),
        "b1": (num_filters,),
        "W2": (num_filters * (H // 2) * (W // 2), hidden_dim),
        "b2": (hidden_dim,),
        "W3": (hidden_dim, num_classes),
        "b3": (num_classes,),
    }


def random_params(arguments, seed, scale=0.5):
    rng = np.random.default_rng(seed)
    return {name: scale * rng.normal(size=shape) for name, shape in sorted(expected_shapes(**arguments).items())}


def net_data(arguments, n, seed):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, *arguments["input_dim"])), rng.integers(arguments["num_classes"], size=n)


def student_params(net, arguments):
    params = net.params
    shapes = expected_shapes(**arguments)
    if sorted(params) != sorted(shapes):
        fail(f"ThreeLayerConvNet.params: keys {sorted(params)}, expected {sorted(shapes)}")
    return params


@pytest.mark.exercise("ThreeLayerConvNet", points=1)
@pytest.mark.parametrize("arguments", NETS, ids=NET_IDS)
def test_parameter_shapes_and_initialisation(cnn, arguments):
    net = cnn.ThreeLayerConvNet(**arguments, weight_scale=0.1, seed=3)
    params = student_params(net, arguments)
    for name, shape in expected_shapes(**arguments).items():
        value = np.asarray(params[name])
        if value.shape != shape:
            fail(f"ThreeLayerConvNet.params['{name}']: shape {value.shape}, expected {shape}")
        if name.startswith("b") and np.any(value != 0):
            fail(f"ThreeLayerConvNet.params['{name}']: biases must start at zero")


@pytest.mark.exercise("ThreeLayerConvNet", points=1)
def test_weights_are_weight_scale_times_standard_normal_and_seeded(cnn):
    arguments = {"input_dim": (3, 10, 10), "num_filters": 16, "filter_size": 5, "hidden_dim": 40, "num_classes": 10}
    first = cnn.ThreeLayerConvNet(**arguments, weight_scale=0.02, seed=5).params
    again = cnn.ThreeLayerConvNet(**arguments, weight_scale=0.02, seed=5).params
    other = cnn.ThreeLayerConvNet(**arguments, weight_scale=0.02, seed=6).params
    for name in ("W1", "W2"):  # large enough for a statistical check
        std = float(np.std(first[name]))
        if not 0.018 < std < 0.022 or abs(float(np.mean(first[name]))) > 0.003:
            fail(
                f"ThreeLayerConvNet.params['{name}'] must be weight_scale * N(0, 1): "
                f"std {std:.4f} for weight_scale 0.02"
            )
    for name in ("W1", "W2", "W3"):
        check_close(again[name], first[name], f"ThreeLayerConvNet.params['{name}'] with the same seed twice")
        if np.allclose(other[name], first[name]):
            fail(
                f"ThreeLayerConvNet.params['{name}'] is the same for seeds 5 and 6: "
                "draw from np.random.default_rng(seed)"
            )


@pytest.mark.exercise("ThreeLayerConvNet", points=1)
@pytest.mark.parametrize("arguments", NETS, ids=NET_IDS)
def test_scores_match_reference(cnn, arguments):
    params = random_params(arguments, seed=7)
    X, _ = net_data(arguments, n=3, seed=8)
    net = cnn.ThreeLayerConvNet(**arguments)
    net.params = dict(params)
    copies = snapshot(X)
    scores = net.loss(X)
    check_unchanged([X], copies, "ThreeLayerConvNet.loss")
    expected_net = ref.ThreeLayerConvNet(**arguments)
    expected_net.params = dict(params)
    check_close(scores, expected_net.loss(X), "ThreeLayerConvNet.loss(X): scores")


@pytest.mark.exercise("ThreeLayerConvNet", points=1)
@pytest.mark.parametrize("reg", [0.0, 0.3])
@pytest.mark.parametrize("arguments", NETS, ids=NET_IDS)
def test_loss_and_gradients_match_reference(cnn, arguments, reg):
    params = random_params(arguments, seed=9)
    X, y = net_data(arguments, n=4, seed=10)
    net = cnn.ThreeLayerConvNet(**arguments, reg=reg)
    net.params = dict(params)
    copies = snapshot(X, y)
    loss, grads = unpack_pair(net.loss(X, y), "ThreeLayerConvNet.loss(X, y)")
    check_unchanged([X, y], copies, "ThreeLayerConvNet.loss")
    expected_net = ref.ThreeLayerConvNet(**arguments, reg=reg)
    expected_net.params = dict(params)
    expected_loss, expected_grads = expected_net.loss(X, y)
    check_scalar(loss, expected_loss, f"ThreeLayerConvNet loss with reg={reg}")
    if not isinstance(grads, dict) or sorted(grads) != sorted(params):
        fail(f"ThreeLayerConvNet.loss: grads must be a dict with keys {sorted(params)}")
    for name in sorted(params):
        check_close(grads[name], expected_grads[name], f"ThreeLayerConvNet gradient of {name} with reg={reg}")


@pytest.mark.exercise("ThreeLayerConvNet", points=2)
def test_gradients_match_central_differences(cnn):
    arguments = NETS[1]
    params = random_params(arguments, seed=11)
    X, y = net_data(arguments, n=2, seed=12)
    net = cnn.ThreeLayerConvNet(**arguments, reg=0.2)
    net.params = dict(params)
    _, grads = unpack_pair(net.loss(X, y), "ThreeLayerConvNet.loss(X, y)")
    expected_net = ref.ThreeLayerConvNet(**arguments, reg=0.2)
    for name in sorted(params):

        def loss_of(value, name=name):
            expected_net.params = {**params, name: value}
            return expected_net.loss(X, y)[0]

        check_close(
            grads[name],
            numerical_gradient(loss_of, params[name]),
            f"ThreeLayerConvNet gradient of {name}",
            rtol=1e-5,
            atol=1e-7,
        )
