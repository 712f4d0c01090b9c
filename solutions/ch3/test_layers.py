"""Public tests for layers.py: small fixed examples and gradient checks.

Run them with `pytest exercises/ch3/test_layers.py`. Each test checks one
idea; read a failing test to see what your function was expected to do.
"""

import numpy as np
import pytest

from grader.testing import numerical_gradient

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
    out, _ = affine_forward(x, w, b)
    expected = np.array([[1.49834967, 1.70660132, 1.91485297], [3.25553199, 3.51413270, 3.77273342]])
    np.testing.assert_allclose(
        out, expected, rtol=1e-7, err_msg="each row of x is flattened to 120 numbers, then x @ w + b"
    )


@pytest.mark.exercise("affine_backward")
def test_affine_backward_matches_numerical_gradient():
    rng = np.random.default_rng(0)
    x, w, b = rng.normal(size=(4, 2, 3)), rng.normal(size=(6, 5)), rng.normal(size=5)
    dout = rng.normal(size=(4, 5))
    _, cache = affine_forward(x, w, b)
    dx, dw, db = affine_backward(dout, cache)
    np.testing.assert_allclose(
        dx, numerical_gradient(lambda v: affine_forward(v, w, b)[0], x, dout), rtol=1e-6, err_msg="dx"
    )
    np.testing.assert_allclose(
        dw, numerical_gradient(lambda v: affine_forward(x, v, b)[0], w, dout), rtol=1e-6, err_msg="dw"
    )
    np.testing.assert_allclose(
        db,
        numerical_gradient(lambda v: affine_forward(x, w, v)[0], b, dout),
        rtol=1e-6,
        err_msg="db: the bias is added to every row, so its gradient sums dout over the batch",
    )


@pytest.mark.exercise("relu_forward")
def test_relu_forward_matches_cs231n_example():
    x = np.linspace(-0.5, 0.5, num=12).reshape(3, 4)
    out, _ = relu_forward(x)
    expected = np.array(
        [[0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.04545455, 0.13636364], [0.22727273, 0.31818182, 0.40909091, 0.5]]
    )
    np.testing.assert_allclose(out, expected, rtol=1e-6, atol=1e-8)


@pytest.mark.exercise("relu_backward")
def test_relu_backward_passes_gradient_only_where_input_is_positive():
    x = np.array([[-2.0, -0.5, 0.5, 2.0]])
    dout = np.array([[10.0, 20.0, 30.0, 40.0]])
    _, cache = relu_forward(x)
    np.testing.assert_array_equal(relu_backward(dout, cache), [[0.0, 0.0, 30.0, 40.0]])


@pytest.mark.exercise("sigmoid_forward")
def test_sigmoid_of_the_blog_neuron_is_0_3543():
    # w = (0.3, 0.2, 0.4, 0.3), b = -0.8, pixels (0.1, 0.3, 0.2, 0.1): z = -0.6
    z = np.array([0.3 * 0.1 + 0.2 * 0.3 + 0.4 * 0.2 + 0.3 * 0.1 - 0.8])
    out, _ = sigmoid_forward(z)
    np.testing.assert_allclose(out, [0.3543], atol=5e-5)


@pytest.mark.exercise("sigmoid_forward")
def test_sigmoid_does_not_overflow():
    with np.errstate(over="raise"):
        out, _ = sigmoid_forward(np.array([-1000.0, 0.0, 1000.0]))
    np.testing.assert_allclose(out, [0.0, 0.5, 1.0])


@pytest.mark.exercise("sigmoid_backward")
def test_sigmoid_backward_matches_numerical_gradient():
    rng = np.random.default_rng(1)
    x, dout = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    _, cache = sigmoid_forward(x)
    expected = numerical_gradient(lambda v: sigmoid_forward(v)[0], x, dout)
    np.testing.assert_allclose(
        sigmoid_backward(dout, cache), expected, rtol=1e-6, err_msg="the sigmoid's derivative is s * (1 - s)"
    )


@pytest.mark.exercise("tanh_forward")
def test_tanh_forward_values():
    out, _ = tanh_forward(np.array([0.0, 1.0, -2.0]))
    np.testing.assert_allclose(out, [0.0, 0.76159416, -0.96402758], rtol=1e-7)


@pytest.mark.exercise("tanh_backward")
def test_tanh_backward_matches_numerical_gradient():
    rng = np.random.default_rng(2)
    x, dout = rng.normal(size=(2, 5)), rng.normal(size=(2, 5))
    _, cache = tanh_forward(x)
    expected = numerical_gradient(lambda v: tanh_forward(v)[0], x, dout)
    np.testing.assert_allclose(tanh_backward(dout, cache), expected, rtol=1e-6)


@pytest.mark.exercise("softmax")
def test_softmax_rows_are_probabilities():
    p = softmax(np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]))
    np.testing.assert_allclose(p[0], [0.09003057, 0.24472847, 0.66524096], rtol=1e-7)
    np.testing.assert_allclose(p[1], [1 / 3, 1 / 3, 1 / 3])


@pytest.mark.exercise("softmax")
def test_softmax_is_stable_for_large_scores():
    p = softmax(np.array([[1000.0, 1001.0]]))
    assert np.all(np.isfinite(p)), "subtract each row's maximum before exp"
    np.testing.assert_allclose(p, [[0.26894142, 0.73105858]], rtol=1e-7)
