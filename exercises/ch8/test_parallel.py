# Public tests: `pytest exercises/ch8/test_parallel.py` runs them; `dlgrade check` shows your progress.
"""Public tests for parallel.py (a few seconds: processes start and talk)."""

import pytest

from grader.testing import call_unchanged

from .data import sparse_logistic_loss, sparse_logistic_problem
from .parallel import downpour, hogwild, serial_sgd

# Starting processes is slow on some machines: more than the usual few seconds per test.
pytestmark = pytest.mark.timeout(30)

PROBLEM = sparse_logistic_problem(n_samples=1000, n_features=100, nnz=5, seed=0)


@pytest.fixture(scope="module")
def serial_loss():
    return sparse_logistic_loss(serial_sgd(PROBLEM, epochs=5, learning_rate=0.1), PROBLEM)


@pytest.mark.exercise("hogwild")
def test_hogwild_with_two_processes_matches_serial_sgd(serial_loss):
    w = call_unchanged(hogwild, PROBLEM, n_workers=2, epochs=5, learning_rate=0.1)  # PROBLEM left alone
    assert w.shape == (100,)
    assert sparse_logistic_loss(w, PROBLEM) == pytest.approx(serial_loss, rel=0.05)


@pytest.mark.exercise("downpour")
def test_downpour_with_two_replicas_matches_serial_sgd(serial_loss):
    w = call_unchanged(downpour, PROBLEM, n_replicas=2, epochs=5, learning_rate=0.1, sync_every=10)
    assert w.shape == (100,)
    assert sparse_logistic_loss(w, PROBLEM) == pytest.approx(serial_loss, rel=0.05)
