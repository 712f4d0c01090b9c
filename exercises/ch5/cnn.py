# Fill in each part that raises NotImplementedError; the docstrings say what to compute.
# `pytest exercises/ch5` checks your work, `dlgrade hint NAME` gives a hint.
"""A small convolutional network: the book's convolution-detector-pooling block, then two affine layers.

What every function here promises (the tests check it): inputs (arrays, and
the param dicts unless a docstring says otherwise) are never modified;
a batch of one (N = 1) and non-square shapes work like any other.
"""

import numpy as np

from ..ch3.layers import affine_backward, affine_forward, relu_backward, relu_forward
from ..ch3.losses import softmax_loss
from .conv import conv_backward_fast, conv_forward_fast
from .pool import max_pool_backward_naive, max_pool_forward_naive


def conv_relu_pool_forward(x, w, b, conv_param, pool_param):
    """Convolution-detector-pooling block: out = maxpool(relu(conv(x, w, b))).

    Uses the chapter's conv_forward_fast and max_pool_forward_naive.

    Inputs:
    - x: input, shape (N, C, H, W)
    - w, b: filters (F, C, HH, WW) and biases (F,) of the convolution
    - conv_param: dict with 'stride' and 'pad' for the convolution
    - pool_param: dict with 'pool_height', 'pool_width' and 'stride' for the pooling

    Returns a tuple of:
    - out: output of the pooling, shape (N, F, H'', W'')
    - cache: whatever conv_relu_pool_backward needs
    """
    raise NotImplementedError("conv_relu_pool_forward: not started, see its docstring")
    return out, cache


def conv_relu_pool_backward(dout, cache):
    """Backward pass of the convolution-detector-pooling block (the three backwards in reverse order).

    Inputs:
    - dout: upstream gradient, shape (N, F, H'', W'')
    - cache: from conv_relu_pool_forward

    Returns a tuple of:
    - dx: shape (N, C, H, W)
    - dw: shape (F, C, HH, WW)
    - db: shape (F,)
    """
    raise NotImplementedError("conv_relu_pool_backward: not started, see its docstring")
    return dx, dw, db


class ThreeLayerConvNet:
    """conv - relu - 2x2 max pool - affine - relu - affine - softmax, as in CS231n.

    The convolution has num_filters filters of size filter_size x filter_size
    (odd), stride 1 and pad (filter_size - 1) // 2, so it keeps the height
    and width of the input ('same' padding); the pooling has 2x2 windows and
    stride 2, giving H // 2 x W // 2 maps. ``params`` holds

    - 'W1' (F, C, filter_size, filter_size), 'b1' (F,): the convolution
    - 'W2' (F * (H // 2) * (W // 2), hidden_dim), 'b2' (hidden_dim,)
    - 'W3' (hidden_dim, num_classes), 'b3' (num_classes,)

    Weights start as weight_scale * N(0, 1) drawn from
    np.random.default_rng(seed); biases start at zero.
    """

    def __init__(
        self,
        input_dim=(3, 32, 32),
        num_filters=32,
        filter_size=7,
        hidden_dim=100,
        num_classes=10,
        weight_scale=1e-3,
        reg=0.0,
        seed=0,
    ):
        raise NotImplementedError("ThreeLayerConvNet.__init__: not started, see its docstring")

    def loss(self, X, y=None):
        """Class scores, or the loss and its gradients.

        L = softmax_loss(scores, y) + 0.5 * reg * (sum(W1**2) + sum(W2**2) + sum(W3**2)).

        Inputs:
        - X: images, shape (N, C, H, W)
        - y: integer labels, shape (N,), or None

        Returns:
        - if y is None: scores, shape (N, num_classes)
        - otherwise a tuple of loss (float) and grads, a dict with the same
          keys and shapes as self.params
        """
        raise NotImplementedError("ThreeLayerConvNet.loss: not started, see its docstring")
        return loss, grads
