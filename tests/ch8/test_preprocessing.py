"""Hidden suite for ch8/preprocessing.py: outputs against the reference and
their defining properties; inputs left unchanged."""

import numpy as np
import pytest

from grader.testing import (
    check_close,
    check_scalar,
    check_unchanged,
    fail,
    implementation_of,
    reference,
    snapshot,
    unpack_tuple,
)

pre = implementation_of("ch8.preprocessing")
ref = reference("ch8.preprocessing")

SHAPES = [(1, 3), (5, 2), (40, 6)]


def data(shape, seed, sparse=False):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=shape) * rng.uniform(0.5, 20, size=shape[1]) + rng.normal(size=shape[1]) * 5
    if sparse:
        X = X * (rng.random(shape) < 0.3)
    return X


@pytest.mark.exercise("standardize", points=1)
@pytest.mark.parametrize("shape", SHAPES)
def test_standardize_matches_reference(pre, shape):
    X = data(shape, 1)
    copies = snapshot(X)
    result = unpack_tuple(pre.standardize(X), 3, "standardize")
    check_unchanged([X], copies, "standardize")
    for got, expected, name in zip(result, ref.standardize(X), ["X_scaled", "mean", "std"]):
        check_close(got, expected, f"standardize: {name} for X of shape {shape}")


@pytest.mark.exercise("standardize", points=1)
def test_standardize_with_given_statistics_and_constant_column(pre):
    X = data((6, 3), 2)
    X[:, 1] = 4.0
    X_scaled, _, std = unpack_tuple(pre.standardize(X), 3, "standardize")
    check_close(np.asarray(X_scaled)[:, 1], np.zeros(6), "standardize: a constant column must become 0 (not NaN)")
    other = data((4, 3), 3)
    mean, given = np.array([1.0, 2.0, 3.0]), np.array([2.0, 0.5, 4.0])
    out = unpack_tuple(pre.standardize(other, mean, given), 3, "standardize")[0]
    check_close(out, (other - mean) / given, "standardize with given mean and std (validation data)")


@pytest.mark.exercise("max_abs_scale", points=1)
@pytest.mark.parametrize("shape", SHAPES)
def test_max_abs_scale_matches_reference(pre, shape):
    X = data(shape, 4, sparse=True)
    X[:, 0] = 0.0  # an all-zero column stays zero
    copies = snapshot(X)
    out = pre.max_abs_scale(X)
    check_unchanged([X], copies, "max_abs_scale")
    check_close(out, ref.max_abs_scale(X), f"max_abs_scale on sparse data of shape {shape} (signs and zeros kept)")


@pytest.mark.exercise("unit_norm_scale", points=1)
@pytest.mark.parametrize("shape", SHAPES)
def test_unit_norm_scale_matches_reference(pre, shape):
    X = data(shape, 5)
    if shape[0] > 1:
        X[1] = 0.0
    copies = snapshot(X)
    out = pre.unit_norm_scale(X)
    check_unchanged([X], copies, "unit_norm_scale")
    check_close(
        out, ref.unit_norm_scale(X), f"unit_norm_scale for shape {shape} (each row to norm 1, zero rows stay 0)"
    )


@pytest.mark.exercise("pca_whiten", points=2)
@pytest.mark.parametrize("shape,epsilon", [((50, 3), 1e-5), ((200, 5), 1e-5), ((30, 4), 0.5)])
def test_pca_whiten_matches_reference_up_to_signs(pre, shape, epsilon):
    rng = np.random.default_rng(6)
    X = rng.normal(size=shape) @ rng.normal(size=(shape[1], shape[1])) + rng.normal(size=shape[1])
    copies = snapshot(X)
    out = np.asarray(pre.pca_whiten(X, epsilon=epsilon), dtype=np.float64)
    check_unchanged([X], copies, "pca_whiten")
    expected = ref.pca_whiten(X, epsilon=epsilon)
    if out.shape != expected.shape:
        fail(f"pca_whiten: shape {out.shape}, expected {expected.shape}")
    signs = np.sign(np.sum(out * expected, axis=0))
    signs[signs == 0] = 1
    check_close(
        out * signs,
        expected,
        f"pca_whiten (epsilon {epsilon}): columns, largest variance first, each up to its sign",
        rtol=1e-6,
        atol=1e-8,
    )


