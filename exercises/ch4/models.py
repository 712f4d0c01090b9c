# Fill in each part that raises NotImplementedError; the docstrings say what to compute.
# `pytest exercises/ch4` checks your work, `dlgrade hint NAME` gives a hint.
"""The chapter's models written with autograd: the book's listings 4-8 and 4-10 to 4-12.

The same computations as the graph library's, with ``autograd.grad``
differentiating plain numpy code instead of a graph. Parameters live in a dict;
every loss has the signature ``loss(params, X, y, reg)`` and adds the book's
regulariser reg * sum(w ** 2) over the weights (no factor 1/2, biases left out).

Listing 4-12 feeds a tanh output into the binary cross-entropy; tanh can be
negative, where log(p) is undefined (nan). Here the output unit is a sigmoid,
which keeps p in (0, 1).

Inputs are never changed in place: no function here modifies an array, list or dict it is
given (write ``x = x * 2``, not ``x *= 2``; copy before changing). The tests check it after
every call and name the input that changed.
"""

import autograd
import autograd.numpy as anp


def l1(x):
    """L1 regulariser: sum |x| (the book's listing 4-8: 4 for [[0, 1, 3]]).

    Inputs:
    - x: array of any shape

    Returns:
    - a float
    """
    raise NotImplementedError("l1: not started, see its docstring")


def l2(x):
    """L2 regulariser: sum x ** 2 (10 for [[0, 1, 3]]; no factor 1/2).

    Inputs:
    - x: array of any shape

    Returns:
    - a float
    """
    raise NotImplementedError("l2: not started, see its docstring")


def mean_binary_crossentropy(logits, y):
    """The mean over examples of -(y log p + (1 - y) log(1 - p)), p = sigmoid(logits),
    computed from the logits as mean(log(1 + exp(z)) - y z), which never takes log(0)."""
    return anp.mean(anp.logaddexp(0.0, logits) - y * logits)


def logistic_regression_loss(params, X, y, reg=0.01):
    """Listing 4-10's loss: p = sigmoid(X w + b), mean binary cross-entropy + reg * l2(w).

    Inputs:
    - params: dict with 'w' (D,) and 'b' (a float)
    - X: (N, D); y: (N,) labels 0 or 1
    - reg: weight of the regulariser

    Returns:
    - the loss, a float
    """
    raise NotImplementedError("logistic_regression_loss: not started, see its docstring")


def linear_regression_loss(params, X, y, reg=0.01):
    """Listing 4-11's loss: p = X w + b, mean squared error mean((p - y) ** 2) + reg * l2(w).

    Inputs:
    - params: dict with 'w' (D,) and 'b' (a float)
    - X: (N, D); y: (N,) targets
    - reg: weight of the regulariser

    Returns:
    - the loss, a float
    """
    raise NotImplementedError("linear_regression_loss: not started, see its docstring")


def two_layer_loss(params, X, y, reg=0.01):
    """Listing 4-12's loss with a sigmoid output: h = tanh(X W1 + b1), p = sigmoid(h w2 + b2),
    mean binary cross-entropy + reg * (l2(W1) + l2(w2)).

    Inputs:
    - params: dict with 'W1' (D, H), 'b1' (H,), 'w2' (H,) and 'b2' (a float)
    - X: (N, D); y: (N,) labels 0 or 1
    - reg: weight of the regulariser

    Returns:
    - the loss, a float
    """
    raise NotImplementedError("two_layer_loss: not started, see its docstring")


def train(loss, params, X, y, lr=0.1, steps=1000):
    """Gradient descent as in the book's train functions: ``steps`` times, every
    parameter moves against its gradient, p <- p - lr * dloss/dp, all computed
    from the same old parameters. The gradients come from ``autograd.grad(loss)``.

    Inputs:
    - loss: a function loss(params, X, y) -> float
    - params: dict of arrays (left unchanged)
    - X, y: the training data
    - lr: learning rate; steps: number of updates

    Returns:
    - a new dict of parameters
    """
    raise NotImplementedError("train: not started, see its docstring")
    return params
