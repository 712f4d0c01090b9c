"""Hidden suite for ch3/toy_models.py.

Every toy network on inputs the public tests do not use: XOR and the bump
on arrays, the dense and recurrent toy weights on random inputs, the tiny
net's gradients against autograd and central differences (relu inputs
kept away from 0), and linear regions of deeper and random ReLU nets.
"""

import itertools

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
    unpack_tuple,
)

toy = implementation_of("ch3.toy_models")
ref = reference("ch3.toy_models")


# ---------------------------------------------------------------- xor_network


@pytest.mark.exercise("xor_network", points=1)
@pytest.mark.parametrize("a,b", [(0, 0), (0, 1), (1, 0), (1, 1)])
def test_xor_network_on_numbers(toy, a, b):
    out = toy.xor_network(a, b)
    check_scalar(out, ref.xor_network(a, b), f"xor_network({a}, {b})", rtol=1e-6, atol=1e-9)
    check_scalar(np.round(np.asarray(out, dtype=np.float64)), a ^ b, f"xor_network({a}, {b}) rounded", rtol=0, atol=0)


@pytest.mark.exercise("xor_network", points=1)
@pytest.mark.parametrize("shape", [(4,), (2, 2), (2, 2, 2)])
def test_xor_network_on_arrays(toy, shape):
    rng = np.random.default_rng(400)
    a = rng.integers(0, 2, size=shape).astype(np.float64)
    b = rng.integers(0, 2, size=shape).astype(np.float64)
    a.flat[:4], b.flat[:4] = [0, 0, 1, 1], [0, 1, 0, 1]  # the whole truth table in every case
    copies, expected = snapshot(a, b), ref.xor_network(a.copy(), b.copy())
    out = toy.xor_network(a, b)
    check_unchanged([a, b], copies, "xor_network")
    check_close(out, expected, "xor_network on arrays", atol=1e-9)
    check_close(
        np.round(np.asarray(out, dtype=np.float64)),
        np.logical_xor(a, b),
        "xor_network on arrays, rounded",
        rtol=0,
        atol=0,
    )


# ---------------------------------------------------------------- bump_network


@pytest.mark.exercise("bump_network", points=1)
@pytest.mark.parametrize("shape", [(1,), (301,), (3, 4)])
def test_bump_network_matches_reference(toy, shape):
    x = np.linspace(-1.0, 2.0, int(np.prod(shape))).reshape(shape)
    copy, expected = x.copy(), ref.bump_network(x.copy())
    with np.errstate(over="ignore"):
        y = toy.bump_network(x)
    check_unchanged([x], [copy], "bump_network")
    check_close(y, expected, "bump_network", atol=1e-9)


@pytest.mark.exercise("bump_network", points=1)
def test_bump_network_on_inside_and_off_outside(toy):
    inside = np.array([0.41, 0.43, 0.46, 0.49])
    outside = np.array([-5.0, 0.0, 0.2, 0.38, 0.52, 0.55, 0.7, 1.0, 5.0])
    with np.errstate(over="ignore"):
        y_in, y_out = np.asarray(toy.bump_network(inside)), np.asarray(toy.bump_network(outside))
    check_close(y_in, np.ones_like(inside), "bump_network inside (0.4, 0.5)", rtol=0, atol=1e-3)
    check_close(y_out, np.zeros_like(outside), "bump_network outside [0.4, 0.5]", rtol=0, atol=1e-3)


@pytest.mark.exercise("bump_network", points=1)
def test_bump_network_edges_are_half_way(toy):
    x = np.array([0.4, 0.5])
    check_close(
        toy.bump_network(x), [0.5, 0.5], "bump_network at the switching points x = 0.4 and 0.5", rtol=0, atol=1e-6
    )


# ---------------------------------------------------------------- dense_toy_weights


