# Public tests: `pytest exercises/ch8/test_preprocessing.py` runs them; `dlgrade check` shows your progress.
"""Public tests for preprocessing.py."""

import numpy as np
import pytest

from grader.testing import check_unchanged, snapshot

from .preprocessing import lecun_init, max_abs_scale, pca_whiten, scaled_tanh, standardize, unit_norm_scale


@pytest.mark.exercise("standardize")
def test_standardize_gives_mean_0_std_1():
    X = np.array([[1.0, 10.0], [3.0, 10.0], [5.0, 10.0]])
    X_scaled, mean, std = standardize(X)
    np.testing.assert_allclose(mean, [3.0, 10.0])
    np.testing.assert_allclose(X_scaled[:, 0], [-1.224744871, 0.0, 1.224744871], err_msg="(x - mean) / std, ddof=0")
    np.testing.assert_allclose(X_scaled[:, 1], 0.0, err_msg="a constant column becomes 0, not NaN")


@pytest.mark.exercise("max_abs_scale")
def test_max_abs_scale_keeps_zeros_and_signs():
    X = np.array([[0.0, -4.0], [2.0, 2.0], [-1.0, 0.0]])
    np.testing.assert_allclose(max_abs_scale(X), [[0.0, -1.0], [1.0, 0.5], [-0.5, 0.0]])


@pytest.mark.exercise("unit_norm_scale")
def test_unit_norm_scale_normalises_rows():
    np.testing.assert_allclose(unit_norm_scale(np.array([[3.0, 4.0], [0.0, 0.0]])), [[0.6, 0.8], [0.0, 0.0]])


@pytest.mark.exercise("pca_whiten")
def test_pca_whitening_gives_identity_covariance():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(500, 3)) @ np.array([[3.0, 1.0, 0.0], [0.0, 1.0, 0.5], [0.0, 0.0, 0.2]]) + 7
    white = pca_whiten(X, epsilon=0.0)
    np.testing.assert_allclose(white.T @ white / len(X), np.eye(3), atol=1e-8)


@pytest.mark.exercise("lecun_init")
def test_lecun_init_has_std_one_over_sqrt_fan_in():
    w = lecun_init(400, 300, np.random.default_rng(0))
    assert w.shape == (400, 300)
    assert w.std() == pytest.approx(0.05, rel=0.02)


@pytest.mark.exercise("scaled_tanh")
def test_scaled_tanh_maps_plus_minus_one_to_themselves():
    np.testing.assert_allclose(scaled_tanh(np.array([-1.0, 0.0, 1.0])), [-1.0, 0.0, 1.0], atol=1e-4)


# What the grader also checks: inputs left unchanged and outputs shaped like the data.
@pytest.mark.parametrize(
    "name",
    [
        pytest.param(n, marks=pytest.mark.exercise(n), id=n)
        for n in ("standardize", "max_abs_scale", "unit_norm_scale", "pca_whiten", "scaled_tanh")
    ],
)
def test_preprocessing_leaves_the_data_unchanged(name):
    function = globals()[name]  # the function imported above
    X = np.random.default_rng(30).normal(size=(6, 3)) * [1.0, 5.0, 0.1]
    copy = snapshot(X)
    result = function(X)
    scaled = result[0] if isinstance(result, tuple) else result
    check_unchanged([X], copy, name, ["X"])
    assert np.shape(scaled) == X.shape, f"{name}: output shape {np.shape(scaled)}, expected {X.shape}"
