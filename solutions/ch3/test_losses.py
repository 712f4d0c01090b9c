"""Public tests for losses.py: the book's numbers and gradient checks."""

import numpy as np
import pytest

from grader.testing import numerical_gradient

from .losses import binary_cross_entropy, categorical_cross_entropy, mse_loss, softmax_loss, svm_loss

# The book's listing 4-7: one example, three outputs.
BOOK_P = np.array([[0.01, 0.01, 0.01]])
BOOK_Y = np.array([[0.99, 0.99, 0.01]])


@pytest.mark.exercise("mse_loss")
def test_mse_sums_over_outputs_and_averages_over_rows():
    y_hat = np.array([[1.0, 2.0], [3.0, 4.0]])
    y = np.array([[0.0, 2.0], [3.0, 6.0]])
    loss, grad = mse_loss(y_hat, y)
    assert np.isclose(loss, (1.0 + 4.0) / 2), "sum of squared errors over outputs, mean over the 2 rows"
    np.testing.assert_allclose(grad, [[1.0, 0.0], [0.0, -2.0]])


@pytest.mark.exercise("binary_cross_entropy")
def test_binary_cross_entropy_book_value():
    loss, _ = binary_cross_entropy(BOOK_P, BOOK_Y)
    assert np.isclose(loss, 3.0581, atol=5e-5), f"the book gets 3.0581, got {loss}"


@pytest.mark.exercise("binary_cross_entropy")
def test_binary_cross_entropy_gradient():
    rng = np.random.default_rng(0)
    p, y = rng.uniform(0.1, 0.9, size=(3, 2)), rng.uniform(0, 1, size=(3, 2))
    _, grad = binary_cross_entropy(p, y)
    np.testing.assert_allclose(grad, numerical_gradient(lambda v: binary_cross_entropy(v, y)[0], p), rtol=1e-6)


@pytest.mark.exercise("categorical_cross_entropy")
def test_categorical_cross_entropy_book_value():
    loss, _ = categorical_cross_entropy(BOOK_P, BOOK_Y)
    assert np.isclose(loss, 9.1643, atol=5e-5), f"the book gets 9.1643, got {loss}"


@pytest.mark.exercise("categorical_cross_entropy")
def test_categorical_cross_entropy_gradient():
    rng = np.random.default_rng(1)
    p = rng.uniform(0.1, 0.9, size=(4, 3))
    y = np.eye(3)[[0, 2, 1, 2]]
    _, grad = categorical_cross_entropy(p, y)
    np.testing.assert_allclose(grad, numerical_gradient(lambda v: categorical_cross_entropy(v, y)[0], p), rtol=1e-6)


@pytest.mark.exercise("softmax_loss")
def test_softmax_loss_of_small_random_scores_is_log_of_classes():
    # CS231n's sanity check: scores near 0 mean uniform probabilities, loss ~ log(C).
    rng = np.random.default_rng(2)
    x, y = 0.001 * rng.normal(size=(50, 10)), rng.integers(10, size=50)
    loss, _ = softmax_loss(x, y)
    assert abs(loss - np.log(10)) < 0.01, f"expected about log(10) = 2.303, got {loss}"


@pytest.mark.exercise("softmax_loss")
def test_softmax_loss_gradient():
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(5, 4)), np.array([0, 3, 1, 1, 2])
    _, dx = softmax_loss(x, y)
    np.testing.assert_allclose(dx, numerical_gradient(lambda v: softmax_loss(v, y)[0], x), rtol=1e-6, atol=1e-10)


@pytest.mark.exercise("svm_loss")
def test_svm_loss_of_small_random_scores_is_classes_minus_one():
    # CS231n's sanity check: every wrong class violates the margin by about 1.
    rng = np.random.default_rng(4)
    x, y = 0.001 * rng.normal(size=(50, 10)), rng.integers(10, size=50)
    loss, _ = svm_loss(x, y)
    assert abs(loss - 9.0) < 0.02, f"expected about 9, got {loss}"


@pytest.mark.exercise("svm_loss")
def test_svm_loss_gradient():
    rng = np.random.default_rng(5)
    x, y = rng.normal(size=(6, 4)), np.array([0, 1, 2, 3, 0, 1])
    _, dx = svm_loss(x, y)
    np.testing.assert_allclose(dx, numerical_gradient(lambda v: svm_loss(v, y)[0], x), rtol=1e-5, atol=1e-8)
