# Fill in each part that raises NotImplementedError; the docstrings say what to compute.
# `pytest exercises/ch8` checks your work, `dlgrade hint NAME` gives a hint.
"""Preparing data and networks for SGD: scaling, whitening, initialisation
and an activation function that keeps targets within reach.

Each scaling works column by column (feature by feature) unless it says
otherwise, never modifies its input, and leaves all-zero columns (rows for
unit_norm_scale) at zero instead of dividing by zero.

Inputs are never changed in place: no function here modifies an array, list or dict it is
given (write ``x = x * 2``, not ``x *= 2``; copy before changing). The tests check it after
every call and name the input that changed.
"""

import numpy as np


def standardize(X, mean=None, std=None):
    """Standardise every feature: X_scaled = (X - mean) / std.

    mean and std are the column means and (ddof=0) standard deviations of X,
    unless given (to scale validation data with the training statistics).
    A column with std 0 is divided by 1 instead.

    Inputs:
    - X: data, shape (N, D)
    - mean, std: optional, shape (D,)

    Returns a tuple of:
    - X_scaled: shape (N, D)
    - mean: shape (D,), the means used
    - std: shape (D,), the standard deviations used (zeros replaced by 1)
    """
    raise NotImplementedError("standardize: not started, see its docstring")
    return X_scaled, mean, std


def max_abs_scale(X):
    """Max-abs scaling: X_scaled[:, j] = X[:, j] / max_i |X[i, j]|.

    Keeps zeros at zero and signs as they are, so sparse data stays sparse;
    every value lands in [-1, 1]. (The book prints |X_i| / max(X), which
    loses the signs and can exceed 1 when the largest value is negative.)

    Inputs:
    - X: data, shape (N, D)

    Returns:
    - X_scaled: shape (N, D)
    """
    raise NotImplementedError("max_abs_scale: not started, see its docstring")
    return X_scaled


def unit_norm_scale(X):
    """Unit-norm scaling of every example: X_scaled[i] = X[i] / ||X[i]||_2.

    Works row by row: each example (row) gets Euclidean norm 1; all-zero
    rows stay zero.

    Inputs:
    - X: data, shape (N, D)

    Returns:
    - X_scaled: shape (N, D)
    """
    raise NotImplementedError("unit_norm_scale: not started, see its docstring")
    return X_scaled


def pca_whiten(X, epsilon=1e-5):
    """PCA whitening: decorrelate the features and give each unit variance.

        Xc = X - mean(X)                 (column means)
        C = Xc.T @ Xc / N                (covariance, ddof=0)
        C = U diag(S) U.T                (eigenvectors, S in decreasing order)
        X_white = Xc @ U / sqrt(S + epsilon)

    Column k of the result is the projection on the k-th principal
    direction (the largest variance first). An eigenvector's sign is
    arbitrary, so each column is determined up to its sign.

    Inputs:
    - X: data, shape (N, D)
    - epsilon: added to the eigenvalues, default 1e-5

    Returns:
    - X_white: shape (N, D); its covariance is diag(S / (S + epsilon)), about I
    """
    raise NotImplementedError("pca_whiten: not started, see its docstring")
    return X_white


def lecun_init(fan_in, fan_out, rng):
    """LeCun initialisation: weights from N(0, 1 / fan_in), std = fan_in**-0.5.

    With standardised inputs and scaled_tanh, it keeps each unit's input of
    order one.

    Inputs:
    - fan_in, fan_out: number of inputs and outputs of the layer
    - rng: np.random.Generator, the only source of randomness

    Returns:
    - w: shape (fan_in, fan_out)
    """
    raise NotImplementedError("lecun_init: not started, see its docstring")
    return w


def scaled_tanh(x):
    """LeCun's activation: f(x) = 1.7159 * tanh(2x / 3), so that f(1) = 1, f(-1) = -1.

    Inputs:
    - x: array of any shape

    Returns:
    - out: like x
    """
    raise NotImplementedError("scaled_tanh: not started, see its docstring")
    return out
