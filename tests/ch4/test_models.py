"""Hidden suite for ch4/models.py.

The regularisers and the three losses against the reference on new shapes,
regularisation strengths and data (the default reg is the book's 0.01); train
against the reference's gradient descent with the student's own losses (so
they must be written with autograd.numpy), inputs left unchanged.
"""

import numpy as np
import pytest

from grader.testing import check_close, check_scalar, check_unchanged, fail, implementation_of, reference, snapshot

models = implementation_of("ch4.models")
ref = reference("ch4.models")


def classification_data(seed, n, d):
    rng = np.random.default_rng(seed)
    return rng, rng.normal(size=(n, d)), rng.integers(0, 2, size=n).astype(float)


def logistic_params(rng, d):
    return {"w": rng.normal(size=d), "b": float(rng.normal())}


def two_layer_params(rng, d, h):
    return {
        "W1": rng.normal(size=(d, h)),
        "b1": rng.normal(size=h),
        "w2": rng.normal(size=h),
        "b2": float(rng.normal()),
    }


@pytest.mark.exercise("l1", points=1)
@pytest.mark.parametrize("shape", [(1, 3), (4,), (2, 3, 2)])
def test_l1_against_reference(models, shape):
    x = np.random.default_rng(1).normal(size=shape)
    check_scalar(models.l1(x), ref.l1(x), f"l1 of an array of shape {shape}")
    check_scalar(models.l1(np.array([[0.0, 1.0, 3.0]])), 4.0, "l1([[0, 1, 3]]), listing 4-8")


@pytest.mark.exercise("l2", points=1)
@pytest.mark.parametrize("shape", [(1, 3), (4,), (2, 3, 2)])
def test_l2_against_reference(models, shape):
    x = np.random.default_rng(2).normal(size=shape)
    check_scalar(models.l2(x), ref.l2(x), f"l2 of an array of shape {shape}")
    check_scalar(models.l2(np.array([[0.0, 1.0, 3.0]])), 10.0, "l2([[0, 1, 3]]), listing 4-8")


@pytest.mark.exercise("logistic_regression_loss", points=1)
@pytest.mark.parametrize("n,d,reg", [(1, 3, 0.0), (30, 5, 0.01), (12, 2, 0.5)])
def test_logistic_regression_loss_against_reference(models, n, d, reg):
    rng, X, y = classification_data(3, n, d)
    params = logistic_params(rng, d)
    copies = snapshot(X, y, params["w"])
    check_scalar(
        models.logistic_regression_loss(params, X, y, reg),
        ref.logistic_regression_loss(params, X, y, reg),
        f"logistic_regression_loss on {n} examples, {d} features, reg={reg}",
    )
    check_unchanged([X, y, params["w"]], copies, "logistic_regression_loss")


@pytest.mark.exercise("logistic_regression_loss", points=1)
def test_logistic_regression_default_reg_is_the_books(models):
    rng, X, y = classification_data(4, 20, 4)
    params = logistic_params(rng, 4)
    check_scalar(
        models.logistic_regression_loss(params, X, y),
        ref.logistic_regression_loss(params, X, y, 0.01),
        "logistic_regression_loss with the default reg (0.01, no factor 1/2)",
    )


@pytest.mark.exercise("linear_regression_loss", points=1)
@pytest.mark.parametrize("n,d,reg", [(1, 3, 0.0), (30, 5, 0.01), (12, 2, 0.5)])
def test_linear_regression_loss_against_reference(models, n, d, reg):
    rng = np.random.default_rng(5)
    X, y = rng.normal(size=(n, d)), rng.normal(size=n)
    params = logistic_params(rng, d)
    check_scalar(
        models.linear_regression_loss(params, X, y, reg),
        ref.linear_regression_loss(params, X, y, reg),
        f"linear_regression_loss on {n} examples, {d} features, reg={reg}",
    )
    check_scalar(
        models.linear_regression_loss(params, X, y),
        ref.linear_regression_loss(params, X, y, 0.01),
        "linear_regression_loss with the default reg",
    )


@pytest.mark.exercise("two_layer_loss", points=2)
@pytest.mark.parametrize("n,d,h,reg", [(1, 3, 2, 0.0), (25, 6, 4, 0.01), (10, 2, 7, 0.3)])
def test_two_layer_loss_against_reference(models, n, d, h, reg):
    rng, X, y = classification_data(6, n, d)
    params = two_layer_params(rng, d, h)
    check_scalar(
        models.two_layer_loss(params, X, y, reg),
        ref.two_layer_loss(params, X, y, reg),
        f"two_layer_loss on {n} examples, {d} features, {h} hidden units, reg={reg}",
    )


def run_training(module, loss, params, X, y, lr, steps):
    copies = snapshot(X, y, *params.values())
    trained = module.train(getattr(module, loss), params, X, y, lr, steps)
    check_unchanged([X, y, *params.values()], copies, "train")
    if not isinstance(trained, dict) or sorted(trained) != sorted(params):
        fail(f"train must return a dict with the keys {sorted(params)}")
    return trained


@pytest.mark.exercise("train", points=2)
@pytest.mark.parametrize("loss", ["logistic_regression_loss", "linear_regression_loss", "two_layer_loss"])
def test_train_matches_the_reference_descent(models, loss):
    rng, X, y = classification_data(7, 40, 5)
    if loss == "linear_regression_loss":
        y = rng.normal(size=40)
    params = two_layer_params(rng, 5, 3) if loss == "two_layer_loss" else logistic_params(rng, 5)
    trained = run_training(models, loss, params, X, y, 0.05, 30)
    expected = ref.train(getattr(ref, loss), params, X, y, 0.05, 30)
    for name in params:
        check_close(trained[name], expected[name], f"train({loss}, lr=0.05, steps=30): {name}", rtol=1e-8)


@pytest.mark.exercise("train", points=1)
def test_train_with_zero_steps_changes_nothing(models):
    rng, X, y = classification_data(8, 10, 3)
    params = logistic_params(rng, 3)
    trained = run_training(models, "logistic_regression_loss", params, X, y, 0.1, 0)
    check_close(trained["w"], params["w"], "train with steps=0: w unchanged")
    trained = run_training(models, "logistic_regression_loss", params, X, y, 0.0, 5)
    check_close(trained["w"], params["w"], "train with lr=0: w unchanged")
