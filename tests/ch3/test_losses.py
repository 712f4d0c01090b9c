"""Hidden suite for ch3/losses.py.

Losses and gradients against the reference on shapes the public tests do
not use (batch of one, non-square, many classes), gradients against
autograd and against central differences of the reference (hinge margins
kept away from their kink), the book's values, and inputs left unmodified.
"""

import autograd.numpy as anp
import numpy as np
import pytest

from grader.testing import (
    autograd_vjp,
    check_close,
    check_scalar,
    check_unchanged,
    implementation_of,
    numerical_gradient,
    reference,
    snapshot,
    unpack_pair,
)

losses = implementation_of("ch3.losses")
ref = reference("ch3.losses")

BOOK_P = np.array([[0.01, 0.01, 0.01]])
BOOK_Y = np.array([[0.99, 0.99, 0.01]])


def run_loss(module, name, inputs):
    """Call the loss ``name``; check it returns (loss, grad) and leaves its inputs alone."""
    copies = snapshot(*inputs)
    loss, grad = unpack_pair(getattr(module, name)(*inputs), name)
    check_unchanged(inputs, copies, name)
    return loss, grad


def check_loss(module, name, inputs, autograd_loss, rtol=1e-6):
    """Loss against the reference, gradient against the reference and autograd."""
    loss, grad = run_loss(module, name, inputs)
    expected_loss, expected_grad = getattr(ref, name)(*inputs)
    check_scalar(loss, expected_loss, f"{name}: loss", rtol=rtol)
    check_close(grad, expected_grad, f"{name}: gradient", rtol=rtol)
    check_close(grad, autograd_vjp(autograd_loss, inputs, 0, 1.0), f"{name}: gradient against autograd", rtol=rtol)
    return loss, grad


def check_central_differences(module, name, inputs, rtol=1e-5):
    _, grad = run_loss(module, name, inputs)
    rest = inputs[1:]
    numeric = numerical_gradient(lambda v: getattr(ref, name)(v, *rest)[0], inputs[0])
    check_close(grad, numeric, f"{name}: gradient against central differences", rtol=rtol, atol=1e-7)


# ---------------------------------------------------------------- mse_loss


def mse_autograd(y_hat, y):
    return anp.sum((y_hat - y) ** 2) / y_hat.shape[0]


@pytest.mark.exercise("mse_loss", points=1)
@pytest.mark.parametrize("shape", [(1, 1), (1, 4), (5, 3), (2, 7)])
def test_mse_loss_matches_reference_and_autograd(losses, shape):
    rng = np.random.default_rng(100)
    check_loss(losses, "mse_loss", [rng.normal(size=shape), rng.normal(size=shape)], mse_autograd)


@pytest.mark.exercise("mse_loss", points=1)
def test_mse_loss_gradient_against_central_differences(losses):
    rng = np.random.default_rng(101)
    check_central_differences(losses, "mse_loss", [rng.normal(size=(4, 3)), rng.normal(size=(4, 3))])


# ---------------------------------------------------------------- binary_cross_entropy


def bce_autograd(p, y):
    return -anp.mean(y * anp.log(p) + (1 - y) * anp.log(1 - p))


def probabilities(rng, shape, low=0.05, high=0.95):
    return rng.uniform(low, high, size=shape)


@pytest.mark.exercise("binary_cross_entropy", points=1)
def test_binary_cross_entropy_book_value(losses):
    loss, _ = run_loss(losses, "binary_cross_entropy", [BOOK_P, BOOK_Y])
    check_scalar(loss, 3.0581, "binary_cross_entropy on the book's listing 4-7 inputs", rtol=0, atol=5e-5)


@pytest.mark.exercise("binary_cross_entropy", points=1)
@pytest.mark.parametrize("shape", [(1, 1), (1, 5), (4, 3), (2, 3, 2)])
def test_binary_cross_entropy_matches_reference_and_autograd(losses, shape):
    rng = np.random.default_rng(110)
    p, y = probabilities(rng, shape), rng.uniform(0, 1, size=shape)
    check_loss(losses, "binary_cross_entropy", [p, y], bce_autograd)


@pytest.mark.exercise("binary_cross_entropy", points=1)
def test_binary_cross_entropy_hard_targets(losses):
    rng = np.random.default_rng(111)
    p, y = probabilities(rng, (6, 2)), rng.integers(0, 2, size=(6, 2)).astype(np.float64)
    check_loss(losses, "binary_cross_entropy", [p, y], bce_autograd)


@pytest.mark.exercise("binary_cross_entropy", points=1)
def test_binary_cross_entropy_gradient_against_central_differences(losses):
    rng = np.random.default_rng(112)
    check_central_differences(losses, "binary_cross_entropy", [probabilities(rng, (3, 4)), rng.uniform(size=(3, 4))])


# ---------------------------------------------------------------- categorical_cross_entropy


def cce_autograd(p, y):
    return -anp.sum(y * anp.log(p)) / p.shape[0]


def class_probabilities(rng, n, c):
    logits = rng.normal(size=(n, c))
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@pytest.mark.exercise("categorical_cross_entropy", points=1)
def test_categorical_cross_entropy_book_value(losses):
    loss, _ = run_loss(losses, "categorical_cross_entropy", [BOOK_P, BOOK_Y])
    check_scalar(loss, 9.1643, "categorical_cross_entropy on the book's listing 4-7 inputs", rtol=0, atol=5e-5)


