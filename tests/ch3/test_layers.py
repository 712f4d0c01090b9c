"""Hidden suite for ch3/layers.py.

Outputs against the reference on shapes the public tests do not use,
gradients against autograd and against central differences of the
reference (inputs kept away from relu's kink), inputs left unmodified.
"""

import autograd.numpy as anp
import numpy as np
import pytest

from grader.testing import (
    away_from_zero,
    check_backward,
    check_close,
    check_unchanged,
    implementation_of,
    numerical_gradient,
    reference,
    run_forward,
    snapshot,
)

layers = implementation_of("ch3.layers")
ref = reference("ch3.layers")

# (input shape, output width): batch of one, non-square, several trailing dims
AFFINE_SHAPES = [((1, 3), 2), ((4, 5), 5), ((3, 2, 4), 6), ((2, 3, 2, 2), 1)]


def affine_inputs(shape, width, seed):
    rng = np.random.default_rng(seed)
    d = int(np.prod(shape[1:]))
    return rng, [rng.normal(size=shape), rng.normal(size=(d, width)), rng.normal(size=width)]


def affine_autograd(x, w, b):
    return anp.dot(anp.reshape(x, (x.shape[0], -1)), w) + b


@pytest.mark.exercise("affine_forward", points=1)
@pytest.mark.parametrize("shape,width", AFFINE_SHAPES)
def test_affine_forward_matches_reference(layers, shape, width):
    _, inputs = affine_inputs(shape, width, seed=10)
    out, _ = run_forward(layers, "affine_forward", inputs)
    check_close(out, ref.affine_forward(*inputs)[0], "affine_forward output")


@pytest.mark.exercise("affine_backward", points=1)
@pytest.mark.parametrize("shape,width", AFFINE_SHAPES)
def test_affine_backward_matches_autograd(layers, shape, width):
    rng, inputs = affine_inputs(shape, width, seed=11)
    check_backward(layers, "affine", inputs, affine_autograd, rng, ["dx", "dw", "db"])


@pytest.mark.exercise("affine_backward", points=1)
def test_affine_backward_matches_central_differences(layers):
    rng, (x, w, b) = affine_inputs((3, 2, 3), 4, seed=12)
    grads, dout = check_backward(layers, "affine", [x, w, b], affine_autograd, rng, ["dx", "dw", "db"])
    expected = [
        numerical_gradient(lambda v: ref.affine_forward(v, w, b)[0], x, dout),
        numerical_gradient(lambda v: ref.affine_forward(x, v, b)[0], w, dout),
        numerical_gradient(lambda v: ref.affine_forward(x, w, v)[0], b, dout),
    ]
    for grad, numeric, name in zip(grads, expected, ["dx", "dw", "db"]):
        check_close(grad, numeric, f"affine_backward: {name} against central differences", rtol=1e-5)


ELEMENTWISE_SHAPES = [(1, 2), (3, 4), (2, 3, 5)]


def both_signs(rng, shape):
    """Inputs away from relu's kink, with at least one positive and one negative value."""
    x = away_from_zero(rng, shape)
    x.flat[0], x.flat[-1] = abs(x.flat[0]), -abs(x.flat[-1])
    return x


@pytest.mark.exercise("relu_forward", points=1)
@pytest.mark.parametrize("shape", ELEMENTWISE_SHAPES)
def test_relu_forward_matches_reference(layers, shape):
    x = both_signs(np.random.default_rng(20), shape)
    out, _ = run_forward(layers, "relu_forward", [x])
    check_close(out, ref.relu_forward(x)[0], "relu_forward output")


@pytest.mark.exercise("relu_backward", points=1)
@pytest.mark.parametrize("shape", ELEMENTWISE_SHAPES)
def test_relu_backward_matches_autograd(layers, shape):
    rng = np.random.default_rng(21)
    check_backward(layers, "relu", [both_signs(rng, shape)], lambda x: anp.maximum(0, x), rng, ["dx"])


@pytest.mark.exercise("sigmoid_forward", points=1)
@pytest.mark.parametrize("shape", ELEMENTWISE_SHAPES)
def test_sigmoid_forward_matches_reference(layers, shape):
    x = 3 * np.random.default_rng(30).normal(size=shape)
    out, _ = run_forward(layers, "sigmoid_forward", [x])
    check_close(out, ref.sigmoid_forward(x)[0], "sigmoid_forward output")


