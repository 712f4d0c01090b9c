# Fill in each part that raises NotImplementedError; the docstrings say what to compute.
# `pytest exercises/ch2` checks your work, `dlgrade hint NAME` gives a hint.
"""Fitting and generalisation: least squares on polynomial features, ridge
regression, and the train / test errors that show over- and underfitting.

The course departs from the book in three places (each proven by a test):
- ``polynomial_features(x, degree)`` counts powers: degree d gives the d + 1
  columns x**0 .. x**d (the book's ``degree`` counts columns);
- ``ridge_regression`` solves (XᵀX + λI) β = Xᵀy; the book's text prints
  XᵀX − λI, which does not minimise the ridge objective;
- ``rmse`` is the per-point root mean squared error; the book's listing
  prints the root of the sum of squared errors.

Inputs are never changed in place: no function here modifies an array, list or dict it is
given (write ``x = x * 2``, not ``x *= 2``; copy before changing). The tests check it after
every call and name the input that changed.
"""

import numpy as np


def toy_dataset(n=100, noise=0.1, rng=None):
    """The book's toy data: y = 2 + x + 2x² + N(0, noise²) on an even grid.

    Inputs:
    - n: number of points N; x = linspace(-1, 1, N)
    - noise: standard deviation of the Gaussian noise (0: exact values)
    - rng: np.random.Generator (default: np.random.default_rng(0))

    Returns a tuple of:
    - x: shape (N,)
    - y: shape (N,)
    """
    rng = np.random.default_rng(0) if rng is None else rng
    x = np.linspace(-1.0, 1.0, n)
    y = 2.0 + x + 2.0 * x**2 + rng.normal(0.0, noise, size=n)
    return x, y


def polynomial_features(x, degree):
    """The design matrix of a polynomial: X[i, j] = x[i] ** j for j = 0 .. degree.

    Column 0 is all ones (the intercept). The book's ``degree`` counts columns
    (its degree 2 is a straight line); here degree counts powers, so
    polynomial_features(x, 2) maps x = 2 to [1, 2, 4].

    Inputs:
    - x: shape (N,)
    - degree: int d >= 0, the highest power

    Returns:
    - X: shape (N, d + 1)
    """
    raise NotImplementedError("polynomial_features: not started, see its docstring")
    return X


def least_squares(X, y):
    """The β minimising ‖Xβ − y‖², from the normal equations XᵀX β = Xᵀy.

    Solve the linear system (np.linalg.solve) rather than forming (XᵀX)⁻¹:
    an explicit inverse loses digits that a solver keeps when the columns
    are nearly dependent (high powers of x on a short interval).

    Inputs:
    - X: shape (N, D), the design matrix
    - y: shape (N,), the targets

    Returns:
    - beta: shape (D,)
    """
    raise NotImplementedError("least_squares: not started, see its docstring")
    return beta


def ridge_regression(X, y, lam):
    """The β minimising ‖Xβ − y‖² + λ‖β‖², from (XᵀX + λI) β = Xᵀy.

    Setting the gradient 2Xᵀ(Xβ − y) + 2λβ to zero gives the system above;
    the book's text prints XᵀX − λI, a sign error. Every coefficient is
    penalised, the intercept too, as in the book.

    Inputs:
    - X: shape (N, D)
    - y: shape (N,)
    - lam: float λ >= 0 (λ = 0 is least squares)

    Returns:
    - beta: shape (D,)
    """
    raise NotImplementedError("ridge_regression: not started, see its docstring")
    return beta


def rmse(y, y_hat):
    """Root mean squared error: sqrt(1/N Σᵢ (yᵢ − ŷᵢ)²).

    Per point, so that data sets of different sizes compare (the book's
    listing prints sqrt(Σᵢ (yᵢ − ŷᵢ)²) without the 1/N).

    Inputs:
    - y, y_hat: shape (N,)

    Returns:
    - error: float
    """
    raise NotImplementedError("rmse: not started, see its docstring")
    return error


def classification_error(y, y_hat):
    """The share of wrong labels: E = 1/N Σᵢ [ŷᵢ ≠ yᵢ] (labels ±1 in the book).

    Inputs:
    - y, y_hat: shape (N,), labels

    Returns:
    - error: float in [0, 1]
    """
    raise NotImplementedError("classification_error: not started, see its docstring")
    return error


def generalization_curve(x, y, n_train, degrees):
    """Train and test RMSE of least-squares polynomials of several degrees.

    The first n_train points are seen: each polynomial is fitted on them and
    its train RMSE measured on them; the test RMSE is measured on the other
    points only.

    Inputs:
    - x, y: shape (N,)
    - n_train: int, 0 < n_train < N
    - degrees: sequence of K ints

    Returns a tuple of:
    - train: shape (K,), train RMSE per degree
    - test: shape (K,), test RMSE per degree
    """
    raise NotImplementedError("generalization_curve: not started, see its docstring")
    return np.array(train), np.array(test)


def regularization_curve(x, y, n_train, degree, lambdas):
    """Train and test RMSE of ridge-regression polynomials for several λ.

    As ``generalization_curve``, with one degree and ``ridge_regression``.

    Inputs:
    - x, y: shape (N,)
    - n_train: int, 0 < n_train < N
    - degree: int, the highest power
    - lambdas: sequence of K floats >= 0

    Returns a tuple of:
    - train: shape (K,), train RMSE per λ
    - test: shape (K,), test RMSE per λ
    """
    raise NotImplementedError("regularization_curve: not started, see its docstring")
    return np.array(train), np.array(test)


def plot_fits(x, y, n_train, degrees=(1, 2, 8)):
    """The book's figures 2-2 to 2-4: the data and a least-squares fit per degree.

    Returns a matplotlib Figure with one panel per degree: seen points, unseen
    points, and the fitted polynomial on a fine grid.
    """
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(degrees), figsize=(4 * len(degrees), 3.5), sharey=True, squeeze=False)
    grid = np.linspace(x.min(), x.max(), 400)
    train, test = generalization_curve(x, y, n_train, degrees)
    for ax, degree, err_train, err_test in zip(axes[0], degrees, train, test):
        beta = least_squares(polynomial_features(x[:n_train], degree), y[:n_train])
        ax.plot(x[:n_train], y[:n_train], ".", color="tab:blue", label="seen")
        ax.plot(x[n_train:], y[n_train:], ".", color="tab:orange", label="unseen")
        ax.plot(grid, polynomial_features(grid, degree) @ beta, color="black", linewidth=1.2, label="fit")
        ax.set_ylim(y.min() - 1.0, y.max() + 1.0)
        ax.set_title(f"degree {degree}: train {err_train:.3f}, test {err_test:.3f}")
        ax.set_xlabel("x")
    axes[0, 0].set_ylabel("y")
    axes[0, 0].legend()
    fig.tight_layout()
    return fig


def plot_regularization(x, y, n_train, degree, lambdas):
    """The book's figure 2-5: train and test RMSE of ridge regression against λ.

    Returns a matplotlib Figure.
    """
    import matplotlib.pyplot as plt

    train, test = regularization_curve(x, y, n_train, degree, lambdas)
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(lambdas, train, label="train (seen)")
    ax.plot(lambdas, test, label="test (unseen)")
    ax.set_xlabel("λ")
    ax.set_ylabel("RMSE")
    ax.set_title(f"Ridge regression, degree {degree} ({degree + 1} columns)")
    ax.legend()
    fig.tight_layout()
    return fig
