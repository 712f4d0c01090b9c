"""Public tests for models.py: the book's regularisers and its three trained models, with autograd.

Run them with `pytest exercises/ch4/test_models.py`.
"""

import numpy as np
import pytest

from grader.testing import call_unchanged, numerical_gradient

from .models import l1, l2, linear_regression_loss, logistic_regression_loss, train, two_layer_loss


def toy_classification(seed, n=60, d=4):
    rng = np.random.default_rng(seed)
    return rng, rng.normal(size=(n, d)), rng.integers(0, 2, size=n).astype(float)


@pytest.mark.exercise("l1")
def test_l1_of_the_book():
    assert l1(np.array([[0.0, 1.0, 3.0]])) == 4.0
    assert l1(np.array([-2.0, 2.0])) == 4.0, "absolute values"


@pytest.mark.exercise("l2")
def test_l2_of_the_book():
    assert l2(np.array([[0.0, 1.0, 3.0]])) == 10.0, "no factor 1/2"


@pytest.mark.exercise("logistic_regression_loss")
def test_logistic_regression_loss_at_zero_weights():
    _, X, y = toy_classification(0)
    params = {"w": np.zeros(4), "b": 0.0}
    assert logistic_regression_loss(params, X, y) == pytest.approx(np.log(2)), "p = 0.5 everywhere: log 2"
    params = {"w": np.array([1.0, 0.0, 0.0, 0.0]), "b": 0.0}
    extra = logistic_regression_loss(params, X, y, reg=1.0) - logistic_regression_loss(params, X, y, reg=0.0)
    assert extra == pytest.approx(1.0), "the regulariser is reg * sum(w ** 2), without 1/2"


@pytest.mark.exercise("linear_regression_loss")
def test_linear_regression_loss_is_the_mean_squared_error():
    X = np.array([[1.0, 0.0], [0.0, 1.0]])
    y = np.array([1.0, 3.0])
    params = {"w": np.array([2.0, 2.0]), "b": 0.0}
    assert linear_regression_loss(params, X, y, reg=0.0) == pytest.approx(1.0), "errors 1 and -1: mean square 1"
    assert linear_regression_loss(params, X, y) == pytest.approx(1.0 + 0.01 * 8.0)


@pytest.mark.exercise("two_layer_loss")
def test_two_layer_loss_matches_central_differences_through_autograd():
    import autograd

    rng, X, y = toy_classification(1, n=10, d=3)
    params = {"W1": rng.normal(size=(3, 4)), "b1": rng.normal(size=4), "w2": rng.normal(size=4), "b2": 0.3}
    assert np.isfinite(two_layer_loss(params, X, y))
    grads = autograd.grad(two_layer_loss)(params, X, y)

    def of_w1(value):
        return two_layer_loss({**params, "W1": value}, X, y)

    np.testing.assert_allclose(grads["W1"], numerical_gradient(of_w1, params["W1"]), rtol=1e-6)


@pytest.mark.exercise("train")
def test_train_lowers_the_loss_and_leaves_params_alone():
    _, X, y = toy_classification(2)
    w = np.zeros(4)
    params = {"w": w, "b": 0.0}
    trained = train(logistic_regression_loss, params, X, y, lr=0.1, steps=50)
    assert np.array_equal(w, np.zeros(4)), "train returns new parameters and leaves these alone"
    assert logistic_regression_loss(trained, X, y) < logistic_regression_loss(params, X, y)


@pytest.mark.exercise("train")
def test_train_leaves_the_given_parameters_unchanged():
    _, X, y = toy_classification(2, n=20, d=3)
    params = {"w": np.array([0.1, -0.2, 0.3]), "b": 0.0}
    call_unchanged(train, logistic_regression_loss, params, X, y, lr=0.1, steps=3)


@pytest.mark.parametrize(
    "name,arguments",
    [
        pytest.param(name, arguments, marks=pytest.mark.exercise(name), id=name)
        for name, arguments in [
            ("l1", lambda: (np.array([[0.0, -1.0, 3.0]]),)),
            ("l2", lambda: (np.array([[0.0, -1.0, 3.0]]),)),
            (
                "logistic_regression_loss",
                lambda: ({"w": np.array([0.5, -0.5]), "b": 0.1}, *toy_classification(3, 6, 2)[1:]),
            ),
            (
                "linear_regression_loss",
                lambda: ({"w": np.array([0.5, -0.5]), "b": 0.1}, *toy_classification(4, 6, 2)[1:]),
            ),
            (
                "two_layer_loss",
                lambda: (
                    {"W1": np.ones((2, 3)), "b1": np.zeros(3), "w2": np.ones(3), "b2": 0.0},
                    *toy_classification(5, 6, 2)[1:],
                ),
            ),
        ]
    ],
)
def test_models_leave_their_inputs_unchanged(name, arguments):
    call_unchanged(globals()[name], *arguments())  # the function imported above; fails naming a changed input
