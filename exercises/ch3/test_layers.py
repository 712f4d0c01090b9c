# Public tests: `pytest exercises/ch3/test_layers.py` runs them; `dlgrade check` shows your progress.
"""Public tests for layers.py: small fixed examples, gradient checks, and the rules every layer follows.

Run them with `pytest exercises/ch3/test_layers.py`. Each test checks one
idea. The grader's tests check the same kinds of things on other inputs:
values, gradients, what is returned, inputs left unchanged, a batch of one,
very large or very negative values.
"""

import numpy as np
import pytest

from grader.testing import (
    call_backward,
    call_forward,
    check_close,
    check_unchanged,
    fail,
    numerical_gradient,
    snapshot,
    unpack_tuple,
)

from .layers import (
    affine_backward,
    affine_forward,
    relu_backward,
    relu_forward,
    sigmoid_backward,
    sigmoid_forward,
    softmax,
    tanh_backward,
    tanh_forward,
)


@pytest.mark.exercise("affine_forward")
def test_affine_forward_matches_cs231n_example():
    x = np.linspace(-0.1, 0.5, num=240).reshape(2, 4, 5, 6)
    w = np.linspace(-0.2, 0.3, num=360).reshape(120, 3)
    b = np.linspace(-0.3, 0.1, num=3)
    out, _ = call_forward(affine_forward, (x, w, b))
    expected = np.array([[1.49834967, 1.70660132, 1.91485297], [3.25553199, 3.51413270, 3.77273342]])
    check_close(out, expected, "affine_forward output (each row of x flattened to 120 numbers, then x @ w + b)")


@pytest.mark.exercise("affine_backward")
def test_affine_backward_matches_numerical_gradient():
    rng = np.random.default_rng(0)
    x, w, b = rng.normal(size=(4, 2, 3)), rng.normal(size=(6, 5)), rng.normal(size=5)
    dout = rng.normal(size=(4, 5))
    _, cache = affine_forward(x, w, b)
    dx, dw, db = unpack_tuple(affine_backward(dout, cache), 3, "affine_backward")
    check_close(dx, numerical_gradient(lambda v: affine_forward(v, w, b)[0], x, dout), "affine_backward: dx")
    check_close(dw, numerical_gradient(lambda v: affine_forward(x, v, b)[0], w, dout), "affine_backward: dw")
    check_close(db, numerical_gradient(lambda v: affine_forward(x, w, v)[0], b, dout), "affine_backward: db")


@pytest.mark.exercise("relu_forward")
def test_relu_forward_matches_cs231n_example():
    x = np.linspace(-0.5, 0.5, num=12).reshape(3, 4)
    out, _ = call_forward(relu_forward, (x,))
    expected = np.array(
        [[0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.04545455, 0.13636364], [0.22727273, 0.31818182, 0.40909091, 0.5]]
    )
    check_close(out, expected, "relu_forward output", rtol=1e-6, atol=1e-8)


@pytest.mark.exercise("relu_backward")
def test_relu_backward_passes_gradient_only_where_input_is_positive():
    x = np.array([[-2.0, -0.5, 0.5, 2.0]])
    dout = np.array([[10.0, 20.0, 30.0, 40.0]])
    _, cache = relu_forward(x)
    check_close(relu_backward(dout, cache), [[0.0, 0.0, 30.0, 40.0]], "relu_backward: dx")


@pytest.mark.exercise("sigmoid_forward")
def test_sigmoid_of_a_small_neuron_is_0_3543():
    # w = (0.3, 0.2, 0.4, 0.3), b = -0.8, pixels (0.1, 0.3, 0.2, 0.1): z = -0.6
    z = np.array([0.3 * 0.1 + 0.2 * 0.3 + 0.4 * 0.2 + 0.3 * 0.1 - 0.8])
    out, _ = call_forward(sigmoid_forward, (z,))
    check_close(out, [0.3543], "sigmoid_forward output", atol=5e-5)


