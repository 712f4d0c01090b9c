"""Hidden suite for ch2/regression.py.

Fits are compared with numpy's own least squares and with the reference on
data the public tests do not use; the book's numbers (noise-free data, first
80 of 100 points seen) and the errata are checked as exact properties: the
ridge solution zeroes its objective's gradient, the RMSE is per point,
degree counts powers; train RMSE never rises with the degree and never falls
as lambda grows.
"""

import numpy as np
import pytest

from grader.testing import check_close, check_scalar, check_unchanged, fail, implementation_of, reference, snapshot

ch2 = implementation_of("ch2.regression")
ref = reference("ch2.regression")


def parabola(n=100, noise=0.0, seed=0):
    """The book's data y = 2 + x + 2x**2 (+ noise) on linspace(-1, 1, n)."""
    x = np.linspace(-1.0, 1.0, n)
    return x, 2.0 + x + 2.0 * x**2 + np.random.default_rng(seed).normal(0.0, noise, size=n)


def vandermonde(x, degree):
    return x[:, None] ** np.arange(degree + 1)


# ---------------------------------------------------------------- polynomial_features


@pytest.mark.exercise("polynomial_features", points=1)
@pytest.mark.parametrize("n,degree", [(1, 0), (1, 3), (5, 1), (7, 4), (12, 9)])
def test_polynomial_features_columns_are_powers(ch2, n, degree):
    x = np.random.default_rng(n + degree).uniform(-2, 2, size=n)
    copies = snapshot(x)
    X = ch2.polynomial_features(x, degree)
    check_unchanged([x], copies, "polynomial_features")
    check_close(
        X, vandermonde(x, degree), f"polynomial_features(x, {degree}) (columns x**0 .. x**{degree})", rtol=1e-12
    )


# ---------------------------------------------------------------- least_squares


@pytest.mark.exercise("least_squares", points=1)
def test_least_squares_book_values(ch2):
    x, y = parabola()
    check_close(
        ch2.least_squares(vandermonde(x, 2), y),
        [2.0, 1.0, 2.0],
        "least_squares on the noise-free parabola",
        rtol=0,
        atol=1e-10,
    )
    check_close(
        ch2.least_squares(vandermonde(x[:80], 1), y[:80]),
        [2.35363738, 0.19191919],
        "least_squares of a straight line on the first 80 points",
        rtol=0,
        atol=1e-8,
    )


@pytest.mark.exercise("least_squares", points=1)
@pytest.mark.parametrize("n,d", [(3, 3), (10, 1), (20, 4), (50, 7)])
def test_least_squares_matches_numpy(ch2, n, d):
    rng = np.random.default_rng(10 * n + d)
    X, y = rng.normal(size=(n, d)), rng.normal(size=n)
    copies = snapshot(X, y)
    beta = ch2.least_squares(X, y)
    check_unchanged([X, y], copies, "least_squares")
    check_close(
        beta, np.linalg.lstsq(X, y, rcond=None)[0], f"least_squares with X of shape {(n, d)}", rtol=1e-7, atol=1e-9
    )


@pytest.mark.exercise("least_squares", points=1)
@pytest.mark.parametrize("degree", [10, 14])
def test_least_squares_survives_an_ill_conditioned_design(ch2, degree):
    # high powers of x in [0, 1]: cond(X^T X) ~ 1e14..1e17; an explicit inverse loses the fit
    x = np.linspace(0.0, 1.0, 80)
    X, y = vandermonde(x, degree), np.cos(3 * x)
    best = np.linalg.norm(X @ np.linalg.lstsq(X, y, rcond=None)[0] - y)
    residual = np.linalg.norm(X @ np.asarray(ch2.least_squares(X, y), dtype=np.float64) - y)
    if not residual <= best + 1e-6 * np.linalg.norm(y):
        fail(
            f"least_squares with nearly dependent columns (degree {degree}) fits badly: "
            "solve the normal equations, do not invert X^T X"
        )