@pytest.mark.exercise("dense_toy_weights", points=1)
@pytest.mark.parametrize("n", [1, 6])
def test_dense_toy_weights_compute_x1_plus_2_x2(toy, n):
    rng = np.random.default_rng(410 + n)
    x1, x2 = rng.normal(size=(n, 2)), rng.normal(size=(n, 2))
    w = np.asarray(toy.dense_toy_weights(), dtype=np.float64)
    if w.shape != (4, 2):
        fail(f"dense_toy_weights: shape {w.shape}, expected (4, 2)")
    check_close(np.hstack([x1, x2]) @ w, x1 + 2 * x2, "[x1, x2] @ dense_toy_weights() must be x1 + 2 * x2")


# ---------------------------------------------------------------- rnn_toy_weights


@pytest.mark.exercise("rnn_toy_weights", points=1)
@pytest.mark.parametrize("start", [0.0, 1.5])
def test_rnn_toy_weights_follow_the_recurrence(toy, start):
    W, U, b = unpack_tuple(toy.rnn_toy_weights(), 3, "rnn_toy_weights")
    W, U, b = (float(np.asarray(v, dtype=np.float64)) for v in (W, U, b))
    xs = np.random.default_rng(420).normal(size=12)
    h = y = start
    hs, ys = [], []
    for x in xs:
        h, y = W * h + U * x + b, -0.5 * y + x
        hs.append(h)
        ys.append(y)
    check_close(hs, ys, f"h_t = W h_(t-1) + U x_t + b against y_t = -0.5 y_(t-1) + x_t from y_0 = {start}")


# ---------------------------------------------------------------- tiny_net_gradients


def tiny_error(W1, W2, x, y):
    return anp.sum((anp.dot(W2, anp.maximum(0, anp.dot(W1, x))) - y) ** 2)


def tiny_inputs(seed):
    """W1, W2, x, y with some relu units on and some off, none near the kink."""
    for attempt in range(1000):
        rng = np.random.default_rng([seed, attempt])
        W1, W2, x = rng.normal(size=(4, 3)), rng.normal(size=(1, 4)), rng.normal(size=3)
        z1 = W1 @ x
        if np.all(np.abs(z1) > 0.1) and np.any(z1 < 0) and np.any(z1 > 0):
            return W1, W2, x, float(rng.normal())
    raise RuntimeError("no inputs away from relu's kink")


def run_tiny(toy, inputs):
    copies = snapshot(*inputs)
    dW1, dW2 = unpack_tuple(toy.tiny_net_gradients(*inputs), 2, "tiny_net_gradients")
    check_unchanged(inputs, copies, "tiny_net_gradients")
    return dW1, dW2


@pytest.mark.exercise("tiny_net_gradients", points=1)
@pytest.mark.parametrize("seed", [430, 431, 432])
def test_tiny_net_gradients_match_autograd(toy, seed):
    inputs = tiny_inputs(seed)
    dW1, dW2 = run_tiny(toy, inputs)
    check_close(dW1, autograd_vjp(tiny_error, inputs, 0, 1.0), "tiny_net_gradients: dW1 against autograd")
    check_close(dW2, autograd_vjp(tiny_error, inputs, 1, 1.0), "tiny_net_gradients: dW2 against autograd")


@pytest.mark.exercise("tiny_net_gradients", points=1)
def test_tiny_net_gradients_match_central_differences(toy):
    W1, W2, x, y = tiny_inputs(433)
    dW1, dW2 = run_tiny(toy, [W1, W2, x, y])
    check_close(
        dW1,
        numerical_gradient(lambda v: tiny_error(v, W2, x, y), W1),
        "tiny_net_gradients: dW1 against central differences",
        rtol=1e-5,
        atol=1e-8,
    )
    check_close(
        dW2,
        numerical_gradient(lambda v: tiny_error(W1, v, x, y), W2),
        "tiny_net_gradients: dW2 against central differences",
        rtol=1e-5,
        atol=1e-8,
    )


# ---------------------------------------------------------------- count_linear_regions


