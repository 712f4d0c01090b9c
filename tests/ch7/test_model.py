"""Hidden suite for ch7/model.py.

Layers one by one against formulas, autograd and the earlier chapters'
reference functions (channels-last images with three channels, 'same' and
strided convolutions, overlapping pools, both LSTM output modes); losses with
clipping; Keras 1's optimiser rules and defaults over three steps; the model:
parameter counts of the book's listings, predict against the reference
functions composed on get_weights(), one sgd step against autograd, every
optimiser string over three steps with one state per parameter array, batches
(the last partial one included), validation taken from the end, dropout only
in training, seeds; EarlyStopping; to_categorical and pad_sequences.
"""

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import grad

from grader.testing import (
    autograd_vjp,
    check_close,
    check_forward_shape,
    check_scalar,
    check_unchanged,
    fail,
    implementation_of,
    reference,
    snapshot,
    unpack_pair,
)

keras = implementation_of("ch7.model")
ref_layers = reference("ch3.layers")
ref_conv = reference("ch5.conv")
ref_lstm = reference("ch6.lstm")

NAMES = ["linear", "sigmoid", "hard_sigmoid", "tanh", "relu", "softmax"]


# ---------------------------------------------------------------- oracles (autograd-friendly)


def act(name, x):
    if name == "linear":
        return x
    if name == "sigmoid":
        return 1 / (1 + anp.exp(-x))
    if name == "hard_sigmoid":
        return anp.clip(0.2 * x + 0.5, 0.0, 1.0)
    if name == "tanh":
        return anp.tanh(x)
    if name == "relu":
        return anp.maximum(x, 0.0)
    e = anp.exp(x - anp.max(x, axis=-1, keepdims=True))
    return e / anp.sum(e, axis=-1, keepdims=True)


def kink_free(rng, shape, scale=2.0):
    """Normal values away from relu's kink at 0 and hard_sigmoid's at +-2.5."""
    x = rng.normal(size=shape) * scale
    x = np.where(np.abs(x) < 0.1, 0.3, x)
    return np.where(np.abs(np.abs(x) - 2.5) < 0.1, 1.0, x)


