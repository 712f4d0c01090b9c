"""Public tests for toy_models.py: networks whose answers we know."""

import numpy as np
import pytest

from grader.testing import call_unchanged

from .toy_models import (
    bump_network,
    count_linear_regions,
    dense_toy_weights,
    rnn_toy_weights,
    tiny_net_gradients,
    train_tiny_net,
    xor_network,
)


@pytest.mark.exercise("xor_network")
def test_xor_truth_table():
    table = [round(float(xor_network(a, b)), 2) for a, b in [(0, 0), (0, 1), (1, 0), (1, 1)]]
    assert table == [0.0, 1.0, 1.0, 0.0]


@pytest.mark.exercise("bump_network")
def test_bump_is_one_inside_and_zero_outside():
    y = bump_network(np.array([0.0, 0.3, 0.45, 0.6, 2.0]))
    np.testing.assert_allclose(y, [0, 0, 1, 0, 0], atol=1e-6)


@pytest.mark.exercise("dense_toy_weights")
def test_dense_toy_weights_compute_x1_plus_2_x2():
    x1, x2 = np.array([[1.0, 2.0]]), np.array([[10.0, 20.0]])
    np.testing.assert_allclose(np.hstack([x1, x2]) @ dense_toy_weights(), x1 + 2 * x2)


@pytest.mark.exercise("rnn_toy_weights")
def test_rnn_toy_weights_reproduce_the_recurrence():
    W, U, b = rnn_toy_weights()
    h, y = 0.0, 0.0
    for x in [1.0, 0.0, 2.0, -1.0]:
        h, y = W * h + U * x + b, -0.5 * y + x
        assert np.isclose(h, y)


@pytest.mark.exercise("tiny_net_gradients")
def test_tiny_net_gradient_of_second_layer():
    W1 = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [-1.0, -1.0, -1.0]])
    W2 = np.array([[1.0, 1.0, 1.0, 1.0]])
    x, y = np.array([1.0, 0.0, 1.0]), 1.0
    # a1 = [1, 0, 1, 0], a2 = 2, error gradient 2 * (2 - 1) = 2
    dW1, dW2 = tiny_net_gradients(W1, W2, x, y)
    np.testing.assert_allclose(dW2, [[2.0, 0.0, 2.0, 0.0]])
    np.testing.assert_allclose(dW1, [[2, 0, 2], [0, 0, 0], [2, 0, 2], [0, 0, 0]])


@pytest.mark.exercise("train_tiny_net")
def test_train_tiny_net_from_a_good_start_leaves_the_start_alone():
    rng = np.random.default_rng(18)  # a start that trains well; many do not (dead relus)
    W1, W2 = rng.uniform(-1, 1, (4, 3)), rng.uniform(-1, 1, (1, 4))
    start = W1.copy(), W2.copy()
    inputs, targets = np.array([[1, 0, 1], [0, 1, 1], [0, 0, 1], [1, 1, 1]]), np.array([1, 1, 0, 0])
    _, _, errors = call_unchanged(train_tiny_net, W1, W2, inputs, targets)  # fails naming an input it changed
    assert errors.shape == (60,)
    assert errors[-1] < 1e-6, f"error after 60 epochs {errors[-1]:.3g}, expected below 1e-6"
    np.testing.assert_array_equal(W1, start[0], err_msg="the initial W1 was modified")
    np.testing.assert_array_equal(W2, start[1], err_msg="the initial W2 was modified")


@pytest.mark.exercise("count_linear_regions")
def test_two_relus_make_three_regions():
    # units switch at x = 0 and x = 1: regions (-inf, 0), (0, 1), (1, inf)
    weights = [np.array([[1.0, 1.0]]), np.array([[1.0], [1.0]])]
    biases = [np.array([0.0, -1.0]), np.array([0.0])]
    assert count_linear_regions(weights, biases, np.linspace(-2, 3, 501)) == 3


@pytest.mark.parametrize(
    "name,arguments",
    [
        pytest.param(name, arguments, marks=pytest.mark.exercise(name), id=name)
        for name, arguments in [
            ("xor_network", lambda: (np.array([0.0, 1.0]), np.array([1.0, 1.0]))),
            ("bump_network", lambda: (np.array([0.0, 0.3, 0.45]),)),
            (
                "tiny_net_gradients",
                lambda: (np.eye(4, 3), np.ones((1, 4)), np.array([1.0, 0.0, 1.0]), 1.0),
            ),
            (
                "count_linear_regions",
                lambda: (
                    [np.array([[1.0, 1.0]]), np.array([[1.0], [1.0]])],
                    [np.array([0.0, -1.0]), np.array([0.0])],
                    np.linspace(-2, 3, 51),
                ),
            ),
        ]
    ],
)
def test_toy_model_inputs_are_left_unchanged(name, arguments):
    call_unchanged(globals()[name], *arguments())  # the function imported above; fails naming a changed input
