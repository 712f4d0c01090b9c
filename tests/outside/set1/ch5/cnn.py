# ---- outside corpus: ch5/cnn.py written in the idioms of a CS231n solution
import numpy as np

from ..ch3.layers import affine_backward, affine_forward, relu_backward, relu_forward
from ..ch3.losses import softmax_loss
from .conv import conv_backward_naive, conv_forward_naive
from .pool import max_pool_backward_naive, max_pool_forward_naive


def conv_relu_pool_forward(x, w, b, conv_param, pool_param):
    # the naive convolution works as well as the fast one (same numbers); a dict cache
    a, conv_cache = conv_forward_naive(x, w, b, conv_param)
    s, relu_cache = relu_forward(a)
    out, pool_cache = max_pool_forward_naive(s, pool_param)
    cache = {"conv": conv_cache, "relu": relu_cache, "pool": pool_cache}
    return out, cache


def conv_relu_pool_backward(dout, cache):
    ds = max_pool_backward_naive(dout, cache["pool"])
    da = relu_backward(ds, cache["relu"])
    dx, dw, db = conv_backward_naive(da, cache["conv"])
    return dx, dw, db


class ThreeLayerConvNet:
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
        self.params = {}
        self.reg = reg
        rng = np.random.default_rng(seed)
        C, H, W = input_dim
        self.params["W1"] = rng.normal(0, weight_scale, (num_filters, C, filter_size, filter_size))
        self.params["b1"] = np.zeros(num_filters)
        self.params["W2"] = rng.normal(0, weight_scale, (num_filters * (H // 2) * (W // 2), hidden_dim))
        self.params["b2"] = np.zeros(hidden_dim)
        self.params["W3"] = rng.normal(0, weight_scale, (hidden_dim, num_classes))
        self.params["b3"] = np.zeros(num_classes)

    def loss(self, X, y=None):
        W1, b1 = self.params["W1"], self.params["b1"]
        W2, b2 = self.params["W2"], self.params["b2"]
        W3, b3 = self.params["W3"], self.params["b3"]
        filter_size = W1.shape[2]
        conv_param = {"stride": 1, "pad": (filter_size - 1) // 2}
        pool_param = {"pool_height": 2, "pool_width": 2, "stride": 2}

        out1, cache1 = conv_relu_pool_forward(X, W1, b1, conv_param, pool_param)
        a2, cache2 = affine_forward(out1, W2, b2)
        out2, cache_relu = relu_forward(a2)
        scores, cache3 = affine_forward(out2, W3, b3)
        if y is None:
            return scores

        loss, dscores = softmax_loss(scores, y)
        loss += 0.5 * self.reg * (np.sum(W1**2) + np.sum(W2**2) + np.sum(W3**2))
        grads = {}
        dout2, grads["W3"], grads["b3"] = affine_backward(dscores, cache3)
        da2 = relu_backward(dout2, cache_relu)
        dout1, grads["W2"], grads["b2"] = affine_backward(da2, cache2)
        _, grads["W1"], grads["b1"] = conv_relu_pool_backward(dout1, cache1)
        grads["W3"] += self.reg * W3
        grads["W2"] += self.reg * W2
        grads["W1"] += self.reg * W1
        return loss, grads
