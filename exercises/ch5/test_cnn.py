# Public tests: `pytest exercises/ch5/test_cnn.py` runs them; `dlgrade check` shows your progress.
"""Public tests for cnn.py: the conv-relu-pool block and CS231n's ThreeLayerConvNet sanity checks.

Run them with `pytest exercises/ch5/test_cnn.py`.
"""

import numpy as np
import pytest

from grader.testing import call_backward, call_unchanged, check_unchanged, numerical_gradient, snapshot

from .cnn import ThreeLayerConvNet, conv_relu_pool_backward, conv_relu_pool_forward

CONV = {"stride": 1, "pad": 1}
POOL = {"pool_height": 2, "pool_width": 2, "stride": 2}


@pytest.mark.exercise("conv_relu_pool_forward")
def test_conv_relu_pool_forward_shape_and_sign():
    rng = np.random.default_rng(0)
    x, w, b = rng.normal(size=(2, 3, 8, 6)), rng.normal(size=(4, 3, 3, 3)), rng.normal(size=4)
    out, _ = call_unchanged(conv_relu_pool_forward, x, w, b, CONV, POOL)  # fails naming an input it changed
    assert out.shape == (2, 4, 4, 3), "'same' convolution keeps 8x6, 2x2 pooling halves it"
    assert out.min() >= 0, "the relu comes before the pooling"


@pytest.mark.exercise("conv_relu_pool_backward")
def test_conv_relu_pool_backward_matches_numerical_gradient():
    rng = np.random.default_rng(1)
    x, w, b = rng.normal(size=(2, 3, 6, 6)), rng.normal(size=(3, 3, 3, 3)), rng.normal(size=3)
    out, cache = conv_relu_pool_forward(x, w, b, CONV, POOL)
    dout = rng.normal(size=out.shape)
    grads = conv_relu_pool_backward(dout, cache)
    numeric = [
        numerical_gradient(lambda v: conv_relu_pool_forward(v, w, b, CONV, POOL)[0], x, dout),
        numerical_gradient(lambda v: conv_relu_pool_forward(x, v, b, CONV, POOL)[0], w, dout),
        numerical_gradient(lambda v: conv_relu_pool_forward(x, w, v, CONV, POOL)[0], b, dout),
    ]
    for grad, expected, name in zip(grads, numeric, ["dx", "dw", "db"]):
        np.testing.assert_allclose(grad, expected, rtol=1e-5, atol=1e-8, err_msg=name)


@pytest.mark.exercise("ThreeLayerConvNet")
def test_three_layer_convnet_parameter_shapes():
    net = ThreeLayerConvNet(input_dim=(1, 8, 8), num_filters=6, filter_size=3, hidden_dim=20, num_classes=10)
    shapes = {name: value.shape for name, value in net.params.items()}
    assert shapes == {"W1": (6, 1, 3, 3), "b1": (6,), "W2": (6 * 4 * 4, 20), "b2": (20,), "W3": (20, 10), "b3": (10,)}
    for name in ("b1", "b2", "b3"):
        np.testing.assert_array_equal(net.params[name], 0.0, err_msg=f"{name} starts at zero")


@pytest.mark.exercise("ThreeLayerConvNet")
def test_three_layer_convnet_initial_loss_is_log_of_the_number_of_classes():
    # CS231n's sanity check: tiny weights give uniform scores, so the loss is log(10)
    X = np.random.default_rng(2).normal(size=(20, 3, 16, 16))
    y = np.arange(20) % 10
    net = ThreeLayerConvNet(input_dim=(3, 16, 16), num_filters=8, hidden_dim=30)
    loss, _ = net.loss(X, y)
    assert abs(loss - np.log(10)) < 1e-3, f"expected about log(10) = {np.log(10):.4f}"
    net.reg = 0.5
    assert net.loss(X, y)[0] > loss, "regularisation makes the loss larger"


@pytest.mark.exercise("ThreeLayerConvNet")
def test_three_layer_convnet_gradients():
    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(2, 2, 6, 5)), np.array([1, 3])
    net = ThreeLayerConvNet(
        input_dim=(2, 6, 5),
        num_filters=3,
        filter_size=3,
        hidden_dim=7,
        num_classes=4,
        weight_scale=0.5,
        reg=0.1,
        seed=4,
    )
    _, grads = net.loss(X, y)
    for name in sorted(net.params):

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
            atol=1e-7,
            err_msg=f"gradient of {name}",
        )


# What the grader also checks: a batch of one, non-square images, inputs left
# unchanged, gradients shaped like their inputs.
@pytest.mark.exercise("conv_relu_pool_backward")
def test_block_on_a_batch_of_one_non_square_image():
    rng = np.random.default_rng(4)
    x, w, b = rng.normal(size=(1, 2, 6, 4)), rng.normal(size=(3, 2, 3, 3)), rng.normal(size=3)
    call_backward(conv_relu_pool_forward, conv_relu_pool_backward, (x, w, b), (CONV, POOL))


@pytest.mark.exercise("ThreeLayerConvNet")
def test_convnet_loss_leaves_its_inputs_unchanged_and_works_on_one_image():
    net = ThreeLayerConvNet(input_dim=(1, 6, 6), num_filters=2, filter_size=3, hidden_dim=5, num_classes=3, seed=0)
    X, y = np.random.default_rng(5).normal(size=(1, 1, 6, 6)), np.array([2])
    copies = snapshot(X, y)
    loss, grads = net.loss(X, y)
    check_unchanged([X, y], copies, "ThreeLayerConvNet.loss", ["X", "y"])
    assert np.ndim(loss) == 0, "the loss is one number"
    assert {k: np.shape(v) for k, v in grads.items()} == {k: v.shape for k, v in net.params.items()}
