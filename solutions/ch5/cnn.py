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
    ### BEGIN SOLUTION
    a, conv_cache = conv_forward_fast(x, w, b, conv_param)
    s, relu_cache = relu_forward(a)
    out, pool_cache = max_pool_forward_naive(s, pool_param)
    cache = (conv_cache, relu_cache, pool_cache)
    ### END SOLUTION
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
    ### BEGIN SOLUTION
    conv_cache, relu_cache, pool_cache = cache
    ds = max_pool_backward_naive(dout, pool_cache)
    da = relu_backward(ds, relu_cache)
    dx, dw, db = conv_backward_fast(da, conv_cache)
    ### END SOLUTION
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
        ### BEGIN SOLUTION
        C, H, W = input_dim
        rng = np.random.default_rng(seed)
        self.reg = reg
        self.params = {
            "W1": weight_scale * rng.standard_normal((num_filters, C, filter_size, filter_size)),
            "b1": np.zeros(num_filters),
            "W2": weight_scale * rng.standard_normal((num_filters * (H // 2) * (W // 2), hidden_dim)),
            "b2": np.zeros(hidden_dim),
            "W3": weight_scale * rng.standard_normal((hidden_dim, num_classes)),
            "b3": np.zeros(num_classes),
        }
        ### END SOLUTION

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
        ### BEGIN SOLUTION
        p = self.params
        filter_size = p["W1"].shape[2]
        conv_param = {"stride": 1, "pad": (filter_size - 1) // 2}
        pool_param = {"pool_height": 2, "pool_width": 2, "stride": 2}
        pooled, block_cache = conv_relu_pool_forward(X, p["W1"], p["b1"], conv_param, pool_param)
        hidden, affine2 = affine_forward(pooled, p["W2"], p["b2"])
        hidden, relu_cache = relu_forward(hidden)
        scores, affine3 = affine_forward(hidden, p["W3"], p["b3"])
        if y is None:
            return scores
        loss, dscores = softmax_loss(scores, y)
        loss += 0.5 * self.reg * sum(np.sum(p[name] ** 2) for name in ("W1", "W2", "W3"))
        grads = {}
        dhidden, grads["W3"], grads["b3"] = affine_backward(dscores, affine3)
        dhidden = relu_backward(dhidden, relu_cache)
        dpooled, grads["W2"], grads["b2"] = affine_backward(dhidden, affine2)
        _, grads["W1"], grads["b1"] = conv_relu_pool_backward(dpooled, block_cache)
        for name in ("W1", "W2", "W3"):
            grads[name] = grads[name] + self.reg * p[name]
        ### END SOLUTION
        return loss, grads
