"""Hidden suite for ch8/training.py.

Shuffling is checked by its properties (any correct use of rng passes):
every example once, batch sizes, pairs kept, shuffled, repeatable.
"""

import numpy as np
import pytest

from grader.testing import check_close, check_scalar, check_unchanged, fail, implementation_of, reference, snapshot

training = implementation_of("ch8.training")
ref = reference("ch8.training")


def regression(n, d, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = X @ rng.normal(size=d) + 0.1 * rng.normal(size=n)
    return X, y


@pytest.mark.exercise("minibatches", points=1)
@pytest.mark.parametrize("n,batch_size", [(10, 3), (12, 4), (7, 1), (5, 5), (5, 8), (33, 10)])
def test_minibatches_partition_the_data(training, n, batch_size):
    X = np.arange(2.0 * n).reshape(n, 2)
    y = np.arange(n)
    copies = snapshot(X, y)
    batches = list(training.minibatches(X, y, batch_size, np.random.default_rng(n)))
    check_unchanged([X, y], copies, "minibatches")
    sizes = [len(b[1]) for b in batches]
    expected = [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
    if sizes != expected:
        fail(f"minibatches: {n} examples in batches of {batch_size} gave batch sizes {sizes}")
    labels = np.concatenate([np.asarray(b[1]) for b in batches])
    if sorted(labels.tolist()) != list(range(n)):
        fail("minibatches: every example must appear in exactly one batch")
    for X_batch, y_batch in batches:
        check_close(
            np.asarray(X_batch)[:, 0], 2.0 * np.asarray(y_batch), "minibatches: X[i] and y[i] must stay together"
        )


@pytest.mark.exercise("minibatches", points=1)
def test_minibatches_shuffle_and_repeat_with_the_seed(training):
    X, y = np.arange(40.0).reshape(40, 1), np.arange(40)
    first = np.concatenate([b[1] for b in training.minibatches(X, y, 6, np.random.default_rng(3))])
    again = np.concatenate([b[1] for b in training.minibatches(X, y, 6, np.random.default_rng(3))])
    other = np.concatenate([b[1] for b in training.minibatches(X, y, 6, np.random.default_rng(4))])
    if np.array_equal(first, np.arange(40)):
        fail("minibatches: the examples must be shuffled")
    if not np.array_equal(first, again):
        fail("minibatches: the same seed must give the same batches")
    if np.array_equal(first, other):
        fail("minibatches: different seeds should give different orders")


@pytest.mark.exercise("gradient_descent", points=1)
@pytest.mark.parametrize("epochs,lr", [(1, 0.1), (7, 0.3), (20, 0.05)])
def test_batch_mode_matches_reference(training, epochs, lr):
    X, y = regression(30, 4, seed=epochs)
    w0 = np.zeros(4)
    copies = snapshot(w0, X, y)
    w, losses = training.gradient_descent(training.least_squares, w0, X, y, learning_rate=lr, epochs=epochs)
    check_unchanged([w0, X, y], copies, "gradient_descent")
    w_ref, losses_ref = ref.gradient_descent(ref.least_squares, w0, X, y, learning_rate=lr, epochs=epochs)
    check_close(w, w_ref, f"gradient_descent (batch, {epochs} epochs): w")
    check_close(np.asarray(losses), losses_ref, f"gradient_descent (batch, {epochs} epochs): losses after each epoch")


@pytest.mark.exercise("gradient_descent", points=1)
def test_batch_size_at_least_n_is_batch_mode(training):
    X, y = regression(10, 3, seed=8)
    w, _ = training.gradient_descent(
        training.least_squares,
        np.zeros(3),
        X,
        y,
        learning_rate=0.2,
        epochs=3,
        batch_size=10,  # batch mode, which needs no rng
    )
    check_close(
        w,
        ref.gradient_descent(ref.least_squares, np.zeros(3), X, y, learning_rate=0.2, epochs=3)[0],
        "gradient_descent with batch_size = N and no rng (batch mode: one full step per epoch)",
    )


@pytest.mark.exercise("gradient_descent", points=1)
@pytest.mark.parametrize("batch_size", [1, 4, 7])
def test_one_epoch_replays_the_minibatches(training, batch_size):
    X, y = regression(20, 3, seed=batch_size)
    w, losses = training.gradient_descent(
        training.least_squares,
        np.zeros(3),
        X,
        y,
        learning_rate=0.1,
        epochs=1,
        batch_size=batch_size,
        rng=np.random.default_rng(11),
    )
    expected = np.zeros(3)
    for X_batch, y_batch in training.minibatches(X, y, batch_size, np.random.default_rng(11)):
        expected = expected - 0.1 * ref.least_squares(expected, np.asarray(X_batch), np.asarray(y_batch))[1]
    check_close(
        w,
        expected,
        f"gradient_descent, batch_size {batch_size}: one step per batch of minibatches(X, y, {batch_size}, rng)",
    )
    check_scalar(losses[-1], ref.least_squares(expected, X, y)[0], "gradient_descent: loss on all data after the epoch")


@pytest.mark.exercise("gradient_descent", points=1)
@pytest.mark.parametrize("batch_size", [1, 5])
def test_stochastic_modes_converge_like_the_reference(training, batch_size):
    X, y = regression(40, 3, seed=20 + batch_size)
    w, losses = training.gradient_descent(
        training.least_squares,
        np.zeros(3),
        X,
        y,
        learning_rate=0.05,
        epochs=15,
        batch_size=batch_size,
        rng=np.random.default_rng(1),
    )
    _, losses_ref = ref.gradient_descent(
        ref.least_squares,
        np.zeros(3),
        X,
        y,
        learning_rate=0.05,
        epochs=15,
        batch_size=batch_size,
        rng=np.random.default_rng(1),
    )
    if len(losses) != 15:
        fail(f"gradient_descent: expected one loss per epoch (15), got {len(losses)}")
    check_scalar(losses[-1], losses_ref[-1], f"gradient_descent (batch_size {batch_size}): final loss", rtol=0.05)


@pytest.mark.exercise("add_gradient_noise", points=1)
@pytest.mark.parametrize("step,eta,gamma", [(0, 0.01, 0.55), (9, 0.3, 0.55), (99, 1.0, 1.0), (1000, 4.0, 0.3)])
def test_noise_has_the_annealed_variance(training, step, eta, gamma):
    dw = np.random.default_rng(5).normal(size=(300, 400))
    copy = dw.copy()
    noisy = np.asarray(training.add_gradient_noise(dw, step, np.random.default_rng(6), eta=eta, gamma=gamma))
    check_unchanged([dw], [copy], "add_gradient_noise")
    if noisy.shape != dw.shape:
        fail(f"add_gradient_noise: shape {noisy.shape}, expected {dw.shape}")
    noise = noisy - dw
    sigma = np.sqrt(eta / (1 + step) ** gamma)
    check_scalar(noise.std(), sigma, f"add_gradient_noise: standard deviation of the noise at step {step}", rtol=0.01)
    check_scalar(noise.mean() / sigma, 0.0, "add_gradient_noise: the noise must have mean 0", atol=0.01)


@pytest.mark.exercise("add_gradient_noise", points=1)
def test_noise_defaults_and_repeatability(training):
    dw = np.zeros(200_000)
    a = np.asarray(training.add_gradient_noise(dw, 3, np.random.default_rng(9)))
    b = np.asarray(training.add_gradient_noise(dw, 3, np.random.default_rng(9)))
    check_close(a, b, "add_gradient_noise: the same rng seed must give the same noise")
    check_scalar(
        a.std(), np.sqrt(0.01 / 4**0.55), "add_gradient_noise: noise std with the defaults at step 3", rtol=0.01
    )


SEQUENCES = [
    (0.0, 0, [1.0, 0.9, 0.9, 0.8]),
    (0.0, 2, [1.0, 1.0, 0.9, 1.0, 1.0, 0.5]),
    (0.1, 1, [1.0, 0.95, 0.85, 0.84, 0.8, 0.2]),
    (0.05, 3, [2.0, 1.0, 0.97, 0.99, 0.96, 0.9, 0.89, 0.88, 0.87, 0.86]),
    (0.0, 5, [3.0, 2.0, 1.0, 0.5, 0.25]),
]


@pytest.mark.exercise("EarlyStopping", points=1)
@pytest.mark.parametrize("min_delta,patience,losses", SEQUENCES)
def test_early_stopping_decisions(training, min_delta, patience, losses):
    mine, theirs = (
        training.EarlyStopping(min_delta=min_delta, patience=patience),
        ref.EarlyStopping(min_delta, patience),
    )
    for epoch, loss in enumerate(losses):
        expected = bool(theirs.step(loss))
        got = mine.step(loss)
        if bool(got) != expected:
            fail(f"EarlyStopping(min_delta={min_delta}, patience={patience}): wrong decision at epoch {epoch + 1}")
        if expected:
            break