def random_net(widths, seed):
    rng = np.random.default_rng(seed)
    weights = [rng.normal(size=(a, b)) for a, b in itertools.pairwise(widths)]
    biases = [rng.normal(size=b) for b in widths[1:]]
    return weights, biases


def count(toy, weights, biases, x):
    """The student's count on copies of the lists, checked to leave every input as it was."""
    copies = snapshot(x, weights, biases)
    result = toy.count_linear_regions(list(weights), list(biases), x)
    check_unchanged([x, weights, biases], copies, "count_linear_regions")
    return result


@pytest.mark.exercise("count_linear_regions", points=1)
@pytest.mark.parametrize("width", [1, 4, 9])
def test_one_hidden_layer_has_one_region_more_than_kinks(toy, width):
    rng = np.random.default_rng(440 + width)
    kinks = np.sort(rng.uniform(-2.5, 2.5, size=width))
    w = rng.choice([-1.0, 1.0], size=width) * rng.uniform(0.5, 2.0, size=width)
    weights, biases = [w.reshape(1, width), rng.normal(size=(width, 1))], [-w * kinks, np.array([0.3])]
    x = np.linspace(-3.0, 3.0, 2000)
    check_scalar(
        count(toy, weights, biases, x),
        width + 1,
        f"count_linear_regions of one hidden layer of {width} relus, each switching inside the grid",
        rtol=0,
        atol=0,
    )


@pytest.mark.exercise("count_linear_regions", points=1)
def test_two_hidden_layers_by_hand(toy):
    # relu(x), relu(-x) switch at 0; relu(|x| - 1) at -1 and 1; the linear output crosses 0 at +-1.5 (not a kink)
    weights = [np.array([[1.0, -1.0]]), np.array([[1.0], [1.0]]), np.array([[1.0]])]
    biases = [np.array([0.0, 0.0]), np.array([-1.0]), np.array([-0.5])]
    x = np.linspace(-3.0, 3.0, 600)
    check_scalar(
        count(toy, weights, biases, x), 4, "count_linear_regions of relu(|x| - 1) (two hidden layers)", rtol=0, atol=0
    )


@pytest.mark.exercise("count_linear_regions", points=1)
def test_no_kink_inside_the_grid_is_one_region(toy):
    weights = [np.array([[1.0, 2.0, -1.0]]), np.array([[1.0], [-1.0], [2.0]])]
    biases = [np.array([5.0, 5.0, -5.0]), np.array([0.0])]
    check_scalar(
        count(toy, weights, biases, np.linspace(-1.0, 1.0, 50)),
        1,
        "count_linear_regions when no unit switches inside the grid",
        rtol=0,
        atol=0,
    )


@pytest.mark.exercise("count_linear_regions", points=1)
@pytest.mark.parametrize(
    "widths,seed",
    [([1, 6, 1], 450), ([1, 5, 3, 1], 451), ([1, 3, 4, 2, 2], 452), ([1, 8, 8, 1], 453), ([1, 4, 4, 4, 3], 454)],
)
def test_random_deep_nets_match_reference(toy, widths, seed):
    weights, biases = random_net(widths, seed)
    x = np.linspace(-4.0, 4.0, 3001)
    expected = ref.count_linear_regions(*snapshot(weights, biases, x))
    check_scalar(
        count(toy, weights, biases, x),
        expected,
        f"count_linear_regions of a random ReLU net with widths {widths}",
        rtol=0,
        atol=0,
    )


# ---------------------------------------------------------------- the posts' toys


@pytest.mark.exercise("bump_network", points=1)
def test_bump_through_one_more_sigmoid_is_the_posts_network(toy):
    # the "rabbit holes" post's network is sigmoid(0.8 * bump): 0.5 outside the bump, 0.68997 inside
    x = np.array([0.0, 0.2, 0.42, 0.45, 0.48, 0.7, 1.0])
    posts = 1.0 / (1.0 + np.exp(-0.8 * np.asarray(toy.bump_network(x), dtype=np.float64)))
    check_close(
        posts, [0.5, 0.5, 0.68997448, 0.68997448, 0.68997448, 0.5, 0.5], "sigmoid(0.8 * bump_network(x))", atol=1e-6
    )