@pytest.mark.exercise("sigmoid_forward")
def test_sigmoid_does_not_overflow():
    try:
        with np.errstate(over="raise"):
            out, _ = call_forward(sigmoid_forward, (np.array([-1000.0, 0.0, 1000.0]),))
    except FloatingPointError as error:
        fail(f"sigmoid_forward of -1000, 0, 1000: {error} (it must not overflow)")
    check_close(out, [0.0, 0.5, 1.0], "sigmoid_forward of -1000, 0, 1000")


@pytest.mark.exercise("sigmoid_backward")
def test_sigmoid_backward_matches_numerical_gradient():
    rng = np.random.default_rng(1)
    x, dout = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    _, cache = sigmoid_forward(x)
    expected = numerical_gradient(lambda v: sigmoid_forward(v)[0], x, dout)
    check_close(sigmoid_backward(dout, cache), expected, "sigmoid_backward: dx")


@pytest.mark.exercise("tanh_forward")
def test_tanh_forward_values():
    out, _ = call_forward(tanh_forward, (np.array([0.0, 1.0, -2.0]),))
    check_close(out, [0.0, 0.76159416, -0.96402758], "tanh_forward output", rtol=1e-7)


@pytest.mark.exercise("tanh_backward")
def test_tanh_backward_matches_numerical_gradient():
    rng = np.random.default_rng(2)
    x, dout = rng.normal(size=(2, 5)), rng.normal(size=(2, 5))
    _, cache = tanh_forward(x)
    expected = numerical_gradient(lambda v: tanh_forward(v)[0], x, dout)
    check_close(tanh_backward(dout, cache), expected, "tanh_backward: dx")


@pytest.mark.exercise("softmax")
def test_softmax_rows_are_probabilities():
    p = softmax(np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]))
    check_close(p, [[0.09003057, 0.24472847, 0.66524096], [1 / 3, 1 / 3, 1 / 3]], "softmax output", rtol=1e-7)


@pytest.mark.exercise("softmax")
def test_softmax_is_stable_for_large_scores():
    p = softmax(np.array([[1000.0, 1001.0], [-1000.0, -1001.0]]))
    check_close(p, [[0.26894142, 0.73105858], [0.73105858, 0.26894142]], "softmax of scores near +-1000", rtol=1e-7)


@pytest.mark.exercise("softmax")
def test_softmax_is_row_wise_and_leaves_its_input_unchanged():
    x = np.array([[1.0, 2.0, 3.0], [51.0, 52.0, 53.0]])  # shifting a row does not change its probabilities
    copy = snapshot(x)
    p = softmax(x)
    check_unchanged([x], copy, "softmax", ["x"])
    check_close(p[1], p[0], "softmax of a row shifted by 50")


# The rules every layer follows, checked on a batch of one: forwards return a
# pair (out, cache) and leave their inputs unchanged; backwards return one
# gradient per input of the forward, shaped like that input, and leave dout unchanged.
ONE = np.array([[0.7, -1.3, 2.1]])
AFFINE_INPUTS = (ONE, np.ones((3, 2)), np.zeros(2))
LAYERS = [("affine", AFFINE_INPUTS), ("relu", (ONE,)), ("sigmoid", (ONE,)), ("tanh", (ONE,))]


@pytest.mark.parametrize(
    "layer, inputs",
    [
        pytest.param(layer, inputs, marks=pytest.mark.exercise(f"{layer}_backward"), id=layer)
        for layer, inputs in LAYERS
    ],
)
def test_layer_on_a_batch_of_one_returns_pairs_and_gradients_and_changes_no_input(layer, inputs):
    forward, backward = globals()[f"{layer}_forward"], globals()[f"{layer}_backward"]  # the functions imported above
    inputs = tuple(np.array(a) for a in inputs)
    call_backward(forward, backward, inputs)  # (out, cache), inputs and dout unchanged, one gradient per input
