"""Public tests for training.py."""

import numpy as np
import pytest

from grader.testing import call_unchanged

from .training import EarlyStopping, add_gradient_noise, gradient_descent, least_squares, minibatches


@pytest.mark.exercise("minibatches")
def test_minibatches_cover_every_example_once():
    X = np.arange(10.0).reshape(10, 1)
    y = np.arange(10)
    batches = call_unchanged(minibatches, X, y, 4, np.random.default_rng(0))  # fails naming a changed input
    assert [len(b[1]) for b in batches] == [4, 4, 2], "ceil(10 / 4) batches, only the last one smaller"
    seen = np.concatenate([b[1] for b in batches])
    assert sorted(seen) == list(range(10)), "every example exactly once"
    assert not np.array_equal(seen, np.arange(10)), "the examples are shuffled"
    for X_batch, y_batch in batches:
        np.testing.assert_array_equal(X_batch[:, 0], y_batch, err_msg="X[i] and y[i] stay together")


@pytest.mark.exercise("gradient_descent")
def test_batch_gradient_descent_solves_least_squares():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(50, 3))
    y = X @ np.array([1.0, -2.0, 0.5])
    w, losses = gradient_descent(least_squares, np.zeros(3), X, y, learning_rate=0.5, epochs=100)
    np.testing.assert_allclose(w, [1.0, -2.0, 0.5], atol=1e-4)
    assert len(losses) == 100 and losses[-1] < losses[0]


@pytest.mark.exercise("gradient_descent")
def test_stochastic_gradient_descent_takes_one_step_per_example():
    X = np.ones((20, 1))
    y = np.zeros(20)
    # each step multiplies w by (1 - lr): 20 steps per epoch with batch_size 1
    w, _ = gradient_descent(
        least_squares, np.ones(1), X, y, learning_rate=0.1, epochs=1, batch_size=1, rng=np.random.default_rng(0)
    )
    np.testing.assert_allclose(w, [0.9**20])


@pytest.mark.exercise("add_gradient_noise")
def test_gradient_noise_is_annealed():
    dw = np.zeros(100_000)
    early = add_gradient_noise(dw, 0, np.random.default_rng(0), eta=1.0)
    late = add_gradient_noise(dw, 99, np.random.default_rng(0), eta=1.0, gamma=1.0)
    assert early.std() == pytest.approx(1.0, rel=0.02), "variance eta at step 0"
    assert late.std() == pytest.approx(0.1, rel=0.02), "variance eta / (1 + 99)**1 at step 99"


@pytest.mark.exercise("EarlyStopping")
def test_early_stopping_waits_patience_epochs():
    stopper = EarlyStopping(min_delta=0.01, patience=2)
    decisions = [stopper.step(loss) for loss in [1.0, 0.5, 0.495, 0.49, 0.3, 0.3, 0.3]]
    assert decisions == [False, False, False, True, False, False, True]


@pytest.mark.exercise("gradient_descent")
def test_gradient_descent_leaves_w0_and_the_data_unchanged():
    X, y = np.random.default_rng(4).normal(size=(12, 3)), np.linspace(-1, 1, 12)
    call_unchanged(
        gradient_descent,
        least_squares,
        np.zeros(3),
        X,
        y,
        learning_rate=0.1,
        epochs=2,
        batch_size=4,
        rng=np.random.default_rng(0),
    )


@pytest.mark.exercise("add_gradient_noise")
def test_add_gradient_noise_returns_a_new_array():
    call_unchanged(add_gradient_noise, np.array([1.0, -2.0, 0.5]), 3, np.random.default_rng(0))