@pytest.mark.exercise("categorical_cross_entropy", points=1)
@pytest.mark.parametrize("n,c", [(1, 2), (1, 10), (5, 3), (3, 7)])
def test_categorical_cross_entropy_one_hot_matches_reference_and_autograd(losses, n, c):
    rng = np.random.default_rng(120)
    p = class_probabilities(rng, n, c)
    y = np.eye(c)[rng.integers(c, size=n)]
    check_loss(losses, "categorical_cross_entropy", [p, y], cce_autograd)


@pytest.mark.exercise("categorical_cross_entropy", points=1)
def test_categorical_cross_entropy_soft_targets(losses):
    rng = np.random.default_rng(121)
    p, y = class_probabilities(rng, 4, 5), class_probabilities(rng, 4, 5)
    check_loss(losses, "categorical_cross_entropy", [p, y], cce_autograd)


@pytest.mark.exercise("categorical_cross_entropy", points=1)
def test_categorical_cross_entropy_gradient_against_central_differences(losses):
    rng = np.random.default_rng(122)
    p = rng.uniform(0.1, 0.9, size=(4, 3))
    y = np.eye(3)[[2, 0, 1, 1]]
    check_central_differences(losses, "categorical_cross_entropy", [p, y])


# ---------------------------------------------------------------- softmax_loss


def softmax_loss_autograd(x, y):
    n = x.shape[0]
    m = anp.max(x, axis=1, keepdims=True)
    log_norm = anp.log(anp.sum(anp.exp(x - m), axis=1)) + m[:, 0]
    return anp.sum(log_norm - x[np.arange(n), y]) / n


@pytest.mark.exercise("softmax_loss", points=1)
@pytest.mark.parametrize("n,c", [(1, 2), (1, 10), (6, 3), (4, 9)])
def test_softmax_loss_matches_reference_and_autograd(losses, n, c):
    rng = np.random.default_rng(130)
    x, y = 2 * rng.normal(size=(n, c)), rng.integers(c, size=n)
    check_loss(losses, "softmax_loss", [x, y], softmax_loss_autograd)


@pytest.mark.exercise("softmax_loss", points=1)
def test_softmax_loss_gradient_against_central_differences(losses):
    rng = np.random.default_rng(131)
    x, y = rng.normal(size=(3, 6)), np.array([5, 0, 2])
    check_central_differences(losses, "softmax_loss", [x, y])


@pytest.mark.exercise("softmax_loss", points=1)
def test_softmax_loss_large_scores(losses):
    x = np.array([[1000.0, 1001.0, 999.0], [-1000.0, -1002.0, -999.5], [50.0, -700.0, 710.0]])
    y = np.array([1, 0, 2])
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        check_loss(losses, "softmax_loss", [x, y], softmax_loss_autograd)


@pytest.mark.exercise("softmax_loss", points=1)
def test_softmax_loss_repeated_labels(losses):
    rng = np.random.default_rng(132)
    x, y = rng.normal(size=(5, 4)), np.array([3, 3, 3, 1, 3])
    check_loss(losses, "softmax_loss", [x, y], softmax_loss_autograd)


# ---------------------------------------------------------------- svm_loss


def svm_autograd(x, y):
    n, c = x.shape
    correct = x[np.arange(n), y]
    margins = anp.maximum(0, x - correct[:, None] + 1.0) * (1 - np.eye(c)[y])
    return anp.sum(margins) / n


def svm_scores(rng, n, c, scale=1.0, gap=0.05):
    """Scores and labels with every margin x[i, j] - x[i, y[i]] + 1 at least ``gap`` from 0."""
    y = rng.integers(c, size=n)
    x = scale * rng.normal(size=(n, c))
    for _ in range(1000):
        margins = x - x[np.arange(n), y][:, None] + 1.0
        margins[np.arange(n), y] = 1.0
        close = np.abs(margins) < gap
        if not close.any():
            return x, y
        x[close] += 3 * gap
    raise RuntimeError("could not place the scores away from the hinge")


@pytest.mark.exercise("svm_loss", points=1)
@pytest.mark.parametrize("n,c", [(1, 2), (1, 10), (6, 3), (4, 8)])
def test_svm_loss_matches_reference_and_autograd(losses, n, c):
    x, y = svm_scores(np.random.default_rng(140), n, c)
    check_loss(losses, "svm_loss", [x, y], svm_autograd)


@pytest.mark.exercise("svm_loss", points=1)
def test_svm_loss_gradient_against_central_differences(losses):
    x, y = svm_scores(np.random.default_rng(141), 5, 4, gap=0.01)
    check_central_differences(losses, "svm_loss", [x, y])


@pytest.mark.exercise("svm_loss", points=1)
def test_svm_loss_zero_when_every_margin_is_met(losses):
    x = np.array([[5.0, 1.0, 2.0], [0.0, 0.0, 3.5]])
    loss, grad = run_loss(losses, "svm_loss", [x, np.array([0, 2])])
    check_scalar(loss, 0.0, "svm_loss when the correct class wins by more than 1")
    check_close(grad, np.zeros_like(x), "svm_loss gradient when every margin is met")


@pytest.mark.exercise("svm_loss", points=1)
def test_svm_loss_margin_is_one(losses):
    # the correct class wins by 0.5 over each other class: each violates the margin by 0.5
    x = np.array([[1.0, 1.5, 1.0], [2.0, 1.5, 2.0]])
    expected = ref.svm_loss(x.copy(), np.array([1, 0]))[0]
    loss, _ = run_loss(losses, "svm_loss", [x, np.array([1, 0])])
    check_scalar(loss, expected, "svm_loss with the correct class 0.5 ahead")
