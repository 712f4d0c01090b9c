"""A small Keras: the book's chapter 7 listings, run on the layers you wrote in chapters 3, 5, 6 and 8.

The names follow Keras 1 (the book's version), so a listing runs once its
imports point here, for example ``from exercises.ch7.model import Sequential,
Dense, Activation`` (listings 7-7 and 7-8 need the course's data instead of
MNIST and IMDB). Underneath, every layer calls your earlier code: Dense is
chapter 3's affine layer, Conv2D chapter 5's fast convolution, LSTM chapter 6's
LSTM, Dropout and the optimisers chapter 8's.

Every layer speaks the same small protocol, which Sequential relies on:

- ``build(input_shape, rng)``: ``input_shape`` is the shape of ONE example
  (no batch axis). Creates ``self.params``, a list of float64 arrays in the
  order ``get_weights`` lists them (weights drawn from ``rng``), and sets and
  returns ``self.output_shape`` (again without the batch axis).
- ``forward(x, training=False, rng=None) -> (out, cache)``: x has a leading
  batch axis N. ``training`` is True only inside ``fit`` (Dropout drops only
  then, with ``rng``).
- ``backward(dout, cache) -> (dx, grads)``: ``grads`` is a list of arrays
  shaped like ``self.params``, in the same order.

Initialisation as in Keras 1: weights are Glorot-uniform,
W ~ U(-limit, limit) with limit = sqrt(6 / (fan_in + fan_out)); biases are 0.

Images are channels-last, as in the book's listing 7-7: a batch of images has
shape (N, H, W, C). Chapter 5's layers are channels-first (N, C, H, W), so the
convolution and pooling layers move the channel axis on the way in and out.

Where the course departs from Keras 1 the docstring says so: the LSTM's gates
use chapter 6's logistic sigmoid (Keras 1 defaulted to hard_sigmoid), Adam is
chapter 8's rule (its epsilon is added to the bias-corrected root, a
difference of order 1e-8), and the book's optimiser string 'adadelat' is a
typo that raises a ValueError, as it would in Keras.

Inputs are never changed in place: ``forward``, ``backward``, ``fit``, ``predict`` and the
helpers leave the arrays and lists they are given (x, y, dout, ...) as they were. The tests
check it after every call.
"""

import math
from types import SimpleNamespace

import numpy as np

from ..ch3.layers import (
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
from ..ch3.losses import binary_cross_entropy, categorical_cross_entropy, mse_loss
from ..ch5.conv import conv_backward_fast, conv_forward_fast
from ..ch5.pool import max_pool_backward_naive, max_pool_forward_naive
from ..ch6.lstm import lstm_backward, lstm_forward, lstm_step_backward, lstm_step_forward
from ..ch8.normalization import dropout_backward, dropout_forward
from ..ch8.optim import adadelta, adagrad, adam, rmsprop, sgd

EPSILON = 1e-7  # Keras 1's fuzz factor: probabilities are clipped to [EPSILON, 1 - EPSILON] in the losses
ACTIVATIONS = ("linear", "sigmoid", "hard_sigmoid", "tanh", "relu", "softmax")


def glorot_uniform(shape, fan_in, fan_out, rng):
    """Keras 1's default initialisation: U(-limit, limit), limit = sqrt(6 / (fan_in + fan_out))."""
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape)


def pair(value):
    """An int or a pair of ints as a pair: 3 -> (3, 3)."""
    return (int(value), int(value)) if np.ndim(value) == 0 else (int(value[0]), int(value[1]))


class Layer:
    """What every layer shares: its parameters, shapes and parameter count (see the module docstring)."""

    def __init__(self, input_shape=None, input_dim=None):
        if input_shape is None and input_dim is not None:
            input_shape = (input_dim,)
        self.input_shape = None if input_shape is None else tuple(None if n is None else int(n) for n in input_shape)
        self.output_shape = None
        self.params = []

    def build(self, input_shape, rng):
        """A layer without parameters keeps the shape of its input."""
        self.input_shape = tuple(input_shape)
        self.output_shape = self.input_shape
        return self.output_shape

    def count_params(self):
        """Number of numbers in the layer's parameters."""
        return int(sum(np.size(p) for p in self.params))


# ---------------------------------------------------------------- activations and fully connected layers


class Activation(Layer):
    """An activation function applied elementwise (softmax: along the last axis).

    activation is one of
    - 'linear': out = x
    - 'sigmoid': out = 1 / (1 + exp(-x))                (chapter 3's sigmoid layer)
    - 'hard_sigmoid': out = clip(0.2 * x + 0.5, 0, 1)   (Keras' cheap sigmoid; its slope is 0 where it clips)
    - 'tanh', 'relu'                                    (chapter 3's layers)
    - 'softmax': out[..., j] = exp(x[..., j]) / sum_k exp(x[..., k])   (chapter 3's softmax)

    The book writes both Activation('relu') and Activation(activation='sigmoid').
    Other names raise a ValueError.
    """

    def __init__(self, activation, input_shape=None, input_dim=None):
        super().__init__(input_shape, input_dim)
        if activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {activation!r}; choose one of {', '.join(ACTIVATIONS)}")
        self.activation = activation

    def forward(self, x, training=False, rng=None):
        """out = activation(x), same shape as x; returns (out, cache)."""
        ### BEGIN SOLUTION
        name = self.activation
        if name == "linear":
            out, cache = x.copy(), None
        elif name == "sigmoid":
            out, cache = sigmoid_forward(x)
        elif name == "hard_sigmoid":
            out, cache = np.clip(0.2 * x + 0.5, 0.0, 1.0), x
        elif name == "tanh":
            out, cache = tanh_forward(x)
        elif name == "relu":
            out, cache = relu_forward(x)
        else:  # softmax over the last axis, as rows of a matrix
            out = softmax(x.reshape(-1, x.shape[-1])).reshape(x.shape)
            cache = out
        ### END SOLUTION
        return out, cache

    def backward(self, dout, cache):
        """dx = dout * activation'(x); softmax: dx = p * (dout - sum_j dout_j p_j). No parameters: grads = []."""
        ### BEGIN SOLUTION
        name = self.activation
        if name == "linear":
            dx = dout.copy()
        elif name == "sigmoid":
            dx = sigmoid_backward(dout, cache)
        elif name == "hard_sigmoid":
            dx = dout * 0.2 * (np.abs(cache) < 2.5)
        elif name == "tanh":
            dx = tanh_backward(dout, cache)
        elif name == "relu":
            dx = relu_backward(dout, cache)
        else:
            p = cache
            dx = p * (dout - np.sum(dout * p, axis=-1, keepdims=True))
        ### END SOLUTION
        return dx, []