# ---------------------------------------------------------------- ridge_regression


@pytest.mark.exercise("ridge_regression", points=1)
@pytest.mark.parametrize("n,d,lam", [(5, 5, 0.1), (30, 3, 1.0), (20, 8, 0.01), (80, 80, 0.5)])
def test_ridge_zeroes_the_gradient_of_the_objective(ch2, n, d, lam):
    rng = np.random.default_rng(n + d)
    X, y = rng.normal(size=(n, d)), rng.normal(size=n)
    copies = snapshot(X, y)
    beta = np.asarray(ch2.ridge_regression(X, y, lam), dtype=np.float64)
    check_unchanged([X, y], copies, "ridge_regression")
    check_close(
        beta,
        np.linalg.solve(X.T @ X + lam * np.eye(d), X.T @ y),
        f"ridge_regression (gradient 2X^T(X beta - y) + 2 lam beta must be zero), X {(n, d)}, lam {lam}",
        rtol=1e-7,
        atol=1e-9,
    )


@pytest.mark.exercise("ridge_regression", points=1)
def test_ridge_beats_the_books_printed_formula(ch2):
    # 80 columns (the book's "degree 80"), lambda = 0.5: the -lam I of the book's text is not a minimum
    x, y = parabola(noise=0.1, seed=3)
    X, y, lam = vandermonde(x[:80], 79), y[:80], 0.5

    def objective(beta):
        return float(np.sum((X @ beta - y) ** 2) + lam * beta @ beta)

    mine = objective(np.asarray(ch2.ridge_regression(X, y, lam), dtype=np.float64))
    printed = objective(np.linalg.solve(X.T @ X - lam * np.eye(80), X.T @ y))
    best = objective(np.linalg.solve(X.T @ X + lam * np.eye(80), X.T @ y))
    if not (mine < printed and mine <= best * (1 + 1e-6)):
        fail("ridge_regression does not minimise ||X beta - y||^2 + lam ||beta||^2 (is the sign of lam I right?)")


@pytest.mark.exercise("ridge_regression", points=1)
def test_ridge_shrinks_beta_as_lambda_grows(ch2):
    rng = np.random.default_rng(5)
    X, y = rng.normal(size=(15, 6)), rng.normal(size=15)
    norms = [
        np.linalg.norm(np.asarray(ch2.ridge_regression(X, y, lam), dtype=np.float64))
        for lam in [0.0, 0.01, 0.1, 1.0, 10.0, 100.0]
    ]
    if not np.all(np.diff(norms) < 0):
        fail("ridge_regression: ||beta|| must shrink as lambda grows")
    check_close(
        ch2.ridge_regression(X, y, 0.0), np.linalg.lstsq(X, y, rcond=None)[0], "ridge_regression with lam 0", rtol=1e-8
    )


# ---------------------------------------------------------------- rmse


@pytest.mark.exercise("rmse", points=1)
def test_rmse_book_example(ch2):
    check_scalar(
        ch2.rmse(np.array([0.0, 0.0]), np.array([3.0, 4.0])),
        np.sqrt(12.5),
        "rmse([0, 0], [3, 4]) (per point: divide by N before the root)",
        rtol=1e-12,
    )


@pytest.mark.exercise("rmse", points=1)
@pytest.mark.parametrize("n", [1, 7, 100])
def test_rmse_on_random_data(ch2, n):
    rng = np.random.default_rng(n)
    y, y_hat = rng.normal(size=n), rng.normal(size=n)
    copies = snapshot(y, y_hat)
    value = ch2.rmse(y, y_hat)
    check_unchanged([y, y_hat], copies, "rmse")
    check_scalar(value, np.sqrt(np.mean((y - y_hat) ** 2)), f"rmse of {n} points", rtol=1e-12)


# ---------------------------------------------------------------- classification_error


