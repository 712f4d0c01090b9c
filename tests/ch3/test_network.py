"""Hidden suite for ch3/network.py.

TwoLayerNet is reached only through the fixture module: the test builds
``net = network.TwoLayerNet(...)`` and sets parameters by assigning the
whole dict (``net.params = {...}``), so it runs against an isolated worker
too. Scores, loss and every gradient (with reg > 0) are compared with the
reference, with autograd and with central differences, on inputs kept
away from relu's kink. Initialisation is checked by its properties: shapes,
scale, zero biases, reproducible from the seed alone.
"""

import autograd.numpy as anp
import numpy as np
import pytest

from grader.testing import (
    autograd_vjp,
    check_close,
    check_scalar,
    check_unchanged,
    fail,
    implementation_of,
    numerical_gradient,
    reference,
    snapshot,
    unpack_pair,
)

network = implementation_of("ch3.network")
ref = reference("ch3.network")

NAMES = ("W1", "b1", "W2", "b2")

# (input shape, hidden width, classes): batch of one, non-square, several trailing dims, many classes
NET_SHAPES = [((1, 4), 5, 3), ((6, 3), 8, 2), ((3, 2, 3), 4, 5), ((2, 7), 3, 10)]


def net_inputs(shape, hidden, classes, seed, margin=0.05):
    """X, y and parameters (nonzero biases) with every hidden pre-activation at least ``margin`` from 0."""
    for attempt in range(1000):
        rng = np.random.default_rng([seed, attempt])
        X = rng.normal(size=shape)
        d = int(np.prod(shape[1:]))
        params = {
            "W1": 0.5 * rng.normal(size=(d, hidden)),
            "b1": 0.3 * rng.normal(size=hidden),
            "W2": 0.5 * rng.normal(size=(hidden, classes)),
            "b2": 0.3 * rng.normal(size=classes),
        }
        hidden_in = X.reshape(shape[0], -1) @ params["W1"] + params["b1"]
        if np.all(np.abs(hidden_in) > margin) and np.any(hidden_in < 0):
            return X, rng.integers(classes, size=shape[0]), params
    raise RuntimeError("no inputs away from relu's kink")


def net_loss_autograd(W1, b1, W2, b2, X, y, reg):
    n = X.shape[0]
    hidden = anp.maximum(0, anp.dot(anp.reshape(X, (n, -1)), W1) + b1)
    scores = anp.dot(hidden, W2) + b2
    m = anp.max(scores, axis=1, keepdims=True)
    log_norm = anp.log(anp.sum(anp.exp(scores - m), axis=1)) + m[:, 0]
    data = anp.sum(log_norm - scores[np.arange(n), y]) / n
    return data + 0.5 * reg * (anp.sum(W1**2) + anp.sum(W2**2))


def build(module, shape, hidden, classes, params, reg=0.0):
    net = module.TwoLayerNet(int(np.prod(shape[1:])), hidden, classes, weight_scale=1e-2, reg=reg)
    net.params = {name: np.array(value) for name, value in params.items()}
    return net


def loss_and_grads(net, X, y):
    copies = snapshot(X, y)
    loss, grads = unpack_pair(net.loss(X, y), "TwoLayerNet.loss(X, y)")
    check_unchanged([X, y], copies, "TwoLayerNet.loss")
    try:
        grads = {name: grads[name] for name in NAMES}
    except (KeyError, TypeError, IndexError):
        fail("TwoLayerNet.loss(X, y): grads must be a dict with keys 'W1', 'b1', 'W2', 'b2'")
    return loss, grads


# ---------------------------------------------------------------- he_init


@pytest.mark.exercise("he_init", points=1)
@pytest.mark.parametrize("fan_in,fan_out", [(300, 200), (50, 1000), (1000, 40)])
def test_he_init_shape_and_variance(network, fan_in, fan_out):
    w = np.asarray(network.he_init(fan_in, fan_out, np.random.default_rng(300)))
    if w.shape != (fan_in, fan_out):
        fail(f"he_init({fan_in}, {fan_out}, rng): shape {w.shape}, expected ({fan_in}, {fan_out})")
    if abs(w.var() / (2.0 / fan_in) - 1) > 0.05:
        fail(f"he_init({fan_in}, {fan_out}, rng): the variance of the weights must be 2 / fan_in")
    if abs(w.mean()) > 5 * np.sqrt(2.0 / fan_in / w.size):
        fail(f"he_init({fan_in}, {fan_out}, rng): the weights must have mean 0")


