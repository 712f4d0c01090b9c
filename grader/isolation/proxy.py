"""The test process's side of isolation: student code behind a proxy.

``RemoteImplementation`` stands in for an in-process ``Implementation``:
``load("ch3.layers")`` returns a module proxy whose attributes are fetched
from the worker through a ``grader.isolation.client.WorkerClient``. Values
come back decoded by ``grader.isolation.codec`` (plain data only), other
objects as ``RemoteObject`` handles. Functions the test passes in are called
back; arrays the student modified in place are copied back into the caller's
arrays; random generators advance as they would in-process.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

from grader.defaults import CALL_TIMEOUT_S, TEST_TIMEOUT_S
from grader.given import given_chapters, write_view
from grader.implementations import MissingChapter
from grader.isolation.client import StudentCodeError, WorkerClient, WorkerStartError
from grader.isolation.uids import claim_uid
from grader.staging import stage

OPENCL_CHAPTER = "ch10"  # its device tests run on the devices its worker sees


class RemoteObject:
    """A student's object that lives in the worker."""

    __slots__ = ("__weakref__", "_client", "_generation", "_handle", "_target", "_type")

    def __init__(self, client: WorkerClient, target: dict, type_name: str):
        object.__setattr__(self, "_client", client)
        object.__setattr__(self, "_target", target)
        object.__setattr__(self, "_handle", target.get("handle"))
        object.__setattr__(self, "_generation", client.generation)
        object.__setattr__(self, "_type", type_name)
        if self._handle is not None:
            client.hold(self, self._handle)

    def _check(self) -> dict:
        if "handle" in self._target and self._generation != self._client.generation:
            raise StudentCodeError(f"this {self._type} was lost when your code ended the worker")
        return self._target

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)  # numpy and pytest probe dunders; never ask the student's code
        client, module = self._client, self._target.get("module")
        if module is not None and (module, name) in client.module_attributes:
            return client.module_attributes[module, name]
        value = client.operation("getattr", self._check(), name=name)
        if module is not None and isinstance(value, RemoteObject):
            client.module_attributes[module, name] = value  # a module's functions: one lookup per worker
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        self._client.operation("setattr", self._check(), name=name, value=value)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._client.call(self._check(), args, kwargs)

    def __getitem__(self, key: Any) -> Any:
        return self._client.operation("getitem", self._check(), key=key)

    def __iter__(self) -> Any:
        return self._client.operation("iter", self._check())

    def __next__(self) -> Any:
        return self._client.operation("next", self._check())

    def __repr__(self) -> str:
        return f"<{self._type} in the student's code>"

    __array_ufunc__ = None  # `array * obj` becomes obj.__rmul__(array), evaluated in the worker


def _remote_operator(name: str, reflected: bool = False) -> Callable[..., Any]:
    """``obj + other`` (or ``other + obj``): ``operator.name`` applied in the worker, as Python would."""

    def method(self: RemoteObject, *other: Any) -> Any:
        args = (*other, self) if reflected else (self, *other)
        return self._client.call({"operator": name}, args, {})

    return method


for _name in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul"):
    setattr(RemoteObject, f"__{_name}__", _remote_operator(_name))
    setattr(RemoteObject, f"__r{_name}__", _remote_operator(_name, reflected=True))
for _name in ("neg", "pos", "abs"):
    setattr(RemoteObject, f"__{_name}__", _remote_operator(_name))


def share_workers(chapters: list[str]) -> list[list[str]]:
    """Chapters grouped so that no worker holds the reference of a chapter whose code it runs: a chapter
    joins the first group that is given none of its code and gives it none (ch3, ch6 and ch10 share one
    worker; ch5 and ch8, both built on ch3, another)."""
    groups: list[list[str]] = []
    for chapter in chapters:
        needs = given_chapters(chapter)
        for group in groups:
            if not needs & set(group) and not any(chapter in given_chapters(other) for other in group):
                group.append(chapter)
                break
        else:
            groups.append([chapter])
    return groups