class Dense(Layer):
    """Fully connected layer, then an optional activation: out = activation(x @ W + b).

    Dense(units, input_dim=D) takes inputs of shape (N, D); after the first
    layer the input size comes from the layer before. An example with more than
    one axis is flattened first, as chapter 3's affine layer does (Keras wants
    a Flatten layer for that).

    params: [W of shape (D, units), b of shape (units,)]; W Glorot-uniform
    (fan_in = D, fan_out = units) from rng, b zero. activation: a name
    accepted by Activation, or None for 'linear'.
    """

    def __init__(self, units, activation=None, input_dim=None, input_shape=None):
        super().__init__(input_shape, input_dim)
        self.units = int(units)
        self.activation = Activation(activation or "linear")

    def build(self, input_shape, rng):
        """params [W (D, units), b (units,)] with D = product of input_shape; returns (units,)."""
        ### BEGIN SOLUTION
        self.input_shape = tuple(input_shape)
        fan_in = int(np.prod(input_shape))
        self.params = [glorot_uniform((fan_in, self.units), fan_in, self.units, rng), np.zeros(self.units)]
        self.output_shape = (self.units,)
        ### END SOLUTION
        return self.output_shape

    def forward(self, x, training=False, rng=None):
        """out = activation(x @ W + b), shape (N, units), using chapter 3's affine_forward."""
        ### BEGIN SOLUTION
        W, b = self.params
        a, affine_cache = affine_forward(x, W, b)
        out, activation_cache = self.activation.forward(a)
        cache = (affine_cache, activation_cache)
        ### END SOLUTION
        return out, cache

    def backward(self, dout, cache):
        """(dx like x, [dW, db]): the activation's backward, then chapter 3's affine_backward."""
        ### BEGIN SOLUTION
        affine_cache, activation_cache = cache
        da, _ = self.activation.backward(dout, activation_cache)
        dx, dW, db = affine_backward(da, affine_cache)
        grads = [dW, db]
        ### END SOLUTION
        return dx, grads


class Flatten(Layer):
    """Each example flattened to one row: (N, d1, ..., dk) -> (N, d1 * ... * dk).

    The book's example: an input of shape (2, 2, 3) becomes 12 numbers, in
    numpy's row-major order (x.reshape(N, -1)). No parameters.
    """

    def build(self, input_shape, rng):
        """Returns (d1 * ... * dk,)."""
        ### BEGIN SOLUTION
        self.input_shape = tuple(input_shape)
        self.output_shape = (int(np.prod(input_shape)),)
        ### END SOLUTION
        return self.output_shape

    def forward(self, x, training=False, rng=None):
        """out = x.reshape(N, -1)."""
        ### BEGIN SOLUTION
        out, cache = x.reshape(x.shape[0], -1), x.shape
        ### END SOLUTION
        return out, cache

    def backward(self, dout, cache):
        """dx: dout reshaped like the input; grads = []."""
        ### BEGIN SOLUTION
        dx = dout.reshape(cache)
        ### END SOLUTION
        return dx, []


class Dropout(Layer):
    """Dropout(rate): in training, each unit is DROPPED with probability ``rate``.

    Built on chapter 8's inverted dropout, whose p is the probability of
    KEEPING a unit: p = 1 - rate, and kept units are scaled by 1 / p. With
    training=True the mask comes from ``rng`` (required then); with
    training=False (evaluate, predict) the layer is the identity. The book's
    Dropout(0.25) drops a quarter of the units. No parameters.
    """

    def __init__(self, rate, input_shape=None, input_dim=None):
        super().__init__(input_shape, input_dim)
        if not 0 <= rate < 1:
            raise ValueError(f"Dropout rate must be in [0, 1), got {rate}")
        self.rate = float(rate)

    def forward(self, x, training=False, rng=None):
        """out = x * mask / (1 - rate) in training, x otherwise; returns (out, cache)."""
        if training and rng is None:
            raise ValueError("Dropout needs an rng in training")
        ### BEGIN SOLUTION
        if training:
            param = {"p": 1.0 - self.rate, "mode": "train", "seed": int(rng.integers(2**63))}
        else:
            param = {"p": 1.0 - self.rate, "mode": "test"}
        out, cache = dropout_forward(x, param)
        ### END SOLUTION
        return out, cache

    def backward(self, dout, cache):
        """dx = dout * mask / (1 - rate) (training) or dout; grads = []."""
        ### BEGIN SOLUTION
        dx = dropout_backward(dout, cache)
        ### END SOLUTION
        return dx, []


# ---------------------------------------------------------------- convolution, pooling, recurrence


