"""Public tests for regression.py."""

import numpy as np
import pytest

from grader.testing import call_unchanged

from .regression import (
    classification_error,
    generalization_curve,
    least_squares,
    polynomial_features,
    regularization_curve,
    ridge_regression,
    rmse,
    toy_dataset,
)


@pytest.mark.exercise("polynomial_features")
def test_polynomial_features_counts_powers():
    X = polynomial_features(np.array([2.0, -1.0]), 2)
    np.testing.assert_array_equal(
        X,
        [[1.0, 2.0, 4.0], [1.0, -1.0, 1.0]],
        err_msg="degree 2 gives the columns x**0, x**1, x**2 (x = 2 maps to [1, 2, 4])",
    )


@pytest.mark.exercise("least_squares")
def test_least_squares_recovers_the_book_parabola():
    x, y = toy_dataset(noise=0.0)  # y = 2 + x + 2x**2 exactly
    beta = least_squares(polynomial_features(x, 2), y)
    np.testing.assert_allclose(beta, [2.0, 1.0, 2.0], atol=1e-10, err_msg="noise-free data: beta = [2, 1, 2]")


@pytest.mark.exercise("ridge_regression")
def test_ridge_with_zero_lambda_is_least_squares():
    x, y = toy_dataset(n=30, rng=np.random.default_rng(1))
    X = polynomial_features(x, 3)
    np.testing.assert_allclose(ridge_regression(X, y, 0.0), least_squares(X, y), rtol=1e-10)


@pytest.mark.exercise("ridge_regression")
def test_ridge_zeroes_the_gradient_of_its_objective():
    x, y = toy_dataset(n=30, rng=np.random.default_rng(2))
    X, lam = polynomial_features(x, 4), 0.5
    beta = ridge_regression(X, y, lam)
    gradient = 2 * X.T @ (X @ beta - y) + 2 * lam * beta  # of ||X beta - y||**2 + lam ||beta||**2
    np.testing.assert_allclose(gradient, 0.0, atol=1e-10, err_msg="(X^T X + lam I) beta = X^T y, with +lam")


@pytest.mark.exercise("rmse")
def test_rmse_is_per_point():
    assert rmse(np.array([0.0, 0.0]), np.array([3.0, 4.0])) == pytest.approx(np.sqrt(12.5)), (
        "sqrt((9 + 16) / 2) = 3.5355, not sqrt(9 + 16) = 5"
    )


@pytest.mark.exercise("classification_error")
def test_classification_error_is_the_share_of_mistakes():
    assert classification_error(np.array([1, -1, 1, 1]), np.array([1, 1, -1, 1])) == pytest.approx(0.5)


@pytest.mark.exercise("generalization_curve")
def test_generalization_curve_reproduces_the_straight_line():
    x, y = toy_dataset(noise=0.0)
    train, test = generalization_curve(x, y, 80, [1, 2])
    np.testing.assert_allclose(train, [0.389218637, 0.0], atol=1e-8, err_msg="train RMSE on the first 80 points")
    np.testing.assert_allclose(test, [1.699154519, 0.0], atol=1e-8, err_msg="test RMSE on the last 20 points")


@pytest.mark.exercise("regularization_curve")
def test_more_regularisation_fits_the_training_data_less_well():
    x, y = toy_dataset(rng=np.random.default_rng(0))
    train, test = regularization_curve(x, y, 80, 9, [0.0, 0.1, 1.0, 10.0])
    assert train.shape == test.shape == (4,)
    assert np.all(np.diff(train) >= 0), "the train RMSE never falls as lambda grows"


X_FIT, Y_FIT = np.vander(np.linspace(-1, 1, 6), 3, increasing=True), np.array([1.0, 0.5, 0.2, 0.3, 0.9, 1.6])
X_CURVE, Y_CURVE = np.linspace(-1, 1, 12), np.linspace(-1, 1, 12) ** 2


@pytest.mark.parametrize(
    "name,arguments",
    [
        pytest.param(name, arguments, marks=pytest.mark.exercise(name), id=name)
        for name, arguments in [
            ("polynomial_features", lambda: (np.linspace(-1, 1, 5), 2)),
            ("least_squares", lambda: (X_FIT.copy(), Y_FIT.copy())),
            ("ridge_regression", lambda: (X_FIT.copy(), Y_FIT.copy(), 0.5)),
            ("rmse", lambda: (np.array([1.0, 2.0, 3.0]), np.array([1.5, 2.0, 2.0]))),
            ("classification_error", lambda: (np.array([0, 1, 1, 0]), np.array([0, 0, 1, 0]))),
            ("generalization_curve", lambda: (X_CURVE.copy(), Y_CURVE.copy(), 8, [1, 2])),
            ("regularization_curve", lambda: (X_CURVE.copy(), Y_CURVE.copy(), 8, 3, [0.0, 0.1])),
        ]
    ],
)
def test_regression_inputs_are_left_unchanged(name, arguments):
    call_unchanged(globals()[name], *arguments())  # the function imported above; fails naming a changed input
