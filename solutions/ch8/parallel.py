"""Parallel and distributed SGD: Hogwild and Downpour, with processes.

Both train the sparse logistic regression of ``data.sparse_logistic_problem``
(each example touches only ``nnz`` of the D weights) and should reach about
the loss of serial SGD with the same number of updates.

- Hogwild (Niu et al. 2011): several processes run SGD on one weight vector
  in shared memory, without any lock. Updates are sparse, so they rarely
  collide, and a collision costs little.
- Downpour (Dean et al. 2012): model replicas train on shards of the data
  with their own copy of the weights; now and then each pushes its
  accumulated update to a parameter server (a process holding the global
  weights) and pulls the current global weights back. Nobody waits for
  anybody: replicas and server run asynchronously.

Processes come from ``multiprocessing.get_context("fork")``: the children
start as copies of the parent, so worker functions and data need no
pickling. Worker functions live at module level. A parent must never hang
when a child fails: check exit codes, and use timeouts where it waits.

Inputs are never changed in place: no function here modifies an array, list or dict it is
given (write ``x = x * 2``, not ``x *= 2``; copy before changing). The tests check it after
every call and name the input that changed.
"""

import multiprocessing
import queue

import numpy as np

from .data import sparse_logistic_loss  # noqa: F401  (re-exported for convenience)


def sgd_steps(w, problem, indices, learning_rate):
    """Plain SGD on the examples ``indices``, one after the other, IN PLACE on w.

    For each example i: z = vals[i] @ w[cols[i]], p = sigmoid(z),
    w[cols[i]] -= learning_rate * (p - y[i]) * vals[i]. Only nnz entries of
    w change per step, which is what makes Hogwild work. Modifying w in place
    is the point here (w may live in shared memory).
    """
    cols, vals, y = problem["cols"], problem["vals"], problem["y"]
    for i in indices:
        idx, x = cols[i], vals[i]
        z = x @ w[idx]
        p = 1.0 / (1.0 + np.exp(-z)) if z >= 0 else np.exp(z) / (1.0 + np.exp(z))
        w[idx] -= learning_rate * (p - y[i]) * x


def shards(n_samples, n_parts):
    """Example indices of each part: part k holds k, k + n_parts, k + 2 n_parts, ..."""
    return [np.arange(k, n_samples, n_parts) for k in range(n_parts)]


def serial_sgd(problem, epochs=5, learning_rate=0.1, seed=0):
    """The baseline: one process, each epoch a fresh shuffle of all examples.

    Returns the weights, shape (D,), starting from zeros.
    """
    rng = np.random.default_rng(seed)
    w = np.zeros(problem["n_features"])
    for _ in range(epochs):
        sgd_steps(w, problem, rng.permutation(len(problem["y"])), learning_rate)
    return w


def _context():
    return multiprocessing.get_context("fork")


def _wait_all(processes, what):
    """Join every process; raise RuntimeError if one failed."""
    for process in processes:
        process.join()
    failed = [p.exitcode for p in processes if p.exitcode != 0]
    if failed:
        raise RuntimeError(f"{what}: {len(failed)} process(es) failed (exit codes {failed})")


def hogwild_worker(shared, problem, indices, epochs, learning_rate, seed):
    """One Hogwild process: SGD on its examples, straight into shared memory.

    Wraps ``shared`` (a multiprocessing RawArray of D doubles) as a numpy
    array without copying (np.frombuffer) and, for each epoch, runs
    sgd_steps on a fresh permutation of ``indices`` drawn from
    np.random.default_rng(seed). No lock anywhere.
    """
    ### BEGIN SOLUTION
    w = np.frombuffer(shared, dtype=np.float64)
    rng = np.random.default_rng(seed)
    for _ in range(epochs):
        sgd_steps(w, problem, rng.permutation(indices), learning_rate)
    ### END SOLUTION


