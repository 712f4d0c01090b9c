# ---- outside corpus, second set: ch5/cnn.py in other idioms of CS231n solutions
import numpy as np

from ..ch3.layers import affine_backward, affine_forward, relu_backward, relu_forward
from ..ch3.losses import softmax_loss
from .conv import conv_backward_fast, conv_forward_fast
from .pool import max_pool_backward_naive, max_pool_forward_naive


def conv_relu_pool_forward(x, w, b, conv_param, pool_param):
    # CS231n's layer_utils layout: a tuple of the three caches
    a, conv_cache = conv_forward_fast(x, w, b, conv_param)
    s, relu_cache = relu_forward(a)
    out, pool_cache = max_pool_forward_naive(s, pool_param)
    return out, (conv_cache, relu_cache, pool_cache)


def conv_relu_pool_backward(dout, cache):
    conv_cache, relu_cache, pool_cache = cache
    da = relu_backward(max_pool_backward_naive(dout, pool_cache), relu_cache)
    return conv_backward_fast(da, conv_cache)


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
        C, H, W = input_dim
        rng = np.random.default_rng(seed)
        shapes = {
            "W1": (num_filters, C, filter_size, filter_size),
            "W2": (num_filters * (H // 2) * (W // 2), hidden_dim),
            "W3": (hidden_dim, num_classes),
        }
        self.params = {}
        for k, shape in shapes.items():  # drawn in the order W1, W2, W3
            self.params[k] = weight_scale * rng.standard_normal(shape)
        self.params["b1"] = np.zeros(num_filters)
        self.params["b2"] = np.zeros(hidden_dim)
        self.params["b3"] = np.zeros(num_classes)
        self.reg = reg

    def loss(self, X, y=None):
        W1 = self.params["W1"]
        conv_param = {"stride": 1, "pad": (W1.shape[2] - 1) // 2}
        pool_param = {"pool_height": 2, "pool_width": 2, "stride": 2}
        caches = []
        out, cache = conv_relu_pool_forward(X, W1, self.params["b1"], conv_param, pool_param)
        caches.append(cache)
        out, cache = affine_forward(out, self.params["W2"], self.params["b2"])
        caches.append(cache)
        out, cache = relu_forward(out)
        caches.append(cache)
        scores, cache = affine_forward(out, self.params["W3"], self.params["b3"])
        caches.append(cache)
        if y is None:
            return scores
        data_loss, dscores = softmax_loss(scores, y)
        reg_loss = 0.5 * self.reg * sum(np.sum(self.params[k] * self.params[k]) for k in ("W1", "W2", "W3"))
        grads = {}
        dout, grads["W3"], grads["b3"] = affine_backward(dscores, caches.pop())
        dout = relu_backward(dout, caches.pop())
        dout, grads["W2"], grads["b2"] = affine_backward(dout, caches.pop())
        _, grads["W1"], grads["b1"] = conv_relu_pool_backward(dout, caches.pop())
        for k in ("W1", "W2", "W3"):
            grads[k] = grads[k] + self.reg * self.params[k]
        return data_loss + reg_loss, grads