@pytest.mark.exercise("he_init", points=1)
@pytest.mark.parametrize("fan_in,fan_out,seed", [(7, 3, 5), (1, 4, 6), (10, 10, 7)])
def test_he_init_draws_from_the_given_rng(network, fan_in, fan_out, seed):
    w = network.he_init(fan_in, fan_out, np.random.default_rng(seed))
    check_close(
        w,
        ref.he_init(fan_in, fan_out, np.random.default_rng(seed)),
        "he_init: weights drawn as rng.normal(0, sqrt(2 / fan_in), size=(fan_in, fan_out))",
        rtol=1e-12,
    )


@pytest.mark.exercise("he_init", points=1)
def test_he_init_depends_on_the_rng_only(network):
    first = np.asarray(network.he_init(6, 4, np.random.default_rng(11)))
    again = np.asarray(network.he_init(6, 4, np.random.default_rng(11)))
    other = np.asarray(network.he_init(6, 4, np.random.default_rng(12)))
    check_close(again, first, "he_init with the same rng state twice", rtol=0, atol=0)
    if np.allclose(first, other):
        fail("he_init: different rng states gave the same weights (draw from the rng argument)")


# ---------------------------------------------------------------- TwoLayerNet: initialisation


@pytest.mark.exercise("TwoLayerNet", points=1)
@pytest.mark.parametrize("dims,scale", [((20, 30, 10), 0.05), ((64, 25, 3), 1e-3)])
def test_two_layer_net_initial_parameters(network, dims, scale):
    d, h, c = dims
    params = network.TwoLayerNet(d, h, c, weight_scale=scale, seed=3).params
    shapes = {"W1": (d, h), "b1": (h,), "W2": (h, c), "b2": (c,)}
    for name, shape in shapes.items():
        try:
            value = np.asarray(params[name])
        except (KeyError, TypeError, IndexError):
            fail(f"TwoLayerNet.params must hold '{name}'")
        if value.shape != shape:
            fail(f"TwoLayerNet({d}, {h}, {c}).params['{name}']: shape {value.shape}, expected {shape}")
    check_close(params["b1"], np.zeros(h), "TwoLayerNet: b1 starts at zero", rtol=0, atol=0)
    check_close(params["b2"], np.zeros(c), "TwoLayerNet: b2 starts at zero", rtol=0, atol=0)
    for name in ("W1", "W2"):
        w = np.asarray(params[name])
        if abs(w.std() / scale - 1) > 0.2 or abs(w.mean()) > 5 * scale / np.sqrt(w.size):
            fail(f"TwoLayerNet: {name} must start as weight_scale * N(0, 1)")


@pytest.mark.exercise("TwoLayerNet", points=1)
@pytest.mark.parametrize("seed", [0, 4])
def test_two_layer_net_init_is_reproducible_from_the_seed(network, seed):
    first = network.TwoLayerNet(6, 5, 4, weight_scale=0.1, seed=seed).params
    again = network.TwoLayerNet(6, 5, 4, weight_scale=0.1, seed=seed).params
    other = network.TwoLayerNet(6, 5, 4, weight_scale=0.1, seed=seed + 1).params
    for name in NAMES:
        check_close(again[name], first[name], f"TwoLayerNet built twice with seed={seed}: {name}", rtol=0, atol=0)
    if np.allclose(first["W1"], other["W1"]):
        fail("TwoLayerNet: different seeds gave the same W1 (draw from np.random.default_rng(seed))")


@pytest.mark.exercise("TwoLayerNet", points=1)
def test_two_layer_net_default_seed_and_weight_scale(network):
    first = network.TwoLayerNet(4, 3, 2).params
    again = network.TwoLayerNet(4, 3, 2).params
    scaled = network.TwoLayerNet(4, 3, 2, weight_scale=0.5).params
    for name in ("W1", "W2"):
        check_close(again[name], first[name], f"TwoLayerNet with the default seed, built twice: {name}", rtol=0, atol=0)
        check_close(
            scaled[name],
            500 * np.asarray(first[name]),
            f"TwoLayerNet: {name} must be weight_scale times the same N(0, 1) draws",
            rtol=1e-12,
        )


# ---------------------------------------------------------------- TwoLayerNet: forward, loss, gradients

# CS231n's fixed TwoLayerNet check (assignment 2): N, D, H, C = 3, 5, 50, 7
CS231N_SCORES = np.array(
    [
        [11.53165108, 12.2917344, 13.05181771, 13.81190102, 14.57198434, 15.33206765, 16.09215096],
        [12.05769098, 12.74614105, 13.43459113, 14.1230412, 14.81149128, 15.49994135, 16.18839143],
        [12.58373087, 13.20054771, 13.81736455, 14.43418138, 15.05099822, 15.66781506, 16.2846319],
    ]
)