def hogwild(problem, n_workers=2, epochs=5, learning_rate=0.1, seed=0):
    """Lock-free parallel SGD: n_workers processes update shared weights.

    The weights start at zero in a RawArray (shared memory without a lock).
    Worker k runs hogwild_worker on shards(N, n_workers)[k] for ``epochs``
    epochs, seeded with seed + k, so together the workers make as many
    updates as serial_sgd. The parent starts them all, waits for all, and
    raises RuntimeError if one of them failed.

    Inputs:
    - problem: dict from data.sparse_logistic_problem
    - n_workers: number of processes, >= 1
    - epochs: passes of each worker over its shard
    - learning_rate: SGD step size
    - seed: seeds the workers' shuffles

    Returns:
    - w: the final weights, a plain numpy array of shape (D,)
    """
    ### BEGIN SOLUTION
    ctx = _context()
    shared = ctx.RawArray("d", problem["n_features"])
    parts = shards(len(problem["y"]), n_workers)
    workers = [
        ctx.Process(target=hogwild_worker, args=(shared, problem, parts[k], epochs, learning_rate, seed + k))
        for k in range(n_workers)
    ]
    for worker in workers:
        worker.start()
    _wait_all(workers, "hogwild")
    w = np.array(np.frombuffer(shared, dtype=np.float64))
    ### END SOLUTION
    return w


def parameter_server(n_features, n_replicas, requests, replies, results):
    """The Downpour parameter server: holds the global weights (zeros at first).

    Serves messages from the ``requests`` queue, in arrival order, until
    every replica has said it is done, then puts the final weights on
    ``results``:
    - ("push", k, delta): w <- w + delta (a replica's accumulated update)
    - ("pull", k): put a copy of w on replies[k]
    - ("done", k): replica k has finished
    """
    ### BEGIN SOLUTION
    w = np.zeros(n_features)
    done = 0
    while done < n_replicas:
        message = requests.get()
        if message[0] == "push":
            w += message[2]
        elif message[0] == "pull":
            replies[message[1]].put(w.copy())
        else:
            done += 1
    results.put(w)
    ### END SOLUTION


def downpour_replica(k, problem, indices, epochs, learning_rate, sync_every, seed, requests, reply):
    """Downpour model replica k: local SGD on its shard, in sync every few steps.

    Pulls the global weights, then for each epoch goes through a fresh
    permutation of ``indices`` (np.random.default_rng(seed)) doing sgd_steps
    on its local copy; after every ``sync_every`` examples (and once at the
    end) it pushes its accumulated update (local - weights last pulled) and
    pulls the current global weights. Finally it sends ("done", k). Waits for
    replies at most 60 s.
    """

    ### BEGIN SOLUTION
    def pull():
        requests.put(("pull", k))
        return reply.get(timeout=60)

    rng = np.random.default_rng(seed)
    base = pull()
    local = base.copy()
    for _ in range(epochs):
        order = rng.permutation(indices)
        for start in range(0, len(order), sync_every):
            sgd_steps(local, problem, order[start : start + sync_every], learning_rate)
            requests.put(("push", k, local - base))
            base = pull()
            local = base.copy()
    requests.put(("done", k))
    ### END SOLUTION


def downpour(problem, n_replicas=2, epochs=5, learning_rate=0.1, sync_every=10, seed=0):
    """Downpour SGD: replicas on data shards and one parameter-server process.

    Starts parameter_server and n_replicas downpour_replica processes
    (replica k on shards(N, n_replicas)[k], seeded with seed + k), with one
    requests queue to the server and one reply queue per replica. Waits for
    the final weights on a results queue, checking while waiting that no
    process has failed (RuntimeError if one has, after terminating the
    others), then joins all processes.

    Inputs:
    - problem: dict from data.sparse_logistic_problem
    - n_replicas: number of replica processes, >= 1
    - epochs: passes of each replica over its shard
    - learning_rate: SGD step size of the replicas
    - sync_every: examples between a replica's push/pull
    - seed: seeds the replicas' shuffles

    Returns:
    - w: the server's final weights, shape (D,)
    """
    ### BEGIN SOLUTION
    ctx = _context()
    requests, results = ctx.Queue(), ctx.Queue()
    replies = [ctx.Queue() for _ in range(n_replicas)]
    parts = shards(len(problem["y"]), n_replicas)
    server = ctx.Process(target=parameter_server, args=(problem["n_features"], n_replicas, requests, replies, results))
    replicas = [
        ctx.Process(
            target=downpour_replica,
            args=(k, problem, parts[k], epochs, learning_rate, sync_every, seed + k, requests, replies[k]),
        )
        for k in range(n_replicas)
    ]
    processes = [server, *replicas]
    for process in processes:
        process.start()
    while True:
        try:
            w = results.get(timeout=0.2)
            break
        except queue.Empty:
            if any(p.exitcode not in (None, 0) for p in processes):
                for p in processes:
                    p.terminate()
                _wait_all(processes, "downpour")
    _wait_all(processes, "downpour")
    ### END SOLUTION
    return w
