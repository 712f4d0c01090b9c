# Public tests: `pytest exercises/ch3/test_losses.py` runs them; `dlgrade check` shows your progress.
"""Public tests for losses.py: the book's numbers, gradient checks, and the rules every loss follows.

The grader's tests check the same kinds of things on other inputs: the
loss and its gradient, what is returned, inputs left unchanged, a batch of
one, very large scores.
"""

import numpy as np
import pytest

from grader.testing import check_close, check_scalar, check_unchanged, fail, numerical_gradient, snapshot, unpack_pair

from .losses import binary_cross_entropy, categorical_cross_entropy, mse_loss, softmax_loss, svm_loss

# The book's listing 4-7: one example, three outputs.
BOOK_P = np.array([[0.01, 0.01, 0.01]])
BOOK_Y = np.array([[0.99, 0.99, 0.01]])


@pytest.mark.exercise("mse_loss")
def test_mse_sums_over_outputs_and_averages_over_rows():
    y_hat = np.array([[1.0, 2.0], [3.0, 4.0]])
    y = np.array([[0.0, 2.0], [3.0, 6.0]])
    loss, grad = mse_loss(y_hat, y)
    check_scalar(loss, (1.0 + 4.0) / 2, "mse_loss: loss (squared errors summed over outputs, mean over the 2 rows)")
    check_close(grad, [[1.0, 0.0], [0.0, -2.0]], "mse_loss: gradient")


@pytest.mark.exercise("binary_cross_entropy")
def test_binary_cross_entropy_book_value():
    loss, _ = binary_cross_entropy(BOOK_P, BOOK_Y)
    check_scalar(loss, 3.0581, "binary_cross_entropy: loss of the book's example (3.0581)", rtol=2e-5)


@pytest.mark.exercise("binary_cross_entropy")
def test_binary_cross_entropy_gradient():
    rng = np.random.default_rng(0)
    p, y = rng.uniform(0.1, 0.9, size=(3, 2)), rng.uniform(0, 1, size=(3, 2))
    _, grad = binary_cross_entropy(p, y)
    expected = numerical_gradient(lambda v: binary_cross_entropy(v, y)[0], p)
    check_close(grad, expected, "binary_cross_entropy: gradient")


@pytest.mark.exercise("categorical_cross_entropy")
def test_categorical_cross_entropy_book_value():
    loss, _ = categorical_cross_entropy(BOOK_P, BOOK_Y)
    check_scalar(loss, 9.1643, "categorical_cross_entropy: loss of the book's example (9.1643)", rtol=2e-5)


@pytest.mark.exercise("categorical_cross_entropy")
def test_categorical_cross_entropy_gradient():
    rng = np.random.default_rng(1)
    p = rng.uniform(0.1, 0.9, size=(4, 3))
    y = np.eye(3)[[0, 2, 1, 2]]
    _, grad = categorical_cross_entropy(p, y)
    expected = numerical_gradient(lambda v: categorical_cross_entropy(v, y)[0], p)
    check_close(grad, expected, "categorical_cross_entropy: gradient")


@pytest.mark.exercise("softmax_loss")
def test_softmax_loss_of_small_random_scores_is_log_of_classes():
    # CS231n's sanity check: scores near 0 mean uniform probabilities, loss ~ log(C).
    rng = np.random.default_rng(2)
    x, y = 0.001 * rng.normal(size=(50, 10)), rng.integers(10, size=50)
    loss, _ = softmax_loss(x, y)
    check_scalar(
        loss, np.log(10), "softmax_loss of scores near 0 (about log(10) = 2.303)", rtol=0, atol=0.01 / np.log(10)
    )


@pytest.mark.exercise("softmax_loss")
def test_softmax_loss_gradient():
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(5, 4)), np.array([0, 3, 1, 1, 2])
    _, dx = softmax_loss(x, y)
    check_close(dx, numerical_gradient(lambda v: softmax_loss(v, y)[0], x), "softmax_loss: dx", atol=1e-10)


@pytest.mark.exercise("softmax_loss")
def test_softmax_loss_is_stable_for_large_scores():
    x, y = np.array([[1000.0, 1001.0], [-1000.0, -1001.0]]), np.array([1, 1])
    try:
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            loss, dx = softmax_loss(x, y)
    except FloatingPointError as error:
        fail(f"softmax_loss of scores near +-1000: {error} (it must be numerically stable)")
    check_scalar(loss, (0.31326169 + 1.31326169) / 2, "softmax_loss of scores near +-1000", rtol=1e-7)
    check_close(dx, [[0.13447071, -0.13447071], [0.36552929, -0.36552929]], "softmax_loss: dx of scores near +-1000")


@pytest.mark.exercise("svm_loss")
def test_svm_loss_of_small_random_scores_is_classes_minus_one():
    # CS231n's sanity check: every wrong class violates the margin by about 1.
    rng = np.random.default_rng(4)
    x, y = 0.001 * rng.normal(size=(50, 10)), rng.integers(10, size=50)
    loss, _ = svm_loss(x, y)
    check_scalar(
        loss, 9.0, "svm_loss of scores near 0 (about 9: each of the 9 wrong classes misses by 1)", rtol=0, atol=0.02 / 9
    )


@pytest.mark.exercise("svm_loss")
def test_svm_loss_gradient():
    rng = np.random.default_rng(5)
    x, y = rng.normal(size=(6, 4)), np.array([0, 1, 2, 3, 0, 1])
    _, dx = svm_loss(x, y)
    check_close(dx, numerical_gradient(lambda v: svm_loss(v, y)[0], x), "svm_loss: dx", rtol=1e-5, atol=1e-8)


# The rules every loss follows, checked on a batch of one: it returns a pair
# (loss, gradient), the loss is one number, the gradient has the shape of the
# first argument, and neither input is changed.
LOSSES = [
    ("mse_loss", np.array([[0.5, -1.0]]), np.array([[1.0, 1.0]])),
    ("binary_cross_entropy", np.array([[0.2, 0.9]]), np.array([[0.0, 1.0]])),
    ("categorical_cross_entropy", np.array([[0.2, 0.7, 0.1]]), np.array([[0.0, 1.0, 0.0]])),
    ("softmax_loss", np.array([[2.0, -1.0, 0.5]]), np.array([2])),
    ("svm_loss", np.array([[2.0, -1.0, 0.5]]), np.array([2])),
]


@pytest.mark.parametrize(
    "name, first, second", [pytest.param(*case, marks=pytest.mark.exercise(case[0]), id=case[0]) for case in LOSSES]
)
def test_loss_returns_a_number_and_a_gradient_and_leaves_inputs_unchanged(name, first, second):
    loss_function = globals()[name]  # the function imported above
    copies = snapshot(first, second)
    loss, grad = unpack_pair(loss_function(first, second), name, "(loss, gradient)")
    check_unchanged([first, second], copies, name, ["the first argument", "the second argument"])
    assert np.ndim(loss) == 0, f"{name}: the loss must be one number, got shape {np.shape(loss)}"
    assert np.shape(grad) == first.shape, f"{name}: gradient of shape {np.shape(grad)}, expected {first.shape}"