def cs231n_case():
    params = {
        "W1": np.linspace(-0.7, 0.3, num=250).reshape(5, 50),
        "b1": np.linspace(-0.1, 0.9, num=50),
        "W2": np.linspace(-0.3, 0.4, num=350).reshape(50, 7),
        "b2": np.linspace(-0.9, 0.1, num=7),
    }
    return params, np.linspace(-5.5, 4.5, num=15).reshape(5, 3).T, np.array([0, 5, 1])


@pytest.mark.exercise("TwoLayerNet", points=1)
def test_two_layer_net_cs231n_scores(network):
    params, X, _ = cs231n_case()
    net = build(network, X.shape, 50, 7, params)
    check_close(net.loss(X), CS231N_SCORES, "TwoLayerNet scores on CS231n's fixed example", rtol=1e-7)


@pytest.mark.exercise("TwoLayerNet", points=1)
@pytest.mark.parametrize("reg,expected", [(0.0, 3.4702243556), (1.0, 26.5948426952)])
def test_two_layer_net_cs231n_loss(network, reg, expected):
    params, X, y = cs231n_case()
    loss, grads = loss_and_grads(build(network, X.shape, 50, 7, params, reg=reg), X, y)
    check_scalar(loss, expected, f"TwoLayerNet loss on CS231n's fixed example with reg={reg}", rtol=1e-9)
    expected_grads = build(ref, X.shape, 50, 7, params, reg=reg).loss(X, y)[1]
    for name in NAMES:
        check_close(grads[name], expected_grads[name], f"TwoLayerNet gradient {name} on CS231n's example, reg={reg}")


@pytest.mark.exercise("TwoLayerNet", points=1)
@pytest.mark.parametrize("shape,hidden,classes", NET_SHAPES)
def test_two_layer_net_scores_match_reference(network, shape, hidden, classes):
    X, _, params = net_inputs(shape, hidden, classes, seed=310)
    net = build(network, shape, hidden, classes, params)
    copy = X.copy()
    scores = net.loss(X)
    check_unchanged([X], [copy], "TwoLayerNet.loss(X)")
    check_close(scores, build(ref, shape, hidden, classes, params).loss(X), "TwoLayerNet.loss(X): scores")


@pytest.mark.exercise("TwoLayerNet", points=1)
@pytest.mark.parametrize("shape,hidden,classes", NET_SHAPES)
@pytest.mark.parametrize("reg", [0.0, 0.37])
def test_two_layer_net_loss_and_gradients_match_reference(network, shape, hidden, classes, reg):
    X, y, params = net_inputs(shape, hidden, classes, seed=320)
    loss, grads = loss_and_grads(build(network, shape, hidden, classes, params, reg=reg), X, y)
    expected_loss, expected_grads = build(ref, shape, hidden, classes, params, reg=reg).loss(X, y)
    check_scalar(loss, expected_loss, f"TwoLayerNet loss with reg={reg}")
    for name in NAMES:
        check_close(grads[name], expected_grads[name], f"TwoLayerNet gradient {name} with reg={reg}")


@pytest.mark.exercise("TwoLayerNet", points=1)
@pytest.mark.parametrize("shape,hidden,classes", NET_SHAPES[1:3])
def test_two_layer_net_gradients_match_autograd(network, shape, hidden, classes):
    reg = 0.8
    X, y, params = net_inputs(shape, hidden, classes, seed=330)
    loss, grads = loss_and_grads(build(network, shape, hidden, classes, params, reg=reg), X, y)
    args = [params[name] for name in NAMES] + [X, y, reg]
    check_scalar(loss, net_loss_autograd(*args), "TwoLayerNet loss, 0.5 * reg * (sum W1**2 + sum W2**2) added")
    for index, name in enumerate(NAMES):
        check_close(
            grads[name],
            autograd_vjp(net_loss_autograd, args, index, 1.0),
            f"TwoLayerNet gradient {name} against autograd",
        )