@pytest.mark.exercise("pca_whiten", points=1)
def test_pca_whiten_default_epsilon(pre):
    X = np.random.default_rng(7).normal(size=(100, 3)) * np.array([5.0, 1.0, 0.01])
    out = np.asarray(pre.pca_whiten(X), dtype=np.float64)
    cov = out.T @ out / len(X)
    expected = ref.pca_whiten(X)
    check_close(
        np.diag(cov),
        np.diag(expected.T @ expected / len(X)),
        "pca_whiten with the default epsilon: variance of each output column",
        rtol=1e-6,
    )


@pytest.mark.exercise("lecun_init", points=1)
@pytest.mark.parametrize("fan_in,fan_out", [(1000, 100), (25, 4000), (400, 400)])
def test_lecun_init_distribution(pre, fan_in, fan_out):
    w = np.asarray(pre.lecun_init(fan_in, fan_out, np.random.default_rng(fan_in)), dtype=np.float64)
    if w.shape != (fan_in, fan_out):
        fail(f"lecun_init: shape {w.shape}, expected {(fan_in, fan_out)}")
    check_scalar(w.std(), fan_in**-0.5, f"lecun_init({fan_in}, {fan_out}): standard deviation", rtol=0.02)
    check_scalar(w.mean() * fan_in**0.5, 0.0, f"lecun_init({fan_in}, {fan_out}): mean", atol=0.02)
    again = pre.lecun_init(fan_in, fan_out, np.random.default_rng(fan_in))
    check_close(again, w, "lecun_init: the same rng seed must give the same weights")


@pytest.mark.exercise("scaled_tanh", points=1)
@pytest.mark.parametrize("shape", [(1,), (3, 4), (2, 3, 5)])
def test_scaled_tanh_matches_reference(pre, shape):
    x = 3 * np.random.default_rng(8).normal(size=shape)
    copies = snapshot(x)
    out = pre.scaled_tanh(x)
    check_unchanged([x], copies, "scaled_tanh")
    check_close(out, 1.7159 * np.tanh(2 * x / 3), "scaled_tanh output")


# ---------------------------------------------------------------- feature scaling and gradient descent


def dating_data(seed):
    """The "rabbit holes" post: dates = 0.8 years of education + 0.003 monthly income + 2, with 1 % noise."""
    rng = np.random.default_rng(seed)
    education, income = rng.integers(26, size=1000).astype(float), rng.integers(10000, size=1000).astype(float)
    dates = 0.8 * education + 0.003 * income + 2
    return np.stack([education, income], axis=1), dates * (1 + 0.01 * rng.normal(size=1000))


def descend(X, y, learning_rate, steps):
    """Steepest descent on the mean squared error of X @ W + b, from W = 0.1, b = 0."""
    W, b = np.full(X.shape[1], 0.1), 0.0
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            residual = X @ W + b - y
            W = W - learning_rate * 2 * X.T @ residual / len(y)
            b = b - learning_rate * 2 * residual.mean()
    return W, b


@pytest.mark.exercise("standardize", points=1)
def test_standardizing_lets_gradient_descent_converge_where_raw_features_diverge(pre):
    X, y = dating_data(470)
    W_raw, _ = descend(X, y, 1e-6, 600)
    if np.all(np.isfinite(W_raw)):  # income (up to 10,000) makes the curvature ~7e7: lr 1e-6 overshoots
        fail("the check itself is wrong: gradient descent on the raw features should overflow")
    design = np.column_stack([X, np.ones(len(y))])
    best = np.linalg.lstsq(design, y, rcond=None)[0]
    X_scaled, mean, std = unpack_tuple(pre.standardize(X), 3, "standardize")
    W, b = descend(np.asarray(X_scaled, dtype=np.float64), y, 0.1, 300)
    # back to the raw features: W_raw = W / std, b_raw = b - sum(W * mean / std)
    W_back, b_back = W / np.asarray(std), b - np.sum(W * np.asarray(mean) / np.asarray(std))
    check_close(W_back, best[:2], "gradient descent on standardize(X): weights in raw units", rtol=1e-4)
    check_scalar(b_back, best[2], "gradient descent on standardize(X): intercept in raw units", rtol=1e-4)