class RemoteImplementation:
    """``--impl=PATH --isolate``: the submission runs in worker processes.

    The folder is staged (``grader.staging``) into a private scratch folder. A worker sees
    only the views (``grader.given``) of the chapters it grades: the student's chapter and the
    reference modules of other chapters it imports, in a folder of its own that its sandbox
    receives read-only. Chapters that build on each other never share a worker
    (``share_workers``), so no worker holds the reference of a chapter whose code it runs.
    ``chapters`` (those the tests will ask for; by default all) that the submission holds are
    grouped ahead, and their workers boot one after the other while pytest collects; a chapter
    it lacks needs no worker.
    """

    def __init__(
        self,
        folder: Path,
        use_sandbox: bool,
        hide: Sequence[str] = (),
        limits: dict | None = None,
        call_timeout: float = CALL_TIMEOUT_S,
        test_timeout: float = TEST_TIMEOUT_S,
        chapters: Sequence[str] = (),
    ):
        self.root = folder
        self.use_sandbox, self.hide, self.limits = use_sandbox, list(hide), limits or {}
        self.call_timeout, self.test_timeout = call_timeout, test_timeout
        self._scratch = tempfile.TemporaryDirectory(prefix="dlgrade-worker-")
        os.chmod(self._scratch.name, 0o700)
        self._staged = Path(self._scratch.name) / "staged"
        stage(folder, self._staged)
        held = [p.name for p in sorted(self._staged.iterdir()) if p.is_dir()]
        planned = [chapter for chapter in chapters if chapter in held] if chapters else held
        groups = share_workers(planned)
        self._groups = {chapter: group for group in groups for chapter in group}
        self.clients: dict[str, WorkerClient] = {}  # per chapter; chapters of a group share one
        self._uid_locks: list[IO[str]] = []
        self._creating = threading.Lock()
        self._early_start = threading.Thread(target=self._start, args=([g[0] for g in groups],), daemon=True)
        self._early_start.start()

    def __repr__(self) -> str:
        return f"RemoteImplementation({self.root})"

    def _start(self, chapters: list[str]) -> None:
        for chapter in chapters:
            with contextlib.suppress(WorkerStartError):  # kept in client.start_error; the first call raises it
                self.client(chapter).ensure_started()

    def client(self, chapter: str) -> WorkerClient:
        """The worker of ``chapter``'s group (created on first use, started on first request)."""
        with self._creating:
            if chapter not in self.clients:
                group = self._groups.get(chapter, [chapter])
                scratch = Path(self._scratch.name) / f"worker-{group[0]}"
                scratch.mkdir(mode=0o700)
                for member in group:
                    write_view(self._staged, member, scratch / "submission" / member)
                uid, lock = claim_uid() if self.use_sandbox and os.geteuid() == 0 else (os.getuid(), None)
                if lock is not None:
                    self._uid_locks.append(lock)
                client = WorkerClient(scratch, self.use_sandbox, uid, self.hide, self.limits, self.call_timeout)
                self.clients.update(dict.fromkeys(group, client))
            return self.clients[chapter]

    def load(self, module: str) -> RemoteObject | MissingChapter:
        chapter = module.split(".")[0]
        if not (self._staged / chapter).is_dir():
            return MissingChapter(chapter)  # no worker needed to say so
        return RemoteObject(self.client(chapter), {"module": module}, f"module {module}")

    def opencl_devices(self) -> list[dict]:
        """The OpenCL devices ch10's worker sees (the ones the device tests must run on); none, and
        no worker started, when the submission holds no ch10."""
        if not (self._staged / OPENCL_CHAPTER).is_dir():
            return []
        return self.client(OPENCL_CHAPTER).opencl_devices()

    @property
    def start_error(self) -> WorkerStartError | None:
        """Why a worker could not start (None while every worker started so far did)."""
        return next((c.start_error for c in set(self.clients.values()) if c.start_error is not None), None)

    def begin_test(self) -> None:
        deadline = time.monotonic() + self.test_timeout
        for client in set(self.clients.values()):
            client.test_deadline = deadline

    def end_test(self) -> None:
        for client in set(self.clients.values()):
            client.test_deadline = None

    def close(self) -> None:
        self._early_start.join()
        for client in set(self.clients.values()):
            client.stop()
        self._scratch.cleanup()
        for lock in self._uid_locks:
            lock.close()