@pytest.mark.exercise("TwoLayerNet", points=2)
def test_two_layer_net_gradients_match_central_differences(network):
    shape, hidden, classes, reg = (4, 3), 4, 3, 0.5
    X, y, params = net_inputs(shape, hidden, classes, seed=340, margin=0.1)
    net = build(network, shape, hidden, classes, params, reg=reg)
    _, grads = loss_and_grads(net, X, y)
    for name in NAMES:

        def reference_loss(value, name=name):
            return net_loss_autograd(**{**params, name: value}, X=X, y=y, reg=reg)

        def own_loss(value, name=name):
            net.params = {**params, name: np.array(value)}
            return net.loss(X, y)[0]

        check_close(
            grads[name],
            numerical_gradient(reference_loss, params[name]),
            f"TwoLayerNet gradient {name} against central differences of the loss",
            rtol=1e-5,
            atol=1e-8,
        )
        check_close(
            grads[name],
            numerical_gradient(own_loss, params[name]),
            f"TwoLayerNet gradient {name} against central differences of your own loss",
            rtol=1e-5,
            atol=1e-8,
        )


@pytest.mark.exercise("TwoLayerNet", points=1)
def test_two_layer_net_regularises_weights_not_biases(network):
    shape, hidden, classes = (3, 4), 5, 3
    X, y, params = net_inputs(shape, hidden, classes, seed=350)
    params = {**params, "b1": params["b1"] * 10, "b2": params["b2"] * 10}
    base_loss, base_grads = loss_and_grads(build(network, shape, hidden, classes, params, reg=0.0), X, y)
    loss, grads = loss_and_grads(build(network, shape, hidden, classes, params, reg=2.5), X, y)
    penalty = 0.5 * 2.5 * (np.sum(params["W1"] ** 2) + np.sum(params["W2"] ** 2))
    check_scalar(
        np.asarray(loss) - np.asarray(base_loss),
        penalty,
        "TwoLayerNet: reg adds 0.5 * reg * (sum W1**2 + sum W2**2) to the loss (weights only)",
    )
    for name in ("b1", "b2"):
        check_close(grads[name], base_grads[name], f"TwoLayerNet: reg must not change the gradient of {name}")
    for name in ("W1", "W2"):
        check_close(
            np.asarray(grads[name]) - np.asarray(base_grads[name]),
            2.5 * params[name],
            f"TwoLayerNet: reg adds reg * {name} to the gradient of {name}",
        )


# ---------------------------------------------------------------- train_xor_network


def xor_predictions(params):
    xor = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    try:
        hidden = np.tanh(xor @ np.asarray(params["W1"]) + np.asarray(params["b1"]))
        scores = hidden @ np.asarray(params["W2"]) + np.asarray(params["b2"])
    except (KeyError, TypeError, IndexError, ValueError):
        fail("train_xor_network: params must be a dict with 'W1' (2, H), 'b1' (H,), 'W2' (H, 1), 'b2' (1,)")
    return 1 / (1 + np.exp(-scores))


@pytest.mark.exercise("train_xor_network", points=2)
@pytest.mark.parametrize("kwargs", [{}, {"hidden_dim": 4, "seed": 1, "epochs": 2000}])
def test_train_xor_network_solves_xor(network, kwargs):
    params, losses = unpack_pair(network.train_xor_network(**kwargs), "train_xor_network")
    p = xor_predictions(params)
    check_close(
        np.round(p).ravel(),
        [0.0, 1.0, 1.0, 0.0],
        f"train_xor_network({kwargs}): rounded predictions on XOR",
        rtol=0,
        atol=0,
    )
    losses = np.asarray(losses, dtype=np.float64)
    if losses.shape != (kwargs.get("epochs", 3000),):
        fail("train_xor_network: losses must hold one loss per epoch")
    if not losses[-1] < 0.05 < losses[0]:
        fail("train_xor_network: the loss must fall from above 0.05 to below it")


@pytest.mark.exercise("train_xor_network", points=2)
@pytest.mark.parametrize(
    "kwargs",
    [
        {"hidden_dim": 3, "learning_rate": 0.5, "epochs": 25, "seed": 2},
        {"hidden_dim": 6, "learning_rate": 2.0, "epochs": 10, "seed": 9},
    ],
)
def test_train_xor_network_first_steps_match_reference(network, kwargs):
    params, losses = unpack_pair(network.train_xor_network(**kwargs), "train_xor_network")
    expected_params, expected_losses = ref.train_xor_network(**kwargs)
    check_close(
        losses,
        expected_losses,
        "train_xor_network: the losses of the first epochs "
        "(he_init for W1 then W2 from default_rng(seed), zero biases, full-batch gradient descent)",
    )
    for name in NAMES:
        try:
            value = params[name]
        except (KeyError, TypeError, IndexError):
            fail(f"train_xor_network: params must hold '{name}'")
        check_close(value, expected_params[name], f"train_xor_network: {name} after {kwargs['epochs']} epochs")
