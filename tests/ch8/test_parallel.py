"""Hidden suite for ch8/parallel.py: Hogwild and Downpour reach the loss of
serial SGD (within 5 %) on a sparse logistic regression. Processes run
concurrently, so results vary a little from run to run: only tolerances."""

import numpy as np
import pytest

from grader.testing import check_scalar, fail, implementation_of, reference

parallel = implementation_of("ch8.parallel")
ref = reference("ch8.parallel")
data = reference("ch8.data")

HIDDEN_PROBLEM = data.sparse_logistic_problem(n_samples=1500, n_features=150, nnz=4, seed=3)
SERIAL = data.sparse_logistic_loss(ref.serial_sgd(HIDDEN_PROBLEM, epochs=4, learning_rate=0.1, seed=1), HIDDEN_PROBLEM)


def final_loss(w, what):
    w = np.asarray(w, dtype=np.float64)
    if w.shape != (HIDDEN_PROBLEM["n_features"],):
        fail(f"{what}: expected weights of shape ({HIDDEN_PROBLEM['n_features']},), got {w.shape}")
    return data.sparse_logistic_loss(w, HIDDEN_PROBLEM)


@pytest.mark.exercise("hogwild", points=2)
@pytest.mark.parametrize("n_workers", [1, 2, 3])
def test_hogwild_reaches_serial_loss(parallel, n_workers):
    w = parallel.hogwild(HIDDEN_PROBLEM, n_workers=n_workers, epochs=4, learning_rate=0.1, seed=1)
    check_scalar(
        final_loss(w, "hogwild"),
        SERIAL,
        f"hogwild with {n_workers} processes: final loss against serial SGD",
        rtol=0.05,
    )


@pytest.mark.exercise("downpour", points=2)
@pytest.mark.parametrize("n_replicas,sync_every", [(1, 10), (2, 10), (3, 25)])
def test_downpour_reaches_serial_loss(parallel, n_replicas, sync_every):
    w = parallel.downpour(
        HIDDEN_PROBLEM, n_replicas=n_replicas, epochs=4, learning_rate=0.1, sync_every=sync_every, seed=1
    )
    check_scalar(
        final_loss(w, "downpour"),
        SERIAL,
        f"downpour with {n_replicas} replicas, sync every {sync_every}: final loss against serial SGD",
        rtol=0.05,
    )