class Conv2D(Layer):
    """2-D convolution of channels-last images with chapter 5's conv_forward_fast, then an activation.

    Inputs (N, H, W, C); outputs (N, H', W', filters) with, per axis,
    - padding='valid': H' = 1 + (H - kh) // stride (no padding)
    - padding='same':  H' = ceil(H / stride); the rows needed for that are
      padded with zeros, the odd one (if any) at the bottom (right), as Keras does.

    params: [W of shape (kh, kw, C, filters) (Keras' channels-last layout),
    b of shape (filters,)]; W Glorot-uniform with fan_in = kh * kw * C and
    fan_out = kh * kw * filters, b zero. Chapter 5 wants x as (N, C, H, W) and
    filters as (F, C, kh, kw): move the axes with transpose (a reshape would
    scramble the numbers).
    """

    def __init__(self, filters, kernel_size, padding="valid", input_shape=None, strides=(1, 1), activation=None):
        super().__init__(input_shape)
        if padding not in ("valid", "same"):
            raise ValueError(f"padding must be 'valid' or 'same', got {padding!r}")
        self.filters, self.kernel_size, self.padding = int(filters), pair(kernel_size), padding
        self.strides = pair(strides)
        if self.strides[0] != self.strides[1]:
            raise ValueError("chapter 5's convolution has one stride for rows and columns")
        self.activation = Activation(activation or "linear")

    def padding_sizes(self, H, W):
        """((top, bottom), (left, right)) zero rows and columns, and the output size (H', W')."""
        (kh, kw), s = self.kernel_size, self.strides[0]
        if self.padding == "valid":
            return ((0, 0), (0, 0)), (1 + (H - kh) // s, 1 + (W - kw) // s)
        out = (math.ceil(H / s), math.ceil(W / s))
        total = [max((o - 1) * s + k - n, 0) for o, k, n in zip(out, (kh, kw), (H, W))]
        return tuple((t // 2, t - t // 2) for t in total), out

    def build(self, input_shape, rng):
        """params [W (kh, kw, C, filters), b (filters,)]; returns (H', W', filters)."""
        ### BEGIN SOLUTION
        H, W, C = input_shape
        kh, kw = self.kernel_size
        _, (H_out, W_out) = self.padding_sizes(H, W)
        self.input_shape = tuple(input_shape)
        weights = glorot_uniform((kh, kw, C, self.filters), kh * kw * C, kh * kw * self.filters, rng)
        self.params = [weights, np.zeros(self.filters)]
        self.output_shape = (H_out, W_out, self.filters)
        ### END SOLUTION
        return self.output_shape

    def forward(self, x, training=False, rng=None):
        """x (N, H, W, C) -> activation(conv(x)) of shape (N, H', W', filters)."""
        ### BEGIN SOLUTION
        W, b = self.params
        pads, _ = self.padding_sizes(x.shape[1], x.shape[2])
        x_padded = np.pad(x, ((0, 0), *pads, (0, 0)))
        x_nchw = x_padded.transpose(0, 3, 1, 2)
        w_fchw = W.transpose(3, 2, 0, 1)
        a, conv_cache = conv_forward_fast(x_nchw, w_fchw, b, {"stride": self.strides[0], "pad": 0})
        out, activation_cache = self.activation.forward(a.transpose(0, 2, 3, 1))
        cache = (conv_cache, activation_cache, pads, x.shape)
        ### END SOLUTION
        return out, cache

    def backward(self, dout, cache):
        """(dx (N, H, W, C), [dW (kh, kw, C, filters), db (filters,)])."""
        ### BEGIN SOLUTION
        conv_cache, activation_cache, pads, x_shape = cache
        da, _ = self.activation.backward(dout, activation_cache)
        dx_nchw, dw_fchw, db = conv_backward_fast(da.transpose(0, 3, 1, 2), conv_cache)
        dx_padded = dx_nchw.transpose(0, 2, 3, 1)
        (top, _), (left, _) = pads
        dx = dx_padded[:, top : top + x_shape[1], left : left + x_shape[2], :]
        grads = [dw_fchw.transpose(2, 3, 1, 0), db]
        ### END SOLUTION
        return dx, grads


def Convolution2D(nb_filter, nb_row, nb_col, border_mode="valid", input_shape=None, activation=None, subsample=(1, 1)):
    """Keras 1's name and arguments for Conv2D (the book's listing 7-7)."""
    return Conv2D(
        nb_filter,
        (nb_row, nb_col),
        strides=subsample,
        padding=border_mode,
        activation=activation,
        input_shape=input_shape,
    )


class MaxPool2D(Layer):
    """Max pooling of channels-last images with chapter 5's max_pool_forward_naive.

    Windows of pool_size = (ph, pw) rows and columns, every ``strides`` rows
    and columns (default: strides = pool_size, windows side by side), no
    padding: (N, H, W, C) -> (N, 1 + (H - ph) // s, 1 + (W - pw) // s, C).
    No parameters.
    """

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", input_shape=None):
        super().__init__(input_shape)
        if padding != "valid":
            raise ValueError("only padding='valid' pooling is supported")
        self.pool_size = pair(pool_size)
        self.strides = self.pool_size if strides is None else pair(strides)
        if self.strides[0] != self.strides[1]:
            raise ValueError("chapter 5's pooling has one stride for rows and columns")

    def build(self, input_shape, rng):
        """Returns (H', W', C)."""
        ### BEGIN SOLUTION
        H, W, C = input_shape
        (ph, pw), s = self.pool_size, self.strides[0]
        self.input_shape = tuple(input_shape)
        self.output_shape = (1 + (H - ph) // s, 1 + (W - pw) // s, C)
        ### END SOLUTION
        return self.output_shape

    def forward(self, x, training=False, rng=None):
        """x (N, H, W, C) -> (N, H', W', C), the maximum of each window of each channel."""
        ### BEGIN SOLUTION
        (ph, pw), s = self.pool_size, self.strides[0]
        param = {"pool_height": ph, "pool_width": pw, "stride": s}
        out_nchw, cache = max_pool_forward_naive(x.transpose(0, 3, 1, 2), param)
        out = out_nchw.transpose(0, 2, 3, 1)
        ### END SOLUTION
        return out, cache

    def backward(self, dout, cache):
        """dx (N, H, W, C); grads = []."""
        ### BEGIN SOLUTION
        dx = max_pool_backward_naive(dout.transpose(0, 3, 1, 2), cache).transpose(0, 2, 3, 1)
        ### END SOLUTION
        return dx, []


MaxPooling2D = MaxPool2D  # Keras 1's name


def orthogonal(n, rng):
    """An n x n orthogonal matrix (Keras 1's initialisation of recurrent weights), from QR of a normal matrix."""
    q, r = np.linalg.qr(rng.normal(size=(n, n)))
    return q * np.sign(np.diag(r))


class RecurrentDropout:
    """What LSTM.dropout_forward keeps for its backward pass."""

    def __init__(self, steps, mask_x, mask_h, shape):
        self.steps, self.mask_x, self.mask_h, self.shape = steps, mask_x, mask_h, shape


class LSTM(Layer):
    """Long short-term memory over sequences, with chapter 6's lstm_forward (h0 = 0, c0 = 0).

    Inputs (N, T, D). Output: the last hidden state h_T, shape (N, units), or
    with return_sequences=True every hidden state, shape (N, T, units).

    params: [Wx (D, 4 * units), Wh (units, 4 * units), b (4 * units,)] with
    chapter 6's gate order i, f, o, g. Wx is Glorot-uniform (fan_in = D,
    fan_out = 4 * units); each (units, units) gate block of Wh is orthogonal
    (the given ``orthogonal``, called for i, f, o, g in turn); b is zero
    except the forget gate's block b[units:2 * units] = 1, so that the cell
    remembers at the start of training (Keras' forget bias). The gates are
    chapter 6's logistic sigmoids (Keras 1 defaulted to hard_sigmoid).

    dropout_W and dropout_U (the book's listing 7-8) drop inputs and recurrent
    connections in training; that part is given (``dropout_forward`` and
    ``dropout_backward`` below): forward and backward only hand over to it.
    """

    def __init__(
        self,
        units,
        return_sequences=False,
        input_shape=None,
        input_dim=None,
        input_length=None,
        dropout_W=0.0,
        dropout_U=0.0,
    ):
        if input_shape is None and input_dim is not None:
            input_shape = (input_length, input_dim)
        super().__init__(input_shape)
        self.units, self.return_sequences = int(units), bool(return_sequences)
        if not (0 <= dropout_W < 1 and 0 <= dropout_U < 1):
            raise ValueError("dropout_W and dropout_U must be in [0, 1)")
        self.dropout_W, self.dropout_U = float(dropout_W), float(dropout_U)

    def build(self, input_shape, rng):
        """Returns (units,), or (T, units) with return_sequences."""
        ### BEGIN SOLUTION
        T, D = input_shape
        H = self.units
        self.input_shape = tuple(input_shape)
        Wx = glorot_uniform((D, 4 * H), D, 4 * H, rng)
        Wh = np.concatenate([orthogonal(H, rng) for _ in range(4)], axis=1)
        b = np.zeros(4 * H)
        b[H : 2 * H] = 1.0
        self.params = [Wx, Wh, b]
        self.output_shape = (T, H) if self.return_sequences else (H,)
        ### END SOLUTION
        return self.output_shape

    def forward(self, x, training=False, rng=None):
        """x (N, T, D) -> h of shape (N, units), or (N, T, units) with return_sequences."""
        if training and (self.dropout_W or self.dropout_U):
            return self.dropout_forward(x, rng)
        ### BEGIN SOLUTION
        Wx, Wh, b = self.params
        h, lstm_cache = lstm_forward(x, np.zeros((x.shape[0], self.units)), Wx, Wh, b)
        out = h if self.return_sequences else h[:, -1, :]
        cache = (lstm_cache, h.shape)
        ### END SOLUTION
        return out, cache

    def backward(self, dout, cache):
        """(dx (N, T, D), [dWx, dWh, db]); without return_sequences only the last step gets dout."""
        if isinstance(cache, RecurrentDropout):
            return self.dropout_backward(dout, cache)
        ### BEGIN SOLUTION
        lstm_cache, h_shape = cache
        if self.return_sequences:
            dh = dout
        else:
            dh = np.zeros(h_shape)
            dh[:, -1, :] = dout
        dx, _, dWx, dWh, db = lstm_backward(dh, lstm_cache)
        grads = [dWx, dWh, db]
        ### END SOLUTION
        return dx, grads

    # given: Keras 1's dropout_W and dropout_U, used in training only -----------------------------------
    def dropout_forward(self, x, rng):
        """Variational dropout (Gal and Ghahramani 2016), as Keras 1 does it: for each sequence one mask on
        the inputs and one on the previous hidden state, the same at every step, written with chapter 6's
        step functions (the previous hidden state is masked only where it enters the gates)."""
        if rng is None:
            raise ValueError("LSTM dropout needs an rng in training")
        Wx, Wh, b = self.params
        N, T, D = x.shape
        keep_x, keep_h = 1 - self.dropout_W, 1 - self.dropout_U
        mask_x = (rng.random((N, D)) < keep_x) / keep_x
        mask_h = (rng.random((N, self.units)) < keep_h) / keep_h
        h, c = np.zeros((N, self.units)), np.zeros((N, self.units))
        hs, steps = np.zeros((N, T, self.units)), []
        for t in range(T):
            h, c, step = lstm_step_forward(x[:, t] * mask_x, h * mask_h, c, Wx, Wh, b)
            hs[:, t] = h
            steps.append(step)
        out = hs if self.return_sequences else hs[:, -1]
        return out, RecurrentDropout(steps, mask_x, mask_h, hs.shape)

    def dropout_backward(self, dout, cache):
        """Backpropagation through time for dropout_forward."""
        N, T, H = cache.shape
        dh = dout if self.return_sequences else np.concatenate([np.zeros((N, T - 1, H)), dout[:, None]], axis=1)
        dx = np.zeros((N, T, cache.mask_x.shape[1]))
        grads = [np.zeros_like(p) for p in self.params]
        dnext_h, dnext_c = np.zeros((N, H)), np.zeros((N, H))
        for t in reversed(range(T)):
            dx_t, dprev_h, dnext_c, *dparams = lstm_step_backward(dh[:, t] + dnext_h, dnext_c, cache.steps[t])
            dx[:, t] = dx_t * cache.mask_x
            dnext_h = dprev_h * cache.mask_h
            grads = [g + d for g, d in zip(grads, dparams)]
        return dx, grads


class Embedding(Layer):
    """Word vectors (the book's listing 7-8): each integer index i in 0 .. input_dim - 1 becomes the row W[i].

    Inputs (N, T) of integer indices (any dtype holding whole numbers);
    outputs (N, T, output_dim). params: [W of shape (input_dim, output_dim)],
    W ~ U(-0.05, 0.05) from rng (Keras 1's 'uniform').

    dropout (Keras 1) is the share of WORDS dropped in training: each row of W
    is zeroed with probability ``dropout`` (for all of its occurrences in the
    batch), the others are scaled by 1 / (1 - dropout); with rng required then.

    Backward: dW gathers dout into the rows that were used. An index that
    occurs several times collects the SUM of its gradients (np.add.at does
    that; dW[idx] += ... keeps only one of them). Indices have no gradient:
    dx is zeros of the input's shape.
    """

    def __init__(self, input_dim, output_dim, dropout=0.0, input_length=None):
        super().__init__((input_length,))
        if not 0 <= dropout < 1:
            raise ValueError(f"Embedding dropout must be in [0, 1), got {dropout}")
        self.input_dim, self.output_dim, self.dropout = int(input_dim), int(output_dim), float(dropout)

    def build(self, input_shape, rng):
        """params [W (input_dim, output_dim)]; returns (T, output_dim)."""
        ### BEGIN SOLUTION
        self.input_shape = tuple(input_shape)
        self.params = [rng.uniform(-0.05, 0.05, size=(self.input_dim, self.output_dim))]
        self.output_shape = (input_shape[0], self.output_dim)
        ### END SOLUTION
        return self.output_shape

    def forward(self, x, training=False, rng=None):
        """x (N, T) indices -> W[x] of shape (N, T, output_dim) (rows dropped in training)."""
        if training and self.dropout and rng is None:
            raise ValueError("Embedding dropout needs an rng in training")
        ### BEGIN SOLUTION
        (W,) = self.params
        idx = np.asarray(x).astype(np.int64)
        scale = np.ones(len(W))
        if training and self.dropout > 0:
            scale = (rng.random(len(W)) >= self.dropout) / (1 - self.dropout)
        out = W[idx] * scale[idx][..., None]
        cache = (idx, scale, W.shape)
        ### END SOLUTION
        return out, cache

    def backward(self, dout, cache):
        """(dx zeros like the indices, [dW (input_dim, output_dim)])."""
        ### BEGIN SOLUTION
        idx, scale, shape = cache
        dW = np.zeros(shape)
        np.add.at(dW, idx, dout * scale[idx][..., None])
        dx = np.zeros(idx.shape)
        ### END SOLUTION
        return dx, [dW]


# ---------------------------------------------------------------- losses: each returns (loss, d loss / d y_pred)


def mean_squared_error(y_pred, y):
    """Keras' 'mse': the mean of (y_pred - y)**2 over ALL elements (batch and outputs).

    Chapter 3's mse_loss sums over the outputs of a row and averages over the
    rows only: divide by the number of outputs per row as well.

    Inputs:
    - y_pred, y: shape (N, ...), the same

    Returns a tuple of:
    - loss: float
    - dy_pred: like y_pred
    """
    ### BEGIN SOLUTION
    rows, targets = y_pred.reshape(len(y_pred), -1), np.reshape(y, (len(y_pred), -1))
    loss, drows = mse_loss(rows, targets)
    per_row = rows.shape[1]
    loss, dy_pred = loss / per_row, (drows / per_row).reshape(y_pred.shape)
    ### END SOLUTION
    return loss, dy_pred


def binary_crossentropy(p, y):
    """Keras' 'binary_crossentropy': chapter 3's binary cross-entropy of clip(p, 1e-7, 1 - 1e-7).

    L = -mean(y * log(q) + (1 - y) * log(1 - q)),  q = clip(p, EPSILON, 1 - EPSILON)

    The clip keeps the loss finite when an output is not a probability (a
    relu or linear last layer, the book's listing 7-6); the clip's slope is 0
    outside [EPSILON, 1 - EPSILON], so there the gradient is 0.

    Inputs:
    - p: outputs, any shape (need not lie in (0, 1))
    - y: targets in [0, 1], same shape

    Returns a tuple of:
    - loss: float
    - dp: like p
    """
    ### BEGIN SOLUTION
    q = np.clip(p, EPSILON, 1 - EPSILON)
    loss, dq = binary_cross_entropy(q, np.reshape(y, q.shape))
    dp = dq * ((p >= EPSILON) & (p <= 1 - EPSILON))
    ### END SOLUTION
    return loss, dp


def categorical_crossentropy(p, y):
    """Keras' 'categorical_crossentropy': chapter 3's categorical cross-entropy of clip(p, 1e-7, 1 - 1e-7).

    L = -(1/N) * sum_i sum_j y[i, j] * log(q[i, j]),  q = clip(p, EPSILON, 1 - EPSILON)

    (mean over the N examples, sum over the classes), gradient 0 where p is clipped.

    Inputs:
    - p: class probabilities, shape (N, C)
    - y: one-hot targets, shape (N, C)

    Returns a tuple of:
    - loss: float
    - dp: like p
    """
    ### BEGIN SOLUTION
    q = np.clip(p, EPSILON, 1 - EPSILON)
    loss, dq = categorical_cross_entropy(q, y)
    dp = dq * ((p >= EPSILON) & (p <= 1 - EPSILON))
    ### END SOLUTION
    return loss, dp


LOSSES = {
    "mse": mean_squared_error,
    "mean_squared_error": mean_squared_error,
    "binary_crossentropy": binary_crossentropy,
    "categorical_crossentropy": categorical_crossentropy,
}


# ---------------------------------------------------------------- metrics (given)


def binary_accuracy(y_pred, y):
    """Share of outputs that round to their target (Keras: mean(y == round(y_pred)))."""
    return float(np.mean(np.round(y_pred) == np.reshape(y, y_pred.shape)))


def categorical_accuracy(y_pred, y):
    """Share of rows whose largest output is the target's class."""
    return float(np.mean(np.argmax(y_pred, axis=-1) == np.argmax(y, axis=-1)))


def mse_metric(y_pred, y):
    """Mean of the squared errors over all outputs (Keras' 'mean_squared_error' metric)."""
    return float(np.mean((y_pred - np.reshape(y, y_pred.shape)) ** 2))


def mae_metric(y_pred, y):
    """Mean of the absolute errors over all outputs (Keras' 'mean_absolute_error' metric)."""
    return float(np.mean(np.abs(y_pred - np.reshape(y, y_pred.shape))))


METRICS = {
    "binary_accuracy": binary_accuracy,
    "categorical_accuracy": categorical_accuracy,
    "mean_squared_error": mse_metric,
    "mse": mse_metric,
    "mean_absolute_error": mae_metric,
    "mae": mae_metric,
}


# ---------------------------------------------------------------- optimisers


def adamax(w, dw, config=None):
    """Adamax (Kingma and Ba 2015, section 7.1), Keras 1's form; chapter 8's signature.

        t <- t + 1
        m <- beta1 * m + (1 - beta1) * dw
        u <- max(beta2 * u, |dw|)                      (an infinity norm instead of Adam's v)
        w <- w - learning_rate / (1 - beta1**t) * m / (u + epsilon)

    config: learning_rate (default 2e-3), beta1 (0.9), beta2 (0.999),
    epsilon (1e-8); state m, u (arrays like w, default zeros) and t (default 0).

    Returns a tuple of:
    - next_w: like w
    - config: a new dict with the new m, u and t
    """
    config = {"learning_rate": 2e-3, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8, "t": 0, **(config or {})}
    m = config.get("m", np.zeros_like(w, dtype=np.float64))
    u = config.get("u", np.zeros_like(w, dtype=np.float64))
    ### BEGIN SOLUTION
    beta1, beta2 = config["beta1"], config["beta2"]
    t = config["t"] + 1
    m = beta1 * m + (1 - beta1) * dw
    u = np.maximum(beta2 * u, np.abs(dw))
    next_w = w - config["learning_rate"] / (1 - beta1**t) * m / (u + config["epsilon"])
    ### END SOLUTION
    config["m"], config["u"], config["t"] = m, u, t
    return next_w, config


def nadam(w, dw, config=None):
    """Nadam (Dozat 2016): Adam with Nesterov momentum, Keras 1's form; chapter 8's signature.

    With the momentum schedule mu_t = beta1 * (1 - 0.5 * 0.96**(t * schedule_decay)):

        t <- t + 1
        mu_t, mu_next = mu(t), mu(t + 1)
        schedule <- schedule * mu_t                    (the product mu_1 ... mu_t; starts at 1)
        m <- beta1 * m + (1 - beta1) * dw
        v <- beta2 * v + (1 - beta2) * dw**2
        m_bar = (1 - mu_t) * dw / (1 - schedule) + mu_next * m / (1 - schedule * mu_next)
        w <- w - learning_rate * m_bar / (sqrt(v / (1 - beta2**t)) + epsilon)

    config: learning_rate (default 2e-3), beta1 (0.9), beta2 (0.999),
    epsilon (1e-8), schedule_decay (0.004); state m, v (arrays like w, default
    zeros), schedule (default 1.0) and t (default 0).

    Returns a tuple of:
    - next_w: like w
    - config: a new dict with the new m, v, schedule and t
    """
    config = {
        "learning_rate": 2e-3,
        "beta1": 0.9,
        "beta2": 0.999,
        "epsilon": 1e-8,
        "schedule_decay": 0.004,
        "schedule": 1.0,
        "t": 0,
        **(config or {}),
    }
    m = config.get("m", np.zeros_like(w, dtype=np.float64))
    v = config.get("v", np.zeros_like(w, dtype=np.float64))
    ### BEGIN SOLUTION
    beta1, beta2, decay = config["beta1"], config["beta2"], config["schedule_decay"]
    t = config["t"] + 1
    mu_t = beta1 * (1 - 0.5 * 0.96 ** (t * decay))
    mu_next = beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * decay))
    schedule = config["schedule"] * mu_t
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw**2
    m_bar = (1 - mu_t) * dw / (1 - schedule) + mu_next * m / (1 - schedule * mu_next)
    next_w = w - config["learning_rate"] * m_bar / (np.sqrt(v / (1 - beta2**t)) + config["epsilon"])
    config["schedule"] = schedule
    ### END SOLUTION
    config["m"], config["v"], config["t"] = m, v, t
    return next_w, config


def get_optimizer(name):
    """The update rule and starting config of a Keras optimiser string, with Keras 1's defaults.

    | name       | rule                | config                                                       |
    |------------|---------------------|--------------------------------------------------------------|
    | 'sgd'      | chapter 8's sgd     | learning_rate 0.01                                           |
    | 'rmsprop'  | chapter 8's rmsprop | learning_rate 0.001, decay_rate 0.9, epsilon 1e-8            |
    | 'adagrad'  | chapter 8's adagrad | learning_rate 0.01, epsilon 1e-8                             |
    | 'adadelta' | chapter 8's adadelta| learning_rate 1.0, rho 0.95, epsilon 1e-8                    |
    | 'adam'     | chapter 8's adam    | learning_rate 0.001, beta1 0.9, beta2 0.999, epsilon 1e-8    |
    | 'adamax'   | adamax above        | learning_rate 0.002, beta1 0.9, beta2 0.999, epsilon 1e-8    |
    | 'nadam'    | nadam above         | learning_rate 0.002, beta1 0.9, beta2 0.999, epsilon 1e-8    |

    Chapter 8's own defaults differ (rmsprop 0.01 and 0.99, adadelta epsilon
    1e-6): pass every entry of the table. Any other name (the book's
    'adadelat' included) raises a ValueError that names the valid ones.

    Returns a tuple of:
    - rule: the update function, rule(w, dw, config) -> (next_w, config)
    - config: a new dict of hyperparameters (no state yet)
    """
    ### BEGIN SOLUTION
    table = {
        "sgd": (sgd, {"learning_rate": 0.01}),
        "rmsprop": (rmsprop, {"learning_rate": 0.001, "decay_rate": 0.9, "epsilon": 1e-8}),
        "adagrad": (adagrad, {"learning_rate": 0.01, "epsilon": 1e-8}),
        "adadelta": (adadelta, {"learning_rate": 1.0, "rho": 0.95, "epsilon": 1e-8}),
        "adam": (adam, {"learning_rate": 0.001, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8}),
        "adamax": (adamax, {"learning_rate": 0.002, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8}),
        "nadam": (nadam, {"learning_rate": 0.002, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8}),
    }
    if name not in table:
        raise ValueError(f"unknown optimizer {name!r}; choose one of {', '.join(table)}")
    rule, config = table[name]
    config = dict(config)
    ### END SOLUTION
    return rule, config


# ---------------------------------------------------------------- the model


def report_epoch(epoch, epochs, logs):
    """One line per epoch for fit(verbose=1): 'Epoch 3/10 - loss: 0.6712 - acc: 0.5630'."""
    print(f"Epoch {epoch + 1}/{epochs} - " + " - ".join(f"{k}: {v:.4f}" for k, v in logs.items()))


class History:
    """What fit returns: ``history`` maps 'loss' (and each metric, and 'val_...') to one value per epoch."""

    def __init__(self):
        self.epoch = []
        self.history = {}

    def record(self, epoch, logs):
        self.epoch.append(epoch)
        for key, value in logs.items():
            self.history.setdefault(key, []).append(float(value))


def _not_compiled(*args, **kwargs):
    """Stands for the loss and the update rule until compile() chooses them."""
    raise RuntimeError("call model.compile(optimizer, loss) before training or evaluating the model")


class Sequential:
    """A stack of layers trained as one model, as in Keras.

    Sequential(layers=None, seed=0): ``seed`` seeds the one random generator,
    ``self.rng = np.random.default_rng(seed)``, that draws the initial weights
    (as layers are added), the order of the examples in every epoch and the
    dropout masks; the same seed always gives the same run.

    After ``compile`` the model holds
    - ``loss_function``: one of the loss functions above, (y_pred, y) -> (loss, dy_pred)
    - ``update_rule`` and ``optimizer_configs``: the optimiser's rule and ONE
      config per parameter array (in get_weights order), each carrying its own state
    - ``metrics`` and ``metrics_names``: the metric functions and the names
      ['loss', ...] that evaluate's values and History's keys use.
    """

    def __init__(self, layers=None, seed=0):
        self.layers = []
        self.rng = np.random.default_rng(seed)
        self.stop_training = False
        self.loss_function, self.update_rule, self.optimizer_configs = _not_compiled, _not_compiled, []
        self.metrics, self.metrics_names = [], ["loss"]
        for layer in layers or []:
            self.add(layer)

    def add(self, layer):
        """Append a layer and build it with self.rng.

        The first layer's input shape comes from its input_dim or input_shape
        argument (a ValueError if it has neither); every later layer's from
        the output shape of the layer before it.
        """
        ### BEGIN SOLUTION
        if self.layers:
            input_shape = self.layers[-1].output_shape
        elif layer.input_shape is not None:
            input_shape = layer.input_shape
        else:
            raise ValueError("the first layer needs input_dim or input_shape")
        layer.build(input_shape, self.rng)
        self.layers.append(layer)
        ### END SOLUTION

    def compile(self, optimizer, loss, metrics=None):
        """Choose the optimiser (a string, see get_optimizer), the loss and the metrics.

        - loss: 'mse' (or 'mean_squared_error'), 'binary_crossentropy' or
          'categorical_crossentropy' (see LOSSES); others raise a ValueError
        - metrics: names from METRICS, or 'accuracy' / 'acc', which means
          binary_accuracy when the loss is binary cross-entropy or the model
          has one output, categorical_accuracy otherwise, and is named 'acc'.
          metrics_names is ['loss'] followed by the metrics' names as given
          ('accuracy' becomes 'acc').

        Every parameter array gets its own copy of the optimiser's config:
        Adam's moments of W must not mix with those of b.
        """
        ### BEGIN SOLUTION
        if loss not in LOSSES:
            raise ValueError(f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)}")
        self.loss_function = LOSSES[loss]
        self.update_rule, config = get_optimizer(optimizer)
        self.optimizer_configs = [dict(config) for _ in self.get_weights()]
        self.metrics, self.metrics_names = [], ["loss"]
        for name in metrics or []:
            if name in ("accuracy", "acc"):
                binary = loss == "binary_crossentropy" or self.layers[-1].output_shape[-1] == 1
                function, name = (binary_accuracy if binary else categorical_accuracy), "acc"
            elif name in METRICS:
                function = METRICS[name]
            else:
                raise ValueError(f"unknown metric {name!r}")
            self.metrics.append(function)
            self.metrics_names.append(name)
        ### END SOLUTION

    def forward(self, x, training=False):
        """Run x (N, ...) through every layer in turn; returns (out, caches), one cache per layer.

        ``training`` and self.rng are passed to every layer's forward.
        """
        ### BEGIN SOLUTION
        caches = []
        out = np.asarray(x, dtype=np.float64)
        for layer in self.layers:
            out, cache = layer.forward(out, training=training, rng=self.rng)
            caches.append(cache)
        ### END SOLUTION
        return out, caches

    def train_on_batch(self, x, y):
        """One optimiser step on one batch; returns [loss, *metrics] of the batch before the step.

        Forward in training mode, the loss and its gradient, every layer's
        backward in reverse order, then each parameter array w with gradient g
        is replaced by update_rule(w, g, its own config), keeping the new config.
        """
        ### BEGIN SOLUTION
        out, caches = self.forward(x, training=True)
        y = np.reshape(np.asarray(y, dtype=np.float64), out.shape)
        loss, dout = self.loss_function(out, y)
        values = [loss] + [metric(out, y) for metric in self.metrics]
        layer_grads = []
        for layer, cache in zip(reversed(self.layers), reversed(caches)):
            dout, grads = layer.backward(dout, cache)
            layer_grads.append(grads)
        layer_grads.reverse()
        i = 0
        for layer, grads in zip(self.layers, layer_grads):
            new_params = []
            for w, g in zip(layer.params, grads):
                w, self.optimizer_configs[i] = self.update_rule(w, g, self.optimizer_configs[i])
                new_params.append(w)
                i += 1
            layer.params = new_params
        ### END SOLUTION
        return [float(v) for v in values]

    def fit(
        self,
        x,
        y,
        epochs=1,
        batch_size=32,
        validation_split=0.0,
        validation_data=None,
        callbacks=(),
        shuffle=True,
        verbose=0,
        nb_epoch=None,
    ):
        """Train for ``epochs`` epochs (Keras 1's ``nb_epoch`` overrides it); returns a History.

        - validation_split = s > 0 holds out the LAST int(N * s) examples
          (before any shuffling), as Keras does; validation_data = (x_val,
          y_val) gives the held-out data directly. Either way the model is
          evaluated on them after every epoch, as 'val_loss', 'val_acc', ...
        - every epoch visits the training examples in the order
          self.rng.permutation(n) (shuffle=True) or as given, in batches of
          batch_size; the last batch holds what is left (1,000 examples at
          batch size 32 make 32 batches, the last of 8).
        - History's 'loss' and metrics per epoch are the means over the
          epoch's examples of the batch values train_on_batch returned.
        - callbacks get ``set_model(self)`` and ``on_train_begin()`` before the
          first epoch and ``on_epoch_end(epoch, logs)`` after each; training
          stops after an epoch that set ``self.stop_training`` to True.
        - verbose=1 prints one line per epoch (the given ``report_epoch``).
        """
        if nb_epoch is not None:
            epochs = nb_epoch
        x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        history = History()
        ### BEGIN SOLUTION
        if validation_data is None and validation_split > 0:
            split = len(x) - int(len(x) * validation_split)
            x, y, validation_data = x[:split], y[:split], (x[split:], y[split:])
        n = len(x)
        self.stop_training = False
        for callback in callbacks:
            callback.set_model(self)
            callback.on_train_begin()
        for epoch in range(epochs):
            order = self.rng.permutation(n) if shuffle else np.arange(n)
            totals = np.zeros(len(self.metrics_names))
            for start in range(0, n, batch_size):
                batch = order[start : start + batch_size]
                totals += len(batch) * np.array(self.train_on_batch(x[batch], y[batch]))
            logs = dict(zip(self.metrics_names, totals / n))
            if validation_data is not None:
                x_val, y_val = validation_data
                values = self.evaluate(x_val, y_val, batch_size=batch_size)
                logs.update({f"val_{name}": value for name, value in zip(self.metrics_names, values)})
            history.record(epoch, logs)
            if verbose:
                report_epoch(epoch, epochs, logs)
            for callback in callbacks:
                callback.on_epoch_end(epoch, logs)
            if self.stop_training:
                break
        ### END SOLUTION
        return history

    def predict(self, x, batch_size=32):
        """The model's outputs for x, computed batch by batch in inference mode (no dropout)."""
        ### BEGIN SOLUTION
        x = np.asarray(x, dtype=np.float64)
        outputs = [
            self.forward(x[start : start + batch_size], training=False)[0] for start in range(0, len(x), batch_size)
        ]
        out = np.concatenate(outputs)
        ### END SOLUTION
        return out

    def evaluate(self, x, y, batch_size=32, verbose=0):
        """[loss, *metrics] over all of x and y, in inference mode."""
        ### BEGIN SOLUTION
        out = self.predict(x, batch_size=batch_size)
        y = np.reshape(np.asarray(y, dtype=np.float64), out.shape)
        values = [self.loss_function(out, y)[0]] + [metric(out, y) for metric in self.metrics]
        ### END SOLUTION
        return [float(v) for v in values]

    # given: weights, sizes and a printed summary -----------------------------------------------------
    def get_weights(self):
        """Copies of every layer's parameter arrays, layer after layer."""
        return [np.array(p, dtype=np.float64) for layer in self.layers for p in layer.params]

    def set_weights(self, weights):
        """Replace every parameter array, in get_weights order (shapes must match)."""
        weights = list(weights)
        if len(weights) != sum(len(layer.params) for layer in self.layers):
            raise ValueError(f"expected {sum(len(layer.params) for layer in self.layers)} arrays, got {len(weights)}")
        for layer in self.layers:
            new = [np.array(weights.pop(0), dtype=np.float64) for _ in layer.params]
            if [w.shape for w in new] != [np.shape(p) for p in layer.params]:
                raise ValueError(
                    f"{type(layer).__name__}: shapes {[w.shape for w in new]}, "
                    f"expected {[np.shape(p) for p in layer.params]}"
                )
            layer.params = new

    def count_params(self):
        """Number of trainable numbers in the model."""
        return int(sum(layer.count_params() for layer in self.layers))

    def summary(self):
        """Print each layer's type, output shape and parameter count, as Keras does."""
        print(f"{'Layer (type)':<28}{'Output Shape':<24}{'Param #':>10}")
        for layer in self.layers:
            print(f"{type(layer).__name__:<28}{(None, *layer.output_shape)!s:<24}{layer.count_params():>10,}")
        print(f"Total params: {self.count_params():,}")


class EarlyStopping:
    """Stop training when a monitored value has stopped improving (a Keras callback).

    EarlyStopping(monitor='val_loss', min_delta=0, patience=0): after each
    epoch, logs[monitor] improves when it is lower than the best value so far
    by more than min_delta (higher, for monitors whose name contains 'acc').
    An improvement becomes the new best and resets the count of epochs
    without one; otherwise the count grows, and once it exceeds ``patience``
    the callback sets ``stopped_epoch`` to the epoch and asks the model to stop
    (``model.stop_training = True``, when ``set_model`` gave it a model).
    With patience=0 training stops after the first epoch that does not improve.
    """

    def __init__(self, monitor="val_loss", min_delta=0.0, patience=0):
        self.monitor, self.min_delta, self.patience = monitor, abs(min_delta), patience
        self.model = None
        self.stopped_epoch = None

    def set_model(self, model):
        self.model = model

    def on_train_begin(self, logs=None):
        """Forget earlier runs: no best value yet, no epochs waited."""
        ### BEGIN SOLUTION
        self.best = -np.inf if "acc" in self.monitor else np.inf
        self.wait = 0
        self.stopped_epoch = None
        ### END SOLUTION

    def on_epoch_end(self, epoch, logs):
        """Compare logs[self.monitor] with the best so far; maybe stop."""
        ### BEGIN SOLUTION
        current = logs[self.monitor]
        if "acc" in self.monitor:
            improved = current - self.min_delta > self.best
        else:
            improved = current + self.min_delta < self.best
        if improved:
            self.best, self.wait = current, 0
        else:
            self.wait += 1
            if self.wait > self.patience:
                self.stopped_epoch = epoch
                if self.model is not None:
                    self.model.stop_training = True
        ### END SOLUTION


# ---------------------------------------------------------------- data helpers


def to_categorical(y, num_classes=None):
    """One-hot rows from integer class labels (Keras' np_utils.to_categorical).

    Inputs:
    - y: integer labels 0 .. C-1, shape (N,) or (N, 1)
    - num_classes: C; default max(y) + 1

    Returns:
    - float64 array of shape (N, C), out[i, y[i]] = 1 and 0 elsewhere
    """
    ### BEGIN SOLUTION
    labels = np.asarray(y, dtype=np.int64).ravel()
    if num_classes is None:
        num_classes = int(labels.max()) + 1
    out = np.zeros((len(labels), num_classes))
    out[np.arange(len(labels)), labels] = 1.0
    ### END SOLUTION
    return out


def pad_sequences(seqs, maxlen=None, padding="pre", truncating="pre", value=0, dtype="int32"):
    """Lists of different lengths as one (N, maxlen) array (Keras' sequence.pad_sequences).

    - maxlen: default the length of the longest sequence
    - a longer sequence loses its first elements (truncating='pre') or its
      last ones ('post'), keeping maxlen of them
    - a shorter one is filled with ``value`` in front (padding='pre') or behind ('post')

    Returns an array of dtype ``dtype``, shape (N, maxlen).
    """
    ### BEGIN SOLUTION
    seqs = [list(s) for s in seqs]
    if maxlen is None:
        maxlen = max((len(s) for s in seqs), default=0)
    out = np.full((len(seqs), maxlen), value, dtype=dtype)
    for i, seq in enumerate(seqs):
        kept = seq[-maxlen:] if truncating == "pre" else seq[:maxlen]
        if maxlen == 0 or not kept:
            continue
        if padding == "pre":
            out[i, maxlen - len(kept) :] = kept
        else:
            out[i, : len(kept)] = kept
    ### END SOLUTION
    return out


# Keras 1's module names, so that the book's `np_utils.to_categorical(...)` and
# `sequence.pad_sequences(...)` run unchanged after `from ... import np_utils, sequence`.
utils = np_utils = SimpleNamespace(to_categorical=to_categorical)
sequence = SimpleNamespace(pad_sequences=pad_sequences)


def plot(model, to_file="model.png", show_shapes=False):
    """Keras 1's model plot (the book's listings end with it), drawn with matplotlib: one box per layer."""
    from matplotlib.figure import Figure

    names = [
        type(layer).__name__ + (f"  {(None, *layer.output_shape)}" if show_shapes else "") for layer in model.layers
    ]
    figure = Figure(figsize=(4, 0.6 * len(names) + 0.5))
    axes = figure.add_subplot()
    for row, name in enumerate(names):
        axes.text(0.5, len(names) - row, name, ha="center", va="center", bbox={"boxstyle": "round", "fc": "w"})
    axes.set_ylim(0.3, len(names) + 0.7)
    axes.axis("off")
    figure.savefig(to_file)
