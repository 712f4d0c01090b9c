"""Where grading tasks run: threads on this machine, or an existing Dask cluster.

``dlgrade grade`` has one scheduling path: it submits one ``GradingTask`` per
student to a ``concurrent.futures`` executor and handles each result as it
comes. Locally (the default) the executor is a pool of ``--jobs`` threads,
each waiting on its own sandboxed pytest process; with ``--scheduler
tcp://HOST:PORT`` (or ``DLGRADE_SCHEDULER``) it is a Dask client's executor,
so the scheduler places the tasks on its workers, and reruns on another
worker the tasks of a worker that dies. At most ``window`` tasks are in
flight, so the client holds only that many submissions in memory.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass

from grader.errors import CommandError
from grader.grading.tasks import CourseMismatch, GradingTask, TaskResult, run_task

SCHEDULER_VARIABLE = "DLGRADE_SCHEDULER"
CONNECT_TIMEOUT_S = 30
TASKS_PER_THREAD = 4  # in flight per worker thread of the cluster: a queue for each, never the whole class


class ClusterError(CommandError):
    """The cluster cannot be reached or used: one line, exit 2."""


@dataclass
class Pool:
    executor: Executor
    window: int  # tasks in flight at most
    where: str  # for messages: "this machine" or the scheduler's address


def scheduler_address(option: str | None) -> str | None:
    return option or os.environ.get(SCHEDULER_VARIABLE) or None


@contextmanager
def pool(scheduler: str | None, jobs: int) -> Iterator[Pool]:
    """An executor for grading tasks: ``jobs`` threads here, or the Dask cluster at ``scheduler``."""
    if not scheduler:
        with ThreadPoolExecutor(max_workers=jobs) as threads:
            yield Pool(threads, jobs, "this machine")
        return
    try:
        from distributed import Client
    except ImportError:
        raise ClusterError("--scheduler needs Dask: pip install 'distributed>=2024.8' (the [cluster] extra)") from None
    try:
        client = Client(scheduler, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
    except OSError as error:
        raise ClusterError(f"cannot reach the Dask scheduler at {scheduler}: {error}") from None
    try:
        if not client.nthreads():
            client.wait_for_workers(1, timeout=CONNECT_TIMEOUT_S)
        threads = sum(client.nthreads().values())
    except TimeoutError:
        client.close()
        raise ClusterError(f"the Dask scheduler at {scheduler} has no worker") from None
    try:
        yield Pool(client.get_executor(pure=False), max(TASKS_PER_THREAD * threads, jobs), scheduler)
    finally:
        client.close()


def run_all(where: Pool, tasks: Iterable[GradingTask], on_result: Callable[[GradingTask, TaskResult], None]) -> None:
    """Run every task on ``where`` (at most its window at once) and hand each result to ``on_result``.

    A task's exception stops the run: what is still queued is cancelled and the exception raised.
    """
    pending = iter(tasks)
    running: dict[Future, GradingTask] = {}

    def refill() -> None:
        while len(running) < where.window and (task := next(pending, None)) is not None:
            running[where.executor.submit(run_task, task)] = task

    refill()
    try:
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                task = running.pop(future)
                try:
                    ran = future.result()
                except CourseMismatch as error:
                    raise ClusterError(str(error)) from None
                except Exception as error:
                    if type(error).__module__.startswith("distributed"):  # e.g. KilledWorker: it killed workers
                        raise ClusterError(f"{where.where}: grading {task.student} failed: {error}") from None
                    raise
                on_result(task, ran)
            refill()
    finally:
        for future in running:
            future.cancel()