def same_pads(size, kernel, stride, padding):
    if padding == "valid":
        return (0, 0), 1 + (size - kernel) // stride
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return (total // 2, total - total // 2), out


def conv_nhwc(x, W, b, stride=1, padding="valid"):
    kh, kw, _, _ = W.shape
    (ph, H_out), (pw, W_out) = same_pads(x.shape[1], kh, stride, padding), same_pads(x.shape[2], kw, stride, padding)
    xp = anp.pad(x, ((0, 0), ph, pw, (0, 0)), mode="constant")
    out = b
    for p in range(kh):
        for q in range(kw):
            patch = xp[:, p : p + stride * (H_out - 1) + 1 : stride, q : q + stride * (W_out - 1) + 1 : stride, :]
            out = out + anp.einsum("nhwc,cf->nhwf", patch, W[p, q])
    return out


def conv_by_reference(x, W, b, stride=1, padding="valid"):
    """Chapter 5's reference convolution on channels-last data: axes moved, never reshaped."""
    (ph, _), (pw, _) = (
        same_pads(x.shape[1], W.shape[0], stride, padding),
        same_pads(x.shape[2], W.shape[1], stride, padding),
    )
    xp = np.pad(x, ((0, 0), ph, pw, (0, 0)))
    out, _ = ref_conv.conv_forward_fast(
        xp.transpose(0, 3, 1, 2), W.transpose(3, 2, 0, 1), b, {"stride": stride, "pad": 0}
    )
    return out.transpose(0, 2, 3, 1)


def max_pool_nhwc(x, pool, stride):
    ph, pw = pool
    H_out, W_out = 1 + (x.shape[1] - ph) // stride, 1 + (x.shape[2] - pw) // stride
    windows = [
        x[:, p : p + stride * (H_out - 1) + 1 : stride, q : q + stride * (W_out - 1) + 1 : stride, :]
        for p in range(ph)
        for q in range(pw)
    ]
    return anp.max(anp.stack(windows), axis=0)


def bce(p, y):
    q = anp.clip(p, 1e-7, 1 - 1e-7)
    return -anp.mean(y * anp.log(q) + (1 - y) * anp.log(1 - q))


def cce(p, y):
    return -anp.sum(y * anp.log(anp.clip(p, 1e-7, 1 - 1e-7))) / p.shape[0]


def mse(p, y):
    return anp.mean((p - y) ** 2)


KERAS = {
    "sgd": {"lr": 0.01},
    "rmsprop": {"lr": 1e-3, "rho": 0.9},
    "adagrad": {"lr": 0.01},
    "adadelta": {"lr": 1.0, "rho": 0.95},
    "adam": {"lr": 1e-3, "b1": 0.9, "b2": 0.999},
    "adamax": {"lr": 2e-3, "b1": 0.9, "b2": 0.999},
    "nadam": {"lr": 2e-3, "b1": 0.9, "b2": 0.999},
}


def keras_step(name, w, g, state, **hyper):
    """One step of Keras 1's rule ``name`` (Adam in chapter 8's form); ``state`` is updated in place."""
    h = {**KERAS[name], "eps": 1e-8, **hyper}
    t = state["t"] = state.get("t", 0) + 1
    zero = np.zeros_like(w)
    if name == "sgd":
        return w - h["lr"] * g
    if name == "rmsprop":
        a = state["a"] = h["rho"] * state.get("a", zero) + (1 - h["rho"]) * g**2
        return w - h["lr"] * g / (np.sqrt(a) + h["eps"])
    if name == "adagrad":
        a = state["a"] = state.get("a", zero) + g**2
        return w - h["lr"] * g / (np.sqrt(a) + h["eps"])
    if name == "adadelta":
        a = state["a"] = h["rho"] * state.get("a", zero) + (1 - h["rho"]) * g**2
        step = g * np.sqrt(state.get("d", zero) + h["eps"]) / np.sqrt(a + h["eps"])
        state["d"] = h["rho"] * state.get("d", zero) + (1 - h["rho"]) * step**2
        return w - h["lr"] * step
    m = state["m"] = h["b1"] * state.get("m", zero) + (1 - h["b1"]) * g
    if name == "adam":
        v = state["v"] = h["b2"] * state.get("v", zero) + (1 - h["b2"]) * g**2
        return w - h["lr"] * (m / (1 - h["b1"] ** t)) / (np.sqrt(v / (1 - h["b2"] ** t)) + h["eps"])
    if name == "adamax":
        u = state["u"] = np.maximum(h["b2"] * state.get("u", zero), np.abs(g))
        return w - h["lr"] / (1 - h["b1"] ** t) * m / (u + h["eps"])
    v = state["v"] = h["b2"] * state.get("v", zero) + (1 - h["b2"]) * g**2
    mu_t, mu_next = (h["b1"] * (1 - 0.5 * 0.96 ** (k * 0.004)) for k in (t, t + 1))
    schedule = state["schedule"] = state.get("schedule", 1.0) * mu_t
    m_bar = (1 - mu_t) * g / (1 - schedule) + mu_next * m / (1 - schedule * mu_next)
    return w - h["lr"] * m_bar / (np.sqrt(v / (1 - h["b2"] ** t)) + h["eps"])


# ---------------------------------------------------------------- layer helpers


def built_layer(layer, input_shape, seed=0):
    output_shape = layer.build(input_shape, np.random.default_rng(seed))
    return layer, tuple(output_shape)


def forward(layer, x, what, **kwargs):
    copy = snapshot(x)
    out, cache = unpack_pair(layer.forward(x, **kwargs), f"{what}.forward")
    check_unchanged([x], copy, f"{what}.forward", ["x"])
    return out, cache


def backward(layer, dout, cache, what):
    """(dx, grads) of ``layer.backward``, which must leave dout unchanged (expected values are computed from it)."""
    copy = snapshot(dout)
    result = unpack_pair(layer.backward(dout, cache), what)
    check_unchanged([dout], copy, what, ["dout"])
    return result


def check_layer_backward(layer, x, params, autograd_forward, rng, what, names):
    """dx and every parameter gradient of ``layer`` against autograd's VJPs of autograd_forward(x, *params)."""
    layer.params = params
    out, cache = forward(layer, x, what)
    check_forward_shape(out, np.shape(autograd_forward(x, *params)), f"{what}.forward", f"{what}.backward")
    dout = rng.normal(size=np.shape(out))
    result = backward(layer, dout, cache, f"{what}.backward")
    dx, grads = result[0], list(result[1])
    if len(grads) != len(params):
        fail(f"{what}.backward: {len(grads)} parameter gradients, expected {len(params)}")
    inputs = [x, *params]
    for index, (value, name) in enumerate(zip([dx, *grads], names)):
        check_close(value, autograd_vjp(autograd_forward, inputs, index, dout), f"{what}.backward: {name}")


def check_glorot(weights, fan_in, fan_out, what):
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    if np.abs(weights).max() > limit:
        fail(f"{what}: weights outside the Glorot-uniform limit sqrt(6 / (fan_in + fan_out))")
    if weights.size >= 2000 and abs(np.std(weights) / (limit / np.sqrt(3)) - 1) > 0.05:
        fail(f"{what}: weights do not spread like U(-limit, limit) with limit = sqrt(6 / (fan_in + fan_out))")


# ---------------------------------------------------------------- Activation


@pytest.mark.exercise("Activation", points=1)
@pytest.mark.parametrize("name", NAMES)
def test_activation_forward(keras, name):
    rng = np.random.default_rng(10)
    for shape in [(4, 5), (2, 3, 4)]:
        x = kink_free(rng, shape)
        out, _ = forward(keras.Activation(name), x, f"Activation('{name}')")
        check_close(out, act(name, x), f"Activation('{name}') output for shape {shape}")


@pytest.mark.exercise("Activation", points=1)
@pytest.mark.parametrize("name", NAMES)
def test_activation_backward_matches_autograd(keras, name):
    rng = np.random.default_rng(11)
    x = kink_free(rng, (3, 6), scale=2.5)
    layer = keras.Activation(activation=name)
    check_layer_backward(layer, x, [], lambda v: act(name, v), rng, f"Activation('{name}')", ["dx"])


# ---------------------------------------------------------------- Dense


@pytest.mark.exercise("Dense", points=1)
@pytest.mark.parametrize("fan_in,units", [(4, 3), (200, 100)])
def test_dense_build(keras, fan_in, units):
    layer, output_shape = built_layer(keras.Dense(units, input_dim=fan_in), (fan_in,), seed=1)
    if output_shape != (units,):
        fail(f"Dense({units}).build returned {output_shape}, expected ({units},)")
    params = [np.asarray(p) for p in layer.params]
    if [p.shape for p in params] != [(fan_in, units), (units,)]:
        fail(f"Dense params have shapes {[p.shape for p in params]}, expected [W (D, units), b (units,)]")
    if np.any(params[1] != 0):
        fail("Dense: biases must start at zero")
    check_glorot(params[0], fan_in, units, "Dense")
    other, _ = built_layer(keras.Dense(units), (fan_in,), seed=2)
    if np.allclose(other.params[0], params[0]):
        fail("Dense: weights must be drawn from the rng given to build")


@pytest.mark.exercise("Dense", points=1)
@pytest.mark.parametrize(
    "name,shape", [("linear", (5, 4)), ("relu", (3, 4)), ("tanh", (1, 4)), ("sigmoid", (2, 2, 2)), ("softmax", (4, 4))]
)
def test_dense_forward(keras, name, shape):
    rng = np.random.default_rng(12)
    layer, _ = built_layer(keras.Dense(3, activation=name), shape[1:])
    W, b = rng.normal(size=(4, 3)), rng.normal(size=3)
    layer.params = [W, b]
    x = kink_free(rng, shape)
    out, _ = forward(layer, x, "Dense")
    check_close(out, act(name, x.reshape(len(x), -1) @ W + b), f"Dense(3, activation='{name}') output, x {shape}")


@pytest.mark.exercise("Dense", points=1)
@pytest.mark.parametrize(
    "name,shape", [("linear", (4, 5)), ("tanh", (3, 5)), ("sigmoid", (1, 5)), ("softmax", (2, 5)), ("relu", (3, 5))]
)
def test_dense_backward_matches_autograd(keras, name, shape):
    rng = np.random.default_rng(13)
    layer, _ = built_layer(keras.Dense(4, activation=name), shape[1:])
    params = [rng.normal(size=(5, 4)), rng.normal(size=4)]
    x = rng.normal(size=shape)
    while np.min(np.abs(x @ params[0] + params[1])) < 0.05:  # keep relu's pre-activations away from its kink
        x = rng.normal(size=shape)
    check_layer_backward(
        layer, x, params, lambda v, W, b: act(name, v @ W + b), rng, f"Dense('{name}')", ["dx", "dW", "db"]
    )


# ---------------------------------------------------------------- Flatten


@pytest.mark.exercise("Flatten", points=1)
@pytest.mark.parametrize("shape", [(3, 2, 2, 3), (1, 4, 5), (2, 3)])
def test_flatten(keras, shape):
    layer, output_shape = built_layer(keras.Flatten(), shape[1:])
    size = int(np.prod(shape[1:]))
    if output_shape != (size,):
        fail(f"Flatten.build for examples of shape {shape[1:]} returned {output_shape}, expected ({size},)")
    x = np.random.default_rng(14).normal(size=shape)
    out, cache = forward(layer, x, "Flatten")
    check_close(out, x.reshape(shape[0], size), f"Flatten output for x {shape}")
    dout = np.random.default_rng(15).normal(size=(shape[0], size))
    dx = backward(layer, dout, cache, "Flatten.backward")[0]
    check_close(dx, dout.reshape(shape), f"Flatten.backward for x {shape}")


# ---------------------------------------------------------------- Dropout


@pytest.mark.exercise("Dropout", points=1)
@pytest.mark.parametrize("rate", [0.1, 0.25, 0.5])
def test_dropout_drops_the_rate_in_training(keras, rate):
    layer, output_shape = built_layer(keras.Dropout(rate), (250,))
    if output_shape != (250,):
        fail("Dropout keeps the shape of its input")
    x = np.ones((400, 250))
    out, cache = forward(layer, x, "Dropout", training=True, rng=np.random.default_rng(16))
    dropped = float(np.mean(np.asarray(out) == 0))
    if abs(dropped - rate) > 0.01:
        fail(f"Dropout({rate}) in training dropped {dropped:.1%} of the units")
    check_close(
        np.asarray(out)[np.asarray(out) != 0],
        np.full(int(np.sum(np.asarray(out) != 0)), 1 / (1 - rate)),
        f"Dropout({rate}): kept units scaled by 1 / (1 - rate)",
    )
    dout = np.random.default_rng(17).normal(size=x.shape)
    dx = backward(layer, dout, cache, "Dropout.backward")[0]
    check_close(dx, dout * np.asarray(out), f"Dropout({rate}).backward in training: the same mask")


@pytest.mark.exercise("Dropout", points=1)
def test_dropout_masks_come_from_the_rng(keras):
    layer, x = keras.Dropout(0.5), np.ones((20, 30))
    first = np.asarray(layer.forward(x, training=True, rng=np.random.default_rng(3))[0])
    again = np.asarray(layer.forward(x, training=True, rng=np.random.default_rng(3))[0])
    other = np.asarray(layer.forward(x, training=True, rng=np.random.default_rng(4))[0])
    if not np.array_equal(first, again):
        fail("Dropout: the same rng state must give the same mask")
    if np.array_equal(first, other):
        fail("Dropout: the mask must come from the rng passed to forward")


@pytest.mark.exercise("Dropout", points=1)
@pytest.mark.parametrize("rate", [0.25, 0.5])
def test_dropout_is_the_identity_outside_training(keras, rate):
    layer = keras.Dropout(rate)
    x = np.random.default_rng(18).normal(size=(6, 7))
    for kwargs in ({}, {"training": False}):
        out, cache = forward(layer, x, "Dropout", **kwargs)
        check_close(out, x, f"Dropout({rate}) outside training")
    dout = np.random.default_rng(19).normal(size=x.shape)
    check_close(
        backward(layer, dout, cache, "Dropout.backward")[0],
        dout,
        f"Dropout({rate}).backward outside training",
    )


# ---------------------------------------------------------------- Conv2D

CONVS = [  # (x shape, filters, kernel, stride, padding, activation)
    ((2, 5, 6, 3), 4, (3, 3), 1, "valid", "linear"),
    ((1, 6, 5, 3), 2, (3, 2), 1, "same", "relu"),
    ((2, 7, 6, 3), 3, (3, 3), 2, "valid", "linear"),
    ((2, 7, 6, 3), 3, (3, 3), 2, "same", "tanh"),
    ((3, 4, 4, 1), 2, (2, 2), 1, "same", "linear"),
]


def conv_case(keras, x_shape, filters, kernel, stride, padding, activation, seed):
    rng = np.random.default_rng(seed)
    layer, output_shape = built_layer(
        keras.Conv2D(filters, kernel, strides=(stride, stride), padding=padding, activation=activation), x_shape[1:]
    )
    params = [rng.normal(size=(*kernel, x_shape[3], filters)), 0.1 * rng.normal(size=filters)]
    return rng, layer, output_shape, params, rng.normal(size=x_shape)


@pytest.mark.exercise("Conv2D", points=1)
@pytest.mark.parametrize("x_shape,filters,kernel,stride,padding,activation", CONVS)
def test_conv2d_build(keras, x_shape, filters, kernel, stride, padding, activation):
    _, layer, output_shape, _, _ = conv_case(keras, x_shape, filters, kernel, stride, padding, activation, 20)
    H_out, W_out = (
        same_pads(x_shape[1], kernel[0], stride, padding)[1],
        same_pads(x_shape[2], kernel[1], stride, padding)[1],
    )
    if output_shape != (H_out, W_out, filters):
        fail(
            f"Conv2D.build for {x_shape[1:]}, kernel {kernel}, stride {stride}, {padding!r}: output shape "
            f"{output_shape}, expected {(H_out, W_out, filters)}"
        )
    params = [np.asarray(p) for p in layer.params]
    if [p.shape for p in params] != [(*kernel, x_shape[3], filters), (filters,)]:
        fail(f"Conv2D params have shapes {[p.shape for p in params]}, expected [(kh, kw, C, filters), (filters,)]")
    if np.any(params[1] != 0):
        fail("Conv2D: biases must start at zero")
    check_glorot(params[0], kernel[0] * kernel[1] * x_shape[3], kernel[0] * kernel[1] * filters, "Conv2D")


@pytest.mark.exercise("Conv2D", points=1)
def test_conv2d_glorot_spread(keras):
    layer, _ = built_layer(keras.Conv2D(32, 3), (8, 8, 16), seed=5)
    check_glorot(np.asarray(layer.params[0]), 9 * 16, 9 * 32, "Conv2D(32, 3) on 16 channels")


@pytest.mark.exercise("Conv2D", points=1)
@pytest.mark.parametrize("x_shape,filters,kernel,stride,padding,activation", CONVS)
def test_conv2d_forward_matches_chapter_5(keras, x_shape, filters, kernel, stride, padding, activation):
    _, layer, _, params, x = conv_case(keras, x_shape, filters, kernel, stride, padding, activation, 21)
    layer.params = params
    out, _ = forward(layer, x, "Conv2D")
    expected = act(activation, conv_by_reference(x, params[0], params[1], stride, padding))
    check_close(
        out, expected, f"Conv2D output for channels-last x {x_shape}, kernel {kernel}, stride {stride}, {padding!r}"
    )


@pytest.mark.exercise("Conv2D", points=1)
@pytest.mark.parametrize("x_shape,filters,kernel,stride,padding,activation", CONVS)
def test_conv2d_backward_matches_autograd(keras, x_shape, filters, kernel, stride, padding, activation):
    rng, layer, _, params, x = conv_case(keras, x_shape, filters, kernel, stride, padding, activation, 22)
    check_layer_backward(
        layer,
        x,
        params,
        lambda v, W, b: act(activation, conv_nhwc(v, W, b, stride, padding)),
        rng,
        f"Conv2D({kernel}, stride {stride}, {padding!r})",
        ["dx", "dW", "db"],
    )


# ---------------------------------------------------------------- MaxPool2D

POOLS = [((2, 7, 6, 3), (2, 2), None), ((1, 6, 6, 2), (3, 3), (2, 2)), ((2, 5, 4, 3), (2, 3), (1, 1))]


@pytest.mark.exercise("MaxPool2D", points=1)
@pytest.mark.parametrize("x_shape,pool,strides", POOLS)
def test_max_pool_forward(keras, x_shape, pool, strides):
    stride = pool[0] if strides is None else strides[0]
    layer, output_shape = built_layer(keras.MaxPool2D(pool_size=pool, strides=strides), x_shape[1:])
    x = np.random.default_rng(23).normal(size=x_shape)
    expected = max_pool_nhwc(x, pool, stride)
    if output_shape != expected.shape[1:]:
        fail(
            f"MaxPool2D.build for {x_shape[1:]}, pool {pool}, strides {strides}: {output_shape}, "
            f"expected {expected.shape[1:]}"
        )
    out, _ = forward(layer, x, "MaxPool2D")
    check_close(out, expected, f"MaxPool2D output for x {x_shape}, pool {pool}, strides {strides}")


@pytest.mark.exercise("MaxPool2D", points=1)
@pytest.mark.parametrize("x_shape,pool,strides", POOLS)
def test_max_pool_backward_matches_autograd(keras, x_shape, pool, strides):
    stride = pool[0] if strides is None else strides[0]
    rng = np.random.default_rng(24)
    layer, _ = built_layer(keras.MaxPool2D(pool_size=pool, strides=strides), x_shape[1:])
    check_layer_backward(
        layer,
        rng.normal(size=x_shape),
        [],
        lambda v: max_pool_nhwc(v, pool, stride),
        rng,
        f"MaxPool2D({pool}, strides {strides})",
        ["dx"],
    )


# ---------------------------------------------------------------- LSTM


@pytest.mark.exercise("LSTM", points=1)
@pytest.mark.parametrize("T,D,H,sequences", [(5, 2, 3, False), (4, 6, 8, True)])
def test_lstm_build(keras, T, D, H, sequences):
    layer, output_shape = built_layer(keras.LSTM(H, return_sequences=sequences), (T, D), seed=6)
    expected = (T, H) if sequences else (H,)
    if output_shape != expected:
        fail(f"LSTM({H}, return_sequences={sequences}).build: output shape {output_shape}, expected {expected}")
    Wx, Wh, b = (np.asarray(p) for p in layer.params)
    if (Wx.shape, Wh.shape, b.shape) != ((D, 4 * H), (H, 4 * H), (4 * H,)):
        fail("LSTM params must be [Wx (D, 4H), Wh (H, 4H), b (4H,)]")
    check_close(b, np.r_[np.zeros(H), np.ones(H), np.zeros(2 * H)], "LSTM initial bias (forget gate 1, others 0)")
    check_glorot(Wx, D, 4 * H, "LSTM Wx")
    for gate in range(4):
        block = Wh[:, gate * H : (gate + 1) * H]
        check_close(block.T @ block, np.eye(H), f"LSTM Wh: gate block {gate} must be orthogonal", atol=1e-8)


def lstm_case(keras, N, T, D, H, sequences, seed):
    rng = np.random.default_rng(seed)
    layer, _ = built_layer(keras.LSTM(H, return_sequences=sequences), (T, D))
    params = [0.5 * rng.normal(size=(D, 4 * H)), 0.5 * rng.normal(size=(H, 4 * H)), 0.3 * rng.normal(size=4 * H)]
    layer.params = params
    return rng, layer, params, rng.normal(size=(N, T, D))


LSTMS = [(3, 5, 2, 3, False), (2, 4, 3, 2, True), (1, 6, 2, 4, False)]


@pytest.mark.exercise("LSTM", points=1)
@pytest.mark.parametrize("N,T,D,H,sequences", LSTMS)
def test_lstm_forward_matches_chapter_6(keras, N, T, D, H, sequences):
    _, layer, params, x = lstm_case(keras, N, T, D, H, sequences, 25)
    out, _ = forward(layer, x, "LSTM")
    h, _ = ref_lstm.lstm_forward(x, np.zeros((N, H)), *params)
    check_close(
        out, h if sequences else h[:, -1], f"LSTM output (N, T, D, H) = {(N, T, D, H)}, return_sequences={sequences}"
    )


@pytest.mark.exercise("LSTM", points=1)
@pytest.mark.parametrize("N,T,D,H,sequences", LSTMS)
def test_lstm_backward_matches_chapter_6(keras, N, T, D, H, sequences):
    rng, layer, params, x = lstm_case(keras, N, T, D, H, sequences, 26)
    out, cache = forward(layer, x, "LSTM")
    dout = rng.normal(size=np.shape(out))
    result = backward(layer, dout, cache, "LSTM.backward")
    dh = dout if sequences else np.concatenate([np.zeros((N, T - 1, H)), dout[:, None, :]], axis=1)
    _, ref_cache = ref_lstm.lstm_forward(x, np.zeros((N, H)), *params)
    dx, _, dWx, dWh, db = ref_lstm.lstm_backward(dh, ref_cache)
    grads = list(result[1])
    if len(grads) != 3:
        fail(f"LSTM.backward: {len(grads)} parameter gradients, expected 3")
    for value, expected, name in zip([result[0], *grads], [dx, dWx, dWh, db], ["dx", "dWx", "dWh", "db"]):
        check_close(value, expected, f"LSTM.backward {name}, return_sequences={sequences}")


# ---------------------------------------------------------------- Embedding

EMBEDDINGS = [(7, 3, (2, 5)), (4, 2, (1, 6)), (50, 8, (3, 4))]  # (input_dim, output_dim, index shape)


def indices(rng, input_dim, shape):
    x = rng.integers(input_dim, size=shape)
    x.flat[:2] = x.flat[2]  # one index used three times
    return x


@pytest.mark.exercise("Embedding", points=1)
@pytest.mark.parametrize("input_dim,output_dim,shape", EMBEDDINGS)
def test_embedding_build_and_lookup(keras, input_dim, output_dim, shape):
    rng = np.random.default_rng(42)
    layer, output_shape = built_layer(keras.Embedding(input_dim, output_dim), shape[1:])
    if output_shape != (shape[1], output_dim):
        expected = (shape[1], output_dim)
        fail(f"Embedding({input_dim}, {output_dim}).build: output shape {output_shape}, expected {expected}")
    (W,) = (np.asarray(p) for p in layer.params)
    if W.shape != (input_dim, output_dim) or np.abs(W).max() > 0.05 or np.abs(W).max() < 0.02:
        fail("Embedding: params must be [W (input_dim, output_dim)] drawn from U(-0.05, 0.05)")
    W = rng.normal(size=(input_dim, output_dim))
    layer.params = [W]
    x = indices(rng, input_dim, shape)
    for values in (x, x.astype(np.float64)):
        out, _ = forward(layer, values, "Embedding")
        check_close(out, W[x], f"Embedding output for indices of dtype {values.dtype}")


@pytest.mark.exercise("Embedding", points=1)
@pytest.mark.parametrize("input_dim,output_dim,shape", EMBEDDINGS)
def test_embedding_backward_sums_repeated_indices(keras, input_dim, output_dim, shape):
    rng = np.random.default_rng(43)
    layer, _ = built_layer(keras.Embedding(input_dim, output_dim), shape[1:])
    W, x = rng.normal(size=(input_dim, output_dim)), indices(rng, input_dim, shape)
    layer.params = [W]
    out, cache = forward(layer, x, "Embedding")
    dout = rng.normal(size=np.shape(out))
    dx, grads = backward(layer, dout, cache, "Embedding.backward")
    check_close(dx, np.zeros(shape), "Embedding.backward: dx (indices have no gradient)")
    if len(grads) != 1:
        fail(f"Embedding.backward: {len(grads)} parameter gradients, expected 1")
    check_close(grads[0], autograd_vjp(lambda w: w[x], [W], 0, dout), "Embedding.backward: dW")


@pytest.mark.exercise("Embedding", points=1)
@pytest.mark.parametrize("rate", [0.2, 0.5])
def test_embedding_dropout_drops_whole_words(keras, rate):
    layer, _ = built_layer(keras.Embedding(2000, 3, dropout=rate), (50,))
    W = np.random.default_rng(44).uniform(1, 2, size=(2000, 3))
    layer.params = [W]
    x = np.tile(np.arange(2000), 2).reshape(80, 50)  # every word twice
    out, cache = forward(layer, x, "Embedding", training=True, rng=np.random.default_rng(45))
    out = np.asarray(out)
    dropped = np.all(out == 0, axis=-1)
    if abs(dropped.mean() - rate) > 0.04:
        fail(f"Embedding(dropout={rate}) in training dropped {dropped.mean():.1%} of the words")
    if not np.array_equal(dropped[:40].ravel(), dropped[40:].ravel()):
        fail("Embedding dropout drops WORDS: every occurrence of a dropped word is zero")
    check_close(out[~dropped], W[x][~dropped] / (1 - rate), f"Embedding(dropout={rate}): kept rows scaled")
    dout = np.ones(out.shape)
    grads = backward(layer, dout, cache, "Embedding.backward")[1]
    expected = 2 * np.repeat(~dropped[:40].reshape(2000, 1), 3, axis=1) / (1 - rate)
    check_close(grads[0], expected, f"Embedding(dropout={rate}).backward: dropped words get no gradient")
    out, _ = forward(layer, x, "Embedding")
    check_close(out, W[x], f"Embedding(dropout={rate}) outside training")


# ---------------------------------------------------------------- losses


def check_loss(keras, name, oracle, p, y):
    copies = snapshot(p, y)
    loss, dp = unpack_pair(getattr(keras, name)(p, y), name)
    check_unchanged([p, y], copies, name)
    check_scalar(loss, oracle(p, y), f"{name} value for shape {p.shape}")
    check_close(dp, grad(oracle)(p, y), f"{name} gradient for shape {p.shape}")


@pytest.mark.exercise("mean_squared_error", points=1)
@pytest.mark.parametrize("shape", [(4, 3), (5, 1), (3, 2, 2)])
def test_mean_squared_error(keras, shape):
    rng = np.random.default_rng(27)
    check_loss(keras, "mean_squared_error", mse, rng.normal(size=shape), rng.normal(size=shape))


@pytest.mark.exercise("binary_crossentropy", points=1)
@pytest.mark.parametrize("shape", [(6, 1), (3, 4)])
def test_binary_crossentropy_on_probabilities(keras, shape):
    rng = np.random.default_rng(28)
    check_loss(
        keras,
        "binary_crossentropy",
        bce,
        rng.uniform(0.05, 0.95, size=shape),
        rng.integers(2, size=shape).astype(float),
    )


@pytest.mark.exercise("binary_crossentropy", points=2)
def test_binary_crossentropy_is_clipped(keras):
    p = np.array([[0.0], [1.0], [1.7], [-0.4], [3e-8], [0.4], [0.9]])
    y = np.array([[1.0], [0.0], [1.0], [0.0], [1.0], [0.0], [1.0]])
    check_loss(keras, "binary_crossentropy", bce, p, y)


@pytest.mark.exercise("categorical_crossentropy", points=1)
def test_categorical_crossentropy(keras):
    rng = np.random.default_rng(29)
    p = act("softmax", rng.normal(size=(5, 4)))
    check_loss(keras, "categorical_crossentropy", cce, p, np.eye(4)[rng.integers(4, size=5)])


@pytest.mark.exercise("categorical_crossentropy", points=1)
def test_categorical_crossentropy_is_clipped(keras):
    p = np.array([[0.0, 0.3, 0.7], [0.5, 0.5, 0.0], [1e-9, 1 - 1e-9, 0.0]])
    check_loss(keras, "categorical_crossentropy", cce, p, np.eye(3)[[0, 1, 0]])


# ---------------------------------------------------------------- optimisers


def check_trajectory(rule, name, config, what, hyper=None, shape=(3, 2), steps=3):
    rng = np.random.default_rng(30)
    w = rng.normal(size=shape)
    expected, state = w.copy(), dict[str, object]()
    for step in range(steps):
        g = rng.normal(size=shape)
        old, copies = w, snapshot(w, g)
        w, config = unpack_pair(rule(w, g, config), what)
        check_unchanged([old, g], copies, what)
        expected = keras_step(name, expected, g, state, **(hyper or {}))
        check_close(w, expected, f"{what}: parameters after step {step + 1}")


@pytest.mark.exercise("adamax", points=1)
@pytest.mark.parametrize(
    "config,hyper",
    [(None, None), ({"learning_rate": 0.05, "beta1": 0.8, "beta2": 0.99}, {"lr": 0.05, "b1": 0.8, "b2": 0.99})],
)
def test_adamax_three_steps(keras, config, hyper):
    check_trajectory(keras.adamax, "adamax", config, "adamax", hyper)


@pytest.mark.exercise("nadam", points=1)
@pytest.mark.parametrize(
    "config,hyper",
    [(None, None), ({"learning_rate": 0.05, "beta1": 0.8, "beta2": 0.99}, {"lr": 0.05, "b1": 0.8, "b2": 0.99})],
)
def test_nadam_three_steps(keras, config, hyper):
    check_trajectory(keras.nadam, "nadam", config, "nadam", hyper)


@pytest.mark.exercise("adamax", points=1)
def test_adamax_leaves_its_inputs_unchanged(keras):
    w, g = np.ones(3), np.array([1.0, -2.0, 0.5])
    config = {"m": np.ones(3), "u": np.ones(3), "t": 2}
    copies = snapshot(w, g, config["m"], config["u"])
    keras.adamax(w, g, config)
    check_unchanged([w, g, config["m"], config["u"]], copies, "adamax")


@pytest.mark.exercise("get_optimizer", points=1)
@pytest.mark.parametrize("name", list(KERAS))
def test_get_optimizer_keras_defaults(keras, name):
    rule, config = unpack_pair(keras.get_optimizer(name), "get_optimizer")
    check_trajectory(rule, name, config, f"get_optimizer('{name}')")


@pytest.mark.exercise("get_optimizer", points=1)
@pytest.mark.parametrize("name", ["adadelat", "Adam", "momentum"])
def test_get_optimizer_rejects_unknown_names(keras, name):
    try:
        keras.get_optimizer(name)
    except ValueError:
        return
    fail(f"get_optimizer({name!r}) must raise a ValueError")


# ---------------------------------------------------------------- Sequential: structure


def book_cnn(keras, size):
    return [
        keras.Convolution2D(32, 3, 3, border_mode="valid", input_shape=(size, size, 1)),
        keras.Activation("relu"),
        keras.Convolution2D(32, 3, 3),
        keras.Activation("relu"),
        keras.MaxPooling2D(pool_size=(2, 2)),
        keras.Dropout(0.25),
        keras.Flatten(),
        keras.Dense(128),
        keras.Activation("relu"),
        keras.Dropout(0.5),
        keras.Dense(10),
        keras.Activation("softmax"),
    ]


COUNTS = {  # model -> (total, per layer with parameters)
    "7-1": (501, [501]),
    "7-2": (16065, [16032, 33]),
    "7-3": (16362, [16032, 330]),
    "7-7 at 28x28": (600810, [320, 9248, 589952, 1290]),
    "7-7 at 8x8": (27370, [320, 9248, 16512, 1290]),
    "LSTM(128)": (131584, [131584]),
    "7-8": (2691713, [2560000, 131584, 129]),
}


def counted_layers(keras, which):
    if which == "7-1":
        return [keras.Dense(1, input_dim=500), keras.Activation("sigmoid")]
    if which in ("7-2", "7-3"):
        last = (1, "sigmoid") if which == "7-2" else (10, "softmax")
        return [
            keras.Dense(32, input_dim=500),
            keras.Activation("sigmoid"),
            keras.Dense(last[0]),
            keras.Activation(last[1]),
        ]
    if which.startswith("7-7"):
        return book_cnn(keras, 28 if "28" in which else 8)
    if which == "7-8":
        return [
            keras.Embedding(20000, 128, dropout=0.2),
            keras.LSTM(128, dropout_W=0.2, dropout_U=0.2),
            keras.Dense(1),
            keras.Activation("sigmoid"),
        ]
    return [keras.LSTM(128, input_shape=(80, 128))]


@pytest.mark.exercise("Sequential", points=1)
@pytest.mark.parametrize("which", list(COUNTS))
def test_parameter_counts_of_the_books_models(keras, which):
    model = keras.Sequential()
    for layer in counted_layers(keras, which):
        model.add(layer)
    total, per_layer = COUNTS[which]
    if model.count_params() != total:
        fail(f"listing {which}: count_params() is {model.count_params()}, expected {total:,}")
    counts = [c for c in (layer.count_params() for layer in model.layers) if c]
    if counts != per_layer:
        fail(f"listing {which}: parameters per layer {counts}, expected {per_layer}")


@pytest.mark.exercise("Sequential", points=1)
def test_keras_1_names_and_arguments(keras):
    model = keras.Sequential(
        [keras.Convolution2D(3, 2, 3, border_mode="same", input_shape=(5, 5, 2)), keras.MaxPooling2D(pool_size=(2, 2))]
    )
    shapes = [tuple(layer.output_shape) for layer in model.layers]
    if shapes != [(5, 5, 3), (2, 2, 3)] or model.count_params() != 2 * 3 * 2 * 3 + 3:
        fail("Convolution2D(nb_filter, nb_row, nb_col, border_mode='same') and MaxPooling2D build the wrong shapes")


@pytest.mark.exercise("Sequential", points=1)
def test_first_layer_needs_an_input_shape(keras):
    try:
        keras.Sequential().add(keras.Dense(3))
    except ValueError:
        return
    fail("Sequential.add: a first layer without input_dim or input_shape must raise a ValueError")


def composed_mlp(weights, x):
    (W1, b1, W2, b2) = weights
    h, _ = ref_layers.tanh_forward(ref_layers.affine_forward(x, W1, b1)[0])
    return ref_layers.softmax(ref_layers.affine_forward(h, W2, b2)[0])


def composed_cnn(weights, x):
    W1, b1, W2, b2 = weights
    a = ref_layers.relu_forward(conv_by_reference(x, W1, b1, 1, "same"))[0]
    pooled = max_pool_nhwc(a, (2, 2), 2)
    return ref_layers.sigmoid_forward(ref_layers.affine_forward(pooled.reshape(len(x), -1), W2, b2)[0])[0]


def composed_lstm(weights, x):
    Wx1, Wh1, b1, Wx2, Wh2, b2, W, b = weights
    h1, _ = ref_lstm.lstm_forward(x, np.zeros((len(x), 3)), Wx1, Wh1, b1)
    h2, _ = ref_lstm.lstm_forward(h1, np.zeros((len(x), 2)), Wx2, Wh2, b2)
    return ref_layers.affine_forward(h2[:, -1], W, b)[0]


PREDICTED = {  # model -> (layers, example shape, reference composition)
    "mlp": (
        lambda k: [
            k.Dense(5, input_dim=4, activation="tanh"),
            k.Dropout(0.5),
            k.Dense(3),
            k.Dropout(0.3),
            k.Activation("softmax"),
        ],
        (4,),
        composed_mlp,
    ),
    "cnn": (
        lambda k: [
            k.Conv2D(4, 3, padding="same", input_shape=(6, 6, 3)),
            k.Activation("relu"),
            k.MaxPool2D(),
            k.Dropout(0.5),
            k.Flatten(),
            k.Dense(2, activation="sigmoid"),
        ],
        (6, 6, 3),
        composed_cnn,
    ),
    "lstm": (
        lambda k: [k.LSTM(3, return_sequences=True, input_shape=(5, 2)), k.LSTM(2), k.Dense(1)],
        (5, 2),
        composed_lstm,
    ),
}


@pytest.mark.exercise("Sequential", points=2)
@pytest.mark.parametrize("which", list(PREDICTED))
def test_predict_composes_the_earlier_chapters(keras, which):
    layers, shape, composed = PREDICTED[which]
    model = keras.Sequential(layers(keras), seed=3)
    x = np.random.default_rng(31).normal(size=(7, *shape))
    copy = snapshot(x)
    out = model.predict(x, batch_size=3)
    check_unchanged([x], copy, "predict")
    check_close(out, composed(model.get_weights(), x), f"{which} model: predict (7 examples, batches of 3)")
    check_close(model.predict(x), out, f"{which} model: predict twice (no dropout outside training)")


# ---------------------------------------------------------------- Sequential: training


def mlp_loss(weights, x, y, acts, loss):
    h = x
    for (W, b), name in zip(zip(weights[::2], weights[1::2]), acts):
        h = act(name, h @ W + b)
    return loss(h, y)


STEPS = {  # loss name -> (output units, activations, oracle)
    "binary_crossentropy": (1, ["tanh", "sigmoid"], bce),
    "categorical_crossentropy": (3, ["relu", "softmax"], cce),
    "mse": (2, ["sigmoid", "linear"], mse),
}


def step_data(loss_name, rng, n=12):
    units = STEPS[loss_name][0]
    x = rng.normal(size=(n, 4))
    if loss_name == "binary_crossentropy":
        return x, rng.integers(2, size=(n, 1)).astype(float)
    if loss_name == "categorical_crossentropy":
        return x, np.eye(units)[rng.integers(units, size=n)]
    return x, rng.normal(size=(n, units))


def step_model(keras, loss_name, optimizer, seed=4, metrics=None):
    units, acts, _ = STEPS[loss_name]
    model = keras.Sequential(
        [keras.Dense(5, input_dim=4, activation=acts[0]), keras.Dense(units), keras.Activation(acts[1])], seed=seed
    )
    model.compile(optimizer=optimizer, loss=loss_name, metrics=metrics)
    return model


@pytest.mark.exercise("Sequential", points=2)
@pytest.mark.parametrize("loss_name", list(STEPS))
def test_one_full_batch_sgd_step_follows_the_gradient(keras, loss_name):
    rng = np.random.default_rng(32)
    x, y = step_data(loss_name, rng)
    model = step_model(keras, loss_name, "sgd")
    before = model.get_weights()
    _, acts, oracle = STEPS[loss_name]
    copies = snapshot(x, y)
    history = model.fit(x, y, epochs=1, batch_size=len(x), shuffle=False)
    check_unchanged([x, y], copies, "fit")
    gradients = grad(mlp_loss)(before, x, y, acts, oracle)
    after = model.get_weights()
    if len(after) != 4:
        fail(f"get_weights after fit: {len(after)} arrays, expected 4")
    for index, (w, g, new) in enumerate(zip(before, gradients, after)):
        check_close(new, w - 0.01 * g, f"{loss_name}: array {index} after one full-batch sgd step")
    check_scalar(
        history.history["loss"][0],
        mlp_loss(before, x, y, acts, oracle),
        f"{loss_name}: History 'loss' of the epoch (the batch loss before the step)",
    )


def conv_model_loss(weights, x, y):
    W1, b1, W2, b2 = weights
    h = act("relu", conv_nhwc(x, W1, b1, 1, "valid"))
    return cce(act("softmax", anp.reshape(h, (x.shape[0], -1)) @ W2 + b2), y)


@pytest.mark.exercise("Sequential", points=2)
def test_one_sgd_step_of_a_convolutional_model(keras):
    rng = np.random.default_rng(33)
    x, y = rng.normal(size=(4, 5, 4, 3)), np.eye(2)[[0, 1, 1, 0]]
    model = keras.Sequential(
        [
            keras.Conv2D(2, 3, activation="relu", input_shape=(5, 4, 3)),
            keras.Flatten(),
            keras.Dense(2, activation="softmax"),
        ],
        seed=7,
    )
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    before = model.get_weights()
    model.fit(x, y, epochs=1, batch_size=4, shuffle=False)
    for index, (w, g, new) in enumerate(zip(before, grad(conv_model_loss)(before, x, y), model.get_weights())):
        check_close(new, w - 0.01 * g, f"conv model: array {index} after one sgd step on 3-channel images")


@pytest.mark.exercise("Sequential", points=1)
@pytest.mark.parametrize("optimizer", list(KERAS))
def test_three_steps_of_every_optimizer_keep_one_state_per_array(keras, optimizer):
    rng = np.random.default_rng(34)
    x, y = step_data("binary_crossentropy", rng)
    model = step_model(keras, "binary_crossentropy", optimizer)
    weights = model.get_weights()
    model.fit(x, y, epochs=3, batch_size=len(x), shuffle=False)
    _, acts, oracle = STEPS["binary_crossentropy"]
    states = [dict[str, object]() for _ in weights]
    for _ in range(3):
        gradients = grad(mlp_loss)(weights, x, y, acts, oracle)
        weights = [keras_step(optimizer, w, g, s) for w, g, s in zip(weights, gradients, states)]
    for index, (new, expected) in enumerate(zip(model.get_weights(), weights)):
        check_close(new, expected, f"'{optimizer}': array {index} after three full-batch steps")


@pytest.mark.exercise("Sequential", points=1)
def test_compile_rejects_the_books_typo(keras):
    model = keras.Sequential([keras.Dense(1, input_dim=3)])
    try:
        model.compile(optimizer="adadelat", loss="binary_crossentropy")
    except ValueError:
        return
    fail("compile(optimizer='adadelat') must raise a ValueError (the book's typo)")


@pytest.mark.exercise("Sequential", points=2)
def test_batches_include_the_last_partial_one(keras):
    rng = np.random.default_rng(35)
    x, y = rng.normal(size=(1000, 3)), rng.normal(size=(1000, 1))
    model = keras.Sequential([keras.Dense(1, input_dim=3)])
    model.compile(optimizer="sgd", loss="mse")
    W, b = rng.normal(size=(3, 1)), np.zeros(1)
    model.set_weights([W, b])
    history = model.fit(x, y, epochs=1, batch_size=32, shuffle=False)
    total = 0.0
    for start in range(0, 1000, 32):  # 32 batches, the last of 8
        xb, yb = x[start : start + 32], y[start : start + 32]
        error = xb @ W + b - yb
        total += len(xb) * float(np.mean(error**2))
        W, b = W - 0.01 * 2 * xb.T @ error / len(xb), b - 0.01 * 2 * error.mean(axis=0)
    new_W, new_b = model.get_weights()
    check_close(new_W, W, "1,000 examples in batches of 32, without shuffling: W after the epoch")
    check_close(new_b, b, "1,000 examples in batches of 32, without shuffling: b after the epoch")
    check_scalar(history.history["loss"][0], total / 1000, "History 'loss': the batch losses averaged over examples")


@pytest.mark.exercise("Sequential", points=2)
@pytest.mark.parametrize("split", [0.2, 0.3])
def test_validation_split_holds_out_the_end(keras, split):
    rng = np.random.default_rng(36)
    x, y = rng.normal(size=(50, 2)), rng.normal(size=(50, 1))
    model = keras.Sequential([keras.Dense(1, input_dim=2)])
    model.compile(optimizer="sgd", loss="mse")
    W = rng.normal(size=(2, 1))
    model.set_weights([W, np.zeros(1)])
    history = model.fit(x, y, epochs=1, batch_size=50, validation_split=split, shuffle=False)
    keep = 50 - int(50 * split)
    error = x[:keep] @ W - y[:keep]
    W, b = W - 0.02 * x[:keep].T @ error / keep, -0.02 * error.mean(axis=0)
    check_close(model.get_weights()[0], W, f"validation_split={split}: trained on the first {keep} examples only")
    check_scalar(
        history.history["val_loss"][0],
        np.mean((x[keep:] @ W + b - y[keep:]) ** 2),
        f"validation_split={split}: val_loss on the last {50 - keep} examples after the epoch",
    )


@pytest.mark.exercise("Sequential", points=1)
def test_validation_data_and_metrics_per_epoch(keras):
    rng = np.random.default_rng(37)
    x, y = step_data("binary_crossentropy", rng, n=30)
    x_val, y_val = step_data("binary_crossentropy", rng, n=10)
    model = step_model(keras, "binary_crossentropy", "adam", metrics=["accuracy"])
    if list(model.metrics_names) != ["loss", "acc"]:
        fail(f"metrics_names is {model.metrics_names}, expected ['loss', 'acc']")
    history = model.fit(x, y, epochs=2, batch_size=8, validation_data=(x_val, y_val), nb_epoch=3).history
    if sorted(history) != ["acc", "loss", "val_acc", "val_loss"] or len(history["loss"]) != 3:
        fail("History must hold loss, acc, val_loss and val_acc for each of the nb_epoch=3 epochs")
    p = model.predict(x_val)
    check_close(
        model.evaluate(x_val, y_val),
        [bce(p, y_val), np.mean(np.round(p) == y_val)],
        "evaluate: [loss, acc] on the validation data",
    )
    check_close(history["val_loss"][-1], bce(p, y_val), "val_loss of the last epoch")


@pytest.mark.exercise("Sequential", points=1)
def test_accuracy_metrics(keras):
    rng = np.random.default_rng(38)
    x = rng.normal(size=(40, 4))
    linear = keras.Sequential([keras.Dense(1, input_dim=4)])
    linear.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    W = rng.normal(size=(4, 1))
    linear.set_weights([W, np.zeros(1)])
    y = rng.integers(2, size=(40, 1)).astype(float)
    check_scalar(
        linear.evaluate(x, y)[1],
        np.mean(np.round(x @ W) == y),
        "'accuracy' of a binary model: "
        "outputs rounded to the nearest integer (linear outputs may round to neither 0 nor 1)",
    )
    multi = keras.Sequential([keras.Dense(3, input_dim=4, activation="softmax")])
    multi.compile(optimizer="sgd", loss="categorical_crossentropy", metrics=["accuracy", "categorical_accuracy"])
    if list(multi.metrics_names) != ["loss", "acc", "categorical_accuracy"]:
        fail(f"metrics_names is {multi.metrics_names}, expected ['loss', 'acc', 'categorical_accuracy']")
    W3 = rng.normal(size=(4, 3))
    multi.set_weights([W3, np.zeros(3)])
    labels = rng.integers(3, size=40)
    expected = np.mean(np.argmax(x @ W3, axis=1) == labels)
    check_close(multi.evaluate(x, np.eye(3)[labels])[1:], [expected, expected], "'accuracy' of a softmax model")


@pytest.mark.exercise("Sequential", points=1)
def test_dropout_acts_during_fit(keras):
    rng = np.random.default_rng(39)
    x, y = rng.normal(size=(16, 5)), rng.normal(size=(16, 1))
    model = keras.Sequential([keras.Dense(30, input_dim=5, activation="tanh"), keras.Dropout(0.5), keras.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    before = model.get_weights()
    model.fit(x, y, epochs=1, batch_size=16, shuffle=False)
    plain = [w - 0.01 * g for w, g in zip(before, grad(mlp_loss)(before, x, y, ["tanh", "linear"], mse))]
    if np.allclose(model.get_weights()[2], plain[2]):
        fail("fit: Dropout(0.5) must drop units while training (the step equals one without dropout)")


@pytest.mark.exercise("Sequential", points=1)
def test_a_seed_reproduces_a_run(keras):
    rng = np.random.default_rng(40)
    x, y = step_data("binary_crossentropy", rng, n=40)

    def run(seed):
        model = keras.Sequential(
            [keras.Dense(8, input_dim=4, activation="relu"), keras.Dropout(0.3), keras.Dense(1, activation="sigmoid")],
            seed=seed,
        )
        model.compile(optimizer="adam", loss="binary_crossentropy")
        initial = model.get_weights()
        model.fit(x, y, epochs=2, batch_size=8)
        return initial, model.predict(x)

    (first_init, first), (again_init, again), (other_init, other) = run(5), run(5), run(6)
    for w, v in zip(first_init, again_init):
        check_close(v, w, "Sequential(seed=5) twice: the same initial weights")
    check_close(again, first, "Sequential(seed=5) twice: the same run (init, shuffling, dropout)")
    if np.allclose(first_init[0], other_init[0]) or np.allclose(first, other):
        fail("Sequential(seed=...) must seed the initial weights and the run: seeds 5 and 6 gave the same")


# ---------------------------------------------------------------- EarlyStopping

STOPS = [  # (monitor, min_delta, patience, values, epoch that stops or None)
    ("val_loss", 0.0, 1, [1.0, 0.8, 0.9, 0.85, 0.7], 3),
    ("val_loss", 0.0, 0, [1.0, 0.8, 0.9], 2),
    ("val_loss", 0.05, 1, [1.0, 0.99, 0.98, 0.97], 2),
    ("val_acc", 0.0, 2, [0.5, 0.6, 0.55, 0.58, 0.61, 0.6, 0.59], None),
    ("val_acc", 0.0, 2, [0.5, 0.6, 0.55, 0.58, 0.57, 0.7], 4),
    ("loss", 0.0, 0, [3.0, 2.0, 1.0, 0.5], None),
    ("loss", 0.0, 3, [3.0, 3.0, 3.0, 3.0, 3.0, 3.0], 4),
]


@pytest.mark.exercise("EarlyStopping", points=1)
@pytest.mark.parametrize("monitor,min_delta,patience,values,stop", STOPS)
def test_early_stopping(keras, monitor, min_delta, patience, values, stop):
    callback = keras.EarlyStopping(monitor=monitor, min_delta=min_delta, patience=patience)
    for run in range(2):  # on_train_begin forgets the first run
        callback.on_train_begin()
        stopped = None
        for epoch, value in enumerate(values):
            callback.on_epoch_end(epoch, {monitor: value, "other": 0.0})
            if callback.stopped_epoch is not None:
                stopped = callback.stopped_epoch
                break
        if stopped != stop:
            fail(
                f"EarlyStopping(monitor={monitor!r}, min_delta={min_delta}, patience={patience}) on {values} "
                f"(run {run + 1}): stopped at epoch {stopped}, expected {stop}"
            )


@pytest.mark.exercise("EarlyStopping", points=1)
@pytest.mark.parametrize("patience", [0, 2])
def test_early_stopping_ends_fit(keras, patience):
    rng = np.random.default_rng(41)
    x, y = rng.normal(size=(20, 2)), rng.normal(size=(20, 1))
    model = keras.Sequential([keras.Dense(1, input_dim=2)])
    model.compile(optimizer="sgd", loss="mse")
    callback = keras.EarlyStopping(monitor="loss", min_delta=100.0, patience=patience)
    history = model.fit(x, y, epochs=10, callbacks=[callback])
    if len(history.history["loss"]) != patience + 2:
        fail(
            f"fit with EarlyStopping(patience={patience}) and a loss that never improves by min_delta ran "
            f"{len(history.history['loss'])} epochs, expected {patience + 2}"
        )


# ---------------------------------------------------------------- data helpers


@pytest.mark.exercise("to_categorical", points=1)
@pytest.mark.parametrize("labels,classes", [([2, 0, 1, 2], None), ([[1], [3]], None), ([0, 1], 4), ([4], 5)])
def test_to_categorical_cases(keras, labels, classes):
    out = keras.to_categorical(np.array(labels), classes) if classes else keras.to_categorical(np.array(labels))
    flat = np.ravel(labels)
    expected = np.eye(classes or flat.max() + 1)[flat]
    check_close(out, expected, f"to_categorical({labels}, {classes})")


PADS = [  # (sequences, kwargs)
    ([[1, 2, 3, 4], [5], [6, 7]], {"maxlen": 3}),
    ([[1, 2, 3, 4], [5], [6, 7]], {"maxlen": 3, "padding": "post"}),
    ([[1, 2, 3, 4], [5], [6, 7]], {"maxlen": 2, "truncating": "post", "value": 9}),
    ([[1, 2, 3], [], [4]], {}),
    ([[1, 2, 3, 4, 5]], {"maxlen": 5, "padding": "post", "truncating": "post"}),
]


def padded(sequences, maxlen=None, padding="pre", truncating="pre", value=0):
    maxlen = max(len(s) for s in sequences) if maxlen is None else maxlen
    rows = []
    for s in sequences:
        s = s[len(s) - maxlen :] if truncating == "pre" and len(s) > maxlen else s[:maxlen]
        fill = [value] * (maxlen - len(s))
        rows.append(fill + s if padding == "pre" else s + fill)
    return np.array(rows)


@pytest.mark.exercise("pad_sequences", points=1)
@pytest.mark.parametrize("sequences,kwargs", PADS)
def test_pad_sequences_cases(keras, sequences, kwargs):
    out = keras.pad_sequences(sequences, **kwargs)
    check_close(out, padded(sequences, **kwargs), f"pad_sequences({sequences}, {kwargs})")
