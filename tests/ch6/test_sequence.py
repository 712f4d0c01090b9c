"""Hidden suite for ch6/sequence.py.

Temporal affine layer against autograd; the masked temporal softmax loss
(value and gradient) against autograd for full, partial, empty-row masks and
a batch of one; the toy recurrence and the linear RNN fitted to it, on the
book's y_t = -0.5 y_{t-1} + x_t and on another recurrence of the same form.
"""

import autograd.numpy as anp
import numpy as np
import pytest

from grader.testing import (
    as_array,
    autograd_vjp,
    check_backward,
    check_close,
    check_scalar,
    check_unchanged,
    fail,
    implementation_of,
    reference,
    run_forward,
    snapshot,
    unpack_pair,
    unpack_tuple,
)

seq = implementation_of("ch6.sequence")
ref = reference("ch6.sequence")

AFFINE_SHAPES = [(1, 1, 3, 2), (2, 4, 3, 5), (3, 2, 5, 1)]  # (N, T, D, M)


def affine_inputs(N, T, D, M, *, seed):
    rng = np.random.default_rng(seed)
    return rng, [rng.normal(size=(N, T, D)), rng.normal(size=(D, M)), rng.normal(size=M)]


def affine_autograd(x, w, b):
    return anp.dot(x, w) + b


@pytest.mark.exercise("temporal_affine_forward", points=1)
@pytest.mark.parametrize("shape", AFFINE_SHAPES)
def test_temporal_affine_forward_matches_reference(seq, shape):
    _, inputs = affine_inputs(*shape, seed=300)
    out, _ = run_forward(seq, "temporal_affine_forward", inputs)
    check_close(out, ref.temporal_affine_forward(*inputs)[0], "temporal_affine_forward output")


@pytest.mark.exercise("temporal_affine_backward", points=1)
@pytest.mark.parametrize("shape", AFFINE_SHAPES)
def test_temporal_affine_backward_matches_autograd(seq, shape):
    rng, inputs = affine_inputs(*shape, seed=301)
    check_backward(seq, "temporal_affine", inputs, affine_autograd, rng, ["dx", "dw", "db"])


def loss_autograd(x, y, mask):
    N, T, V = x.shape
    shifted = x - anp.max(x, axis=2, keepdims=True)
    log_probs = shifted - anp.log(anp.sum(anp.exp(shifted), axis=2, keepdims=True))
    picked = anp.sum(log_probs * np.eye(V)[y], axis=2)
    return -anp.sum(picked * mask) / N


def masks(kind, N, T, rng):
    if kind == "all":
        return np.ones((N, T), dtype=bool)
    if kind == "lengths":  # sequences of different lengths, padded at the end
        return np.arange(T)[None, :] < rng.integers(1, T + 1, size=N)[:, None]
    if kind == "random":
        return rng.random(size=(N, T)) < 0.5
    mask = rng.random(size=(N, T)) < 0.6  # one sequence fully masked out
    mask[0] = False
    return mask


LOSS_CASES = [
    (1, 1, 3, "all"),
    (1, 6, 4, "lengths"),
    (4, 5, 6, "all"),
    (4, 5, 6, "lengths"),
    (5, 3, 4, "random"),
    (3, 4, 5, "empty row"),
]


@pytest.mark.exercise("temporal_softmax_loss", points=1)
@pytest.mark.parametrize("N,T,V,kind", LOSS_CASES)
def test_temporal_softmax_loss_matches_autograd(seq, N, T, V, kind):
    rng = np.random.default_rng(310 + N * T)
    x, y = 2 * rng.normal(size=(N, T, V)), rng.integers(V, size=(N, T))
    mask = masks(kind, N, T, rng)
    copies = snapshot(x, y, mask)
    loss, dx = unpack_pair(seq.temporal_softmax_loss(x, y, mask), "temporal_softmax_loss")
    check_unchanged([x, y, mask], copies, "temporal_softmax_loss")
    check_scalar(loss, loss_autograd(x, y, mask), f"temporal_softmax_loss ({kind} mask): loss")
    check_close(dx, autograd_vjp(loss_autograd, [x, y, mask], 0, 1.0), f"temporal_softmax_loss ({kind} mask): dx")