@pytest.mark.exercise("classification_error", points=1)
@pytest.mark.parametrize("labels", [(-1, 1), (0, 1)])
def test_classification_error_on_random_labels(ch2, labels):
    rng = np.random.default_rng(7)
    y, y_hat = rng.choice(labels, size=37), rng.choice(labels, size=37)
    check_scalar(
        ch2.classification_error(y, y_hat), np.mean(y != y_hat), f"classification_error, labels {labels}", rtol=1e-12
    )
    check_scalar(ch2.classification_error(y, y), 0.0, "classification_error of perfect labels")
    check_scalar(
        ch2.classification_error(y, -y if labels[0] == -1 else 1 - y), 1.0, "classification_error of all wrong labels"
    )


# ---------------------------------------------------------------- generalization_curve


@pytest.mark.exercise("generalization_curve", points=1)
def test_generalization_curve_book_values(ch2):
    x, y = parabola()
    train, test = ch2.generalization_curve(x, y, 80, [1, 2])
    check_close(train, [0.389218637, 0.0], "train RMSE of degrees 1, 2 on noise-free data", rtol=0, atol=1e-8)
    check_close(test, [1.699154519, 0.0], "test RMSE of degrees 1, 2 on noise-free data", rtol=0, atol=1e-8)


@pytest.mark.exercise("generalization_curve", points=1)
@pytest.mark.parametrize("seed,n,n_train", [(0, 100, 80), (1, 40, 25), (2, 30, 29)])
def test_generalization_curve_matches_reference(ch2, seed, n, n_train):
    x, y = parabola(n, noise=0.1, seed=seed)
    degrees = [0, 1, 2, 3, 5, 8]
    copies = snapshot(x, y)
    train, test = ch2.generalization_curve(x, y, n_train, degrees)
    check_unchanged([x, y], copies, "generalization_curve")
    expected = ref.generalization_curve(x, y, n_train, degrees)
    check_close(train, expected[0], f"train RMSE (fit and score on the first {n_train} points)", rtol=1e-7)
    check_close(test, expected[1], f"test RMSE (score on the points after the first {n_train} only)", rtol=1e-7)
    if np.any(np.diff(np.asarray(train)) > 1e-12):
        fail("generalization_curve: the train RMSE must never rise with the degree")


@pytest.mark.exercise("generalization_curve", points=1)
def test_generalization_curve_typical_values(ch2):
    # medians over seeds of the per-point RMSE, within the ranges of 2000 simulated runs
    runs = np.array([ch2.generalization_curve(*parabola(noise=0.1, seed=seed), 80, [1, 2]) for seed in range(9)])
    train, test = np.median(runs[:, 0], axis=0), np.median(runs[:, 1], axis=0)
    if not (
        0.383 < train[0] < 0.419 and 1.646 < test[0] < 1.761 and 0.085 < train[1] < 0.111 and 0.079 < test[1] < 0.155
    ):
        fail("generalization_curve: typical train / test RMSE out of the expected ranges (per point?)")


# ---------------------------------------------------------------- regularization_curve


@pytest.mark.exercise("regularization_curve", points=1)
@pytest.mark.parametrize("seed,degree,n_train", [(0, 79, 80), (4, 5, 30), (5, 12, 50)])
def test_regularization_curve_matches_reference(ch2, seed, degree, n_train):
    x, y = parabola(noise=0.1, seed=seed)
    lambdas = np.linspace(0.01, 0.99, 7)
    train, test = ch2.regularization_curve(x, y, n_train, degree, lambdas)
    expected = ref.regularization_curve(x, y, n_train, degree, lambdas)
    check_close(train, expected[0], f"train RMSE per lambda (degree {degree}, first {n_train} points seen)", rtol=1e-6)
    check_close(test, expected[1], f"test RMSE per lambda (degree {degree}, first {n_train} points seen)", rtol=1e-6)
    if np.any(np.diff(np.asarray(train)) < -1e-12):
        fail("regularization_curve: the train RMSE must never fall as lambda grows")
