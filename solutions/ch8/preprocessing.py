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
    ### BEGIN SOLUTION
    mean = X.mean(axis=0) if mean is None else np.asarray(mean, dtype=np.float64)
    std = X.std(axis=0) if std is None else np.asarray(std, dtype=np.float64)
    std = np.where(std == 0, 1.0, std)
    X_scaled = (X - mean) / std
    ### END SOLUTION
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
    ### BEGIN SOLUTION
    scale = np.abs(X).max(axis=0)
    X_scaled = X / np.where(scale == 0, 1.0, scale)
    ### END SOLUTION
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
    ### BEGIN SOLUTION
    norms = np.sqrt((X**2).sum(axis=1, keepdims=True))
    X_scaled = X / np.where(norms == 0, 1.0, norms)
    ### END SOLUTION
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
    ### BEGIN SOLUTION
    Xc = X - X.mean(axis=0)
    cov = Xc.T @ Xc / X.shape[0]
    U, S, _ = np.linalg.svd(cov)
    X_white = Xc @ U / np.sqrt(S + epsilon)
    ### END SOLUTION
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
    ### BEGIN SOLUTION
    w = rng.normal(0.0, 1.0 / np.sqrt(fan_in), size=(fan_in, fan_out))
    ### END SOLUTION
    return w


def scaled_tanh(x):
    """LeCun's activation: f(x) = 1.7159 * tanh(2x / 3), so that f(1) = 1, f(-1) = -1.

    Inputs:
    - x: array of any shape

    Returns:
    - out: like x
    """
    ### BEGIN SOLUTION
    out = 1.7159 * np.tanh(2.0 * x / 3.0)
    ### END SOLUTION
    return out