@pytest.mark.exercise("count_linear_regions", points=1)
def test_two_layers_of_three_relus_make_nine_regions(toy):
    # "Understanding Deep Learning": 2 hidden layers of 3 relus fold [0, 1] into 9 linear pieces (6 shallow units: 7)
    b = np.array([0.0, -1.0 / 3.0, -2.0 / 3.0])
    weights = [
        np.ones((1, 3)),
        3.0 * np.array([[1.0, 1.0, 1.0], [-2.0, -2.0, -2.0], [2.0, 2.0, 2.0]]),
        np.array([[3.0], [-6.0], [6.0]]),
    ]
    biases = [b, b.copy(), np.array([0.0])]
    x = np.linspace(0.0005, 0.9995, 2001)
    check_scalar(count(toy, weights, biases, x), 9, "count_linear_regions of the 1-3-3-1 folding net", rtol=0, atol=0)


# ---------------------------------------------------------------- train_tiny_net

TINY_INPUTS = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0], [0.0, 0.0, 1.0], [1.0, 1.0, 1.0]])
TINY_TARGETS = np.array([1.0, 1.0, 0.0, 0.0])


def tiny_start(seed):
    rng = np.random.default_rng(seed)
    return rng.uniform(-1, 1, (4, 3)), rng.uniform(-1, 1, (1, 4))


def run_training(toy, W1, W2, inputs, targets, **kwargs):
    arrays = [W1, W2, inputs, targets]
    copies = snapshot(*arrays)
    result = unpack_tuple(toy.train_tiny_net(W1, W2, inputs, targets, **kwargs), 3, "train_tiny_net")
    check_unchanged(arrays, copies, "train_tiny_net (the initial weights must stay as they were)")
    return result


@pytest.mark.exercise("train_tiny_net", points=1)
@pytest.mark.parametrize("seed", [11, 53])
def test_train_tiny_net_converges_from_known_good_starts(toy, seed):
    W1, W2 = tiny_start(seed)
    expected = ref.train_tiny_net(W1, W2, TINY_INPUTS, TINY_TARGETS)
    trained_W1, trained_W2, errors = run_training(toy, W1, W2, TINY_INPUTS, TINY_TARGETS)
    check_close(errors, expected[2], "train_tiny_net: error after each epoch", rtol=1e-6, atol=1e-12)
    check_close(trained_W1, expected[0], "train_tiny_net: trained W1", rtol=1e-6, atol=1e-9)
    check_close(trained_W2, expected[1], "train_tiny_net: trained W2", rtol=1e-6, atol=1e-9)
    if not errors[-1] < 1e-6:
        fail("train_tiny_net: the error after 60 epochs should be below 1e-6 from this start")


@pytest.mark.exercise("train_tiny_net", points=1)
def test_train_tiny_net_other_data_epochs_and_rate(toy):
    rng = np.random.default_rng(460)
    inputs, targets = rng.normal(size=(6, 3)), rng.normal(size=6)
    W1, W2 = tiny_start(461)
    expected = ref.train_tiny_net(W1, W2, inputs, targets, epochs=3, learning_rate=0.02)
    trained_W1, trained_W2, errors = run_training(toy, W1, W2, inputs, targets, epochs=3, learning_rate=0.02)
    check_close(errors, expected[2], "train_tiny_net(epochs=3, learning_rate=0.02): errors per epoch", rtol=1e-7)
    check_close(trained_W1, expected[0], "train_tiny_net(epochs=3, learning_rate=0.02): W1", rtol=1e-7)
    check_close(trained_W2, expected[1], "train_tiny_net(epochs=3, learning_rate=0.02): W2", rtol=1e-7)
