# Public tests: `pytest exercises/ch3/test_network.py` runs them; `dlgrade check` shows your progress.
"""Public tests for network.py: CS231n's TwoLayerNet check and XOR."""

import numpy as np
import pytest

from grader.testing import call_unchanged, check_close, numerical_gradient

from .network import XOR_INPUTS, TwoLayerNet, he_init, train_xor_network


@pytest.mark.exercise("he_init")
def test_he_init_shape_and_variance():
    w = he_init(500, 400, np.random.default_rng(0))
    assert w.shape == (500, 400)
    assert abs(w.var() - 2 / 500) < 0.05 * 2 / 500, "variance must be 2 / fan_in"
    assert abs(w.mean()) < 1e-3


@pytest.mark.exercise("he_init")
def test_he_init_is_one_draw_from_rng():
    w = he_init(4, 3, np.random.default_rng(7))
    expected = np.random.default_rng(7).normal(0.0, np.sqrt(2 / 4), size=(4, 3))
    check_close(
        w, expected, "he_init(4, 3, rng): one call rng.normal(0, sqrt(2 / fan_in), (fan_in, fan_out))", rtol=1e-12
    )


def cs231n_net(reg=0.0):
    """CS231n's fixed example: N, D, H, C = 3, 5, 50, 7."""
    net = TwoLayerNet(5, 50, 7, weight_scale=1e-2, reg=reg)
    net.params = {
        "W1": np.linspace(-0.7, 0.3, num=250).reshape(5, 50),
        "b1": np.linspace(-0.1, 0.9, num=50),
        "W2": np.linspace(-0.3, 0.4, num=350).reshape(50, 7),
        "b2": np.linspace(-0.9, 0.1, num=7),
    }
    return net, np.linspace(-5.5, 4.5, num=15).reshape(5, 3).T, np.array([0, 5, 1])


@pytest.mark.exercise("TwoLayerNet")
def test_two_layer_net_starts_small_with_zero_biases():
    net = TwoLayerNet(5, 50, 7, weight_scale=1e-2)
    assert net.params["W1"].shape == (5, 50) and net.params["W2"].shape == (50, 7)
    np.testing.assert_array_equal(net.params["b1"], np.zeros(50))
    assert 0.005 < net.params["W1"].std() < 0.015, "weights are weight_scale * N(0, 1)"


@pytest.mark.exercise("TwoLayerNet")
def test_two_layer_net_scores_match_cs231n():
    net, X, _ = cs231n_net()
    scores = net.loss(X)
    np.testing.assert_allclose(scores[0, :3], [11.53165108, 12.2917344, 13.05181771], rtol=1e-7)
    np.testing.assert_allclose(scores[2, -1], 16.2846319, rtol=1e-7)


@pytest.mark.exercise("TwoLayerNet")
def test_two_layer_net_loss_matches_cs231n():
    net, X, y = cs231n_net()
    assert np.isclose(net.loss(X, y)[0], 3.4702243556)
    net, X, y = cs231n_net(reg=1.0)
    assert np.isclose(net.loss(X, y)[0], 26.5948426952), "add 0.5 * reg * (sum W1**2 + sum W2**2)"


@pytest.mark.exercise("TwoLayerNet")
def test_two_layer_net_gradients():
    net, X, y = cs231n_net(reg=0.7)
    net.params = {k: v * 0.1 for k, v in net.params.items()}  # keep relu inputs away from 0
    _, grads = net.loss(X, y)
    for name in ("W1", "b1", "W2", "b2"):

        def loss_of(value, name=name):
            saved = net.params[name]
            net.params[name] = value
            try:
                return net.loss(X, y)[0]
            finally:
                net.params[name] = saved

        np.testing.assert_allclose(
            grads[name],
            numerical_gradient(loss_of, net.params[name]),
            rtol=1e-5,
            atol=1e-8,
            err_msg=f"gradient of {name}",
        )


@pytest.mark.exercise("train_xor_network")
def test_trained_network_solves_xor():
    params, losses = train_xor_network()
    hidden = np.tanh(XOR_INPUTS @ params["W1"] + params["b1"])
    p = 1 / (1 + np.exp(-(hidden @ params["W2"] + params["b2"])))
    np.testing.assert_array_equal(np.round(p).ravel(), [0, 1, 1, 0])
    assert losses[-1] < 0.05 < losses[0]


@pytest.mark.exercise("TwoLayerNet")
def test_two_layer_net_loss_leaves_x_and_y_unchanged():
    net = TwoLayerNet(5, 6, 3, weight_scale=1e-1)
    X, y = np.random.default_rng(2).normal(size=(4, 5)), np.array([0, 2, 1, 2])
    call_unchanged(net.loss, X)
    call_unchanged(net.loss, X, y)