@pytest.mark.exercise("temporal_softmax_loss", points=1)
def test_temporal_softmax_loss_large_scores(seq):
    rng = np.random.default_rng(319)
    x, y = 500 * rng.normal(size=(2, 3, 4)), rng.integers(4, size=(2, 3))
    mask = np.ones((2, 3), dtype=bool)
    with np.errstate(over="raise", invalid="raise"):
        loss, dx = unpack_pair(seq.temporal_softmax_loss(x, y, mask), "temporal_softmax_loss")
    check_scalar(loss, loss_autograd(x, y, mask), "temporal_softmax_loss with scores near +-1000: loss")
    check_close(
        dx, autograd_vjp(loss_autograd, [x, y, mask], 0, 1.0), "temporal_softmax_loss with scores near +-1000: dx"
    )


@pytest.mark.exercise("toy_sequences", points=1)
@pytest.mark.parametrize("N,T", [(1, 1), (1, 7), (5, 3), (4, 12)])
def test_toy_sequences_follow_the_recurrence(seq, N, T):
    x, y = unpack_pair(seq.toy_sequences(N, T, seed=7), "toy_sequences")
    x, y = as_array(x, "toy_sequences: x"), as_array(y, "toy_sequences: y")
    if x.shape != (N, T) or y.shape != (N, T):
        fail(f"toy_sequences({N}, {T}): x and y must have shape ({N}, {T}), got {x.shape} and {y.shape}")
    expected, previous = np.zeros((N, T)), np.zeros(N)
    for t in range(T):
        previous = -0.5 * previous + x[:, t]
        expected[:, t] = previous
    check_close(y, expected, "toy_sequences: y_t = -0.5 y_{t-1} + x_t with y_{-1} = 0")


@pytest.mark.exercise("toy_sequences", points=1)
def test_toy_sequences_are_random_but_reproducible(seq):
    x1, _ = unpack_pair(seq.toy_sequences(3, 5, seed=1), "toy_sequences")
    x2, _ = unpack_pair(seq.toy_sequences(3, 5, seed=1), "toy_sequences")
    x3, _ = unpack_pair(seq.toy_sequences(3, 5, seed=2), "toy_sequences")
    check_close(x2, as_array(x1, "toy_sequences: x"), "toy_sequences: the same seed must give the same x")
    if np.allclose(as_array(x1, "x"), as_array(x3, "x")):
        fail("toy_sequences: different seeds must give different inputs")
    x, _ = unpack_pair(seq.toy_sequences(200, 50, seed=3), "toy_sequences")
    x = as_array(x, "toy_sequences: x")
    if abs(x.mean()) > 0.05 or abs(x.std() - 1) > 0.05:
        fail("toy_sequences: x must be standard normal (mean 0, standard deviation 1)")


def recurrence(W, U, b, N, T, seed):
    x = np.random.default_rng(seed).normal(size=(N, T))
    y, previous = np.zeros((N, T)), np.zeros(N)
    for t in range(T):
        previous = W * previous + U * x[:, t] + b
        y[:, t] = previous
    return x, y


def check_fit(seq, x, y, truth, what):
    copies = snapshot(x, y)
    weights = unpack_tuple(seq.fit_toy_rnn(x, y), 3, "fit_toy_rnn")
    check_unchanged([x, y], copies, "fit_toy_rnn")
    for value, expected, name in zip(weights, truth, ["W", "U", "b"]):
        check_scalar(
            value, expected, f"fit_toy_rnn ({what}): fitted {name} is not close to {expected}", rtol=0, atol=0.02
        )


@pytest.mark.exercise("fit_toy_rnn", points=2)
def test_fit_toy_rnn_recovers_the_books_weights(seq):
    x, y = recurrence(-0.5, 1.0, 0.0, 24, 15, seed=320)
    check_fit(seq, x, y, (-0.5, 1.0, 0.0), "y_t = -0.5 y_{t-1} + x_t")


@pytest.mark.exercise("fit_toy_rnn", points=2)
def test_fit_toy_rnn_recovers_another_recurrence(seq):
    x, y = recurrence(0.3, 2.0, 0.1, 16, 15, seed=321)
    check_fit(seq, x, y, (0.3, 2.0, 0.1), "y_t = 0.3 y_{t-1} + 2 x_t + 0.1")


@pytest.mark.exercise("fit_toy_rnn", points=1)
def test_fit_toy_rnn_on_one_sequence(seq):
    x, y = recurrence(-0.5, 1.0, 0.0, 1, 40, seed=322)
    check_fit(seq, x, y, (-0.5, 1.0, 0.0), "a batch of one sequence")