@pytest.mark.exercise("sigmoid_forward", points=1)
def test_sigmoid_forward_extreme_inputs(layers):
    x = np.array([[-800.0, -40.0, 0.0, 40.0, 800.0]])
    with np.errstate(over="raise", invalid="raise"):
        out, _ = run_forward(layers, "sigmoid_forward", [x])
    check_close(out, ref.sigmoid_forward(x)[0], "sigmoid_forward on inputs of size 800", atol=1e-12)


@pytest.mark.exercise("sigmoid_backward", points=1)
@pytest.mark.parametrize("shape", ELEMENTWISE_SHAPES)
def test_sigmoid_backward_matches_autograd(layers, shape):
    rng = np.random.default_rng(31)
    check_backward(layers, "sigmoid", [2 * rng.normal(size=shape)], lambda x: 1 / (1 + anp.exp(-x)), rng, ["dx"])


@pytest.mark.exercise("tanh_forward", points=1)
@pytest.mark.parametrize("shape", ELEMENTWISE_SHAPES)
def test_tanh_forward_matches_reference(layers, shape):
    x = 2 * np.random.default_rng(40).normal(size=shape)
    out, _ = run_forward(layers, "tanh_forward", [x])
    check_close(out, ref.tanh_forward(x)[0], "tanh_forward output")


@pytest.mark.exercise("tanh_backward", points=1)
@pytest.mark.parametrize("shape", ELEMENTWISE_SHAPES)
def test_tanh_backward_matches_autograd(layers, shape):
    rng = np.random.default_rng(41)
    check_backward(layers, "tanh", [2 * rng.normal(size=shape)], anp.tanh, rng, ["dx"])


@pytest.mark.exercise("softmax", points=1)
@pytest.mark.parametrize("shape", [(1, 1), (1, 5), (4, 3), (6, 10)])
def test_softmax_matches_reference(layers, shape):
    x = 3 * np.random.default_rng(50).normal(size=shape)
    copy, expected = x.copy(), ref.softmax(x.copy())
    check_close(layers.softmax(x), expected, "softmax output")
    check_close(x, copy, "softmax must not modify its input; x")


@pytest.mark.exercise("softmax", points=1)
def test_softmax_large_and_negative_scores(layers):
    x = np.array([[1000.0, 1000.5, 999.0], [-1000.0, -1001.0, -1003.0]])
    copies, expected = snapshot(x), ref.softmax(x.copy())
    check_close(layers.softmax(x), expected, "softmax of scores near +-1000")
    check_unchanged([x], copies, "softmax")


@pytest.mark.exercise("softmax", points=1)
def test_softmax_is_row_wise(layers):
    x = np.random.default_rng(51).normal(size=(3, 4))
    x[1] += 50.0  # shifting one row must not change the others
    copies, expected = snapshot(x), ref.softmax(x.copy())
    check_close(layers.softmax(x), expected, "softmax with rows on different scales")
    check_unchanged([x], copies, "softmax")


# ---------------------------------------------------------------- the posts' single unit and stacked linear layers


@pytest.mark.exercise("sigmoid_forward", points=1)
def test_single_sigmoid_node_of_the_rabbit_holes_post(layers):
    # W = (.3, .2, .4, .3), b = -.8, x = (.1, .3, .2, .1): z = -0.6, output 0.35434369
    x, w, b = np.array([[0.1, 0.3, 0.2, 0.1]]), np.array([[0.3], [0.2], [0.4], [0.3]]), np.array([-0.8])
    z, _ = run_forward(layers, "affine_forward", [x, w, b])
    out, _ = run_forward(layers, "sigmoid_forward", [z])
    check_close(out, [[0.35434369]], "sigmoid(x @ w + b) of the post's single node", rtol=0, atol=5e-9)


@pytest.mark.exercise("affine_forward", points=1)
def test_two_linear_layers_are_one_linear_layer(layers):
    # U(Wx + b) + c = Vx + d with V = W U and d = b U + c: depth without a nonlinearity adds nothing
    rng = np.random.default_rng(13)
    x, w, b, u, c = (rng.normal(size=s) for s in [(5, 4), (4, 3), (3,), (3, 2), (2,)])
    v, d = w @ u, b @ u + c
    hidden, _ = run_forward(layers, "affine_forward", [x, w, b])
    stacked, _ = run_forward(layers, "affine_forward", [hidden, u, c])
    single, _ = run_forward(layers, "affine_forward", [x, v, d])
    check_close(stacked, x @ v + d, "affine_forward twice (linear after linear)")
    check_close(single, stacked, "affine_forward with V = W U, d = b U + c against the two layers")
